"""``lowercase`` and ``nopunct``: the capitals and punctuation a phone user never types.

* ``lowercase`` — a word with a capital letter is written in lowercase ("Bhai" → "bhai").
  Rate: the share of eligible words lowered. Eligible: an unprotected word with an uppercase
  letter (names, acronyms and other entities are protected, so "UPI" stays).
* ``nopunct`` — a punctuation mark is left out ("hai." → "hai", "kya?" → "kya"). Rate: the share
  of eligible marks dropped. Eligible: an unprotected punctuation token made of the marks in
  ``marks`` (by default . , ! ? ; : and runs of them: "...", "!!"); where dropping a mark would
  glue two words together ("hai.Main") it becomes a space, and a space left doubled is closed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from tadka.augment.text.base import Tally, TextOp, WordOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError


@text_ops.register("lowercase")
class Lowercase(WordOp):
    """Lowercase words with capitals."""

    name = "lowercase"
    unit = "word with a capital"

    def eligible(self, piece: Piece) -> bool:
        return piece.text != piece.text.lower()

    def change(self, word: str, rng: random.Random) -> str:
        return word.lower()


@text_ops.register("nopunct")
class DropPunctuation(TextOp):
    """Leave out punctuation marks."""

    name = "nopunct"
    unit = "punctuation mark"
    defaults = {"marks": ".,!?;:…।"}

    def check(self) -> None:
        if not isinstance(self.params["marks"], str) or not self.params["marks"]:
            raise ConfigError("expected a non-empty string of marks", field="nopunct.marks")
        self._marks = frozenset(self.params["marks"])

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        out: list[str] = []
        marks = self._marks
        changed = False
        skip_space = False
        n = len(pieces)
        for i, p in enumerate(pieces):
            if skip_space:
                skip_space = False
                if p.text == " ":
                    continue
            if p.kind == "punct" and all(ch in marks for ch in p.text):
                tally.eligible += 1
                if rng.random() < self.rate:
                    tally.changed += 1
                    changed = True
                    before = pieces[i - 1].kind if i else None
                    after = pieces[i + 1].kind if i + 1 < n else None
                    if before is not None and after is not None and before != "space" and after != "space":
                        out.append(" ")  # "hai.Main" → "hai Main", not "haiMain"
                    elif before == "space" and after == "space":
                        skip_space = True  # "hai . Main" → "hai Main"
                    continue
            out.append(p.text)
        return out if changed else None
