"""Per-variant figures from answers as text: what a user sees, measured by tadka.lang.

Every figure here is a plain function of strings (and the tags tadka.lang gives them), so it is
tested on hand-made answers — a looping one, a truncated one, an English one — not only on model
output. :data:`DEFINITIONS` holds the one-line definition of each figure that the report prints.

The language measures come only from tadka.lang's public API (``analyze_batch`` for tokens, word
tags, sentence ID and CMI; ``corpus_metrics`` for the M-index; ``token_script``): the language core
is the one place those decisions are made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from tadka.lang import analyze_batch, corpus_metrics, token_script

TARGETS = ("hi-Latn", "hi-Deva")
#: CMI histogram bins: exactly 0 (a monolingual answer) apart, then steps of 10 CMI points up to 100.
CMI_EDGES = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0)
REPEAT_N = 3
LETTER_SCRIPTS_OK = {"hi-Latn": {"Latn"}, "hi-Deva": {"Deva", "Latn"}}

DEFINITIONS = {
    "fidelity": "share of answers whose sentence language (tadka.lang) is the prompt's target: hi-Latn for "
    "Roman Hinglish prompts, hi-Deva for Devanagari ones",
    "script_consistency": "share of answers whose Hindi words are all in the target's script (Roman for hi-Latn, "
    "Devanagari for hi-Deva) with no word in a third script; an empty answer is not consistent",
    "cmi_mean": "mean Code-Mixing Index (Das & Gambäck 2014, 0-100) of the answers",
    "cmi_in_band": "share of answers whose CMI lies inside the training band: the central quantiles of the "
    "training set's assistant answers' CMI",
    "cmi_distance": "total variation distance (0 = same shape, 1 = disjoint) between the answers' CMI histogram "
    "and the training answers' (bins: 0, then steps of 10)",
    "m_index": "M-index (Barnett et al. 2000) of all answer words pooled: 0 one language, 1 languages equally used",
    "repeat": "mean share of an answer's word characters inside a word 3-gram already seen earlier in the same "
    "answer (Gopher's duplicate n-gram share)",
    "hit_limit": "share of answers that stopped at max_new_tokens instead of an end-of-turn token",
    "short": "share of answers with at most one word (empty included)",
    "echo": "share of answers of 3 words or more at least half of whose word 3-grams are in the prompt: the model "
    "copies the question instead of answering it",
    "chrf": "chrF (sacrebleu, corpus level, 0-100) of the answers against the reference answers",
    "ref_ppl": "perplexity of the reference answers given their prompts (teacher-forced, end-of-turn included)",
    "changed": "share of prompts whose greedy answer changes when the prompt has typing noise",
}


@dataclass(frozen=True)
class Answer:
    """One generated answer: its text, the prompt's target language and whether it hit the token limit."""

    text: str
    target: str | None
    hit_limit: bool = False
    reference: str = ""
    prompt: str = ""  # the user turn it answers (for the echo figure)


def target_of(lang: str | None, prompt_lang: str) -> str | None:
    """The sentence language an answer should have: the record's lang tag when it names a script,
    else the prompt's own sentence language (None for an English or unidentified prompt)."""
    tag = (lang or "").split("+")[0]
    if tag in TARGETS:
        return tag
    return prompt_lang if prompt_lang in TARGETS else None


