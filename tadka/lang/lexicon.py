"""The bilingual lexicon and the spelling-variant list of a language pack, read once.

corpora/lexicon/en_hi.tsv (``en pos hi_latn hi_deva``; Roman spellings ``|``-separated, most common
first) and corpora/lexicon/variants.tsv (``canonical variants``) give (the Tamil pack's files are
en_ta.tsv, ``en pos ta_latn ta_taml``, and variants_ta.tsv: columns are named ``<code>_latn`` and
``<code>_<script>``):

* native → Roman, for romanisation (first Roman spelling of a one-word native entry);
* Roman → native, for the other direction (every spelling, and every variant of it);
* the Roman and English vocabularies that word-level language ID starts from, and the loanwords
  (a Roman "Hindi" spelling identical to its English word: "office", "time", "phone");
* variant → canonical spelling, for :func:`tadka.lang.variants.canonical_spelling`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tadka.lang import resources


@dataclass
class Lexicon:
    """Word tables of one language pack (all Roman keys lowercase)."""

    native_to_roman: dict[str, str] = field(default_factory=dict)
    roman_to_native: dict[str, str] = field(default_factory=dict)
    roman_words: set[str] = field(default_factory=set)  # every word of every Roman spelling
    english_words: set[str] = field(default_factory=set)  # every word of the English column
    loanwords: set[str] = field(default_factory=set)  # Roman spellings that are their English headword
    variant_to_canonical: dict[str, str] = field(default_factory=dict)
    canonical_variants: dict[str, list[str]] = field(default_factory=dict)


def _split(cell: str) -> list[str]:
    return [s.strip() for s in cell.split("|") if s.strip()]


def load_lexicon(
    bilingual: str, variants: str, roman_column: str = "hi_latn", native_column: str = "hi_deva"
) -> Lexicon:
    """Build a :class:`Lexicon` from a bilingual TSV and a variants TSV under corpora/."""
    lex = Lexicon()
    for row in resources.read_tsv(bilingual):
        roman = [s.lower() for s in _split(row.get(roman_column, ""))]
        native = row.get(native_column, "").strip()
        english = row.get("en", "").strip()
        for w in english.lower().replace("-", " ").split():
            if w.isalpha():
                lex.english_words.add(w)
        english_lower = set(english.lower().replace("-", " ").split())
        for spelling in roman:
            words = spelling.split()
            lex.roman_words.update(words)
            # "confirm karna" for "confirm": the English word inside a Hindi phrase is a loan
            lex.loanwords.update(w for w in words if w in english_lower)
        if not native or not roman:
            continue
        if " " not in native:
            # one Devanagari word is one Roman word ("pradhanmantri", not "pradhan mantri")
            lex.native_to_roman.setdefault(native, roman[0].replace(" ", ""))
        for spelling in roman:
            lex.roman_to_native.setdefault(spelling, native)
    for row in resources.read_tsv(variants):
        canonical = row.get("canonical", "").strip().lower()
        if not canonical:
            continue
        alts = [v.lower() for v in _split(row.get("variants", "")) if v.lower() != canonical]
        lex.canonical_variants[canonical] = alts
        lex.roman_words.add(canonical)
        for v in alts:
            lex.variant_to_canonical.setdefault(v, canonical)
            lex.roman_words.add(v)
    # a variant's native form is its canonical spelling's
    for v, canonical in lex.variant_to_canonical.items():
        if canonical in lex.roman_to_native:
            lex.roman_to_native.setdefault(v, lex.roman_to_native[canonical])
    return lex
