"""``elongate``: stretched words for emphasis ("bhai" → "bhaiii", "plz" → "plzzz", "nahi" → "nahiii").

The last letter of a chosen word is repeated ``min_extra``–``max_extra`` more times (default 2–4);
where the word ends in a vowel followed by "h" or "n" ("yaar", "haan"), the vowel stretches
instead ("yaaar", "haaan") half the time, as people type it.

Rate: the share of eligible words stretched. Eligible: an unprotected Roman word of at least two
letters, letters only.
"""

from __future__ import annotations

import random

from tadka.augment.text.base import WordOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

_VOWELS = frozenset("aeiouAEIOU")


@text_ops.register("elongate")
class Elongation(WordOp):
    """Repeat the last letter (or the last vowel) of a word."""

    name = "elongate"
    unit = "Roman word"
    defaults = {"min_extra": 2, "max_extra": 4}

    def check(self) -> None:
        lo, hi = int(self.params["min_extra"]), int(self.params["max_extra"])
        if not 1 <= lo <= hi:
            raise ConfigError("need 1 <= min_extra <= max_extra", field="elongate.min_extra")

    def eligible(self, piece: Piece) -> bool:
        w = piece.text
        return len(w) >= 2 and w.isascii() and w.isalpha()

    def change(self, word: str, rng: random.Random) -> str:
        extra = rng.randint(self.params["min_extra"], self.params["max_extra"])
        i = len(word) - 1
        if len(word) >= 3 and word[-1] in "hnrHNR" and word[-2] in _VOWELS and rng.random() < 0.5:
            i = len(word) - 2
        return word[: i + 1] + word[i] * extra + word[i + 1 :]
