"""``digits``: Devanagari ↔ ASCII digits, only where a writer of that script would type them.

Hindi text is written with either set of digits, often both in one chat — but only by someone
typing in Devanagari. Nobody on a Roman keyboard writes "mera number ९८७६५४३२१०", so a number whose
surroundings are Roman script keeps its ASCII digits (a Devanagari-digit number there only teaches
a model, and the PII step, something no user does). The rule, per number: it is in *Devanagari
context* when the nearest word before or after it on its line is Devanagari ("बिल 450 रुपये" →
"बिल ४५० रुपये"); a line without words takes the turn's majority script.

* ASCII → Devanagari digits: only in Devanagari context;
* Devanagari → ASCII digits: anywhere (Devanagari digits in Roman text are converted back, and
  people typing Devanagari use ASCII digits too).

This is the one op that touches numbers, and only their digits' script: the value, separators,
currency and units stay, so converting the digits back gives the original text. Numbers inside
code, URLs and e-mail addresses are not number tokens and never change.

Rate: the share of eligible numbers converted; ``direction`` picks which conversions are eligible
(``both``, ``to_native``, ``to_ascii``). The ops entry says what was done to the record:
``to_native`` and ``to_ascii``, numbers converted each way.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from tadka.augment.text.base import Tally, TextOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

DIRECTIONS = ("both", "to_native", "to_ascii")
TO_NATIVE = str.maketrans("0123456789", "०१२३४५६७८९")
TO_ASCII = str.maketrans("०१२३४५६७८९", "0123456789")
_WORDS = ("word", "entity")


def has_ascii_digit(s: str) -> bool:
    return any("0" <= ch <= "9" for ch in s)


def has_native_digit(s: str) -> bool:
    return any("०" <= ch <= "९" for ch in s)


def is_devanagari(word: str) -> bool:
    """A word written in Devanagari letters (U+0900–U+097F, digits and dandas aside)."""
    letters = [ch for ch in word if ch.isalpha() or "\u0900" <= ch <= "\u097f"]
    return bool(letters) and sum("\u0900" <= ch <= "\u097f" for ch in letters) * 2 > len(letters)


def devanagari_context(pieces: Sequence[Piece], i: int, majority: bool) -> bool:
    """Whether piece i (a number) sits among Devanagari words (see the module docstring)."""
    found = False
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(pieces) and "\n" not in pieces[j].text:
            if pieces[j].kind in _WORDS:
                if is_devanagari(pieces[j].text):
                    return True
                found = True
                break
            j += step
    return False if found else majority


@text_ops.register("digits")
class DigitScript(TextOp):
    """Write numbers in the other set of digits, where the script around them allows it."""

    name = "digits"
    unit = "number"
    defaults = {"direction": "both"}

    def check(self) -> None:
        if self.params["direction"] not in DIRECTIONS:
            raise ConfigError(
                f"unknown direction {self.params['direction']!r}", field="digits.direction", hint=", ".join(DIRECTIONS)
            )

    def convert(self, number: str, native_ok: bool = True) -> str | None:
        """The number in the other digits, or None when ``direction`` (or a Roman context, which
        rules out ASCII → Devanagari) does not allow it."""
        direction = self.params["direction"]
        if has_native_digit(number) and direction != "to_native":
            return number.translate(TO_ASCII)
        if has_ascii_digit(number) and direction != "to_ascii" and native_ok:
            return number.translate(TO_NATIVE)
        return None

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        out: list[str] | None = None
        words = [p for p in pieces if p.kind in _WORDS]
        majority = sum(is_devanagari(p.text) for p in words) * 2 > len(words) if words else False
        done = self.__dict__.setdefault("_done", {"to_native": 0, "to_ascii": 0})
        for i, p in enumerate(pieces):
            if p.kind != "number":
                continue
            new = self.convert(p.text, devanagari_context(pieces, i, majority))
            if new is None or new == p.text:
                continue
            tally.eligible += 1
            if rng.random() < self.rate:
                if out is None:
                    out = [q.text for q in pieces]
                out[i] = new
                tally.changed += 1
                done["to_ascii" if has_native_digit(p.text) else "to_native"] += 1
        return out

    def noise_messages(
        self, messages: list[dict[str, str]], rng: random.Random, tally: Tally
    ) -> list[dict[str, str]] | None:
        self._done = {"to_native": 0, "to_ascii": 0}  # what this call did, for describe()
        return super().noise_messages(messages, rng, tally)

    def describe(self, **extra: Any) -> str:
        done = self.__dict__.get("_done")
        if done and any(done.values()) and "to_native" not in extra:
            extra = {**extra, **done}
        return super().describe(**extra)
