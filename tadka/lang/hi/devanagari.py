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
    ("chh", "छ"),
    ("cch", "च्छ"),
    ("chch", "च्च"),
    ("ksh", "क्ष"),
    ("ch", "च"),
    ("kh", "ख"),
    ("gh", "घ"),
    ("jh", "झ"),
    ("th", "थ"),
    ("dh", "ध"),
    ("ph", "फ"),
    ("bh", "भ"),
    ("sh", "श"),
    ("k", "क"),
    ("g", "ग"),
    ("j", "ज"),
    ("t", "त"),
    ("d", "द"),
    ("n", "न"),
    ("p", "प"),
    ("b", "ब"),
    ("m", "म"),
    ("y", "य"),
    ("r", "र"),
    ("l", "ल"),
    ("v", "व"),
    ("w", "व"),
    ("s", "स"),
    ("h", "ह"),
    ("z", "ज़"),
    ("f", "फ़"),
    ("q", "क़"),
    ("x", "क्स"),
    ("c", "क"),
]
_VOWELS = [  # (roman, sign after a consonant, independent letter), longest first
    ("aa", "\u093e", "आ"),
    ("ai", "\u0948", "ऐ"),
    ("au", "\u094c", "औ"),
    ("ee", "\u0940", "ई"),
    ("ii", "\u0940", "ई"),
    ("oo", "\u0942", "ऊ"),
    ("uu", "\u0942", "ऊ"),
    ("ei", "\u0947", "ए"),
    ("a", "", "अ"),
    ("i", "\u093f", "इ"),
    ("u", "\u0941", "उ"),
    ("e", "\u0947", "ए"),
    ("o", "\u094b", "ओ"),
]
_FINAL_LONG = {"a": "\u093e", "i": "\u0940", "u": "\u0942"}
_VIRAMA, _ANUSVARA = "\u094d", "\u0902"
_STOPS = {"k", "kh", "t", "th", "p", "ph", "ch", "chh"}
_LABIAL = {"p", "ph", "b", "bh"}
_NASAL_BEFORE = {
    "k",
    "kh",
    "g",
    "gh",
    "ch",
    "chh",
    "j",
    "jh",
    "t",
    "th",
    "d",
    "dh",
    "s",
    "sh",
    "p",
    "ph",
    "b",
    "bh",
    "z",
    "f",
    "q",
}
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
    return "".join(slot[0][0] for slot in devanagari_lattice(word))


# What else a Roman letter may stand for, with a cost (nats) for leaving the rule's choice: Roman
# script does not tell retroflex from dental, nukta from none, ś from s, ṇ from n.
_CONS_ALTS: dict[str, list[tuple[str, float]]] = {
    "t": [("ट", 0.4)],
    "th": [("ठ", 0.4)],
    "d": [("ड", 0.4), ("ड़", 0.6)],
    "dh": [("ढ", 0.8), ("ढ़", 0.6)],
    "n": [("ण", 1.0)],
    "s": [("श", 1.0), ("ष", 1.5)],
    "sh": [("ष", 0.8)],
    "z": [("ज", 0.3)],
    "f": [("फ", 0.3)],
    "q": [("क", 0.3)],
    "kh": [("ख़", 0.8)],
    "g": [("ग़", 1.2)],
    "ch": [("छ", 0.7)],
    "j": [("ज़", 0.8)],
    "c": [("च", 0.8), ("स", 1.0)],
    "r": [("ड़", 1.2)],
    "v": [],
    "w": [],
}
# Vowel signs after a consonant: (inside the word, at its end).
_SIGN_ALTS: dict[str, tuple[list[tuple[str, float]], list[tuple[str, float]]]] = {
    "a": ([("\u093e", 1.5)], [("", 4.0)]),
    "i": ([("\u0940", 0.5)], [("\u093f", 0.8)]),
    "u": ([("\u0942", 0.5)], [("\u0941", 0.6)]),
    "e": ([("\u0948", 0.8)], [("\u0948", 0.8)]),
    "o": ([("\u094c", 1.0)], [("\u094c", 1.0)]),
    "ai": ([("\u0947", 1.0)], [("\u0947", 1.0)]),
}
_LETTER_ALTS = {"a": [("आ", 1.0)], "i": [("ई", 0.6)], "u": [("ऊ", 0.6)], "e": [("ऐ", 0.8)], "o": [("औ", 1.0)]}
# Word-final vowel + n: nasal vowel or vowel + न (rule's choice first).
_NASAL_END_ALTS = {
    "aa": [("ाँ", 0.4), ("ां", 0.6)],
    "a": [("ाँ", 0.9), ("ां", 1.1)],
    "i": [("ीं", 0.6)],
    "ee": [("ीं", 0.4)],
    "u": [("ूँ", 0.6), ("ूं", 0.8)],
    "oo": [("ूँ", 0.4), ("ूं", 0.6)],
}


