"""``sms``: SMS and chat shorthand (please → pls, you → u, mujhe → mje, kyun → q).

The table is corpora/noise_tables/sms.tsv (English and Roman Hindi words, each with the
shorthands people type for it, most common first; the first is chosen twice as often as each
other one). A record of another pack (``lang`` ta-Latn+en) also gets that pack's own table
(corpora/noise_tables/sms_ta.tsv: eppadi → epdi, romba → rmba).

Rate: the share of eligible words shortened. Eligible: an unprotected word the table lists.
"""

from __future__ import annotations

import random

from tadka.augment.text import tables
from tadka.augment.text.base import CURRENT_PACK, WordOp, match_case, text_ops
from tadka.augment.text.protect import Piece


@text_ops.register("sms")
class SmsShorthand(WordOp):
    """Replace words by their chat shorthand."""

    name = "sms"
    unit = "word with a shorthand"

    def eligible(self, piece: Piece) -> bool:
        return piece.text.lower() in tables.sms_for(CURRENT_PACK.get())

    def change(self, word: str, rng: random.Random) -> str:
        options = tables.sms_for(CURRENT_PACK.get())[word.lower()]
        pick = options[0] if len(options) == 1 or rng.random() < 2 / (len(options) + 1) else rng.choice(options[1:])
        return match_case(word, pick)
