"""Spelling-variant normalisation for Roman Hindi ("nhi", "nahin", "nai" → "nahi").

Other stages use it to compare Hinglish texts whatever their spelling (dedup, decontamination,
lexicon lookups), and augment uses the reverse table to add realistic spelling noise. The table
is corpora/lexicon/variants.tsv of the pack. Some variants are also English words ("me" for
"mein", "he" for "hai"), so text-level normalisation only touches words that language ID tags as
Hindi, unless told otherwise.
"""

from __future__ import annotations

from tadka.lang.pack import get_pack
from tadka.lang.tokenize import TOKEN_RE, normalize


def canonical_spelling(word: str, pack: str = "hi") -> str:
    """The canonical spelling of one Roman word (itself when it has none); keeps a capital."""
    table = get_pack(pack).lexicon.variant_to_canonical
    low = word.lower()
    canonical = table.get(low)
    if canonical is None:
        return word
    if word[:1].isupper():
        return canonical[:1].upper() + canonical[1:]
    return canonical


def spelling_variants(word: str, pack: str = "hi", generated: bool = False) -> list[str]:
    """Other spellings of a Roman Hindi word: the variant table's (empty when none are listed); with
    ``generated``, also the spellings people type for the native word it spells (doubled long
    vowels, dropped nasals, r for ड़ …: :meth:`LanguagePack.romanize_variants`), table ones first."""
    lang_pack = get_pack(pack)
    lex = lang_pack.lexicon
    low = word.lower()
    canonical = lex.variant_to_canonical.get(low, low)
    out = [s for s in [canonical, *lex.canonical_variants.get(canonical, [])] if s != low]
    if not generated:
        return list(lex.canonical_variants.get(canonical, []))
    native = lang_pack.native_word(low)
    if lang_pack.is_native(native):
        out += lang_pack.romanize_variants(native)
    return [s for s in dict.fromkeys(out) if s != low]


def normalize_spelling(text: str, pack: str = "hi", only_hindi: bool = True) -> str:
    """Every Roman Hindi word of ``text`` in its canonical spelling; the rest kept as it was.

    ``only_hindi`` (default) asks language ID which words are Hindi, so English "me" or "he" stay;
    pass False for text known to be Roman Hindi throughout (faster: no tagging).
    """
    if not text:
        return ""
    text = normalize(text)
    matches = list(TOKEN_RE.finditer(text))
    own = get_pack(pack).code
    if only_hindi:
        from tadka.lang.analyze import get_analyzer

        tags = get_analyzer(pack).tag_tokens([m.group(0) for m in matches])
    else:
        tags = [own] * len(matches)
    out: list[str] = []
    last = 0
    for m, tag in zip(matches, tags):
        out.append(text[last : m.start()])
        out.append(canonical_spelling(m.group(0), pack) if tag == own else m.group(0))
        last = m.end()
    out.append(text[last:])
    return "".join(out)
