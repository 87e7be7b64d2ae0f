"""Roman Tamil → Tamil script by rule, as a lattice of alternatives for the words no list holds.

Roman spelling leaves out what Tamil script writes and writes what it leaves out: one letter ட stands
for Roman t and d, த for th and dh, க for k, g and h, ப for p and b, ச for s, ch and j; Roman n is ந,
ன or ண, l is ல, ள or ழ, r is ர or ற; a short "a" at the end of "amma" is ா but at the end of
"illa" it is nothing. So each Roman piece offers the Tamil spellings it can stand for, the rule's own
choice first with cost 0 and the others with a cost in nats, and the pack's character model of Tamil
words (:class:`tadka.lang.charlm.CharLM`, trained on wordfreq's Tamil list) picks the path that looks
most like Tamil (:func:`tadka.lang.charlm.best_paths`). Consonants without a vowel take the pulli;
doubled letters are geminates (kk → க்க).
"""

from __future__ import annotations

import re

_PULLI = "\u0bcd"
# Roman consonant pieces (longest first) → Tamil alternatives (letter, cost); the first is the rule's.
_CONS: dict[str, list[tuple[str, float]]] = {
    "ndr": [("ன்ற", 0.0), ("ந்த்ர", 1.5)],
    "nj": [("ஞ்ச", 0.0), ("ஞ", 0.8)],
    "ng": [("ங்க", 0.0), ("ங", 0.8), ("ன்க", 1.5)],
    "nch": [("ஞ்ச", 0.0), ("ன்ச", 1.0)],
    "ch": [("ச", 0.0), ("ச்ச", 0.6)],
    "sh": [("ஷ", 0.0), ("ஶ", 1.5), ("ச", 1.2)],
    "zh": [("ழ", 0.0)],
    "th": [("த", 0.0), ("த்த", 0.5), ("ட", 1.2)],
    "dh": [("த", 0.0), ("ட", 1.2)],
    "kh": [("க", 0.0)],
    "gh": [("க", 0.0)],
    "ph": [("ஃப", 0.0), ("ப", 0.6)],
    "bh": [("ப", 0.0)],
    "tr": [("ற்ற", 0.0), ("ட்ர", 0.8), ("த்ர", 1.0)],
    "k": [("க", 0.0)],
    "g": [("க", 0.0)],
    "c": [("க", 0.0), ("ச", 0.6)],
    "q": [("க", 0.0)],
    "s": [("ச", 0.0), ("ஸ", 0.6)],
    "j": [("ஜ", 0.0), ("ச", 0.4)],
    "z": [("ஸ", 0.0), ("ஜ", 0.5)],
    "t": [("ட", 0.0), ("த", 0.4), ("ற", 1.2)],
    "d": [("ட", 0.0), ("த", 0.3)],
    "n": [("ன", 0.0), ("ந", 0.6), ("ண", 0.6)],
    "p": [("ப", 0.0)],
    "b": [("ப", 0.0)],
    "f": [("ஃப", 0.0), ("ப", 0.6)],
    "v": [("வ", 0.0)],
    "w": [("வ", 0.0)],
    "m": [("ம", 0.0)],
    "y": [("ய", 0.0)],
    "r": [("ர", 0.0), ("ற", 0.6)],
    "l": [("ல", 0.0), ("ள", 0.6), ("ழ", 1.0)],
    "h": [("ஹ", 0.0), ("க", 0.6)],
    "x": [("க்ஸ", 0.0)],
}
# Vowels after a consonant: (roman, [(sign, cost)] inside the word, [(sign, cost)] at its end).
_SIGNS: dict[str, tuple[list[tuple[str, float]], list[tuple[str, float]]]] = {
    "aa": ([("\u0bbe", 0.0)], [("\u0bbe", 0.0)]),
    "ai": ([("\u0bc8", 0.0)], [("\u0bc8", 0.0)]),
    "au": ([("\u0bcc", 0.0)], [("\u0bcc", 0.0)]),
    "ae": ([("\u0bc7", 0.0)], [("\u0bc7", 0.0)]),
    "ee": ([("\u0bc0", 0.0)], [("\u0bc0", 0.0)]),
    "ii": ([("\u0bc0", 0.0)], [("\u0bc0", 0.0)]),
    "oo": ([("\u0bc2", 0.0), ("\u0bcb", 0.6)], [("\u0bc2", 0.0), ("\u0bcb", 0.6)]),
    "uu": ([("\u0bc2", 0.0)], [("\u0bc2", 0.0)]),
    "a": ([("", 0.0), ("\u0bbe", 1.0)], [("", 0.0), ("\u0bbe", 0.6), ("\u0bc8", 1.0)]),
    "i": ([("\u0bbf", 0.0), ("\u0bc0", 0.6)], [("\u0bbf", 0.0), ("\u0bc0", 0.6)]),
    "u": ([("\u0bc1", 0.0), ("\u0bc2", 0.6)], [("\u0bc1", 0.0), ("\u0bc2", 0.8)]),
    "e": ([("\u0bc6", 0.0), ("\u0bc7", 0.4)], [("\u0bc7", 0.0), ("\u0bc6", 0.4)]),
    "o": ([("\u0bca", 0.0), ("\u0bcb", 0.4)], [("\u0bcb", 0.0), ("\u0bca", 0.4)]),
}
_LETTERS: dict[str, list[tuple[str, float]]] = {
    "aa": [("ஆ", 0.0)],
    "ai": [("ஐ", 0.0)],
    "au": [("ஔ", 0.0)],
    "ae": [("ஏ", 0.0)],
    "ee": [("ஈ", 0.0)],
    "ii": [("ஈ", 0.0)],
    "oo": [("ஊ", 0.0), ("ஓ", 0.6)],
    "uu": [("ஊ", 0.0)],
    "a": [("அ", 0.0), ("ஆ", 1.0)],
    "i": [("இ", 0.0), ("ஈ", 0.8)],
    "u": [("உ", 0.0), ("ஊ", 0.8)],
    "e": [("எ", 0.0), ("ஏ", 0.6)],
    "o": [("ஒ", 0.0), ("ஓ", 0.6)],
}
_VOWEL_PIECES = sorted(_LETTERS, key=len, reverse=True)
_CONS_PIECES = sorted(_CONS, key=len, reverse=True)
_PIECE = re.compile("|".join(re.escape(p) for p in _VOWEL_PIECES + _CONS_PIECES))


