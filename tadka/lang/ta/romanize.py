"""Tamil script → Roman Tamil as people type it in Tanglish ("vanakkam", "romba", "vandhu", "paathu").

Written by hand because no maintained library does this: indic-transliteration and aksharamukha give
scholarly schemes (ISO 15919 "vaṇakkam", ITRANS "vaNakkam") or one letter per letter ("vantu" for
வந்து), while people write the sounds of Tamil: its stops are voiced between vowels and after a
nasal, which the script leaves unwritten.

A word goes through two steps:

1. **parse** into units, one per consonant or independent vowel, each with its vowel: the inherent
   ``a``, a vowel sign, or none (pulli, the virama). Unlike Hindi there is no schwa to delete: Tamil
   script writes every vowel-less consonant with a pulli.
2. **render** each consonant by its neighbours, the way Tanglish spells Tamil phonology:

   * the stops க ச ட த ப are k, s, t, th, p at the start of a word; voiced after a nasal
     (ங்க ng, ஞ்ச nj, ண்ட nd, ந்த ndh, ம்ப mb, ன்ப nb) and after a vowel or ய ர ழ ல ள
     (g, s, d, dh, b: "magan", "kaasu", "veedu", "adhu", "seidhu"); geminates voiceless (க்க kk, ட்ட tt,
     ப்ப pp, ச்ச ch, த்த th: "akka", "kitta", "appa", "pachai", "paathu"), and single after a long vowel
     ("saapadu", "veetu", "paatu"), as chat spells them;
   * ற்ற is tr ("vetri"), ன்ற ndr ("nandri"), ண்ற nr ("panren"); ழ zh; ஞ at a word's start ny
     ("nyaabagam"); ய் after a vowel i ("poi", "naai", "seidhu"); ஃப f;
   * a geminate after a long vowel or a consonant is written single ("saapadu", "vaazhkai");
   * ஆ is "aa" in a word's first syllable and "a" after it ("vaanga", "vendam", "amma", "pannalam");
     ஈ and ஊ are "ee" and "oo" ("neenga", "ooru"); ஏ and ஓ "e" and "o" ("pesu", "podhum").

The lexicon (corpora/lexicon/en_ta.tsv) is tried first, so loanwords come out in English spelling
(போன் "phone", ஆபீஸ் "office") and habit beats phonology for the words it lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Consonant letters → (class, plain Roman). Classes: stop (voicing alternates), nasal, other.
_CONS = {
    "க": ("stop", "k"),
    "ச": ("stop", "s"),
    "ட": ("stop", "t"),
    "த": ("stop", "th"),
    "ப": ("stop", "p"),
    "ங": ("nasal", "ng"),
    "ஞ": ("nasal", "nj"),
    "ண": ("nasal", "n"),
    "ந": ("nasal", "n"),
    "ம": ("nasal", "m"),
    "ன": ("nasal", "n"),
    "ய": ("son", "y"),
    "ர": ("son", "r"),
    "ல": ("son", "l"),
    "வ": ("son", "v"),
    "ழ": ("son", "zh"),
    "ள": ("son", "l"),
    "ற": ("rr", "r"),
    "ஜ": ("other", "j"),
    "ஶ": ("other", "sh"),
    "ஷ": ("other", "sh"),
    "ஸ": ("other", "s"),
    "ஹ": ("other", "h"),
}
# Voiced forms of the stops (after a vowel, a nasal or a sonorant); their geminate spelling.
_VOICED = {"க": "g", "ச": "s", "ட": "d", "த": "dh", "ப": "b"}
_AFTER_NASAL = {"க": "g", "ச": "j", "ட": "d", "த": "dh", "ப": "b"}
_GEMINATE = {"க": "kk", "ச": "ch", "ட": "tt", "த": "th", "ப": "pp"}
_VOWELS = {
    "அ": "a",
    "ஆ": "aa",
    "இ": "i",
    "ஈ": "ii",
    "உ": "u",
    "ஊ": "uu",
    "எ": "e",
    "ஏ": "ee",
    "ஐ": "ai",
    "ஒ": "o",
    "ஓ": "oo",
    "ஔ": "au",
}
_SIGNS = {
    "\u0bbe": "aa",
    "\u0bbf": "i",
    "\u0bc0": "ii",
    "\u0bc1": "u",
    "\u0bc2": "uu",
    "\u0bc6": "e",
    "\u0bc7": "ee",
    "\u0bc8": "ai",
    "\u0bca": "o",
    "\u0bcb": "oo",
    "\u0bcc": "au",
}
_PULLI, _AYTHAM, _AU_MARK = "\u0bcd", "\u0b83", "\u0bd7"
_LONG = frozenset({"aa", "ii", "uu", "ee", "oo"})
_SIMPLIFY = _LONG | {"ai"}  # vowels after which a geminate stop is written single
_DIGITS = {chr(0x0BE6 + i): str(i) for i in range(10)}


@dataclass(slots=True)
class Unit:
    """One consonant (``letter``) or independent vowel (``letter`` None) with its vowel ("" = pulli)."""

    letter: str | None
    vowel: str
    raw: str = ""  # a character no rule knows, kept as it is


def parse(word: str) -> list[Unit]:
    """Units of one (NFC) Tamil word; characters of no Tamil letter are kept as raw units."""
    units: list[Unit] = []
    for ch in word:
        if ch in _CONS:
            units.append(Unit(ch, "a"))
        elif ch in _SIGNS and units and units[-1].letter is not None and units[-1].vowel == "a":
            units[-1].vowel = _SIGNS[ch]
        elif ch == _AU_MARK and units and units[-1].vowel == "e":
            units[-1].vowel = "au"  # ெ + ௗ written apart
        elif ch == _PULLI and units and units[-1].letter is not None:
            units[-1].vowel = ""
        elif ch in _VOWELS:
            units.append(Unit(None, _VOWELS[ch]))
        elif ch == _AYTHAM:
            units.append(Unit("ஃ", ""))
        elif ch in ("\u200c", "\u200d"):
            continue
        else:
            units.append(Unit(None, "", raw=_DIGITS.get(ch, ch)))
    return units


def _consonant(units: list[Unit], i: int) -> str:
    """The Roman spelling of unit i's consonant, by its neighbours."""
    u = units[i]
    letter = u.letter
    assert letter is not None, "called for consonant units only"
    prev = units[i - 1] if i > 0 else None
    nxt = units[i + 1] if i + 1 < len(units) else None
    if letter == "ஃ":
        return "" if nxt is not None and nxt.letter == "ப" else "h"
    cls, plain = _CONS[letter]
    if prev is not None and prev.letter == "ஃ" and letter == "ப":
        return "f"
    prev_letter = prev.letter if prev is not None else None
    closed_before = prev is not None and prev_letter is not None and prev.vowel == "" and not prev.raw
    if u.vowel == "":  # a consonant with pulli: its sound is decided by what follows
        if nxt is not None and nxt.letter == letter and cls == "stop":
            return ""  # the geminate is written by the next unit (kk, tt, pp, ch, th)
        if letter == "ற" and nxt is not None and nxt.letter == "ற":
            return "t"  # ற்ற → tr
        if letter in ("ங", "ஞ") and nxt is not None and nxt.letter in ("க", "ச"):
            return "n"  # ங்க → ng, ஞ்ச → nj
        if letter == "ய" and prev is not None and prev.vowel and not prev.raw:
            return "" if prev.vowel in ("i", "ii", "ai") else "i"  # போய் poi, நாய் naai
        if letter == "ட":
            return "t"
        if letter == "ச" and nxt is None:
            return "ch"  # a final ச் is an English loan's: மேட்ச் "match"
        if cls == "stop" and closed_before and prev_letter in ("ண", "ந", "ம", "ன", "ங", "ஞ"):
            return _AFTER_NASAL[letter]
        if letter == "ஞ":
            return "n"
        return plain
    if cls == "stop":
        if closed_before and prev_letter == letter:
            # after a long vowel or another consonant, chat writes the geminate single:
            # "saapadu", "veetu", "vaazhkai"
            before = units[i - 2] if i >= 2 else None
            simple = before is not None and not before.raw and (before.vowel in _SIMPLIFY or before.vowel == "")
            return _GEMINATE[letter][-1] if simple and letter != "த" and letter != "ச" else _GEMINATE[letter]
        if closed_before and prev_letter in ("ண", "ந", "ம", "ன", "ங", "ஞ"):
            return _AFTER_NASAL[letter]
        if prev is None or prev.raw:
            return plain if letter != "ச" else "s"
        if closed_before and prev_letter in ("ய", "ர", "ழ", "ல", "ள"):
            return _VOICED[letter] if letter != "ச" else "ch"
        if closed_before:
            return plain if letter != "ச" else "ch"  # after ட், க், ற் …: voiceless
        return _VOICED[letter]  # between vowels
    if letter == "ற":
        if closed_before and prev_letter == "ற":
            return "r"  # ற்ற → t + r
        if closed_before and prev_letter == "ன":
            return "dr"  # ன்ற → ndr
        return "r"
    if letter == "ஞ":
        return "ny" if prev is None or prev.raw else "nj"
    if letter == "ங" and closed_before:
        return "ng"
    return plain


