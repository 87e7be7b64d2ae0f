"""``repetition``: Gopher's repetition rules, tuned for Hinglish chat turns.

Rae et al. (2021), "Scaling Language Models: Methods, Analysis & Insights from Training Gopher",
appendix A, table A1, drop a document when any of these shares is too high:
duplicate lines / paragraphs (0.30 of the items, 0.20 of the characters), the characters covered by
the single most frequent word 2-, 3-, 4-gram (0.20, 0.18, 0.16), and the characters inside word
n-grams seen before, n = 5…10 (0.15 … 0.10).

What changed for Hinglish, and why (measured on every good Hinglish answer in corpora/seeds,
samples and eval — 593 turns of 20–70 words — and on 400 long answers made by joining 3–6 seed
answers of one domain, ~210 words each; see tests/curate/test_filters_repetition.py):

* Each assistant turn is checked on its own: a looping teacher loops inside one answer, and the
  user's turns are not what the model learns to say.
* The n-gram rules apply only to turns of at least ``min_words`` (40) words. Gopher documents are
  long; in a short chat answer one repeated pair ("ke liye", "karna hai") already covers a fifth of
  the characters. Without the gate Gopher's limits drop 3 of the 593 good Hinglish turns (and 8 of
  the 425 English ones), with it none (3 English); the long answers stay far below every limit (top bigram
  ≤ 0.08, repeated 5-grams ≤ 0.10), so the limits themselves are Gopher's, unchanged.
* The line and paragraph rules apply at any length: good answers never repeat a whole line, and a
  teacher stuck in a loop does.

Two rules for short looping answers, which Gopher's rules (made for documents) never see:

* **repeated sentences**, at any length: the characters in sentences (3 words or more, split at
  . ! ? । and line breaks, compared as lower-cased words) that repeat an earlier one, as a share of
  all characters — limit 0.20, Gopher's line limit. "Form bharo. Form bharo. Form bharo." is 0.67;
  a 200-word answer that says one sentence twice stays under 0.05;
* **short loops**: in a turn of 3 to ``min_words`` words, the share of words that repeat an earlier
  word (1 − distinct/total) — limit 0.45. "UPI PIN share mat karo, UPI PIN share mat karo, UPI PIN
  share mat karo" is 0.67, a phrase said twice 0.5; "kal 10 baje aa jana" is 0; the most repetitive good answer under 40 words
  in corpora/ is 0.32.

Score ``repetition``: the worst share over all rules divided by its limit (above 1 is a drop).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence

from tadka.curate.filters.base import Filter, Verdict, steps
from tadka.curate.filters.text import fresh_lower_words, lines, lower_words, paragraphs, split_sentences

from tadka.config import Section, opt
from tadka.records import Record


def duplicate_shares(items: Sequence[str]) -> tuple[float, float]:
    """(share of items that repeat an earlier one, share of characters in those repeats)."""
    if not items:
        return 0.0, 0.0
    seen: set[str] = set()
    dup = dup_chars = total = 0
    for item in items:
        total += len(item)
        if item in seen:
            dup += 1
            dup_chars += len(item)
        else:
            seen.add(item)
    return dup / len(items), (dup_chars / total if total else 0.0)


def top_ngram_share(ws: Sequence[str], n: int, total_chars: int) -> float:
    """Characters covered by the most frequent word n-gram (all its occurrences) over all word characters."""
    if len(ws) < n or not total_chars:
        return 0.0
    grams = list(zip(*(ws[i:] for i in range(n))))
    if len(set(grams)) == len(grams):  # nothing repeats (C-speed check before counting)
        return 0.0
    gram, count = Counter(grams).most_common(1)[0]
    if count < 2:
        return 0.0
    return count * sum(len(w) for w in gram) / total_chars


def duplicate_ngram_share(ws: Sequence[str], n: int, total_chars: int) -> float:
    """Characters of words inside an n-gram that occurred earlier (each word counted once)."""
    if len(ws) < 2 * n or not total_chars:
        return 0.0
    grams = list(zip(*(ws[i:] for i in range(n))))
    if len(set(grams)) == len(grams):
        return 0.0
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(ws)
    for i, gram in enumerate(grams):
        if gram in seen:
            for j in range(i, i + n):
                covered[j] = True
        else:
            seen.add(gram)
    return sum(len(w) for w, c in zip(ws, covered) if c) / total_chars


def longest_run(ws: Sequence[str]) -> int:
    """The most times one word follows itself in a row ("aur aur aur aur" → 4)."""
    best = run = 1 if ws else 0
    for a, b in zip(ws, ws[1:]):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best


def repeated_sentence_share(text: str) -> float:
    """Characters in sentences of 3+ words that repeat an earlier sentence, over all characters."""
    parts = split_sentences(text, ".!?।|")
    if len(parts) < 2:
        return 0.0
    seen: set[tuple[str, ...]] = set()
    dup = total = 0
    for part in parts:
        ws = fresh_lower_words(part)
        n = sum(map(len, ws))
        total += n
        if len(ws) >= 3:
            if ws in seen:
                dup += n
            else:
                seen.add(ws)
    return dup / total if total else 0.0


@dataclass
class RepetitionParams(Section):
    """The ``curate.repetition_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    roles: list[str] = opt(["assistant"], "Turns checked for repetition, each on its own.")
    dup_line_frac: float = opt(0.30, "Most lines that repeat an earlier line, as a share of lines (Gopher: 0.30).")
    dup_para_frac: float = opt(0.30, "Most paragraphs that repeat an earlier one, as a share (Gopher: 0.30).")
    dup_line_char_frac: float = opt(0.20, "Most characters in repeated lines, as a share of characters (Gopher: 0.20).")
    dup_para_char_frac: float = opt(0.20, "Most characters in repeated paragraphs (Gopher: 0.20).")
    min_words: int = opt(
        40,
        "The n-gram rules apply only to turns with at least this many words: in a short chat answer one "
        "repeated pair ('ke liye', 'karna hai') is already a large share (Gopher documents are thousands of "
        "words). With 40, no good Hinglish answer in corpora/ is dropped; with none, 3 of 593 are.",
    )
    dup_sentence_char_frac: float = opt(
        0.20,
        "Most characters in sentences (3+ words) that repeat an earlier sentence, at any length (a looping "
        "short answer: 'Form bharo. Form bharo. Form bharo.').",
    )
    short_loop_frac: float = opt(
        0.45,
        "In turns of short_min_words to min_words words: most words that repeat an earlier word (1 - distinct/"
        "total). Catches 'UPI PIN share mat karo, UPI PIN share mat karo …'; good short answers in corpora/ "
        "stay under 0.32.",
    )
    short_min_words: int = opt(3, "Shortest turn the short-loop rule applies to.")
    max_word_run: int = opt(
        4,
        "Most times one word may follow itself ('bahut bahut', 'ha ha ha' stay under): a teacher stuck on a word "
        "('… jaana hoga aur aur aur aur aur aur …', held-out junk round 47) runs past it at any answer length.",
    )
    top_ngram_char_frac: dict[int, float] = opt(
        {2: 0.20, 3: 0.18, 4: 0.16},
        "n → most characters covered by the single most frequent word n-gram (Gopher's values; long Hinglish "
        "answers stay under 0.08).",
    )
    dup_ngram_char_frac: dict[int, float] = opt(
        {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10},
        "n → most characters inside word n-grams that occur more than once (Gopher's values).",
    )


