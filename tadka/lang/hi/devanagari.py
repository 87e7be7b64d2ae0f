"""Roman Hindi → Devanagari by rule, for words no lexicon holds.

The lexicon (corpora/lexicon/en_hi.tsv and variants.tsv, see :mod:`tadka.lang.lexicon`) is tried
first; these rules are the fallback. Roman Hindi drops the schwas that Devanagari leaves implicit
("kamra" = कमरा, not कम्रा), so between two consonants the rules write the plain letter (implicit
schwa) and use a virama only where Hindi really has a cluster: word-initially ("kya", "pyaar"),
word-finally ("dost"), for doubled consonants ("pakka"), s/sh before a stop ("rasta"), before y
("vidya") and in tr/dr ("mitra"). A nasal before a consonant is an anusvara ("thanda" ठंडा,
"lamba" लंबा). A final -a, -i, -u are long (ा, ी, ू: "mera", "pani", "aalu"), and final -ain,
-ein, -on are nasal (हैं, में, लोगों).

Retroflex and dental t/d are not told apart (त/द, the more frequent ones): nothing in the Roman
spelling says which, so only the lexicon gets ठंडा's ड right.
"""

from __future__ import annotations

import re

_CONS = [  # longest first
    ("chh", "छ"), ("cch", "च्छ"), ("chch", "च्च"), ("ksh", "क्ष"),
    ("ch", "च"), ("kh", "ख"), ("gh", "घ"), ("jh", "झ"), ("th", "थ"), ("dh", "ध"), ("ph", "फ"),
    ("bh", "भ"), ("sh", "श"), ("k", "क"), ("g", "ग"), ("j", "ज"), ("t", "त"), ("d", "द"),
    ("n", "न"), ("p", "प"), ("b", "ब"), ("m", "म"), ("y", "य"), ("r", "र"), ("l", "ल"), ("v", "व"),
    ("w", "व"), ("s", "स"), ("h", "ह"), ("z", "ज़"), ("f", "फ़"), ("q", "क़"), ("x", "क्स"), ("c", "क"),
]
_VOWELS = [  # (roman, sign after a consonant, independent letter), longest first
    ("aa", "\u093e", "आ"), ("ai", "\u0948", "ऐ"), ("au", "\u094c", "औ"), ("ee", "\u0940", "ई"),
    ("ii", "\u0940", "ई"), ("oo", "\u0942", "ऊ"), ("uu", "\u0942", "ऊ"), ("ei", "\u0947", "ए"),
    ("a", "", "अ"), ("i", "\u093f", "इ"), ("u", "\u0941", "उ"), ("e", "\u0947", "ए"),
    ("o", "\u094b", "ओ"),
]
_FINAL_LONG = {"a": "\u093e", "i": "\u0940", "u": "\u0942"}
_VIRAMA, _ANUSVARA = "\u094d", "\u0902"
_STOPS = {"k", "kh", "t", "th", "p", "ph", "ch", "chh"}
_LABIAL = {"p", "ph", "b", "bh"}
_NASAL_BEFORE = {"k", "kh", "g", "gh", "ch", "chh", "j", "jh", "t", "th", "d", "dh", "s", "sh",
                 "p", "ph", "b", "bh", "z", "f", "q"}
_TOKEN = re.compile("|".join(re.escape(r) for r, _ in _CONS) + "|" + "|".join(re.escape(r) for r, _, _ in _VOWELS))
_CONS_MAP = dict(_CONS)
_VOWEL_MAP = {r: (sign, letter) for r, sign, letter in _VOWELS}


def _segments(word: str) -> list[tuple[str, str]]:
    """('c', roman) / ('v', roman) pieces; anything that is no Roman letter is kept as ('x', ch)."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(word):
        m = _TOKEN.match(word, i)
        if m is None:
            out.append(("x", word[i]))
            i += 1
            continue
        piece = m.group(0)
        out.append(("v" if piece in _VOWEL_MAP else "c", piece))
        i = m.end()
    return out


def _cluster(segs: list[tuple[str, str]], i: int) -> bool:
    """Whether consonant i, followed directly by consonant i+1, is written with a virama."""
    cur, nxt = segs[i][1], segs[i + 1][1]
    at_start = i == 0 or segs[i - 1][0] != "v"
    at_end = i + 2 == len(segs)
    return (
        at_start
        or at_end
        or cur == nxt
        or (cur in ("s", "sh") and nxt in _STOPS)
        or nxt == "y"
        or (cur in ("t", "d") and nxt == "r")
    )


def devanagari_rules(word: str) -> str:
    """One Roman Hindi word → Devanagari by rule only (lowercases first)."""
    segs = _segments(word.lower())
    n = len(segs)
    # final nasal vowels: hain, mein, karein, logon
    nasal_end = n >= 3 and segs[-1] == ("c", "n") and segs[-2][0] == "v" and (
        segs[-2][1] in ("ai", "ei") or (segs[-2][1] == "o" and len(word) >= 4)
    )
    if nasal_end:
        segs = segs[:-1]
        n -= 1
    out: list[str] = []
    for i, (kind, piece) in enumerate(segs):
        last = i == n - 1
        if kind == "x":
            out.append(piece)
        elif kind == "c":
            nxt = segs[i + 1] if i + 1 < n else None
            if nxt is not None and nxt[0] == "c" and i > 0 and segs[i - 1][0] == "v" and (
                (piece == "n" and nxt[1] in _NASAL_BEFORE) or (piece == "m" and nxt[1] in _LABIAL)
            ):
                out.append(_ANUSVARA)
                continue
            out.append(_CONS_MAP[piece])
            if nxt is not None and nxt[0] == "c" and _cluster(segs, i):
                out.append(_VIRAMA)
        else:
            sign, letter = _VOWEL_MAP[piece]
            after_cons = i > 0 and segs[i - 1][0] == "c"
            if not after_cons:
                out.append("आ" if piece == "a" and last and i > 0 else letter)
            elif last and piece in _FINAL_LONG:
                out.append(_FINAL_LONG[piece])
            else:
                out.append(sign)
    if nasal_end:
        out.append(_ANUSVARA)
    return "".join(out)
