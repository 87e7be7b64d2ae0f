"""``ocr``: what optical character recognition misreads ("rn" ↔ "m", "l" → "1", "O" → "0", "cl" → "d").

Sites are found left to right in each word, longest confusable sequence first, without overlap,
from corpora/noise_tables/ocr.tsv (Roman and a few Devanagari look-alikes: "ख" ↔ "रव", "घ" ↔ "ध",
"ब" ↔ "व"). A misread that would put a digit first in a word is not offered (it would turn the
word into a number; and as the first character never becomes a digit, no word ends up all digits).

Rate: the share of eligible sites misread. Eligible: a confusable sequence inside an unprotected
word (numbers, URLs, names are protected, so "2024" or "IRCTC" never change).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import lru_cache

from tadka.augment.text import tables
from tadka.augment.text.base import Tally, TextOp, text_ops
from tadka.augment.text.protect import Piece


@lru_cache(maxsize=1)
def _lengths() -> tuple[int, ...]:
    return tuple(sorted({len(k) for k in tables.ocr()}, reverse=True))


@lru_cache(maxsize=131072)
def sites(word: str) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """(position, sequence, possible misreads) of every confusable site in ``word``."""
    table = tables.ocr()
    out = []
    i = 0
    while i < len(word):
        for n in _lengths():
            seq = word[i : i + n]
            if len(seq) == n and seq in table:
                options = tuple(o for o in table[seq] if not (i == 0 and o[:1].isdigit()))
                if options:
                    out.append((i, seq, options))
                    i += n
                    break
        else:
            i += 1
    return tuple(out)


@text_ops.register("ocr")
class OcrConfusion(TextOp):
    """Misread look-alike characters."""

    name = "ocr"
    unit = "confusable character site"

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        out: list[str] | None = None
        for i, p in enumerate(pieces):
            if p.kind != "word":
                continue
            found = sites(p.text)
            if not found:
                continue
            tally.eligible += len(found)
            word = p.text
            parts: list[str] = []
            last = 0
            for pos, seq, options in found:
                if rng.random() < self.rate:
                    parts.append(word[last:pos])
                    parts.append(rng.choice(options))
                    last = pos + len(seq)
                    tally.changed += 1
            if last:
                parts.append(word[last:])
                if out is None:
                    out = [q.text for q in pieces]
                out[i] = "".join(parts)
        return out
