"""Meta-talk that talks about the exchange: a second reading of the meta-talk model's edge segments.

The model (:mod:`tadka.curate.filters.meta_talk`) knows the wordings its grammar taught it; each new
style of boilerplate kept a few it had never seen ("kya mast sawaal phenka hai", "Is chat ko rate
karna mat bhoolna!", "Ji sir, aapki query note kar li gayi hai."), which it scored well under its
threshold but rarely near zero. What those wordings share is not a phrase but a subject: they talk
about the conversation itself — the answer, the question, the chat, help, feedback, the AI — and
about nothing of the task. So an edge segment is also meta-talk when all of these hold:

- it is the first or the last segment of a longer answer, not the whole answer (a one-sentence
  answer about chatbots in farming shares nothing with "Ek baat batao na?" and is content);
- it shares no content word with the prompt nor with the rest of the answer (the context tokens
  ``^o0`` and ``^r0`` the model already reads: "kisi question pe atak jao to aage badh jao" closes exam
  tips that talk of questions, and is content);
- the prompt does not ask for a message to be written (:func:`tadka.curate.filters.length.asks_to_compose`:
  the "Help ke liye dhanyavaad." closing an email the user asked for is the email's own);
- it holds a word about the exchange (corpora/junk/exchange_words.tsv: English, Roman Hindi and
  Devanagari, with SMS spellings);
- the model gives it at least :data:`EXCHANGE_MIN_P` (0.2): a word about the exchange in a sentence
  the model reads as plainly good ("Madad ke liye dhanyavaad.", "Doubt ho to station staff se puchh
  lo.") is part of the task. It was 0.1 until grammar v3 (bench/junk_rounds.md) moved the model's
  scores of plain content sentences up: at 0.1 the README tour lost a seed task's answers ("… wheelchair
  ki madad bhi maangi ja sakti hai.", P 0.19).

Measured on the tuned rounds 7–11, the bench's round 6 and every good set (904 good records): junk
boilerplate missed 38/610 → 21/610, good records flagged 4 → 4, shipped good 0 → 0 (bench/curate_junk.py).
Then narrowed (no word shared with the rest, never in a message the user asked for) after the README tour
lost two seed tasks' answers to it (an email's "Help ke liye dhanyavaad.", exam tips ending "kisi question
pe atak jao"): tour records dropped by it 9 → 1 (a copy whose typo hides "email"); junk kept on rounds 7–12
30/695 → 34/695, their good answers dropped unchanged.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from tadka.curate.filters.text import normal_words

#: The least P(meta) a segment about the exchange needs (see the module docstring).
EXCHANGE_MIN_P = 0.2
_EDGES = ("^f", "^l")
_OFF_TOPIC = ("^o0",)
_FEW_SHARED = ("^r0",)


@lru_cache(maxsize=1)
def exchange_words() -> frozenset[str]:
    """Words about the conversation itself (corpora/junk/exchange_words.tsv), as the model reads words."""
    text = files("tadka.corpora").joinpath("junk", "exchange_words.tsv").read_text(encoding="utf-8")
    out: set[str] = set()
    for line in text.splitlines()[1:]:
        _, _, words = line.partition("\t")
        for w in words.split():
            out.update(normal_words(w))
    return frozenset(out)


def about_exchange(line: str, segment: str, p: float) -> bool:
    """True when an edge segment (its model input ``line``, its text, and the model's P(meta)) is off
    the task and about the exchange (module docstring)."""
    if p < EXCHANGE_MIN_P:
        return False
    tokens = line.split(" ", 5)
    if len(tokens) < 5 or tokens[0] not in _EDGES or tokens[3] not in _OFF_TOPIC or tokens[4] not in _FEW_SHARED:
        return False
    return not exchange_words().isdisjoint(normal_words(segment))


def is_meta(line: str, segment: str, p: float, threshold: float, composed: bool = False) -> bool:
    """The meta-talk decision for one edge segment: the model's P(meta) at ``threshold``, or a segment
    about the exchange (:func:`about_exchange`) in an answer that is not a message the user asked for."""
    return p >= threshold or (not composed and about_exchange(line, segment, p))