@steps.register("repetition")
class RepetitionFilter(Filter):
    params: ClassVar[type] = RepetitionParams
    name = "repetition"

    def __init__(
        self,
        roles: Sequence[str] = ("assistant",),
        dup_line_frac: float = 0.30,
        dup_para_frac: float = 0.30,
        dup_line_char_frac: float = 0.20,
        dup_para_char_frac: float = 0.20,
        min_words: int = 40,
        top_ngram_char_frac: Mapping[int, float] | None = None,
        dup_ngram_char_frac: Mapping[int, float] | None = None,
        dup_sentence_char_frac: float = 0.20,
        short_loop_frac: float = 0.45,
        short_min_words: int = 3,
        max_word_run: int = 4,
    ) -> None:
        self.roles = tuple(roles)
        self.dup_line_frac = dup_line_frac
        self.dup_para_frac = dup_para_frac
        self.dup_line_char_frac = dup_line_char_frac
        self.dup_para_char_frac = dup_para_char_frac
        self.min_words = min_words
        self.top_ngram_char_frac = dict(top_ngram_char_frac or {2: 0.20, 3: 0.18, 4: 0.16})
        self.dup_ngram_char_frac = dict(dup_ngram_char_frac or {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10})
        self.dup_sentence_char_frac = dup_sentence_char_frac
        self.short_loop_frac = short_loop_frac
        self.short_min_words = short_min_words
        self.max_word_run = max_word_run

    def measure(self, text: str) -> list[tuple[str, float, float]]:
        """(rule, share, limit) for every rule that applies to this text."""
        out = []
        if "\n" in text:
            ls = lines(text)
            if len(ls) > 1:
                frac, chars = duplicate_shares(ls)
                out += [("dup_lines", frac, self.dup_line_frac), ("dup_line_chars", chars, self.dup_line_char_frac)]
            ps = paragraphs(text)
            if len(ps) > 1:
                frac, chars = duplicate_shares(ps)
                out += [("dup_paras", frac, self.dup_para_frac), ("dup_para_chars", chars, self.dup_para_char_frac)]
        ws = lower_words(text)
        # No repeated word trigram (decided in C, by a set's size) means no repeated sentence of 3+
        # words and no repeated n-gram for n ≥ 3: most answers stop here after the bigram rule.
        repeats3 = len(set(zip(ws, ws[1:], ws[2:]))) < len(ws) - 2
        share = repeated_sentence_share(text) if repeats3 else 0.0
        if share:
            out.append(("dup_sentences", share, self.dup_sentence_char_frac))
        if repeats3 and self.max_word_run > 0:  # (a run of three or more of one word repeats a trigram)
            out.append(("word_run", float(longest_run(ws)), float(self.max_word_run)))
        if self.short_min_words <= len(ws) < self.min_words:
            out.append(("short_loop", 1 - len(set(ws)) / len(ws), self.short_loop_frac))
        if len(ws) >= self.min_words:
            total = sum(map(len, ws))
            for n, limit in sorted(self.top_ngram_char_frac.items()):
                out.append((f"top_{n}gram", top_ngram_share(ws, n, total) if n < 3 or repeats3 else 0.0, limit))
            clean = not repeats3  # no repeated n-gram means no repeated longer one: skip the rest
            for n, limit in sorted(self.dup_ngram_char_frac.items()):
                share = 0.0 if clean else duplicate_ngram_share(ws, n, total)
                clean = clean or share == 0.0
                out.append((f"dup_{n}gram", share, limit))
        return out

    def _worst(self, record: Record) -> tuple[float, str]:
        worst, rule = 0.0, ""
        for m in record.messages:
            if m["role"] in self.roles:
                for name, share, limit in self.measure(m["content"]):
                    ratio = share / limit if limit > 0 else 0.0
                    if ratio > worst:
                        worst, rule = ratio, name
        return worst, rule

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        worst, rule = self._worst(record)
        return {"repetition": round(worst, 4)}, (True if worst <= 1.0 else (False, f"repetition:{rule}"))

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]
