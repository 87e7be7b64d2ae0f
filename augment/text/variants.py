"""``variants``: Hinglish spelling variation ("nahi" → "nhi", "bahut" → "bohot", "kyun" → "kyu").

Roman Hindi has no standard spelling, so the same writer types "accha", "acha" and "achha" in
one chat. The spellings come from the language pack's variant table (corpora/lexicon/variants.tsv,
read through tadka.lang): a word of a row — its canonical spelling or any listed variant — is
replaced by another spelling of the same row, chosen uniformly.

Rate: the share of eligible words replaced. Eligible: an unprotected word that the variant table
lists and that is Hindi in its turn (see :mod:`tadka.augment.text.protect`), so English "me" or
"he" are left alone. A record of another pack (``lang`` ta-Latn+en) takes that pack's table
(romba → rombha, illa → ila) for the words of that table that the pack's lexicon does not also
list as English.
"""

from __future__ import annotations

import random
from functools import lru_cache

from tadka.augment.text.base import CURRENT_PACK, WordOp, match_case, text_ops
from tadka.augment.text.protect import Piece
from tadka.lang.pack import get_pack


@lru_cache(maxsize=4)
def spelling_groups(pack: str = "hi") -> dict[str, tuple[str, ...]]:
    """Every spelling (lowercase) → all spellings of its row, canonical first (the pack's table:
    corpora/lexicon/variants_ta.tsv for Tamil)."""
    lex = get_pack(pack).lexicon
    groups: dict[str, tuple[str, ...]] = {}
    for canonical, alts in lex.canonical_variants.items():
        row = tuple(dict.fromkeys([canonical, *alts]))
        if len(row) < 2:
            continue
        for spelling in row:
            groups.setdefault(spelling, row)
    return groups


@text_ops.register("variants")
class SpellingVariants(WordOp):
    """Replace Hindi words by another spelling from the variant table."""

    name = "variants"
    unit = "Hindi word with listed variants"

    def eligible(self, piece: Piece) -> bool:
        pack = CURRENT_PACK.get()
        if pack != "hi":  # the segmenter's language guess knows Hindi and English only: the table decides
            low = piece.text.lower()
            return low in spelling_groups(pack) and low not in get_pack(pack).lexicon.english_words
        return piece.lang == "hi" and piece.text.lower() in spelling_groups()

    def change(self, word: str, rng: random.Random) -> str:
        low = word.lower()
        others = [s for s in spelling_groups(CURRENT_PACK.get())[low] if s != low]
        return match_case(word, rng.choice(others))
