"""Which swaps a text allows: the candidates the mixer steers with, and how safe each is.

Kept apart from :mod:`tadka.curate.generate.mixer.codemixer` (which decides *how many* swaps to
apply and in which order) so that the lexicon rules live in one place: a Hindi word, phrase or
"X karna" noun raised to English; an English noun, phrase or verb before "karna" lowered to Hindi;
function words, particles, light verbs, names and frozen idioms never. Each candidate carries a
tier (see :class:`Swap`) from how sure the lexicon and the English source make its sense.
"""

from __future__ import annotations

from dataclasses import dataclass

from tadka.curate.generate.mixer.lexicon import (
    EN_FUNCTION_WORDS,
    KAR_SUFFIX,
    KARNA_VERBS,
    VERB_SUFFIXES,
    MixLexicon,
    english_bases,
    english_plural,
    hindi_noun_bases,
    hindi_verb_form,
    phrase_key,
)
from tadka.curate.generate.mixer.tokens import Tok
from tadka.lang.tokenize import TOKEN_RE

PARTICLES = frozenset({"nahi", "nahin", "na", "bhi", "hi", "to", "toh", "mat", "zaroor"})


@dataclass
class Swap:
    """A candidate substitution: token positions it rewrites and the words that replace them.

    ``tier`` orders candidates by how safe they are: 0 for a swap the English source confirms or
    the lexicon leaves unambiguous; 1 for a guessed but unambiguous sense (or, with no English
    source, the first of several); 2 for a guessed sense among several, or a word people keep in
    English ("branch"). Safer tiers are always tried first.
    """

    kind: str  # raise-noun, raise-phrase, raise-verb, raise-conjunct, lower-noun, lower-verb, lower-phrase
    at: tuple[int, ...]
    words: list[list[str]]  # new words per position ([] deletes the token)
    tags: list[list[str]]
    tier: int = 0

    @property
    def up(self) -> bool:
        return self.kind.startswith("raise")


def candidates(toks: list[Tok], english: str, lex: MixLexicon) -> list[Swap]:
    """Every swap the text allows now: whole Hindi phrases first, then single words (a word
    already swapped, frozen or split is left alone). ``english`` is the source, for alignment."""
    english_words = {w.lower() for w in TOKEN_RE.findall(english)} if english else set()
    aligned = {b for w in english_words for b, _ in english_bases(w)} | english_words
    out: list[Swap] = []
    taken: set[int] = set()
    low = [t.word.lower() for t in toks]
    # multi-word Hindi expressions first ("aakhri tareekh" → "deadline"); their words are
    # frozen one by one, so only the whole phrase can swap — unless it looks like a name
    for size in (3, 2):
        for i in range(len(toks) - size + 1):
            span = range(i, i + size)
            if taken.intersection(span) or any(
                len(toks[j].words) != 1
                or toks[j].tag != lex.own
                or toks[j].swapped
                or (j > i and not toks[j].word.islower())
                for j in span
            ):
                continue
            senses = lex.hi_phrases.get(phrase_key(low[i : i + size]))
            if senses:
                en, tier = _pick([e for e, _ in senses], aligned, bool(english))
                out.append(
                    Swap("raise-phrase", tuple(span), [[en]] + [[]] * (size - 1), [["en"]] + [[]] * (size - 1), tier)
                )
                taken.update(span)
    for i, t in enumerate(toks):
        if i in taken or t.frozen or len(t.words) != 1:
            continue
        nxt = low[i + 1] if i + 1 < len(toks) else ""
        if t.tag == lex.own and not lex.is_hindi_function(low[i]):
            j = i + 1  # the verb a noun leans on may come after a particle: "kaam nahi karti"
            while j < len(toks) and low[j] in PARTICLES:
                j += 1
            swap = _raise(i, low[i], low[j] if j < len(toks) else "", lex, aligned, bool(english))
        elif t.tag == "en" and low[i] not in EN_FUNCTION_WORDS:
            swap = _lower(i, low[i], nxt, toks, lex)
        else:
            swap = None
        if swap:
            out.append(swap)
    return out


def _raise(i: int, low: str, nxt: str, lex: MixLexicon, aligned: set[str], has_source: bool) -> Swap | None:
    if lex.before_light_verb(nxt):
        # the noun of a Hindi "X karna" verb: only an English verb fits before "karna";
        # anything else before "kar" is an idiom ("saaf karo", "khaas kar")
        verbs = [v for v in lex.hi_conjunct.get(low, []) if v in KARNA_VERBS]
        if not verbs:
            return None
        en, tier = _pick(verbs, aligned, has_source)
        return Swap("raise-conjunct", (i,), [[en]], [["en"]], tier)
    for base, plural in hindi_noun_bases(low):
        senses = lex.hi_content.get(base)
        if senses:
            en, tier = _pick([s for s, _ in senses], aligned, has_source)
            if plural and base != low and dict(senses).get(en) == "noun":
                en = english_plural(en)
            return Swap("raise-noun", (i,), [[en]], [["en"]], tier)
    for suffix, kar in VERB_SUFFIXES:
        if low.endswith(suffix) and len(low) > len(suffix) + 1:
            verbs = [v for v in lex.hi_verbs.get(low[: -len(suffix)], []) if v in KARNA_VERBS]
            if verbs:
                en, tier = _pick(verbs, aligned, has_source)
                return Swap("raise-verb", (i,), [[en, kar]], [["en", lex.own]], tier)
    return None


def _lower(i: int, low: str, nxt: str, toks: list[Tok], lex: MixLexicon) -> Swap | None:
    loan = 2 if low in lex.en_loans else 0
    if lex.before_light_verb(nxt) and low in lex.en_verbs and not toks[i + 1].frozen:
        senses = lex.en_verbs[low]
        conj = [s for s in senses if s.pos == "conjunct"]
        if conj:
            return Swap("lower-verb", (i,), [[conj[0].roman]], [[lex.own]], loan)
        if nxt in KAR_SUFFIX:
            form = hindi_verb_form(senses[0].roman, KAR_SUFFIX[nxt])
            return Swap("lower-verb", (i, i + 1), [[form], []], [[lex.own], []], max(loan, 1))
    if lex.own != "hi" and lex.before_light_verb(nxt):
        return None  # an English verb before "pannu" ("book pannunga") is no noun to translate
    if i + 1 < len(toks) and toks[i + 1].tag == "en" and not toks[i + 1].frozen:
        senses = lex.en_content.get(f"{low} {nxt}")
        if senses:
            roman = senses[0].roman.split()
            return Swap("lower-phrase", (i, i + 1), [roman, []], [[lex.own] * len(roman), []], loan)
    for base, _ in english_bases(low):
        senses = [s for s in lex.en_content.get(base, []) if not any(map(lex.is_hindi_function, s.roman.split()))]
        if senses:
            roman = senses[0].roman.split()
            tier = max(loan if base == low else 2 if base in lex.en_loans else 0, int(len(senses) > 1))
            return Swap("lower-noun", (i,), [roman], [[lex.own] * len(roman)], tier)
    return None


def _pick(options: list[str], aligned: set[str], has_source: bool) -> tuple[str, int]:
    """The English word for a swap and its tier: the source's own word (tier 0) before a guess."""
    for en in options:
        if en in aligned:
            return en, 0
    unambiguous = len(set(options)) == 1
    if has_source:
        return options[0], 1 if unambiguous else 2
    return options[0], 0 if unambiguous else 1
