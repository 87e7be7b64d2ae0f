"""How one Hindi word is spelt in Roman script, by the many people who type it.

Roman Hindi has no standard spelling: मुझे is "mujhe", "muje", "mjhe" or, in Roman Urdu, "mujhy";
कैसे is "kaise", "kese" or "kesy"; लड़का "ladka" or "larka"; ज़िंदगी "zindagi" or "jindagi". This
module holds the two functions that make those spellings meet, and the spellings of a Devanagari
word:

* :func:`roman_key` folds a Roman spelling to a key that every common spelling of the same word
  shares: vowel length (aa/a, ee/i, oo/u), ai/e and au/o, the digraph spellings of one sound (ph/f,
  z/j, w/v, q/k, chh/ch/cch), y-glides between vowels ("kiya"/"kia", "gaye"/"gae"), Roman Urdu's
  final y for e ("mujhy", "kesy", "hy") and the e/a before h ("pehle"/"pahle"). Retroflex and dental
  consonants, which Roman script never tells apart, fold by themselves: the romaniser writes ट and त
  both as t.
* :func:`roman_skeleton` drops the inner vowels of a key, as texting does ("bht", "psnd", "mjhe",
  "krna"): the same operation as tadka's ``vowels`` noise op.
* :func:`roman_spellings` lists the Roman spellings of a Devanagari word: the one most people type
  (the romaniser's), long vowels doubled ("paata"), nasal endings dropped ("kaha" for कहाँ), ड़/ढ़ as
  r/rh ("larka", "parhai"), geminates single ("pata" for पत्ता).

Keys and spellings both start from the romaniser (:mod:`tadka.lang.hi.romanize`), so they agree by
construction; what a key must fold is only what users do differently from it. Hand-written because
these are facts of Roman Hindi orthography, not of any library's.
"""

from __future__ import annotations

import re

from tadka.lang.hi.romanize import delete_schwas, parse, render

_VOWEL = "aeiou"
# Longest first; the capitals are placeholders for one sound (so "ch" is not read again as c + h).
_FOLD = [
    ("chch", "C"),
    ("cch", "C"),
    ("chh", "C"),
    ("ch", "C"),
    ("sh", "S"),
    ("ph", "f"),
    ("kh", "K"),
    ("gh", "G"),
    ("jh", "J"),
    ("th", "T"),
    ("dh", "D"),
    ("bh", "B"),
    ("ck", "k"),
    ("aa", "a"),
    ("ee", "i"),
    ("ii", "i"),
    ("oo", "u"),
    ("uu", "u"),
    ("ai", "e"),
    ("ei", "e"),
    ("au", "o"),
    ("ou", "o"),
    ("z", "j"),
    ("q", "k"),
    ("w", "v"),
    ("x", "ks"),
    ("c", "k"),
]
_FOLD_MAP = dict(_FOLD)
_FOLD_RE = re.compile("|".join(re.escape(a) for a, _ in _FOLD))
_GLIDE = re.compile(r"(?<=[aeiou])y(?=[aeiou])")  # kiya → kia, gaye → gae
_FINAL_Y = re.compile(r"(?<=[^aeiouy])y$|(?<=[bcdfghjklmnpqrstvwxz])[ae]y$")  # mujhy, hy, kesay → -e
_EH = re.compile(r"eh(?=[^aeiou]|$)")  # pehle → pahle, yeh → yah
_REPEAT_VOWEL = re.compile(r"([aeiou])\1+")
_NON_LETTER = re.compile(r"[^a-z]")


def roman_key(word: str) -> str:
    """The key all common Roman spellings of one Hindi word share (see the module docstring)."""
    w = _NON_LETTER.sub("", word.lower())
    if not w:
        return ""
    w = _FINAL_Y.sub("e", w)
    w = _FOLD_RE.sub(lambda m: _FOLD_MAP[m.group(0)], w)
    w = _GLIDE.sub("", w)
    w = _EH.sub("ah", w)
    return _REPEAT_VOWEL.sub(r"\1", w)


def roman_skeleton(key: str) -> str:
    """A key without its inner vowels ("samajh" → "smjh", "mujhe" → "mjhe"): texting spellings."""
    if len(key) <= 2:
        return key
    inner = "".join(ch for ch in key[1:-1] if ch not in _VOWEL)
    return key[0] + inner + key[-1]


_GEMINATE = re.compile(r"([bdfghjklmnpqrstvwyz])\1|(?<=c)c(?=h)")


