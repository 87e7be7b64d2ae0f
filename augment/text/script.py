"""``script``: a few words in the other script — Devanagari inside Roman Hinglish, or Roman inside
Devanagari Hindi — as people switch keyboards mid-sentence ("kal मिलते hain").

Roman → Devanagari uses the language pack's lexicon and rules (tadka.lang:
``get_pack("hi").native_word``, "kal" → "कल"); Devanagari → Roman its romaniser
(``romanize_word``, "मिलते" → "milte"). ``direction`` is ``to_native``, ``to_roman`` or ``both``
(default: each eligible word flips to the other script).

Rate: the share of eligible words flipped. Eligible: an unprotected Roman word that is Hindi in its
turn (English words have no Devanagari spelling to flip to), or an unprotected Devanagari word.
A record of another pack (``lang`` ta-Latn+en) flips its own words: a Roman word of that pack's
lexicon to Tamil script ("romba" → "ரொம்ப"), a Tamil word to Roman.
"""

from __future__ import annotations

import random

from tadka.augment.text.base import CURRENT_PACK, WordOp, text_ops
from tadka.lang.pack import get_pack
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

DIRECTIONS = ("both", "to_native", "to_roman")


def _is_devanagari_word(word: str) -> bool:
    """Devanagari letters and signs only (no digits, no danda, no Latin)."""
    return all("\u0900" <= ch <= "\u0963" or "\u0971" <= ch <= "\u097f" for ch in word)


@text_ops.register("script")
class ScriptFlip(WordOp):
    """Write some Hindi words in the other script."""

    name = "script"
    unit = "Hindi word"
    defaults = {"direction": "both"}

    def check(self) -> None:
        if self.params["direction"] not in DIRECTIONS:
            raise ConfigError(
                f"unknown direction {self.params['direction']!r}", field="script.direction", hint=", ".join(DIRECTIONS)
            )
        from tadka.lang import get_pack

        self._pack = get_pack("hi")

    def eligible(self, piece: Piece) -> bool:
        w = piece.text
        direction = self.params["direction"]
        code = CURRENT_PACK.get()
        if code != "hi":  # another pack's record: its own script and its own Roman words
            pack = get_pack(code)
            if w.isascii():
                lex = pack.lexicon
                # the segmenter's language guess knows Hindi and English only: the pack's lexicon decides
                return (
                    direction != "to_roman"
                    and w.isalpha()
                    and w.lower() in lex.roman_words
                    and w.lower() not in lex.english_words
                )
            return direction != "to_native" and pack.is_native(w)
        if w.isascii():
            return direction != "to_roman" and piece.lang == "hi" and w.isalpha()
        return direction != "to_native" and _is_devanagari_word(w)

    def change(self, word: str, rng: random.Random) -> str:
        code = CURRENT_PACK.get()
        pack = self._pack if code == "hi" else get_pack(code)
        if word.isascii():
            return pack.native_word(word)
        return pack.romanize_word(word)
