"""``digits``: Devanagari ↔ ASCII digits ("₹500" ↔ "₹५००", "10:30" ↔ "१०:३०").

Hindi text is written with either set of digits, often both in one chat. This is the one op that
touches numbers, and only their digits' script: the value, separators, currency and units stay,
so converting the digits back gives the original text. Numbers inside code, URLs and e-mail
addresses are not number tokens and never change.

Rate: the share of eligible numbers converted. Eligible: a number token (money, units, times,
dates, plain numbers) with at least one digit; ``direction`` picks which ones (``both``: each flips
to the other script; ``to_native``; ``to_ascii``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from tadka.augment.text.base import Tally, TextOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

DIRECTIONS = ("both", "to_native", "to_ascii")
TO_NATIVE = str.maketrans("0123456789", "०१२३४५६७८९")
TO_ASCII = str.maketrans("०१२३४५६७८९", "0123456789")


def has_ascii_digit(s: str) -> bool:
    return any("0" <= ch <= "9" for ch in s)


def has_native_digit(s: str) -> bool:
    return any("०" <= ch <= "९" for ch in s)


@text_ops.register("digits")
class DigitScript(TextOp):
    """Write numbers in the other set of digits."""

    name = "digits"
    unit = "number"
    defaults = {"direction": "both"}

    def check(self) -> None:
        if self.params["direction"] not in DIRECTIONS:
            raise ConfigError(f"unknown direction {self.params['direction']!r}", field="digits.direction",
                              hint=", ".join(DIRECTIONS))

    def convert(self, number: str) -> str | None:
        """The number in the other digits, or None when ``direction`` does not apply to it."""
        direction = self.params["direction"]
        if has_native_digit(number) and direction != "to_native":
            return number.translate(TO_ASCII)
        if has_ascii_digit(number) and direction != "to_ascii":
            return number.translate(TO_NATIVE)
        return None

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        out: list[str] | None = None
        for i, p in enumerate(pieces):
            if p.kind != "number":
                continue
            new = self.convert(p.text)
            if new is None or new == p.text:
                continue
            tally.eligible += 1
            if rng.random() < self.rate:
                if out is None:
                    out = [q.text for q in pieces]
                out[i] = new
                tally.changed += 1
        return out
