"""Openers that answer nothing: a bare "Bilkul! 😊" or a "## Jawab" heading before the answer.

Held-out round 23 (bench/junk_rounds.md) kept two teacher openers the meta-talk model scores low because
they are one or two words: an acknowledgement glued before the answer to a question that asked what,
when or how ("Bilkul! 😊 CUET central universities …" to "CUET exam kaise kaam karta hai?"), and a
markdown heading that names the answer ("## Jawab …"). Each is read here by its shape:

- :func:`bare_acknowledgement`: the answer's first sentence is only words of assent
  (corpora/junk/opener_words.tsv, row ``ack``: "bilkul", "zaroor", "sure", "haan ji", "theek hai" …,
  with vocatives such as "bhai") and the prompt asks a question that assent does not answer — a what,
  when or how question (row ``wh``, a "kya" inside the question: "Iske liye kya documents chahiye?",
  or an explain or how demand of corpora/demand/answer_demand.tsv). "Haan bilkul." is the answer to
  "Kya main online apply kar sakta hoon?" and is kept;
- :func:`answer_heading`: the answer opens with a markdown heading or a bold label whose first word
  names the answer or the question (the ``lead_in`` row of corpora/junk/exchange_words.tsv: "## Jawab",
  "**Answer**", "### Uttar").

Why by hand: no library reads Hinglish assent; this is two word sets and a sentence split.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from tadka.curate.filters.length import demand
from tadka.curate.filters.text import fresh_match_words, split_sentences
from tadka.curate.filters.topic_words import canonical_words

#: Words the answer must hold after the acknowledgement: "Haan ji, bilkul." alone is a short reply.
MIN_REST_WORDS = 5
_HELD = re.compile(r"(\w)\1{2,}")  # "bilkulll", "zaroorrr": a held letter, read once
_KYA = frozenset(("kya", "kia", "kyaa", "क्या"))
#: First words of a question that asks yes or no.
_YES_NO = _KYA | frozenset("can could would will should shall do does did is are am was were kyaa".split())
_GREETING = re.compile(r"^\s*[^\s,?]+\s*,\s*")  # "Hello, kya …", "Bhai, kya …": a word before the question
_HEADING = re.compile(r"\s*(?:#{1,6}\s*|\*\*\s*|__\s*)(\w+)")


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str]]:
    """(words of assent, question words) from corpora/junk/opener_words.tsv."""
    text = files("tadka.corpora").joinpath("junk", "opener_words.tsv").read_text(encoding="utf-8")
    rows = dict(line.split("\t", 1) for line in text.splitlines()[1:] if "\t" in line)
    return frozenset(fresh_match_words(rows["ack"])), frozenset(fresh_match_words(rows["wh"]))


def asks_what(prompt: str) -> bool:
    """True when the prompt asks a question that "yes" does not answer: a question word (kab, kitna,
    kaun, what, how …), a "kya" neither first nor last in its question ("Iske liye kya chahiye?"), or an
    explain or how demand — unless one of its questions asks yes or no: it starts with "kya", "can",
    "is" … (after a greeting: "Hello, kya aap Hindi samajhte ho?"), as "Kya aap farq samjha sakte hain?"
    does, where "Haan, zaroor." answers it."""
    _, wh = _words()
    sentences = split_sentences(prompt)
    asked = False
    for sentence in sentences:
        words = fresh_match_words(_GREETING.sub("", sentence, count=1))
        if words[:1] and words[0] in _YES_NO:
            return False
        asked = asked or not wh.isdisjoint(words) or any(w in _KYA for w in words[1:-1])
    return asked or bool(demand(prompt))


def bare_acknowledgement(prompt: str, answer: str) -> bool:
    """True when the answer opens with a sentence of assent only, before an answer to a question assent
    does not answer (module docstring)."""
    first = split_sentences(answer)
    if len(first) < 2:
        return False
    ack, _ = _words()
    words = [_HELD.sub(r"\1", w) for w in fresh_match_words(first[0])]
    if not words or not ack.issuperset(words):
        return False
    return len(fresh_match_words(answer)) - len(words) >= MIN_REST_WORDS and asks_what(prompt)


def answer_heading(answer: str) -> bool:
    """True when the answer opens with a markdown heading or bold label that names the answer or the
    question ("## Jawab", "**Answer**")."""
    from tadka.curate.filters.meta_exchange import lead_in_words

    m = _HEADING.match(answer)
    return bool(m) and canonical_words(fresh_match_words(m.group(1)))[0] in lead_in_words()
