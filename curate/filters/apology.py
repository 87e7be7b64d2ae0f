"""A short apology in place of an answer: a refusal in any dialect's wording.

The refusal lists (corpora/refusals/) hold the wordings someone wrote down ("maaf kijiye, main is mein
madad nahi kar sakta"); each held-out junk round in a new dialect brought refusals they had never seen
("Bhau, he mala sangta yenaar nahi, maaf kara.", "Bapu, aa vaat no jawab aapi shakay em nathi, maaf
karjo."). What those share is not a phrase but a shape, read here:

- the whole answer is short (at most :data:`MAX_WORDS` words: a refusal is, an answer that apologises
  for a delay and then answers is not);
- it holds an apology word and a negation (corpora/junk/apology_words.tsv: English, Roman Hindi and
  Urdu, Devanagari, and the Marathi, Gujarati, Tamil and Telugu forms; an apology word may be a word
  beginning, "maaf" for "maafi", "maaf karjo");
- it names nothing the prompt asked about (:func:`tadka.curate.filters.topic_words.shares_topic`): a
  chemist's "Sorry, bina prescription antibiotic nahi de sakte." answers the question it declines and
  is kept;
- the prompt does not ask for a message to be written ("Sorry, main kal nahi aa paunga" is the message
  a user asked for).

Why by hand: no library reads Hinglish refusals; this is a few word sets and one topic test.
Measured when it was added (after round 18's runs, before rounds 19 and 20 were run; bench/junk_rounds.md):
on rounds 7–18 it flags 10 of the junk answers the other gates kept and none of the 1,066 good answers
they kept; shipped good 0/495.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from tadka.curate.filters.length import asks_to_compose
from tadka.curate.filters.text import match_words
from tadka.curate.filters.topic_words import canonical_words, shares_topic

#: The longest whole answer read as an apology instead of an answer, in words.
MAX_WORDS = 25
_HELD = re.compile(r"(\w)\1{2,}")  # "sryyy", "nahiii": a held letter, read once


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """(apology words, apology word beginnings, negations) from corpora/junk/apology_words.tsv."""
    text = files("tadka.corpora").joinpath("junk", "apology_words.tsv").read_text(encoding="utf-8")
    rows = dict(line.split("\t", 1) for line in text.splitlines()[1:] if "\t" in line)
    return (
        frozenset(match_words(rows["apology"])),
        tuple(match_words(rows["apology_stems"])),
        frozenset(match_words(rows["negation"])),
    )


def apologises_instead(prompt: str, answer: str) -> bool:
    """True when ``answer`` is a short apology in place of an answer to ``prompt`` (module docstring)."""
    words = match_words(answer)
    if not words or len(words) > MAX_WORDS:
        return False
    apology, stems, negation = _words()
    read = set(canonical_words([_HELD.sub(r"\1", w) for w in words]))
    if read.isdisjoint(negation) or not (not read.isdisjoint(apology) or any(w.startswith(stems) for w in read)):
        return False
    # (the prompt is read last: most answers are neither short nor apologetic)
    return not shares_topic(prompt, answer) and not asks_to_compose(prompt)
