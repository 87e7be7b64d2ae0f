"""``typo``: keyboard slips — a neighbouring key hit instead, an extra key, a missed key, two keys swapped.

Two layouts:

* ``qwerty`` — a laptop or a smartphone's touch keyboard (the same key grid): the neighbours of a
  key are the keys whose centres lie within 1.3 key widths, with the rows staggered as on a real
  keyboard, so "s" may become a, d, w, e, z or x;
* ``t9`` — a feature phone's keypad, still common for SMS in India: a slip is one press too many
  or too few on the same key, so "b" becomes "a" or "c", "s" becomes "r".

A chosen word gets exactly one edit, picked by the weights in ``edits`` (substitute, insert,
delete, transpose); an insert adds a neighbour of a letter next to it, a transpose swaps two
different adjacent letters (where there are none, it substitutes instead). The case of a replaced
letter is kept.

Rate: the share of eligible words given a typo. Eligible: an unprotected word of at least
``min_len`` Roman letters (an apostrophe may be part of it: "don't").
"""

from __future__ import annotations

import random
from functools import lru_cache

from tadka.augment.text.base import WordOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

LAYOUTS = ("qwerty", "t9")
EDITS = ("substitute", "insert", "delete", "transpose")
_QWERTY_ROWS = (("qwertyuiop", 0.0), ("asdfghjkl", 0.25), ("zxcvbnm", 0.75))
_T9_KEYS = ("abc", "def", "ghi", "jkl", "mno", "pqrs", "tuv", "wxyz")


@lru_cache(maxsize=None)
def neighbours(layout: str) -> dict[str, str]:
    """letter → the letters a slip may give instead, on this layout."""
    out: dict[str, str] = {}
    if layout == "qwerty":
        pos = {ch: (x + off, y) for y, (row, off) in enumerate(_QWERTY_ROWS) for x, ch in enumerate(row)}
        for ch, (x, y) in pos.items():
            near = [o for o, (ox, oy) in pos.items() if o != ch and (ox - x) ** 2 + (oy - y) ** 2 <= 1.3**2]
            out[ch] = "".join(sorted(near))
    elif layout == "t9":
        for key in _T9_KEYS:
            for i, ch in enumerate(key):
                out[ch] = "".join(key[j] for j in (i - 1, i + 1) if 0 <= j < len(key))
    else:
        raise ConfigError(f"unknown keyboard layout {layout!r}", field="typo.layout", hint=", ".join(LAYOUTS))
    return out


def _like(template: str, ch: str) -> str:
    return ch.upper() if template.isupper() else ch


@text_ops.register("typo")
class KeyboardTypo(WordOp):
    """One keyboard slip per chosen word, on a QWERTY or a phone keypad layout."""

    name = "typo"
    unit = "Roman word"
    defaults = {
        "layout": "qwerty",
        "min_len": 2,
        "edits": {"substitute": 0.4, "insert": 0.2, "delete": 0.2, "transpose": 0.2},
    }

    def check(self) -> None:
        neighbours(self.params["layout"])
        edits = self.params["edits"]
        if (
            not isinstance(edits, dict)
            or not edits
            or set(edits) - set(EDITS)
            or min(edits.values()) < 0
            or sum(edits.values()) <= 0
        ):
            raise ConfigError(f"expected weights for {', '.join(EDITS)}", field="typo.edits")
        if int(self.params["min_len"]) < 2:
            raise ConfigError("must be at least 2", field="typo.min_len")
        total, self._cumulative = 0.0, []
        for kind in EDITS:
            total += float(edits.get(kind, 0.0))
            self._cumulative.append((total, kind))
        self._total = total
        self._near = neighbours(self.params["layout"])

    def eligible(self, piece: Piece) -> bool:
        w = piece.text
        if not w.isascii():
            return False
        if w.isalpha():
            return len(w) >= self.params["min_len"]
        letters = len(w) - w.count("'")
        return letters >= self.params["min_len"] and w.replace("'", "").isalpha()

    def change(self, word: str, rng: random.Random) -> str:
        r = rng.random() * self._total
        kind = next(kind for bound, kind in self._cumulative if r < bound)
        letters = [i for i, ch in enumerate(word) if ch.lower() in self._near]
        if kind == "transpose":
            pairs = [
                i
                for i in range(len(word) - 1)
                if word[i] != word[i + 1] and word[i].isalpha() and word[i + 1].isalpha()
            ]
            if pairs:
                i = rng.choice(pairs)
                return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            kind = "substitute"
        if kind == "delete" and len(letters) > 1:
            i = rng.choice(letters)
            return word[:i] + word[i + 1 :]
        i = rng.choice(letters)
        near = self._near[word[i].lower()]
        new = _like(word[i], rng.choice(near))
        if kind == "insert":
            return word[: i + 1] + new + word[i + 1 :] if rng.random() < 0.5 else word[:i] + new + word[i:]
        return word[:i] + new + word[i + 1 :]
