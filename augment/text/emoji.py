"""``emoji``: an emoji typed after a word ("thanks 🙏", "ho gaya ✅", "barish 🌧️").

A word listed in corpora/noise_tables/emoji.tsv gets one of its own emoji (most of the time);
any other word one from the general pool (emoji_pool.txt). The emoji follows the word after a
space, or takes the place of the space before the next word.

Rate: the share of eligible words followed by an inserted emoji. Eligible: an unprotected word
(named entities count too: "Paytm 💳" is as natural as "paisa 💰" — the entity itself is never
changed).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from tadka.augment.text import tables
from tadka.augment.text.base import Tally, TextOp, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError


@text_ops.register("emoji")
class EmojiInsert(TextOp):
    """Insert emoji after words."""

    name = "emoji"
    unit = "word"
    defaults = {"own": 0.7}

    def check(self) -> None:
        if not 0 <= float(self.params["own"]) <= 1:
            raise ConfigError("must be in [0, 1]", field="emoji.own")

    def pick(self, word: str, rng: random.Random) -> str:
        own = tables.emoji().get(word.lower())
        if own and rng.random() < self.params["own"]:
            return rng.choice(own)
        return rng.choice(tables.emoji_pool())

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        out: list[str] = []
        changed = False
        for p in pieces:
            out.append(p.text)
            if p.kind == "word" or p.kind == "entity":
                tally.eligible += 1
                if rng.random() < self.rate:
                    tally.changed += 1
                    changed = True
                    out.append(" ")
                    out.append(self.pick(p.text, rng))
        return out if changed else None