def _segments(word: str) -> list[tuple[str, str]]:
    """('v'|'c'|'x', piece) pieces; a doubled consonant letter is one ('g', letter) geminate piece."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch in "bcdfgjklmnprstvwyz" and word[i + 1 : i + 2] == ch:
            out.append(("g", ch))
            i += 2
            continue
        m = _PIECE.match(word, i)
        if m is None:
            out.append(("x", ch))
            i += 1
            continue
        piece = m.group(0)
        out.append(("v" if piece in _LETTERS else "c", piece))
        i = m.end()
    return out


def _geminate(letter: str) -> list[tuple[str, float]]:
    options = [(t[0] + _PULLI + t[0], c) for t, c in _CONS.get(letter, []) if len(t) == 1]
    if letter == "t":
        options += [("ட்ட", 0.0), ("த்த", 0.3), ("ற்ற", 0.8)]
    if letter == "n":
        options += [("ண்ண", 0.4)]
    return sorted(dict(options).items(), key=lambda o: o[1]) or [(letter, 0.0)]


def tamil_lattice(word: str) -> list[list[tuple[str, float]]]:
    """The Tamil spellings rules allow for one Roman word, as slots of (text, cost) alternatives."""
    segs = _segments(word.lower())
    n = len(segs)
    out: list[list[tuple[str, float]]] = []
    for i, (kind, piece) in enumerate(segs):
        nxt = segs[i + 1] if i + 1 < n else None
        if kind == "x":
            out.append([(piece, 0.0)])
        elif kind in ("c", "g"):
            options = _geminate(piece) if kind == "g" else list(_CONS[piece])
            if i == 0 and piece == "n":
                options = [("ந", 0.0), ("ன", 1.0)]
            elif piece == "n" and nxt is not None and nxt[1] in ("th", "dh"):
                options = [("ந", 0.0), ("ன", 0.8)]  # vandhu வந்து
            elif piece == "n" and nxt is not None and nxt[1] in ("d", "t"):
                options = [("ண", 0.0), ("ன", 0.6)]  # rendu ரெண்டு
            out.append(options)
            if nxt is None or nxt[0] != "v":
                out.append([(_PULLI, 0.0)])  # no vowel follows: the consonant is closed
        else:
            after_cons = i > 0 and segs[i - 1][0] in ("c", "g")
            if after_cons:
                inside, end = _SIGNS[piece]
                out.append(list(end if nxt is None else inside))
            else:
                out.append(list(_LETTERS[piece]))
    return out


def tamil_rules(word: str) -> str:
    """One Roman Tamil word → Tamil script by the rules' first choices only."""
    return "".join(slot[0][0] for slot in tamil_lattice(word))