#: What each kind of spelling costs in the ranking, in edits: the habitual one is free; the others
#: are real but less common, so an exact habitual match beats an exact match of a variant.
VARIANT_COSTS = {"double": 0.25, "flap": 0.5, "schwa": 0.25, "nasal": 0.5, "single": 0.5}
MAX_VARIANT_COST = 1.0


def roman_spellings(deva: str, habitual: str) -> list[tuple[str, float]]:
    """(Roman spelling, cost) of one (NFC, normalised) Devanagari word, ``habitual`` first.

    ``habitual`` is the romaniser's answer, the spelling most people type; the others are what many
    write instead, alone or together: long vowels doubled ("paata"), ड़/ढ़ as r/rh ("larka"),
    the final schwa written ("nyaya", "rajya"), nasalisation left out ("kaha", "logo"), geminates
    single ("pata" for पत्ता, "bacho").
    """
    best: dict[str, float] = {habitual: 0.0}
    units = parse(deva)
    if units:
        delete_schwas(units)
        options: list[tuple[str, dict]] = [("double", {"double_long": True})]
        if any(u.vowel == "aa" for u in units):
            options.append(("double", {"double_long": "aa"}))  # only ā doubled: "jaati" for जाती
        if any(u.nukta and u.deva in ("ड", "ढ") for u in units):
            options.append(("flap", {"flaps_r": True}))
        if any(u.nasal for u in units):
            options.append(("nasal", {"nasals": False}))
        last = units[-1]
        # the final schwa written, as in Sanskrit loans: a final cluster (dharma, rajya) or य (nyaya)
        schwa = (
            last.deva is not None
            and last.deleted
            and (last.deva == "य" or (len(units) > 1 and units[-2].deva is not None and not units[-2].voiced))
        )
        for mask in range(1, 1 << (len(options) + schwa)):
            cost = 0.0
            kwargs: dict = {}
            for bit, (name, kw) in enumerate(options):
                if mask >> bit & 1:
                    cost += VARIANT_COSTS[name]
                    kwargs.update(kw)
            keep_schwa = schwa and mask >> len(options) & 1
            if keep_schwa:
                cost += VARIANT_COSTS["schwa"]
            if cost > MAX_VARIANT_COST:
                continue
            last.deleted = not keep_schwa if schwa else last.deleted
            spelling = render(units, **kwargs)
            if spelling not in best or cost < best[spelling]:
                best[spelling] = cost
        if schwa:
            last.deleted = True
        if not best:
            best[habitual] = 0.0
    for spelling, cost in list(best.items()):
        single = _GEMINATE.sub(lambda m: m.group(1) or "", spelling)
        cost += VARIANT_COSTS["single"]
        if single != spelling and cost <= MAX_VARIANT_COST and cost < best.get(single, 9.0):
            best[single] = cost
    return sorted(((w, c) for w, c in best.items() if w and w.isascii()), key=lambda t: (t[1], t[0] != habitual))


_DISTANCE_FOLD = [("uu", "oo"), ("ii", "ee"), ("w", "v"), ("q", "k"), ("ph", "f"), ("z", "j")]
_EH_FORM = re.compile(r"eh(?=[^aeiou])")


def distance_form(word: str) -> str:
    """A spelling with the differences that say nothing about the word folded ("luut"/"loot",
    "waqt"/"vakt"), for the edit distances of the ranking."""
    w = word.lower()
    for a, b in _DISTANCE_FOLD:
        if a in w:
            w = w.replace(a, b)
    return _EH_FORM.sub("ah", _FINAL_Y.sub("e", w))


_RETROFLEX = frozenset("टठडढ")
#: Zipf points a word loses per plain retroflex stop (ट ठ ड ढ; not the flaps ड़ ढ़).
RETROFLEX_PRIOR = 0.25


def native_prior(deva: str) -> float:
    """How much likelier a Devanagari word is as the reading of a Roman spelling than its frequency
    says: Roman t/d are dental by default (त द), and the retroflex stops are what English loans in
    Devanagari are full of (डेटा "data" against देता "gives", both "deta"). A flap (ड़, a nukta
    after the letter) is native Hindi and costs nothing."""
    n = sum(1 for i, ch in enumerate(deva) if ch in _RETROFLEX and deva[i + 1 : i + 2] != "\u093c")
    return -RETROFLEX_PRIOR * n