def devanagari_lattice(word: str) -> list[list[tuple[str, float]]]:
    """The Devanagari spellings rules allow for one Roman Hindi word, as slots of (text, cost)
    alternatives, each slot's first alternative being the rule's own choice (so joining the first
    alternatives gives :func:`devanagari_rules`). A character model picks the best path for words
    no word list has (:func:`tadka.lang.charlm.best_path`)."""
    segs = _segments(word.lower())
    n = len(segs)
    # final nasal vowels: hain, mein, karein, logon, baaten
    nasal_end = (
        n >= 3
        and segs[-1] == ("c", "n")
        and segs[-2][0] == "v"
        and segs[-3][0] == "c"
        and (segs[-2][1] in ("ai", "ei") or (segs[-2][1] in ("o", "e") and len(word) >= 4))
    )
    if nasal_end:
        segs = segs[:-1]
        n -= 1
    out: list[list[tuple[str, float]]] = []
    for i, (kind, piece) in enumerate(segs):
        last = i == n - 1
        if kind == "x":
            out.append([(piece, 0.0)])
        elif kind == "c":
            nxt = segs[i + 1] if i + 1 < n else None
            prev_vowel = i > 0 and segs[i - 1][0] == "v"
            if (
                nxt is not None
                and nxt[0] == "c"
                and prev_vowel
                and ((piece == "n" and nxt[1] in _NASAL_BEFORE) or (piece == "m" and nxt[1] in _LABIAL))
            ):
                out.append([(_ANUSVARA, 0.0), (_CONS_MAP[piece] + _VIRAMA, 0.6)])
                continue
            if (
                last
                and piece == "n"
                and i >= 2
                and segs[i - 1][0] == "v"
                and segs[i - 2][0] == "c"
                and segs[i - 1][1] in _NASAL_END_ALTS
            ):
                # a final -aan, -in, -un: मकान or कहाँ, दिन or नहीं (the vowel slot is already out)
                vowel_slot = out.pop()
                out.append(
                    [(text + "न", cost) for text, cost in vowel_slot[:1]]
                    + [(alt, cost) for alt, cost in _NASAL_END_ALTS[segs[i - 1][1]]]
                )
                continue
            out.append([(_CONS_MAP[piece], 0.0)] + _CONS_ALTS.get(piece, []))
            if nxt is not None and nxt[0] == "c":
                out.append([(_VIRAMA, 0.0), ("", 1.2)] if _cluster(segs, i) else [("", 0.0), (_VIRAMA, 1.0)])
        else:
            sign, letter = _VOWEL_MAP[piece]
            after_cons = i > 0 and segs[i - 1][0] == "c"
            if not after_cons:
                first = "आ" if piece == "a" and last and i > 0 else letter
                out.append([(first, 0.0)] + [a for a in _LETTER_ALTS.get(piece, []) if a[0] != first])
            elif last and piece in _FINAL_LONG:
                alts = _SIGN_ALTS[piece][1]
                if piece == "a" and i >= 2 and segs[i - 2][0] == "c" and _cluster(segs, i - 2):
                    alts = [("", 0.5)]  # a final cluster keeps its schwa: rashtra राष्ट्र, dharma
                out.append([(_FINAL_LONG[piece], 0.0)] + alts)
            else:
                out.append([(sign, 0.0)] + (_SIGN_ALTS[piece][0] if piece in _SIGN_ALTS else []))
    if nasal_end:
        out.append([(_ANUSVARA, 0.0), ("न", 0.8)])
    return out
