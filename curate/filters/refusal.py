"""``refusal``: teacher answers that decline, say "As an AI language model", or talk about themselves.

The phrase lists live in corpora/refusals/ (English, Roman Hinglish, Devanagari) so that users can
read and extend them; they include the Hinglish forms teachers produce when asked to answer in
Hinglish ("main ek AI language model hoon", "maaf kijiye, main is mein madad nahi kar sakta",
"Yeh raha aapka Hinglish translation:").

Each phrase names trigger words that every match contains (one of "sorry|afraid", and for some
phrases also one of a second group: "madad|help" & "sakta|sakti"); a phrase's pattern is only tried
on text holding its triggers, so most records cost a set intersection rather than dozens of
regular-expression scans.
Flags: the category (``refusal``, ``ai_identity``, ``boilerplate``, ``closing``, ``meta_talk``).
A short apology in place of an answer, in wordings no list holds ("Bhau, he mala sangta yenaar nahi,
maaf kara."), is also ``refusal`` (:mod:`tadka.curate.filters.apology`).

A phrase that is mentioned rather than used is content: one the user's own turn holds ("Translated by
Google likha aata hai, woh kya hai?") or one the answer quotes ("neeche ka 'Regenerate response'
button"); the answer is searched again without it.

``meta_talk``: phrase lists only know the wordings someone wrote down; on wordings written later
they missed about half. So the edges of each checked turn — its first and last sentence, a leading
"label:", or the whole turn when it is one sentence — also go through a fastText classifier of
assistant meta-talk trained from a grammar of its parts, each read with its context (its place, the
prompt's and the answer's length, the words it shares with the prompt and with the rest of the
answer: :mod:`tadka.curate.filters.meta_talk`), flagged when P(meta) ≥ ``meta_threshold``. All
edges of a batch go to the model in one call.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar, Sequence

from tadka.curate.filters.base import Filter, Verdict, steps
from tadka.curate.filters.lists import read_list
from tadka.curate.filters.text import match_words

from tadka.config import Section, opt
from tadka.errors import ConfigError
from tadka.records import Record

CATEGORIES = ("refusal", "ai_identity", "boilerplate", "closing", "meta_talk")
_SPACE = re.compile(r"\s+")
# a short span in quotes, the quote marks not inside a word ("don't", "I'm" are not quotes)
_QUOTED = re.compile(r"(?<!\w)(['\"“])(?=\S)[^'\"“”\n]{1,80}(?<=\S)(?:\1|”)(?!\w)")
Phrase = tuple[str, tuple[frozenset, ...], re.Pattern]  # category, trigger groups, pattern


def compile_patterns(lists: Sequence[str], categories: Sequence[str], extra: Sequence[str] = ()) -> list[Phrase]:
    """Every selected phrase as (category, trigger word groups, case-insensitive whole-word pattern)."""
    out: list[Phrase] = []
    for name in lists:
        for row in read_list("refusals", name):
            if row["category"] in categories:
                groups = tuple(frozenset(match_words(g.replace("|", " "))) for g in row["trigger"].split("&"))
                out.append((row["category"], groups, _whole(unicodedata.normalize("NFC", row["pattern"]))))
    for i, pattern in enumerate(extra):
        try:
            out.append(("refusal", (), _whole(pattern)))
        except re.error as e:
            raise ConfigError(f"not a valid regular expression: {e}", field=f"curate.refusal_extra[{i}]") from None
    return out


def _whole(pattern: str) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + pattern + r")(?!\w)", re.IGNORECASE)


def clean(text: str) -> str:
    text = _SPACE.sub(" ", text.replace("’", "'").replace("‘", "'"))
    return text if text.isascii() else unicodedata.normalize("NFC", text)


@dataclass
class RefusalParams(Section):
    """The ``curate.refusal_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    roles: list[str] = opt(["assistant"], "Turns searched for refusals and AI boilerplate.")
    lists: list[str] = opt(["en", "hi_latn", "hi_deva"], "Phrase lists from corpora/refusals/ to use.")
    categories: list[str] = opt(
        ["refusal", "ai_identity", "boilerplate", "closing", "meta_talk"],
        "Categories to drop: refusal ('I can't help with that', 'main madad nahi kar sakta'), ai_identity ('As an "
        "AI language model', 'main ek AI hoon'), boilerplate (knowledge-cutoff notes, 'Here is the Hinglish "
        "translation:' and other teacher meta-talk), closing ('I hope this helps! Let me know if you have any other "
        "questions', 'umeed hai isse madad milegi': chat-assistant sign-offs no good answer in corpora/ has), "
        "meta_talk (an opening, closing or whole answer a small fastText model, reading it with its place in the "
        "answer and its overlap with the prompt, takes for talk about the answer or the conversation: 'Main aapko "
        "step by step samjhata hoon.', 'Feel free to ask follow-up questions.', 'Output:').",
    )
    meta_threshold: float = opt(
        0.8,
        "P(meta-talk) at or above which an edge of an answer is flagged "
        "meta_talk (bench/curate.py --part junk prints the trade-off).",
    )
    extra: list[str] = opt(
        [], "More patterns (Python regular expressions, matched case-insensitively as whole words), flagged refusal."
    )