def words_of(tokens: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Word tokens: everything but punctuation, numbers, emoji and URLs (``univ``)."""
    return [t for t, g in zip(tokens, tags) if g != "univ"]


def repeat_fraction(words: Sequence[str], n: int = REPEAT_N) -> float:
    """Share of word characters inside a word n-gram seen earlier in the same text (case-folded).

    The definition of the curate ``repetition`` filter (Gopher's duplicate n-gram share), computed here
    on the language core's tokens; written out because the filter's helper only counts texts of at
    least 2n words, and a looping answer cut at the token limit can be shorter.
    """
    ws = [w.casefold() for w in words]
    total = sum(len(w) for w in ws)
    if len(ws) <= n or not total:
        return 0.0
    seen: set[tuple[str, ...]] = set()
    covered = [False] * len(ws)
    for i in range(len(ws) - n + 1):
        gram = tuple(ws[i : i + n])
        if gram in seen:
            for j in range(i, i + n):
                covered[j] = True
        else:
            seen.add(gram)
    return sum(len(w) for w, c in zip(ws, covered) if c) / total


def echoes(words: Sequence[str], prompt_words: Sequence[str], n: int = REPEAT_N) -> bool:
    """Whether at least half of the answer's word n-grams (case-folded) occur in the prompt."""
    ws = [w.casefold() for w in words]
    if len(ws) < n:
        return False
    ps = [w.casefold() for w in prompt_words]
    seen = {tuple(ps[i : i + n]) for i in range(len(ps) - n + 1)}
    grams = [tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)]
    return sum(g in seen for g in grams) * 2 >= len(grams)


def script_consistent(tokens: Sequence[str], tags: Sequence[str], target: str | None) -> bool:
    """Hindi words in the target's script, and no word in a third script (see DEFINITIONS)."""
    if target not in TARGETS:
        return False
    seen_word = False
    for token, tag in zip(tokens, tags):
        if tag == "univ":
            continue
        script = token_script(token)
        if script in ("Digit", "Emoji", "Punct", "Space", "Mark"):
            continue
        seen_word = True
        if script not in LETTER_SCRIPTS_OK[target]:
            return False
        if tag == "hi" and script != ("Latn" if target == "hi-Latn" else "Deva"):
            return False
    return seen_word


def histogram(values: Sequence[float], edges: Sequence[float] = CMI_EDGES) -> list[float]:
    """Shares of ``values`` per bin: [0, 0] alone, then (e_i, e_i+1]; empty input gives all zeros."""
    counts = [0] * len(edges)
    for v in values:
        if v <= edges[0]:
            counts[0] += 1
            continue
        for i in range(1, len(edges)):
            if v <= edges[i] or i == len(edges) - 1:
                counts[i] += 1
                break
    total = sum(counts)
    return [c / total for c in counts] if total else [0.0] * len(edges)


def tv_distance(p: Sequence[float], q: Sequence[float]) -> float:
    """Total variation distance between two histograms of shares: half the L1 distance."""
    return 0.5 * sum(abs(a - b) for a, b in zip(p, q))


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass(frozen=True)
class Reference:
    """What the training set's answers look like: their CMI band and histogram, and their M-index."""

    band: tuple[float, float]
    histogram: list[float]
    cmi_mean: float
    m_index: float
    n: int

    def to_dict(self) -> dict:
        return {
            "band": list(self.band),
            "histogram": self.histogram,
            "cmi_mean": round(self.cmi_mean, 3),
            "m_index": round(self.m_index, 4),
            "answers": self.n,
            "edges": list(CMI_EDGES),
        }


def training_reference(answers: Sequence[str], quantiles: tuple[float, float] = (0.1, 0.9)) -> Reference:
    """The CMI band (the given quantiles), histogram and M-index of the training set's answers."""
    found = analyze_batch(list(answers))
    cmis = [a.cmi for a in found]
    band = (round(quantile(cmis, quantiles[0]), 3), round(quantile(cmis, quantiles[1]), 3))
    m = corpus_metrics([a.tags for a in found])["m_index"] if found else 0.0
    return Reference(band, histogram(cmis), sum(cmis) / len(cmis) if cmis else 0.0, m, len(found))


def chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float | None:
    """Corpus chrF (sacrebleu's defaults: character 6-grams, beta 2), 0-100; None without references."""
    pairs = [(h, r) for h, r in zip(hypotheses, references) if r]
    if not pairs:
        return None
    from sacrebleu.metrics import CHRF

    return round(CHRF().corpus_score([h for h, _ in pairs], [[r for _, r in pairs]]).score, 3)


def _share(flags: Sequence[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def figures(answers: Sequence[Answer], reference: Reference | None = None) -> dict:
    """Every text figure of one set of answers (see DEFINITIONS); shares are None for an empty set."""
    both = analyze_batch([a.text for a in answers] + [a.prompt for a in answers])
    found, prompts = both[: len(answers)], both[len(answers) :]
    targeted = [(a, f) for a, f in zip(answers, found) if a.target in TARGETS]
    words = [words_of(f.tokens, f.tags) for f in found]
    cmis = [f.cmi for f in found]
    out = {
        "answers": len(answers),
        "fidelity": _share([f.lang == a.target for a, f in targeted]),
        "fidelity_by_target": {
            t: _share([f.lang == t for a, f in targeted if a.target == t])
            for t in TARGETS
            if any(a.target == t for a, _ in targeted)
        },
        "script_consistency": _share([script_consistent(f.tokens, f.tags, a.target) for a, f in targeted]),
        "langs": {lang: sum(f.lang == lang for f in found) for lang in sorted({f.lang for f in found})},
        "cmi_mean": round(sum(cmis) / len(cmis), 3) if cmis else None,
        "cmi_histogram": [round(x, 4) for x in histogram(cmis)],
        "m_index": round(corpus_metrics([f.tags for f in found])["m_index"], 4) if found else None,
        "repeat": round(sum(repeat_fraction(w) for w in words) / len(words), 4) if words else None,
        "hit_limit": _share([a.hit_limit for a in answers]),
        "short": _share([len(w) <= 1 for w in words]),
        "echo": _share([echoes(w, words_of(p.tokens, p.tags)) for w, p in zip(words, prompts)]),
        "chrf": chrf([a.text for a in answers], [a.reference for a in answers]),
    }
    if reference is not None:
        lo, hi = reference.band
        out["cmi_in_band"] = _share([lo <= c <= hi for c in cmis])
        out["cmi_distance"] = round(tv_distance(histogram(cmis), reference.histogram), 4) if cmis else None
    return out


HEADLINE_DELTAS = ("fidelity", "script_consistency", "cmi_in_band", "repeat", "hit_limit", "short", "echo", "chrf")


def deltas(noisy: dict, clean: dict) -> dict:
    """noisy − clean for the figures that a noisy prompt can move (None where either is missing)."""
    out = {}
    for key in HEADLINE_DELTAS:
        a, b = noisy.get(key), clean.get(key)
        out[key] = None if a is None or b is None else round(a - b, 4)
    return out
