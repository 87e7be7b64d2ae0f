"""``profanity``: swearing, slurs and explicit words in English, Hindi (Devanagari) and Hinglish.

The lists are ours (corpora/profanity/, see its README): moderate, and without the words whose
everyday sense is innocent, because a filter that drops "kutta" (dog) or "chut" (typed for chhoot,
a discount) would empty an agriculture or retail set. Matching is on words, never substrings, so
"Scunthorpe" and "classic" are safe; elongated spellings ("fuuuck", "chuuutiya") are squeezed
before lookup. Flags: ``profanity:<category>`` (abuse, slur, sexual); score ``profanity``: distinct
terms found.
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

CATEGORIES = ("abuse", "slur", "sexual")
_RUN3 = re.compile(r"(\w)\1\1")  # detection (the cheaper pattern)
_RUNS = re.compile(r"(\w)\1{2,}")  # squeezing


def _variants(token: str) -> tuple[str, ...]:
    """The token, and with runs of three or more letters squeezed to one and to two."""
    if not _RUN3.search(token):
        return (token,)
    return token, _RUNS.sub(r"\1", token), _RUNS.sub(r"\1\1", token)


class Lexicon:
    """Single words, word prefixes (``chutiy*``) and multi-word phrases, each with its category."""

    def __init__(self) -> None:
        self.words: dict[str, str] = {}
        self.prefixes: dict[str, str] = {}
        self.phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, term: str, category: str) -> None:
        term = unicodedata.normalize("NFC", term).casefold().strip()
        if term.endswith("*"):
            self.prefixes[term[:-1]] = category
            return
        parts = match_words(term)
        if len(parts) == 1:
            self.words[parts[0]] = category
        elif parts:
            self.phrases.setdefault(parts[0], []).append((parts[1:], category))

    def remove(self, term: str) -> None:
        term = unicodedata.normalize("NFC", term).casefold().strip()
        self.words.pop(term, None)
        self.prefixes.pop(term.rstrip("*"), None)

    def _prefix_hits(self, toks: set[str]) -> list[tuple[str, str]]:
        out = []
        for tok in toks:
            for p, cat in self.prefixes.items():
                if tok.startswith(p):
                    out.append((tok, cat))
                    break
        return out

    def find(self, text: str) -> list[tuple[str, str]]:
        """(matched term, category) for every distinct term found in ``text``.

        A fast path first, in C: most text shares no word with the lists at all.
        """
        toks = match_words(text)
        cands: tuple[str, ...] | set[str] = toks
        if _RUN3.search(text):  # elongated spellings: look up their squeezed forms too
            cands = {v for t in toks for v in _variants(t)}
        joined = " " + " ".join(cands)
        if (
            self.words.keys().isdisjoint(cands)
            and self.phrases.keys().isdisjoint(toks)
            and not any(" " + p in joined for p in self.prefixes)
        ):
            return []
        present = set(cands)
        hits = [(w, self.words[w]) for w in present & self.words.keys()]
        hits += self._prefix_hits(present - self.words.keys())
        for first in present & self.phrases.keys():
            for rest, cat in self.phrases[first]:
                n = len(rest)
                if any(tok == first and toks[i + 1 : i + 1 + n] == rest for i, tok in enumerate(toks)):
                    hits.append((" ".join((first, *rest)), cat))
        return hits


@dataclass
class ProfanityParams(Section):
    """The ``curate.profanity_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    roles: list[str] = opt(["user", "assistant"], "Turns searched for profanity and slurs.")
    lists: list[str] = opt(["en", "hi_latn", "hi_deva"], "Word lists from corpora/profanity/ to use.")
    categories: list[str] = opt(["abuse", "slur", "sexual"], "Categories of the lists to drop.")
    extra: list[str] = opt([], "More words or phrases to drop (matched as whole words, case-insensitively).")
    allow: list[str] = opt([], "Words from the lists to allow after all.")


@steps.register("profanity")
class ProfanityFilter(Filter):
    params: ClassVar[type] = ProfanityParams
    name = "profanity"

    def __init__(
        self,
        roles: Sequence[str] = ("user", "assistant"),
        lists: Sequence[str] = ("en", "hi_latn", "hi_deva"),
        categories: Sequence[str] = CATEGORIES,
        extra: Sequence[str] = (),
        allow: Sequence[str] = (),
    ) -> None:
        unknown = [c for c in categories if c not in CATEGORIES]
        if unknown:
            raise ConfigError(
                f"unknown category {unknown[0]!r}", field="curate.profanity_categories", hint=", ".join(CATEGORIES)
            )
        self.roles = tuple(roles)
        self.lists = tuple(lists)
        self.categories = tuple(categories)
        self.extra = tuple(extra)
        self.allow = tuple(allow)
        for name in self.lists:
            read_list("profanity", name)  # an unknown list fails on the driver, before any work

    def setup(self) -> None:
        lex = Lexicon()
        for name in self.lists:
            for row in read_list("profanity", name):
                if row["category"] in self.categories:
                    lex.add(row["term"], row["category"])
        for term in self.extra:
            lex.add(term, "abuse")
        for term in self.allow:
            lex.remove(term)
        self.lexicon_ = lex

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        self.ensure_setup()
        hits = [h for m in record.messages if m["role"] in self.roles for h in self.lexicon_.find(m["content"])]
        if not hits:
            return {}, True
        found = {c for _, c in hits}  # flags in a fixed order: set order differs between processes
        cats = tuple(f"profanity:{c}" for c in CATEGORIES if c in found)
        return {"profanity": float(len(hits))}, (False, cats)

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]
