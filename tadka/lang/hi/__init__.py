"""The Hindi pack: Devanagari ↔ Roman Hindi, frequent words first, then the lexicon, then rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from tadka.lang import resources, scripts
from tadka.lang.hi.common_words import COMMON
from tadka.lang.hi.devanagari import devanagari_lattice, devanagari_rules
from tadka.lang.hi.romanize import romanize_word as _romanize_word
from tadka.lang.hi.spelling import distance_form, native_prior, roman_key, roman_skeleton, roman_spellings
from tadka.lang.pack import LanguagePack, packs
from tadka.lang.tokenize import normalize_indic

#: Zipf points an abusive word or slur loses as the reading of a Roman spelling.
PROFANE_PRIOR = 4.0
_DANDA_DIGITS = str.maketrans({"\u0964": ".", "\u0965": ".", **{chr(0x0966 + i): str(i) for i in range(10)}})


@dataclass
class HindiPack(LanguagePack):
    code: str = "hi"
    name: str = "Hindi"
    script: str = scripts.DEVA
    profanity: str = "profanity/hi_deva.tsv"  # never chosen by ranking (see native_prior)

    @cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(COMMON) | frozenset(self.lexicon.native_to_roman)

    @cached_property
    def _roman_common(self) -> dict[str, str]:
        """Roman → Devanagari from the frequent-word table (first Devanagari form wins)."""
        out: dict[str, str] = {}
        for deva, roman in COMMON.items():
            out.setdefault(roman, deva)
        return out

    def _lookup(self, word: str) -> str | None:
        return COMMON.get(word) or self.lexicon.native_to_roman.get(word)

    def romanize_new(self, word: str) -> str:
        """One Devanagari word → the Roman spelling people type ("समझना" → "samajhna")."""
        return _romanize_word(normalize_indic(word), self._lookup, self._known)

    def romanize(self, text: str) -> str:
        """Devanagari in ``text`` → Roman; dandas become full stops, Devanagari digits ASCII."""
        return super().romanize(text).translate(_DANDA_DIGITS)

    def native_rules(self, roman: str) -> str:
        return devanagari_rules(roman)

    def native_lattice(self, roman: str) -> list[list[tuple[str, float]]]:
        return devanagari_lattice(roman)

    # --- spelling keys (tadka.lang.hi.spelling) ---
    def roman_key(self, word: str) -> str:
        return roman_key(word)

    def roman_skeleton(self, key: str) -> str:
        return roman_skeleton(key)

    def roman_spellings(self, native: str) -> list[tuple[str, float]]:
        return roman_spellings(native, self.romanize_word(native))

    def distance_form(self, roman: str) -> str:
        return distance_form(roman)

    def native_prior(self, native: str) -> float:
        """Retroflex stops cost a little (:func:`tadka.lang.hi.spelling.native_prior`); an abusive
        word or slur (corpora/profanity/hi_deva.tsv) costs so much that ranking never turns an
        innocent spelling into one ("bharwa", "fill", is not भड़वा): typed on purpose, such a word
        still comes out of the rules."""
        prior = native_prior(native)
        exact, prefixes = self._profane
        if native in exact or native.startswith(prefixes):
            prior -= PROFANE_PRIOR
        return prior

    @cached_property
    def _profane(self) -> tuple[frozenset[str], tuple[str, ...]]:
        exact: set[str] = set()
        prefixes: list[str] = []
        for row in resources.read_tsv(self.profanity):
            term = normalize_indic(row.get("term", "").strip())
            if term.endswith("*") and len(term) > 2:
                prefixes.append(term[:-1])
            elif term and " " not in term:
                exact.add(term)
        return frozenset(exact), tuple(prefixes)

    def curated_pairs(self):
        yield from super().curated_pairs()
        for deva, roman in COMMON.items():
            yield roman, normalize_indic(deva)


packs.register("hi")(HindiPack())