def _vowel(vowel: str, first_syllable: bool, length: str) -> str:
    if vowel == "aa":
        return "aa" if length == "all" or (length == "first" and first_syllable) else "a"
    if vowel == "ii":
        return "i" if length == "none" else "ee"
    if vowel == "uu":
        return "u" if length == "none" else "oo"
    if vowel == "ee":
        return "ae" if length == "all" and first_syllable else "e"
    if vowel == "oo":
        return "o"
    return vowel


def render(units: list[Unit], length: str = "first") -> str:
    """The Roman spelling of parsed units (see the module docstring). ``length`` says which long
    vowels are written long: the habit ("first": ஆ long in the first syllable only, ஈ ஊ always),
    "all" ("vendaam", "aen") or "none" ("vanga", "ninga")."""
    out: list[str] = []
    seen_vowel = False
    for i, u in enumerate(units):
        if u.raw:
            out.append(u.raw)
            seen_vowel = False
            continue
        if u.letter is not None:
            out.append(_consonant(units, i))
        if u.vowel:
            out.append(_vowel(u.vowel, not seen_vowel, length))
            seen_vowel = True
    return "".join(out)


def romanize_rules(word: str) -> str:
    """One Tamil word → Roman by rule only."""
    return render(parse(word))


def romanize_word(word: str, lookup: Callable[[str], str | None]) -> str:
    """One (NFC, normalised) Tamil word → Roman: the lexicon's spelling if it lists the word, else
    the rules; hyphen compounds part by part."""
    hit = lookup(word)
    if hit:
        return hit
    if "-" in word:
        return "-".join(romanize_word(part, lookup) if part else part for part in word.split("-"))
    return romanize_rules(word)
