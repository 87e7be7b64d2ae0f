"""``vowels``: vowel dropping, the texting habit that turns "bahut" into "bht" and "karna" into "krna".

A chosen word loses each of its inner vowels (not the first letter, not the last) with probability
``drop`` (default 0.7), and always at least one, so "message" may become
"mssge", "msge" or "mesge", "samajh" "smjh" or "smajh". Only Roman letters count as vowels
(a e i o u); Devanagari vowel signs are never dropped.

Rate: the share of eligible words changed. Eligible: an unprotected Roman word of at least
``min_len`` letters with at least one inner vowel.
"""

from __future__ import annotations

import random

from tadka.augment.text.base import WordOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

VOWELS = frozenset("aeiouAEIOU")


@text_ops.register("vowels")
class VowelDrop(WordOp):
    """Drop inner vowels of Roman words."""

    name = "vowels"
    unit = "Roman word with an inner vowel"
    defaults = {"drop": 0.7, "min_len": 4}

    def check(self) -> None:
        if not 0 < float(self.params["drop"]) <= 1:
            raise ConfigError("must be in (0, 1]", field="vowels.drop")
        if int(self.params["min_len"]) < 3:
            raise ConfigError("must be at least 3", field="vowels.min_len")

    def eligible(self, piece: Piece) -> bool:
        w = piece.text
        return len(w) >= self.params["min_len"] and w.isascii() and w.isalpha() and any(ch in VOWELS for ch in w[1:-1])

    def change(self, word: str, rng: random.Random) -> str:
        inner = [i for i in range(1, len(word) - 1) if word[i] in VOWELS]
        drop = {i for i in inner if rng.random() < self.params["drop"]}
        if not drop:
            drop = {rng.choice(inner)}
        return "".join(ch for i, ch in enumerate(word) if i not in drop)
