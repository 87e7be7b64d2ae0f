"""A character n-gram model of a language's words, for the transliterations no word list covers.

When a Roman word names no word of the frequency list (a rare word, a new name, an inflection the
list lacks), the pack writes the spellings its rules allow — ट or त, ड or द or ड़, ि or ी, ं or
न्, — and this model says which of them looks like the language's own words: "ठंडक" before "थंडक",
"पढ़ाकू" before "पदाकू". Trained on the same frequency list (each word once, so that the long tail
teaches it as much as the frequent words), with interpolated absolute discounting (Ney, Essen &
Kneser 1994), the standard smoothing for small n-gram models. Hand-written rather than taken from
a library because it is 60 lines and the libraries that have it (nltk.lm, kenlm) are slow in
Python or need a compiled toolchain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BOS, EOS = "\x02", "\x03"
DISCOUNT = 0.75


@dataclass
class CharLM:
    """Interpolated absolute-discounting character n-gram model (picklable, plain dicts)."""

    order: int = 4
    # context → (count of the context, number of distinct next characters, {next char: count})
    table: dict[str, tuple[int, int, dict[str, int]]] = field(default_factory=dict)
    alphabet: int = 1

    @classmethod
    def train(cls, words: Iterable[str], order: int = 4) -> CharLM:
        counts: dict[str, dict[str, int]] = {}
        chars: set[str] = {EOS}
        for word in words:
            padded = BOS * (order - 1) + word + EOS
            chars.update(word)
            for i in range(order - 1, len(padded)):
                nxt = padded[i]
                for n in range(order):  # contexts of length 0 .. order-1
                    ctx = padded[i - n : i]
                    bucket = counts.setdefault(ctx, {})
                    bucket[nxt] = bucket.get(nxt, 0) + 1
        table = {ctx: (sum(b.values()), len(b), b) for ctx, b in counts.items()}
        return cls(order=order, table=table, alphabet=len(chars))

    def prob(self, context: str, char: str) -> float:
        """P(char | the last order-1 characters of context)."""
        p = 1.0 / self.alphabet
        ctx = context[-(self.order - 1) :] if self.order > 1 else ""
        for n in range(0, len(ctx) + 1):  # from the empty context up to the longest
            entry = self.table.get(ctx[len(ctx) - n :] if n else "")
            if entry is None:
                break
            total, types, nexts = entry
            p = max(nexts.get(char, 0) - DISCOUNT, 0.0) / total + DISCOUNT * types / total * p
        return p

    def logp(self, context: str, char: str) -> float:
        """log P(char | context), memoised on the context's last order-1 characters."""
        ctx = context[-(self.order - 1) :] if self.order > 1 else ""
        memo = self.__dict__.get("_memo")
        if memo is None:
            memo = self.__dict__["_memo"] = {}
        key = (ctx, char)
        value = memo.get(key)
        if value is None:
            if len(memo) > 500_000:
                memo.clear()
            value = memo[key] = math.log(self.prob(ctx, char))
        return value

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_memo", None)  # a cache, not part of the model
        return state

    def logprob(self, word: str) -> float:
        """Natural-log probability of a whole word (with its end)."""
        padded = BOS * (self.order - 1) + word
        total = 0.0
        for i in range(self.order - 1, len(padded)):
            total += math.log(self.prob(padded[:i], padded[i]))
        return total + math.log(self.prob(padded, EOS))


def best_paths(
    slots: Sequence[Sequence[tuple[str, float]]], lm: CharLM, beam: int = 8, cost_scale: float = 1.0
) -> list[tuple[float, float, str]]:
    """The best strings through a lattice of alternatives, best first, as (score, cost, text).

    Each slot offers (text, cost in nats) alternatives; a path scores its language-model
    log-probability (with the word's end) minus its costs times ``cost_scale``. Left to right,
    ``beam`` partial paths kept.
    """
    paths: list[tuple[float, float, str]] = [(0.0, 0.0, "")]
    pad = BOS * (lm.order - 1)
    for slot in slots:
        grown: dict[str, tuple[float, float]] = {}
        for score, cost, text in paths:
            for piece, piece_cost in slot:
                s = score - piece_cost * cost_scale
                context = pad + text
                for ch in piece:
                    s += lm.logp(context, ch)
                    context += ch
                new = text + piece
                if new not in grown or s > grown[new][0]:
                    grown[new] = (s, cost + piece_cost)
        paths = sorted(((s, c, t) for t, (s, c) in grown.items()), reverse=True)[:beam]
    finished = [(s + lm.logp(pad + t, EOS), c, t) for s, c, t in paths]
    return sorted(finished, reverse=True)


def best_path(slots: Sequence[Sequence[tuple[str, float]]], lm: CharLM, beam: int = 8, cost_scale: float = 1.0) -> str:
    """The single best string through a lattice (see :func:`best_paths`)."""
    paths = best_paths(slots, lm, beam, cost_scale)
    return paths[0][2] if paths else ""
