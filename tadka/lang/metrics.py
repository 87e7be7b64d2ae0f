"""Code-mixing metrics, with the formulas of the papers that defined them.

Every function takes word-level language tags (``hi``, ``en``, ``other``, ``mixed``, ``ne``,
``univ``; see :mod:`tadka.lang.tags`). Conventions shared by all of them:

* ``ne`` (named entities) and ``univ`` (punctuation, numbers, emoji, URLs) are language-independent,
  as in Das & Gambäck (2014): they never count as words of a language and never make a switch.
* Languages are ``hi``, ``en`` and ``other`` (a word of a third language or script) — in general
  every tag that is not ``ne``, ``univ`` or ``mixed``.
* ``mixed`` ("phone-wala") is language-dependent — it counts in N, the number of language tokens —
  but belongs to no single language: it is never the matrix language and is transparent for switch
  points and spans (``hi mixed hi`` has no switch; ``hi mixed en`` has one).
* A switch point is a change of language between two consecutive language-tagged tokens.
* A span is a maximal run of one language (Guzmán et al. 2017's "language span").
* Standard deviations are population ones (divide by n): burstiness and memory come from Goh &
  Barabási (2008), who define them on the moments of the inter-event distribution, and with the
  population form memory is exactly the Pearson correlation of consecutive spans.
* A figure a definition leaves undefined (burstiness with no span, memory with fewer than two
  distinct pairs) is ``None``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

INDEPENDENT = frozenset({"ne", "univ"})
#: Tags that are no language: the language-independent ones and ``mixed``. Every other tag is a
#: language (``hi``, ``en``, ``other`` today; ``ta`` or ``bn`` from another pack).
NOT_A_LANGUAGE = frozenset({"ne", "univ", "mixed"})


def lang_stream(tags: Sequence[str]) -> list[str]:
    """The language tags in order, with language-independent and ``mixed`` tokens left out."""
    return [t for t in tags if t not in NOT_A_LANGUAGE]


def lang_counts(tags: Sequence[str]) -> dict[str, int]:
    """Tokens per language, only the languages present."""
    counts = Counter(t for t in tags if t not in NOT_A_LANGUAGE)
    return dict(counts)


def n_lang_tokens(tags: Sequence[str]) -> int:
    """N: the number of language-dependent tokens (everything but ``ne`` and ``univ``)."""
    return sum(1 for t in tags if t not in INDEPENDENT)


def switch_points(tags: Sequence[str]) -> int:
    """P: how many times the language changes between consecutive language-tagged tokens."""
    n = 0
    prev = None
    for t in tags:
        if t not in NOT_A_LANGUAGE:
            if prev is not None and t != prev:
                n += 1
            prev = t
    return n


def spans(tags: Sequence[str]) -> list[int]:
    """Lengths of the maximal one-language runs (Guzmán et al. 2017), in order."""
    out: list[int] = []
    prev = None
    for t in tags:
        if t in NOT_A_LANGUAGE:
            continue
        if t == prev:
            out[-1] += 1
        else:
            out.append(1)
            prev = t
    return out


def cmi(tags: Sequence[str]) -> float:
    """Code-Mixing Index of one utterance, 0–100 (Das & Gambäck 2014).

    Das, A. and Gambäck, B. (2014), "Identifying languages at the word level in code-mixed Indian
    social media text", ICON 2014:

        CMI = 100 × [1 − max(w_i) / (n − u)]   if n > u
        CMI = 0                               if n = u

    n: tokens; u: language-independent tokens; w_i: tokens of language i, max over languages
    (the matrix language). Monolingual utterances score 0; the most mixed two-language one, 50.
    """
    n_lang = n_lang_tokens(tags)
    if n_lang == 0:
        return 0.0
    counts = lang_counts(tags)
    top = max(counts.values()) if counts else 0
    return 100.0 * (1.0 - top / n_lang)


def cu(tags: Sequence[str]) -> float:
    """Utterance-level code-mixing Cu, 0–100 (Gambäck & Das 2016), which adds switch points to CMI.

    Gambäck, B. and Das, A. (2016), "Comparing the level of code-switching in corpora", LREC 2016,
    pp. 1850–1855, with the weights w_m = w_p = 1/2 the paper uses:

        Cu(x) = 100 × [N(x) − max_i t_Li(x) + P(x)] / (2 N(x))   if N(x) > 0
        Cu(x) = 0                                               if N(x) = 0

    N(x): language-dependent tokens; t_Li(x): tokens of language L_i; P(x): switch points.
    """
    n_lang = n_lang_tokens(tags)
    if n_lang == 0:
        return 0.0
    counts = lang_counts(tags)
    top = max(counts.values()) if counts else 0
    return 100.0 * (n_lang - top + switch_points(tags)) / (2 * n_lang)


def _probabilities(counts: dict[str, int]) -> list[float]:
    total = sum(counts.values())
    return [c / total for c in counts.values() if c] if total else []


def m_index_from_counts(counts: dict[str, int]) -> float:
    """M-Index from word counts per language (see :func:`m_index`)."""
    probs = _probabilities(counts)
    k = len(probs)
    if k < 2:
        return 0.0
    s = sum(p * p for p in probs)
    return (1.0 - s) / ((k - 1) * s)


def m_index(tags: Sequence[str]) -> float:
    """Multilingual Index, 0 (one language) to 1 (all languages equally used).

    Barnett et al. (2000), as used by Guzmán, Ricard, Serigos, Bullock & Toribio (2017), "Metrics
    for modeling code-switching across corpora", Interspeech 2017:

        M = (1 − Σ_j p_j²) / ((k − 1) · Σ_j p_j²)

    p_j: share of language j among the language words; k (> 1): languages present (M = 0 for k = 1).
    """
    return m_index_from_counts(lang_counts(tags))


def lang_entropy_from_counts(counts: dict[str, int]) -> float:
    """Language entropy in bits from word counts per language (see :func:`lang_entropy`)."""
    return 0.0 - sum(p * math.log2(p) for p in _probabilities(counts))


def lang_entropy(tags: Sequence[str]) -> float:
    """Language entropy, bits needed to describe the distribution of language tags.

    Guzmán et al. (2017): LE = −Σ_j p_j log2(p_j); 0 for one language, 1 for two equal ones.
    """
    return lang_entropy_from_counts(lang_counts(tags))


def i_index(tags: Sequence[str]) -> float:
    """Integration Index: the probability that a language token starts a switch, 0–1.

    Guzmán, Serigos, Bullock & Toribio (2016), "Simple tools for exploring variation in
    code-switching for linguists", and Guzmán et al. (2017):

        I = Σ_{1≤i<n} S(l_i, l_{i+1}) / (n − 1),   S = 1 if l_i ≠ l_{i+1} else 0

    over the n language-tagged tokens l_1 … l_n (0 when n < 2).
    """
    n = len(lang_stream(tags))
    return switch_points(tags) / (n - 1) if n > 1 else 0.0


def _mean_std(values: Sequence[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / n  # population variance (see module docstring)
    return mean, math.sqrt(var)


def burstiness_from_spans(span_lengths: Sequence[int]) -> float | None:
    """Burstiness of a list of span lengths (see :func:`burstiness`)."""
    if not span_lengths:
        return None
    mean, std = _mean_std(span_lengths)
    return (std - mean) / (std + mean)


def burstiness(tags: Sequence[str]) -> float | None:
    """Burstiness of switching, −1 (periodic) to 1 (bursty); 0 for a Poisson process.

    Goh & Barabási (2008), "Burstiness and memory in complex systems", EPL 81, as used by Guzmán
    et al. (2017) on language span lengths τ:

        B = (σ_τ − m_τ) / (σ_τ + m_τ)

    m_τ, σ_τ: mean and population standard deviation of the span lengths. One span gives −1
    (σ = 0); no language token gives None.
    """
    return burstiness_from_spans(spans(tags))


def span_entropy_from_spans(span_lengths: Sequence[int]) -> float | None:
    """Span entropy of a list of span lengths (see :func:`span_entropy`)."""
    if not span_lengths:
        return None
    counts = Counter(span_lengths)
    total = len(span_lengths)
    return 0.0 - sum((c / total) * math.log2(c / total) for c in counts.values())


def span_entropy(tags: Sequence[str]) -> float | None:
    """Span entropy, bits needed to describe the distribution of span lengths.

    Guzmán et al. (2017): SE = −Σ_{l=1}^{M} p_l log2(p_l), p_l the share of spans of length l
    (M the longest span). None when there is no span.
    """
    return span_entropy_from_spans(spans(tags))


def memory_from_spans(span_lengths: Sequence[int]) -> float | None:
    """Memory of a list of span lengths (see :func:`memory`)."""
    n = len(span_lengths)
    if n < 3:
        return None
    first, second = span_lengths[:-1], span_lengths[1:]
    m1, s1 = _mean_std(first)
    m2, s2 = _mean_std(second)
    if s1 == 0 or s2 == 0:
        return None
    return sum((a - m1) * (b - m2) for a, b in zip(first, second)) / ((n - 1) * s1 * s2)


def memory(tags: Sequence[str]) -> float | None:
    """Memory, −1 to 1: whether a long span tends to follow a long one (positive) or a short one.

    Goh & Barabási (2008), as used by Guzmán et al. (2017), over the n_r spans τ_1 … τ_{n_r}:

        M = 1/(n_r − 1) · Σ_{i=1}^{n_r−1} (τ_i − m_1)(τ_{i+1} − m_2) / (σ_1 σ_2)

    m_1, σ_1 (m_2, σ_2): mean and population standard deviation of τ_1 … τ_{n_r−1}
    (τ_2 … τ_{n_r}). None when fewer than three spans, or when either σ is 0.
    """
    return memory_from_spans(spans(tags))


def spf(tags: Sequence[str]) -> float:
    """Switch-point fraction, 0–1: switch points over word boundaries.

    Pratapa, Bhat, Choudhury, Sitaram, Dandapat & Bali (2018), "Language modeling for code-mixing:
    the role of linguistic theory based synthetic data", ACL 2018: SPF = P / (number of word
    boundaries). Words are all tokens but ``univ`` (a named entity is a word, though it cannot make
    a switch), so the boundaries are ``words − 1``; 0 for fewer than two words.
    """
    words = sum(1 for t in tags if t != "univ")
    return switch_points(tags) / (words - 1) if words > 1 else 0.0


@dataclass(frozen=True, slots=True)
class UtteranceMetrics:
    """Every utterance-level figure for one tagged utterance."""

    n_tokens: int
    n_lang_tokens: int
    counts: dict[str, int]
    matrix: str | None
    cmi: float
    cu: float
    switch_points: int
    spf: float
    m_index: float
    i_index: float
    lang_entropy: float
    burstiness: float | None
    span_entropy: float | None
    memory: float | None

    def to_dict(self) -> dict:
        return asdict(self)


def matrix_language(tags: Sequence[str]) -> str | None:
    """The most frequent language (None when there is no language token or a tie)."""
    counts = lang_counts(tags)
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def utterance_metrics(tags: Sequence[str]) -> UtteranceMetrics:
    """All utterance metrics at once (spans and counts computed once)."""
    counts = lang_counts(tags)
    span_lengths = spans(tags)
    return UtteranceMetrics(
        n_tokens=len(tags),
        n_lang_tokens=n_lang_tokens(tags),
        counts=counts,
        matrix=matrix_language(tags),
        cmi=cmi(tags),
        cu=cu(tags),
        switch_points=switch_points(tags),
        spf=spf(tags),
        m_index=m_index_from_counts(counts),
        i_index=i_index(tags),
        lang_entropy=lang_entropy_from_counts(counts),
        burstiness=burstiness_from_spans(span_lengths),
        span_entropy=span_entropy_from_spans(span_lengths),
        memory=memory_from_spans(span_lengths),
    )


def cc(utterances: Iterable[Sequence[str]]) -> float:
    """Corpus-level code-mixing Cc, 0–100 (Gambäck & Das 2016).

    Gambäck, B. and Das, A. (2016), "Comparing the level of code-switching in corpora", LREC 2016:

        Cc = 100/U · [ 1/2 · Σ_{x=1}^{U} (1 − (max_i t_Li(x) − P(x)) / N(x) + δ(x)) + 5/6 · S ]

    U: utterances; S: utterances that contain switching; δ(x) = 1 when the matrix language of x
    differs from that of the utterance before it (an inter-utterance switch). As in the authors'
    reference script, an utterance with N(x) = 0 adds nothing and keeps the previous matrix
    language, and so does a tie between languages (no new matrix language). Unlike that script,
    which adds δ only for mixed utterances, δ is summed over every utterance, as the paper's
    formula reads. 0 for an empty corpus.
    """
    total = 0.0
    n_utt = 0
    n_switching = 0
    prev_matrix: str | None = None
    for tags in utterances:
        n_utt += 1
        n_lang = n_lang_tokens(tags)
        if n_lang == 0:
            continue
        counts = lang_counts(tags)
        top = max(counts.values()) if counts else 0
        p = switch_points(tags)
        if p:
            n_switching += 1
        matrix = matrix_language(tags)
        delta = 0
        if matrix is not None:
            if prev_matrix is not None and matrix != prev_matrix:
                delta = 1
            prev_matrix = matrix
        total += 1.0 - (top - p) / n_lang + delta
    if n_utt == 0:
        return 0.0
    return 100.0 / n_utt * (0.5 * total + 5.0 / 6.0 * n_switching)


def corpus_metrics(utterances: Iterable[Sequence[str]]) -> dict:
    """Corpus-level figures: Cc, mean CMI (all and mixed utterances), and the Guzmán et al. (2017)
    metrics over the pooled counts and spans.

    Spans and switch points are counted inside utterances (a corpus of independent records has no
    switch between one record and the next), then pooled: I-index = ΣP / Σ(n − 1), burstiness,
    span entropy and memory over all spans in corpus order.
    """
    utts = [list(u) for u in utterances]
    counts: Counter[str] = Counter()
    all_spans: list[int] = []
    cmis: list[float] = []
    switches = boundaries = 0
    for tags in utts:
        counts.update(t for t in tags if t not in NOT_A_LANGUAGE)
        all_spans.extend(spans(tags))
        cmis.append(cmi(tags))
        switches += switch_points(tags)
        boundaries += max(len(lang_stream(tags)) - 1, 0)
    mixed = [c for c in cmis if c > 0]
    return {
        "utterances": len(utts),
        "mixed_utterances": len(mixed),
        "cc": cc(utts),
        "cmi_mean": sum(cmis) / len(cmis) if cmis else 0.0,
        "cmi_mean_mixed": sum(mixed) / len(mixed) if mixed else 0.0,
        "switch_points": switches,
        "counts": dict(counts),
        "m_index": m_index_from_counts(dict(counts)),
        "lang_entropy": lang_entropy_from_counts(dict(counts)),
        "i_index": switches / boundaries if boundaries else 0.0,
        "burstiness": burstiness_from_spans(all_spans),
        "span_entropy": span_entropy_from_spans(all_spans),
        "memory": memory_from_spans(all_spans),
    }
