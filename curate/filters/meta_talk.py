"""A small fastText classifier for assistant meta-talk: the sentence a teacher adds *about* its answer.

"Great question! Let me walk you through it.", "Main aapki madad karne ki poori koshish karunga.",
"Feel free to ask follow-up questions.", "Yeh jaankari aapke liye upyogi ho, yahi kaamna hai." —
the phrase lists in corpora/refusals/ catch the wordings someone wrote down, and measured on wordings
written later they missed about half (bench/curate_eval.py tells the story round by round). A
character n-gram model generalises from "main … samjhata hoon" and "I'll … for you" to wordings it
has not seen.

Trained on first use on each machine (under a second, deterministic: one thread, seed 0) from
shipped data only: positives are the boilerplate sentences of corpora/junk/junk_parts.tsv whose set is
``train`` (the ``dev`` and ``test`` sets are never read here); negatives are the good openers and
sign-offs of that file ("Sorry to hear that!", "Regards, Ramesh Kumar.") and the sentences of the good
answers of corpora/seeds/tasks.jsonl with an even line number (both languages)
and of corpora/samples/hinglish_chat.jsonl. The odd seed lines, the eval set and the short answers
are left out so that the false-drop figure in bench/curate.py is measured on sentences the model
never saw.

Only the first and the last sentence of a turn are read: meta-talk opens or closes an answer, and a
drafted letter's "Kindly let me know if this works for you." in the middle is then never asked about.
"""

from __future__ import annotations

import json
import random
import re
from functools import lru_cache
from importlib.resources import files

from tadka.curate.filters.text import normalise

META, OK = "__label__meta", "__label__ok"
PARAMS = {"epoch": 30, "lr": 0.5, "wordNgrams": 2, "minn": 2, "maxn": 4, "dim": 32, "bucket": 50_000,
          "minCount": 1, "thread": 1, "seed": 0, "verbose": 0}
_SENTENCE = re.compile(r"(?<=[.!?।])\s+|\n+")  # not at ":" — "Steps ye hain: pehle …" is one sentence


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def training_lines() -> list[str]:
    """The labelled lines the model learns from (see the module docstring for which data)."""
    root = files("tadka.corpora")
    pos, neg = [], []
    for line in root.joinpath("junk", "junk_parts.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        part_set, _, kind, text = line.split("\t", 3)
        if part_set == "train" and kind.startswith("boilerplate"):
            pos.append(text)
        elif part_set == "train" and kind == "good_edge":  # openers and sign-offs of good answers, letters
            neg += [text] * 3
    for i, line in enumerate(root.joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()):
        if i % 2 == 0:
            row = json.loads(line)
            neg += sentences(row["hi_latn"]["response"]) + sentences(row["en"]["response"])
    for line in root.joinpath("samples", "hinglish_chat.jsonl").read_text(encoding="utf-8").splitlines():
        neg += [s for m in json.loads(line)["messages"] if m["role"] == "assistant" for s in sentences(m["content"])]
    # the few positives are repeated so that both classes weigh about the same
    lines = [f"{META} {normalise(p)}" for p in pos] * max(1, len(neg) // max(1, len(pos)) // 2)
    lines += [f"{OK} {normalise(n)}" for n in neg]
    random.Random(0).shuffle(lines)
    return lines


SOURCES = ("junk/junk_parts.tsv", "seeds/tasks.jsonl", "samples/hinglish_chat.jsonl")


@lru_cache(maxsize=1)
def model():
    """Trained once per machine through tadka.lang's fastText trainer and cached by a hash of its
    corpora and settings. The trainer runs in a child process: trained in a long-lived process that
    has freed large blocks, fasttext-numpy2 reads uninitialised memory and stops with "Encountered
    NaN" (see tadka.lang.ftmodel); the loaded model holds only its weights, not training buffers."""
    from tadka.lang.ftmodel import ModelSpec, load_or_train

    params = {k: v for k, v in PARAMS.items() if k not in ("thread", "seed", "verbose")}
    spec = ModelSpec("meta-talk", SOURCES, tuple(sorted(params.items())), version="1", quantize_cutoff=None)
    return load_or_train(spec, training_lines)


def meta_probability(sentence: str) -> float:
    return meta_probabilities([sentence])[0]


def meta_probabilities(sents: list[str]) -> list[float]:
    """P(meta-talk) of each sentence, in one fastText call for the whole list."""
    if not sents:
        return []
    labels, probs = model().predict([normalise(s).replace("\n", " ") for s in sents], k=1)
    return [float(p[0]) if ls[0] == META else 1.0 - float(p[0]) for ls, p in zip(labels, probs)]


_EDGE = 400  # characters read at each end of a turn (meta-talk is a sentence, not a paragraph)
_WORDS = 24  # words of an edge sentence the model reads


def edge_sentences(text: str) -> list[str]:
    """The first and the last sentence; a sentence of under four words ("Sure!", "Bilkul!") is read
    together with its neighbour, so "Sure! Here's everything you need to know:" stays one opener.
    Only the two ends of a long turn are split, and each sentence is cut to its first 24 words."""
    head = sentences(text[:_EDGE] if len(text) > 2 * _EDGE else text)
    tail = sentences(text[-_EDGE:]) if len(text) > 2 * _EDGE else head
    if len(text) > 2 * _EDGE:
        tail = tail[1:] or tail  # the tail window starts mid-sentence
    if not head:
        return []
    first, last = head[0], tail[-1]
    if len(head) > 1 and len(first.split()) < 4:
        first = f"{first} {head[1]}"
    if len(tail) > 1 and len(last.split()) < 4:
        last = f"{tail[-2]} {last}"
    return list(dict.fromkeys(" ".join(s.split()[:_WORDS]) for s in (first, last)))


def meta_sentence(text: str, threshold: float) -> str | None:
    """The first or last sentence of ``text`` that reads as meta-talk, or None."""
    for s in edge_sentences(text):
        if meta_probability(s) >= threshold:
            return s
    return None