@steps.register("refusal")
class RefusalFilter(Filter):
    params: ClassVar[type] = RefusalParams
    name = "refusal"

    def __init__(
        self,
        roles: Sequence[str] = ("assistant",),
        lists: Sequence[str] = ("en", "hi_latn", "hi_deva"),
        categories: Sequence[str] = ("refusal", "ai_identity", "boilerplate", "closing", "meta_talk"),
        extra: Sequence[str] = (),
        meta_threshold: float = 0.8,
    ) -> None:
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown:
            raise ConfigError(
                f"unknown category {unknown[0]!r}", field="curate.refusal_categories", hint=", ".join(CATEGORIES)
            )
        self.roles = tuple(roles)
        self.lists = tuple(lists)
        self.categories = tuple(categories)
        self.extra = tuple(extra)
        self.meta_threshold = meta_threshold
        compile_patterns(self.lists, self.categories, self.extra)  # fail on the driver, before any work

    def setup(self) -> None:
        self.patterns_ = compile_patterns(self.lists, self.categories, self.extra)
        self.by_trigger_: dict[str, list[int]] = {}  # a word of a phrase's first trigger group → phrases
        for i, (_, groups, _) in enumerate(self.patterns_):
            for word in groups[0] if groups else ():
                self.by_trigger_.setdefault(word, []).append(i)
        self.always_ = [i for i, (_, groups, _) in enumerate(self.patterns_) if not groups]
        if "meta_talk" in self.categories:  # loaded here, so that forked workers share it
            from tadka.curate.filters.meta_talk import model

            model()

    def matches(self, text: str | Sequence[str]) -> list[tuple[str, str]]:
        """(category, matched phrase) for every category found in ``text`` (or in any of several turns)."""
        self.ensure_setup()
        turns = [text] if isinstance(text, str) else list(text)
        present: set[str] = set()
        for t in turns:  # the memoised word view; curly apostrophes straightened as clean() does
            ws = match_words(t)
            if "’" in t or "‘" in t:
                ws = tuple(w.replace("’", "'").replace("‘", "'") for w in ws)
            present.update(ws)
        hit = present & self.by_trigger_.keys()
        if not hit and not self.always_:
            return []
        candidates = sorted({*self.always_, *(i for w in hit for i in self.by_trigger_[w])})
        live = [
            self.patterns_[i] for i in candidates if all(not g.isdisjoint(present) for g in self.patterns_[i][1][1:])
        ]
        cleaned = clean("\n".join(turns))
        out: dict[str, str] = {}
        for cat, _, pattern in live:
            if cat not in out:
                m = pattern.search(cleaned)
                if m:
                    out[cat] = m.group(0)
        return list(out.items())

    def _used_not_mentioned(self, hits: list[tuple[str, str]], turns: list[str], record: Record) -> list[str]:
        """The categories found, less phrases that are mentioned rather than used: a phrase the user's
        own turn holds ("Translated by Google likha aata hai, woh kya hai?" asks about it) or one the
        answer puts in quotes ("… neeche ka 'Regenerate response' button"). The turns are searched
        again without those, so other boilerplate still counts."""
        if not hits or "user" in self.roles:
            return [cat for cat, _ in hits]
        asked = f" {' '.join(match_words(' '.join(m['content'] for m in record.messages if m['role'] == 'user')))} "
        texts = [clean(t) for t in turns]
        for _ in range(3):
            quoted = [phrase for _, phrase in hits if f" {' '.join(match_words(phrase))} " in asked]
            unquoted = [_QUOTED.sub(" ", t) for t in texts]
            if not quoted and unquoted == texts:
                break
            if quoted:
                drop = re.compile("|".join(re.escape(q) for q in quoted), re.IGNORECASE)
                unquoted = [drop.sub(" ", t) for t in unquoted]
            texts = unquoted
            hits = self.matches(texts)
        return [cat for cat, _ in hits]

    def _asked_about_self(self, record: Record) -> bool:
        """True when the last user turn asks the assistant about itself
        (:func:`tadka.curate.filters.length.asks_about_assistant`): its self-description is the answer, so
        ``ai_identity`` and ``meta_talk`` do not apply to the record."""
        from tadka.curate.filters.length import asks_about_assistant

        prompts = [m["content"] for m in record.messages if m["role"] == "user"]
        return bool(prompts) and asks_about_assistant(prompts[-1])

    def _apologises(self, record: Record) -> bool:
        """True when a checked turn is a short apology in place of an answer to the user turn before it
        (:mod:`tadka.curate.filters.apology`)."""
        from tadka.curate.filters.apology import apologises_instead

        prompt = ""
        for m in record.messages:
            if m["role"] == "user":
                prompt = m["content"]
            elif m["role"] in self.roles and apologises_instead(prompt, m["content"]):
                return True
        return False

    def _stock_edge(self, record: Record) -> str | None:
        """The flag for a checked turn that opens or closes with a stock edge that answers nothing
        (:mod:`tadka.curate.filters.stock_edges`): ``meta_talk`` for bare assent before a what-answer or a
        heading that names the answer, ``boilerplate`` for a wish with no occasion or an empty conclusion."""
        from tadka.curate.filters.stock_edges import (
            answer_heading,
            bare_acknowledgement,
            empty_conclusion,
            says_nothing,
            stock_wish,
            unasked_greeting,
        )

        prompt = ""
        for m in record.messages:
            if m["role"] == "user":
                prompt = m["content"]
            elif m["role"] in self.roles:
                answer = m["content"]
                if (
                    (answer.lstrip()[:1] in "#*_" and answer_heading(prompt, answer))
                    or bare_acknowledgement(prompt, answer)
                    or unasked_greeting(prompt, answer)
                ):
                    return "meta_talk"
                if stock_wish(prompt, answer) or empty_conclusion(prompt, answer) or says_nothing(prompt, answer):
                    return "boilerplate"
        return None

    def keep(self, record: Record) -> Verdict:
        return self.keep_batch([record])[0]

    def keep_batch(self, records: Sequence[Record]) -> list[Verdict]:
        """Verdicts for a batch: the phrase lists per record, then one classifier call for the edge
        segments of every checked turn the lists did not already flag (with the user turn before it)."""
        turns = [[m["content"] for m in r.messages if m["role"] in self.roles] for r in records]
        found = [self._used_not_mentioned(self.matches(t), t, r) for t, r in zip(turns, records)]
        # (whether the user asked the assistant about itself is read only where it would change the verdict:
        # an ai_identity hit, or a meta-talk candidate below)
        about_self: dict[int, bool] = {}

        def asked_about_self(i: int) -> bool:
            if i not in about_self:
                about_self[i] = self._asked_about_self(records[i])
            return about_self[i]

        found = [
            [c for c in f if c != "ai_identity"] if "ai_identity" in f and asked_about_self(i) else f
            for i, f in enumerate(found)
        ]
        if "refusal" in self.categories:
            for i, rec in enumerate(records):
                if not found[i] and self._apologises(rec):
                    found[i].append("refusal")
        if "meta_talk" in self.categories:
            for i, rec in enumerate(records):
                edge = None if found[i] else self._stock_edge(rec)
                if edge:
                    found[i].append(edge)
            from tadka.curate.filters.meta_exchange import (
                COMPOSED_CLOSING_P,
                about_exchange,
                answers_in_kind,
                introduces_list,
                is_meta,
                named_by_prompt,
            )
            from tadka.curate.filters.meta_talk import edge_segments, meta_probabilities

            from tadka.curate.filters.length import asks_to_compose

            owner, segs, prompts, answers = [], [], [], []
            for i, rec in enumerate(records):
                if found[i] or about_self.get(i):
                    continue
                prompt = ""
                for m in rec.messages:
                    if m["role"] == "user":
                        prompt = m["content"]
                    elif m["role"] in self.roles and not answers_in_kind(prompt, m["content"]):
                        mine = edge_segments(prompt, m["content"])
                        owner += [i] * len(mine)
                        segs += mine
                        prompts += [prompt] * len(mine)
                        answers += [m["content"]] * len(mine)
            probs = meta_probabilities([line for line, _ in segs])
            for i, (line, seg), p, prompt, answer in zip(owner, segs, probs, prompts, answers):
                if "meta_talk" in found[i] or (p < self.meta_threshold and not about_exchange(line, seg, p)):
                    continue  # (whether the prompt asks for a message is read only for a candidate)
                if (line.startswith("^f") and introduces_list(line, seg, answer)) or asked_about_self(i):
                    continue
                if p < COMPOSED_CLOSING_P and named_by_prompt(prompt, line):
                    continue
                if is_meta(line, seg, p, self.meta_threshold, asks_to_compose(prompt)):
                    found[i].append("meta_talk")
        return [(False, tuple(f)) if f else True for f in found]

    def evaluate_batch(self, records: Sequence[Record]) -> list[tuple[dict[str, float], tuple[str, ...]]]:
        return [({}, ()) if v is True else ({}, v[1]) for v in self.keep_batch(records)]
