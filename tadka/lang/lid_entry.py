"""What the word tagger stores per token, and how a line's letter case is read.

Kept apart from :mod:`tadka.lang.lid` (the tagger) because sentence ID reads the same entries, and
the casing rules are a topic of their own: whether capitals in a line mean anything (a name, an
acronym) or are the writer's style (Title Case, ALL CAPS, aLtErNaTiNg).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from tadka.lang.tags import UNIV

FIXED, OPEN, CAPITAL = 0, 1, 2  # entry kinds: final tag / context decides / the line's casing decides
# Script classes that sentence ID counts: no letters (univ), the pack's script, Latin known to the
# lexicon, Latin the lexicon does not know, any other script.
NO_SCRIPT, NATIVE, LATIN_KNOWN, LATIN_UNKNOWN, FOREIGN = 0, 1, 2, 3, 4
# The same plus MARKED for a word that is another language's function word (Entry.mark), so that
# sentence ID finds the rare sentences with one in the class list it counts anyway.
MARKED = 5
LATIN_CLASSES = frozenset({LATIN_KNOWN, LATIN_UNKNOWN, LATIN_KNOWN + MARKED, LATIN_UNKNOWN + MARKED})
# Letter case of a Latin word: none, Title/camel/aLtErNaTiNg, UPPER.
LOWER, TITLE, UPPER = 0, 1, 2


class Entry(NamedTuple):
    """What the tagger knows about one distinct token. The memo stores plain tuples in this field
    order (faster to index in the per-line loops); ``Entry._make(t)`` names the fields again."""

    tag: str  # the tag; for CAPITAL entries the tag when the casing says nothing
    kind: int  # FIXED, OPEN (context decides) or CAPITAL (the line's casing decides)
    logit: float  # log-odds Hindi vs English (priors of OPEN words, model scores)
    known: bool  # known to the lexicon or the word tables, or attested by the frequency lists
    first: str | None  # CAPITAL: the tag when it opens a sentence of an informative line (None: `tag`)
    sclass: int  # script class for sentence ID (+ MARKED where `mark` is set)
    cap: int  # LOWER, TITLE or UPPER (Latin words)
    common: bool  # an ordinary word (known or frequency-attested, not a name): its capital says
    #               how the line is cased
    name: str | None  # CAPITAL: the tag inside a sentence of an informative line
    base_kind: int  # CAPITAL: whether `tag` is FIXED or OPEN when the casing says nothing
    mark: str | None  # another language this word is a function word of, for sentence ID ("mr", "ms")
    own: bool  # a function word of the pack's own language (counted only where `mark`s are)
    light: bool  # a light verb ("karo", "hua"): no Hindi context for the word before it


def casing_informative(entries: Sequence[Entry], tags: Sequence[str], tokens: Sequence[str], first_word: int) -> bool:
    """Whether capital letters in this line say anything (a name, an acronym).

    Not in an ALL CAPS line (most Latin words upper case), nor in a line that capitalises ordinary
    words inside its sentences — Title Case ("Aaj Ka Match Dekha"), aLtErNaTiNg case — as much as
    it leaves words lower case: there a capital is the writer's style, not a name.
    """
    latin = upper = known_caps = lower = 0
    for j, e in enumerate(entries):
        if e[5] not in LATIN_CLASSES:
            continue
        latin += 1
        if e[6] == UPPER:
            upper += 1
        if j == first_word or (e[6] != LOWER and opens_sentence(tokens, tags, j)):
            continue
        if e[6] == LOWER:
            lower += 1
        elif e[7]:
            known_caps += 1
    if latin >= 3 and upper * 5 >= latin * 3:
        return False
    return not ((known_caps >= 2 and known_caps >= lower) or (known_caps >= 1 and lower == 0))


def cap_of(token: str) -> int:
    """LOWER, TITLE or UPPER: the letter case of a Latin token."""
    shape_ = shape(token)
    return LOWER if shape_ == "lower" else UPPER if shape_ == "upper" else TITLE


def shape(token: str) -> str:
    """Letter case of a Latin token: lower, title (Delhi), upper (UPI), camel (WhatsApp)."""
    token = token.replace("’", "'").split("'")[0]  # I'm, Don't: the shape of the word before
    if len(token) <= 1 or token.islower() or not any(c.isupper() for c in token):
        return "lower"
    if token.isupper():
        return "upper"
    if token[0].isupper() and token[1:].islower():
        return "title"
    if "-" in token and all(p[:1].isupper() and p[1:].islower() for p in token.split("-") if p):
        return "title"
    return "camel"


_SENTENCE_END = frozenset(".!?।॥…")


def opens_sentence(tokens: Sequence[str], tags: Sequence[str], i: int) -> bool:
    """True when the nearest token before ``i`` that is not a quote or bracket ends a sentence.

    A capitalised word after "." is capitalised because it starts a sentence ("Bank jao. Apna form
    bharo."), so it must not be read as a name for that reason alone.
    """
    j = i - 1
    while j >= 0 and tokens and tokens[j] in ('"', "'", "(", ")", "“", "”", "‘", "’"):
        j -= 1
    return j >= 0 and bool(tokens) and tags[j] == UNIV and tokens[j][-1:] in _SENTENCE_END
