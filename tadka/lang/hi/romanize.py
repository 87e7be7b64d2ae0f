"""Devanagari → Roman Hindi as people type it ("samajhna", not ITRANS "samajhanaa").

Written by hand because no maintained library does this: indic-transliteration and
indic-nlp-library give scholarly schemes (ITRANS "kyA hAla hai"), and aksharamukha's colloquial
Roman is a 120 MB install that still writes "maim" for मैं (see shared/ENVIRONMENT.md).

A word goes through three steps:

1. **parse** into units, one per consonant or independent vowel, each with its vowel: the inherent
   schwa ``a``, an explicit vowel sign, or none (virama); plus nasalisation and visarga.
2. **schwa deletion** (Ohala 1983, in the form of Choudhury, Basu & Sarkar 2004 and Narasimhan et
   al. 2004): a schwa is deleted in the context V C _ C V, scanning right to left so that a
   deletion protects the schwa before it (never two in a row); the word-initial syllable keeps
   its schwa; the word-final schwa goes unless the word ends in a cluster closed by य, र or व
   ("mitra", "satya") or is a single consonant ("na"). Morpheme boundaries: known suffixes
   (-वाला, -दार, -पन …) and compounds of two known words are romanised part by part, so राजमहल is
   "raaj" + "mahal", not "raajamhal".
3. **render** with the habits of Roman Hindi: long vowels are written short except where people
   double them (आ word-initially or in a closed one-syllable word: "aap", "baat", "kaam"; ई/ऊ in a
   closed one-syllable word: "theek", "doodh"; elsewhere "pani", "puri", "bimari"), final anusvara
   and chandrabindu → n (m before a labial),
   nukta letters as their Perso-Arabic sounds (ज़ z, फ़ f, क़ q), ड़/ढ़ as d/dh, च्छ/च्च as "cch"
   ("accha"), व as v except in sw/dw/tw ("swasth"), and a first-syllable schwa before a vowel-less
   ह as e ("kehna", "pehle", "yeh"). These choices were compared on the lexicon's own
   Devanagari/Roman pairs (rules alone, no tables): 84 % exact, 4 % character errors.

The most frequent words bypass the rules (:mod:`tadka.lang.hi.common_words`, then the corpora
lexicon): habit beats phonology there ("nahi", "hoon", "woh").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

_CONSONANTS = {
    "क": "k",
    "ख": "kh",
    "ग": "g",
    "घ": "gh",
    "ङ": "n",
    "च": "ch",
    "छ": "chh",
    "ज": "j",
    "झ": "jh",
    "ञ": "n",
    "ट": "t",
    "ठ": "th",
    "ड": "d",
    "ढ": "dh",
    "ण": "n",
    "त": "t",
    "थ": "th",
    "द": "d",
    "ध": "dh",
    "न": "n",
    "प": "p",
    "फ": "ph",
    "ब": "b",
    "भ": "bh",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "ळ": "l",
    "व": "v",
    "श": "sh",
    "ष": "sh",
    "स": "s",
    "ह": "h",
}
# With nukta (U+093C): Perso-Arabic sounds, and the flapped ड़/ढ़ that Roman Hindi writes d/dh.
_NUKTA = {
    "क": "q",
    "ख": "kh",
    "ग": "g",
    "ज": "z",
    "झ": "zh",
    "ड": "d",
    "ढ": "dh",
    "फ": "f",
    "य": "y",
    "र": "r",
    "न": "n",
    "ल": "l",
}
# Precomposed nukta letters (NFC decomposes them, but raw input may not be NFC).
_PRECOMPOSED = {
    "क़": "क",
    "ख़": "ख",
    "ग़": "ग",
    "ज़": "ज",
    "ड़": "ड",
    "ढ़": "ढ",
    "फ़": "फ",
    "य़": "य",
    "ऩ": "न",
    "ऱ": "र",
    "ऴ": "ळ",
}
_VOWELS = {  # independent vowel letters
    "अ": "a",
    "आ": "aa",
    "इ": "i",
    "ई": "ii",
    "उ": "u",
    "ऊ": "uu",
    "ऋ": "ri",
    "ॠ": "ri",
    "ऌ": "li",
    "ए": "e",
    "ऐ": "ai",
    "ओ": "o",
    "औ": "au",
    "ऍ": "e",
    "ऎ": "e",
    "ऑ": "o",
    "ऒ": "o",
}
_SIGNS = {  # dependent vowel signs (matras)
    "\u093e": "aa",
    "\u093f": "i",
    "\u0940": "ii",
    "\u0941": "u",
    "\u0942": "uu",
    "\u0943": "ri",
    "\u0944": "ri",
    "\u0962": "li",
    "\u0945": "e",
    "\u0946": "e",
    "\u0947": "e",
    "\u0948": "ai",
    "\u0949": "o",
    "\u094a": "o",
    "\u094b": "o",
    "\u094c": "au",
    "\u094f": "au",
}
_VIRAMA, _NUKTA_SIGN = "\u094d", "\u093c"
_NASALS = {"\u0901", "\u0902"}  # chandrabindu, anusvara
_VISARGA = "\u0903"
_LABIALS = {"प", "फ", "ब", "भ", "म"}
_DIGITS = {chr(0x0966 + i): str(i) for i in range(10)}
_PUNCT = {"\u0964": ".", "\u0965": ".", "\u0970": "."}

#: Longest word tried as a compound of two known words (each cut is tried: quadratic in length).
MAX_COMPOUND = 40
#: Suffixes that start a new morpheme, with the spelling people use for them.
SUFFIXES = {
    "वाला": "wala",
    "वाली": "wali",
    "वाले": "wale",
    "वालों": "walon",
    "वालो": "walo",
    "दार": "dar",
    "दारी": "dari",
    "पन": "pan",
    "पना": "pana",
    "गार": "gar",
    "ख़ाना": "khana",
}


@dataclass(slots=True)
class _Unit:
    deva: str | None  # the consonant letter, None for an independent vowel
    cons: str  # its Roman form ("" for an independent vowel)
    vowel: str  # "a" (inherent schwa), "" (virama) or a vowel key ("aa", "ii" …)
    nasal: bool = False
    visarga: bool = False
    deleted: bool = False
    nukta: bool = False

    @property
    def voiced(self) -> bool:
        """Has a vowel that is pronounced (not virama, not a deleted schwa)."""
        return self.vowel != "" and not self.deleted


def parse(word: str) -> list[_Unit]:
    """Split a Devanagari word into consonant/vowel units (characters outside Devanagari dropped)."""
    units: list[_Unit] = []
    for ch in word:
        if ch in _PRECOMPOSED:
            base = _PRECOMPOSED[ch]
            units.append(_Unit(base, _NUKTA.get(base, _CONSONANTS[base]), "a", nukta=True))
        elif ch in _CONSONANTS:
            units.append(_Unit(ch, _CONSONANTS[ch], "a"))
        elif ch == _NUKTA_SIGN:
            if units and units[-1].deva and units[-1].deva in _NUKTA:
                units[-1].cons = _NUKTA[units[-1].deva]
                units[-1].nukta = True
        elif ch in _SIGNS:
            if units and units[-1].deva and units[-1].vowel == "a" and not units[-1].nasal:
                units[-1].vowel = _SIGNS[ch]
            else:  # a stray sign: read it as the vowel itself
                units.append(_Unit(None, "", _SIGNS[ch]))
        elif ch == _VIRAMA:
            if units and units[-1].deva:
                units[-1].vowel = ""
        elif ch in _VOWELS:
            units.append(_Unit(None, "", _VOWELS[ch]))
        elif ch in _NASALS:
            if units:
                units[-1].nasal = True
        elif ch == _VISARGA:
            if units:
                units[-1].visarga = True
        elif ch == "ॐ":
            units.append(_Unit(None, "", "o"))
            units.append(_Unit("म", "m", ""))
    return units


def delete_schwas(units: list[_Unit]) -> None:
    """Mark the schwas Hindi does not pronounce (Ohala's rule plus the usual heuristics)."""
    n = len(units)
    if n > 1:
        last = units[-1]
        if last.deva and last.vowel == "a" and not last.nasal and not last.visarga:
            # mitra, satya; not in Perso-Arabic words (a nukta letter): fikr, sabr, zikr
            keeps = units[-2].vowel == "" and last.deva in ("य", "र", "व") and not any(u.nukta for u in units)
            keeps = keeps or (last.deva == "य" and units[-2].vowel in ("i", "ii"))  # priya, rashtriya
            if not keeps:
                last.deleted = True
    for i in range(n - 2, 0, -1):
        u = units[i]
        if not u.deva or u.vowel != "a" or u.nasal or u.visarga:
            continue
        prev, nxt = units[i - 1], units[i + 1]
        # V C _ C V: a vowel before this consonant (so it is not the second of a cluster), and a
        # single consonant with a pronounced vowel after it.
        if prev.voiced and nxt.deva and nxt.voiced:
            u.deleted = True


def _closed(units: list[_Unit], i: int) -> bool:
    """A consonant without a vowel follows unit i (its syllable is closed)."""
    return i + 1 < len(units) and units[i + 1].deva is not None and not units[i + 1].voiced


def _consonant(units: list[_Unit], i: int, flaps_r: bool = False) -> str:
    u = units[i]
    nxt = units[i + 1] if i + 1 < len(units) else None
    prev = units[i - 1] if i > 0 else None
    if u.deva == "च" and not u.voiced and nxt is not None and nxt.deva in ("च", "छ"):
        return "c"  # च्छ, च्च → "cch": accha, baccha
    if u.deva == "छ" and prev is not None and prev.deva == "च" and not prev.voiced:
        return "ch"
    if u.deva == "ज" and not u.voiced and nxt is not None and nxt.deva == "ञ":
        return "g"  # ज्ञ → gy: gyaan, vigyaan
    if u.deva == "ञ" and prev is not None and prev.deva == "ज" and not prev.voiced:
        return "y"
    if u.deva == "व":
        # w after a consonant cluster other than र (swasth, dwaar, khwab, vishwas) and between
        # vowels, a syllable after the one before (jawab, hawa, diwali, darwaza); v word-initially
        # (vikas, vivah: the w-words "wala", "wahan", "waise" are in the word tables) and after र
        # (sarv, garv)
        if prev is not None and prev.vowel == "" and prev.deva not in (None, "र"):
            return "w"
        if prev is not None and (prev.voiced or prev.deleted) and prev.deva != "र" and u.voiced:
            return "w"
        return "v"
    if u.deva == "क" and u.nukta and u.voiced:
        return "k"  # क़ before a vowel is mostly typed k (kasam, kanoon); q where it closes (waqt)
    if flaps_r and u.nukta and u.deva in ("ड", "ढ"):
        return "r" if u.deva == "ड" else "rh"  # Roman Urdu and Punjabi habit: larka, parhai
    return u.cons


_DOUBLED = {"aa": "aa", "ii": "ee", "uu": "oo"}


def _vowel(units: list[_Unit], i: int, syllables: int, double_long: bool | str = False) -> str:
    u = units[i]
    v = u.vowel
    if not u.voiced:
        return ""
    if double_long and v in _DOUBLED and (double_long is True or double_long == v):
        return _DOUBLED[v]
    closed = _closed(units, i)
    if v == "a":
        nxt = units[i + 1] if i + 1 < len(units) else None
        first = all(not w.voiced for w in units[:i])
        if first and nxt is not None and nxt.deva == "ह" and not nxt.voiced:
            return "e"  # kehna, pehle, yeh
        return "a"
    if v == "aa":
        initial = i == 0 and u.deva is None
        return "aa" if initial or (syllables == 1 and (closed or u.nasal)) else "a"
    if v == "ii":
        return "ee" if closed and syllables == 1 else "i"
    if v == "uu":
        return "oo" if syllables == 1 and (closed or u.nasal) else "u"
    return v


def render(units: list[_Unit], *, double_long: bool | str = False, flaps_r: bool = False, nasals: bool = True) -> str:
    """Write parsed, schwa-deleted units in Roman Hindi.

    The keywords give the other spellings people use (see :mod:`tadka.lang.hi.spelling`): every
    long vowel doubled ("paata"; ``double_long="aa"``: only ā), ड़/ढ़ as r/rh ("larka"),
    nasalisation left out ("kaha").
    """
    syllables = sum(1 for u in units if u.voiced)
    out: list[str] = []
    for i, u in enumerate(units):
        prev = units[i - 1] if i > 0 else None
        vowel = _vowel(units, i, syllables, double_long)
        if u.deva is None and prev is not None and prev.voiced:
            # vowel after vowel: गए gaye, किए kiye, हुए hue, भाई bhai, हुआ hua
            if u.vowel == "e" and prev.vowel in ("a", "aa", "i", "ii") and not prev.nasal:
                vowel = "ye"  # and with nasalisation "yen": जाएं jayen, आएँ aayen
            elif u.vowel in ("ii", "i"):
                vowel = "i"
            elif u.vowel == "aa":
                vowel = "a"
        out.append(_consonant(units, i, flaps_r))
        out.append(vowel)
        if u.nasal and u.voiced and nasals:
            nxt = units[i + 1] if i + 1 < len(units) else None
            if nxt is not None and nxt.deva is not None:
                out.append("m" if nxt.deva in _LABIALS else "n")
            elif u.vowel == "e" and vowel != "ye":
                out[-1] = "ei"  # final ें: mein, karein, baatein
                out.append("n")
            else:
                out.append("n")
        if u.visarga:
            out.append("h")
    return "".join(out)


def romanize_rules(word: str) -> str:
    """One Devanagari word → Roman, by rule only (no word tables)."""
    units = parse(word)
    if not units:
        return "".join(_DIGITS.get(ch, _PUNCT.get(ch, ch)) for ch in word)
    delete_schwas(units)
    return render(units)


_DEVA_RUN = re.compile(r"[\u0900-\u0963\u0971-\u097F\uA8E0-\uA8FF]+")


def romanize_word(word: str, lookup: Callable[[str], str | None] = lambda w: None, known: Collection[str] = ()) -> str:
    """One Devanagari word → Roman: table lookup, then morpheme split, then rules.

    ``lookup`` returns the spelling of a whole word from the tables (or None); ``known`` is the set
    of Devanagari words the tables hold, used to find compound boundaries.
    """
    hit = lookup(word)
    if hit is not None:
        return hit
    if "-" in word:
        return "-".join(romanize_word(p, lookup, known) for p in word.split("-"))
    for suffix, roman in SUFFIXES.items():
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return romanize_word(word[: -len(suffix)], lookup, known) + roman
    if known and 6 <= len(word) <= MAX_COMPOUND:
        for cut in range(len(word) - 3, 2, -1):
            head, tail = word[:cut], word[cut:]
            if head in known and tail in known and tail[0] not in _SIGNS and tail[0] != _VIRAMA:
                return (lookup(head) or romanize_rules(head)) + (lookup(tail) or romanize_rules(tail))
    # Devanagari digits and danda inside a token, anything else kept as it is
    return _DEVA_RUN.sub(lambda m: romanize_rules(m.group(0)), word).translate(_TRANSLATE)


_TRANSLATE = str.maketrans({**_DIGITS, **_PUNCT})
