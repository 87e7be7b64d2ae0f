"""``length``: characters and words per turn, words in the whole response, number of turns.

Words are counted with the Indic-aware word pattern (:mod:`tadka.curate.filters.text`), so a
Devanagari turn is not over-counted as fragments and emoji or punctuation-only turns count as zero
words. Scores: ``chars`` (all checked turns), ``words`` (assistant turns), ``turns`` (user +
assistant).
"""

from __future__ import annotations

from typing import Sequence

from tadka.curate.filters.base import Filter, Verdict, steps
from tadka.curate.filters.text import lower_words
from tadka.records import Record


@steps.register("length")
class LengthFilter(Filter):
    name = "length"

    def __init__(
        self, roles: Sequence[str] = ("user", "assistant"), min_chars: int = 2, max_chars: int = 8000,
        min_words: int = 1, max_words: int = 1500, min_response_words: int = 3, min_turns: int = 2,
        max_turns: int = 40,
    ) -> None:
        self.roles = tuple(roles)
        self.min_chars = min_chars
        self.max_chars = max_chars
        self.min_words = min_words
        self.max_words = max_words
        self.min_response_words = min_response_words
        self.min_turns = min_turns
        self.max_turns = max_turns

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        chars = response = turns = 0
        verdict: Verdict = True
        for m in record.messages:
            role = m["role"]
            if role == "system":
                continue
            turns += 1
            content = m["content"]
            n_words = len(lower_words(content)) if role == "assistant" or role in self.roles else 0
            if role == "assistant":
                response += n_words
            if role not in self.roles:
                continue
            n = len(content.strip())
            chars += n
            if verdict is True:
                verdict = self._turn(n, n_words)
        scores = {"chars": float(chars), "words": float(response), "turns": float(turns)}
        if turns < self.min_turns:
            verdict = (False, "too_few_turns")
        elif turns > self.max_turns:
            verdict = (False, "too_many_turns")
        elif verdict is True and response < self.min_response_words:
            verdict = (False, "too_short")
        return scores, verdict

    def _turn(self, n_chars: int, n_words: int) -> Verdict:
        if n_chars < self.min_chars:
            return False, "turn_too_short"
        if n_chars > self.max_chars:
            return False, "turn_too_long"
        if n_words < self.min_words:
            return False, "turn_too_few_words"
        if n_words > self.max_words:
            return False, "turn_too_many_words"
        return True

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]
