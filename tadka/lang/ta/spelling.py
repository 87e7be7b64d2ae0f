"""How one Tamil word is spelt in Roman script by the many people who type it.

Roman Tamil has no standard spelling: வந்து is "vandhu", "vanthu" or "vandu"; கொஞ்சம் "konjam" or
"koncham"; மழை "mazhai" or "malai"; வேண்டாம் "vendaam" or "vendam"; எப்படி "eppadi" or "epdi". This
module holds the functions that make those spellings meet (the same roles as
:mod:`tadka.lang.hi.spelling`, with Tamil's own facts):

* :func:`roman_key` folds a spelling to a key every common spelling of a word shares: vowel length,
  the voiced and voiceless spellings of one stop (k/g, t/d/th/dh, p/b, s/ch/j: Tamil script has
  one letter for each pair), zh/l, doubled consonants, y-glides between vowels, h for an
  intervocalic க ("aahum").
* :func:`roman_skeleton` drops a key's inner vowels, as texting does ("rmba", "pnra", "epdi" is
  already close).
* :func:`roman_spellings` lists a Tamil word's spellings: the romaniser's, then long vowels written
  short or all long, th for dh, l for zh, single geminates, "ch" for an initial ச, the colloquial
  final -a for -ai ("vela" for வேலை).

Hand-written because these are facts of Tanglish orthography, not of any library's.
"""

from __future__ import annotations

import re

_VOWEL = "aeiou"
# Longest first; capitals are placeholders for one sound so that "ch" is not read again as c + h.
_FOLD = [
    ("zh", "l"),
    ("ch", "S"),
    ("sh", "S"),
    ("th", "T"),
    ("dh", "T"),
    ("kh", "k"),
    ("gh", "k"),
    ("ph", "p"),
    ("bh", "p"),
    ("aa", "a"),
    ("ee", "i"),
    ("ii", "i"),
    ("oo", "u"),
    ("uu", "u"),
    ("ae", "e"),
    ("ei", "ai"),
    ("ay", "ai"),
    ("g", "k"),
    ("c", "k"),
    ("q", "k"),
    ("d", "T"),
    ("t", "T"),
    ("b", "p"),
    ("f", "p"),
    ("j", "S"),
    ("s", "S"),
    ("z", "S"),
    ("w", "v"),
    ("x", "kS"),
]
_FOLD_MAP = dict(_FOLD)
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _ in _FOLD))
_GLIDE = re.compile(r"(?<=[aeiou])y(?=[aeiou])")  # theriyum → therium, poyi → poi
_H_BETWEEN = re.compile(r"(?<=[aeiou])h(?=[aeiou])")  # aahum → aagum
_DOUBLE = re.compile(r"([a-zA-Z])\1+")
_NON_LETTER = re.compile(r"[^a-z]")


def roman_key(word: str) -> str:
    """The key all common Roman spellings of one Tamil word share (see the module docstring)."""
    w = _NON_LETTER.sub("", word.lower())
    if not w:
        return ""
    w = _H_BETWEEN.sub("k", w)
    w = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], w)
    w = _GLIDE.sub("", w)
    return _DOUBLE.sub(r"\1", w)


def roman_skeleton(key: str) -> str:
    """A key without its inner vowels ("romba" → "rmpa"): texting spellings."""
    if len(key) <= 2:
        return key
    return key[0] + "".join(ch for ch in key[1:-1] if ch not in _VOWEL) + key[-1]


#: What each kind of spelling costs in the ranking, in edits (the habitual spelling is free).
VARIANT_COSTS = {"short": 0.25, "long": 0.25, "th": 0.25, "zh": 0.25, "single": 0.5, "ch": 0.25, "final_a": 0.5}
MAX_VARIANT_COST = 1.0
_GEMINATE = re.compile(r"([bdfgjklmnprstvy])\1")


def _variants(starts: dict[str, float], initial_s: bool) -> dict[str, float]:
    """Every spelling reachable from the starting ones by the variant kinds, with its cost."""
    edits = [
        ("th", lambda w: w.replace("dh", "th")),
        ("zh", lambda w: w.replace("zh", "l")),
        ("single", lambda w: _GEMINATE.sub(r"\1", w)),
        ("ch", lambda w: "ch" + w[1:] if initial_s and w.startswith("s") else w),
        ("final_a", lambda w: w[:-2] + "a" if w.endswith("ai") and len(w) > 3 else w),
    ]
    best: dict[str, float] = dict(starts)
    frontier = [(w, c, -1) for w, c in starts.items()]
    while frontier:
        word, cost, last = frontier.pop()
        for k, (name, edit) in enumerate(edits):
            if k <= last:
                continue
            new_cost = cost + VARIANT_COSTS[name]
            if new_cost > MAX_VARIANT_COST:
                continue
            new = edit(word)
            if new != word and new_cost < best.get(new, 9.0):
                best[new] = new_cost
                frontier.append((new, new_cost, k))
    return best


def roman_spellings(taml: str, habitual: str) -> list[tuple[str, float]]:
    """(Roman spelling, cost) of one (normalised) Tamil word, ``habitual`` first (the romaniser's
    answer, which may come from the lexicon): the rules' spelling with every long vowel long and
    with none, then th for dh, l for zh, single geminates, ch for an initial ச, final -a for -ai."""
    from tadka.lang.ta.romanize import parse, render

    starts = {habitual: 0.0}
    units = parse(taml)
    if units:
        for length in ("first", "all", "none"):
            w = render(units, length)
            cost = 0.0 if length == "first" else VARIANT_COSTS["short" if length == "none" else "long"]
            if cost < starts.get(w, 9.0):
                starts[w] = cost
    best = _variants(starts, taml[:1] == "ச")
    return sorted(((w, c) for w, c in best.items() if w and w.isascii()), key=lambda t: (t[1], t[0] != habitual))


_DISTANCE_FOLD = [("ii", "ee"), ("uu", "oo"), ("w", "v"), ("q", "k"), ("ph", "f")]


def distance_form(word: str) -> str:
    """A spelling with the differences that say nothing about the word folded, for edit distances."""
    w = word.lower()
    for a, b in _DISTANCE_FOLD:
        if a in w:
            w = w.replace(a, b)
    return w


#: Zipf points a Tamil word loses per Grantha letter (ஜ ஷ ஸ ஹ) when it competes as the reading of
#: a Roman spelling: "s", "j", "h" are native ச, ச, க-sounds first.
GRANTHA_PRIOR = 0.25
_GRANTHA = frozenset("ஜஷஸஹ")


def native_prior(taml: str) -> float:
    """How much likelier a Tamil word is as the reading of a Roman spelling than its frequency says."""
    return -GRANTHA_PRIOR * sum(1 for ch in taml if ch in _GRANTHA)
