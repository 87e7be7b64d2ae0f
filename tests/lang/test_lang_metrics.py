"""Code-mixing metrics on examples worked by hand from the papers' definitions."""

from __future__ import annotations

import math

import pytest

from tadka.lang import metrics as m

# Example A: hi hi en univ hi ne en en
#   language tokens (ne, univ left out): hi hi en hi en en → N = 6, hi = 3, en = 3, max = 3
#   switch points in hi hi | en | hi | en en → P = 3; spans τ = [2, 1, 1, 2]
A = ["hi", "hi", "en", "univ", "hi", "ne", "en", "en"]

# Example B: "Mujhe kal office jaana hai , boss ne bola"
#   hi hi en hi hi univ en hi hi → N = 8, hi = 6, en = 2, P = 4, τ = [2, 1, 2, 1, 2]
B = ["hi", "hi", "en", "hi", "hi", "univ", "en", "hi", "hi"]


def test_cmi_das_gamback_2014():
    # A: 100 × (1 − 3/6) = 50
    assert m.cmi(A) == pytest.approx(50.0)
    # B: 100 × (1 − 6/8) = 25
    assert m.cmi(B) == pytest.approx(25.0)


def test_cu_gamback_das_2016():
    # A: 100 × (N − max + P) / 2N = 100 × (6 − 3 + 3) / 12 = 50
    assert m.cu(A) == pytest.approx(50.0)
    # B: 100 × (8 − 6 + 4) / 16 = 37.5
    assert m.cu(B) == pytest.approx(37.5)


def test_switch_points_and_spans():
    assert m.switch_points(A) == 3
    assert m.spans(A) == [2, 1, 1, 2]
    assert m.switch_points(B) == 4
    assert m.spans(B) == [2, 1, 2, 1, 2]


def test_m_index_and_entropy():
    # A: p = (1/2, 1/2), Σp² = 1/2, k = 2 → (1 − 1/2) / (1 × 1/2) = 1; LE = 1 bit
    assert m.m_index(A) == pytest.approx(1.0)
    assert m.lang_entropy(A) == pytest.approx(1.0)
    # B: p = (3/4, 1/4), Σp² = 9/16 + 1/16 = 10/16 → (6/16) / (10/16) = 0.6
    assert m.m_index(B) == pytest.approx(0.6)
    # LE = −(0.75 log2 0.75 + 0.25 log2 0.25) = 0.311278 + 0.5 = 0.811278
    assert m.lang_entropy(B) == pytest.approx(0.811278, abs=1e-6)


def test_i_index_and_spf():
    # I-index A: P / (n − 1) over the 6 language tokens = 3/5
    assert m.i_index(A) == pytest.approx(0.6)
    # SPF A: words = all but univ = 7 (ne is a word) → 6 boundaries → 3/6
    assert m.spf(A) == pytest.approx(0.5)
    # B: I = 4/7; SPF: 8 words → 4/7 as well
    assert m.i_index(B) == pytest.approx(4 / 7)
    assert m.spf(B) == pytest.approx(4 / 7)


def test_burstiness_population_std():
    # A: τ = [2,1,1,2], m = 1.5, σ = sqrt(4 × 0.25 / 4) = 0.5 → (0.5 − 1.5) / (0.5 + 1.5) = −0.5
    assert m.burstiness(A) == pytest.approx(-0.5)
    # B: τ = [2,1,2,1,2], m = 1.6, σ² = (3 × 0.16 + 2 × 0.36) / 5 = 0.24
    sigma = math.sqrt(0.24)
    assert m.burstiness(B) == pytest.approx((sigma - 1.6) / (sigma + 1.6))


def test_span_entropy():
    # A: span lengths {1: 2, 2: 2} → p = (1/2, 1/2) → 1 bit
    assert m.span_entropy(A) == pytest.approx(1.0)
    # B: {2: 3, 1: 2} → −(0.6 log2 0.6 + 0.4 log2 0.4) = 0.970951
    assert m.span_entropy(B) == pytest.approx(0.970951, abs=1e-6)


def test_memory():
    # A: τ = [2,1,1,2]; τ1 = [2,1,1] (m1 = 4/3), τ2 = [1,1,2] (m2 = 4/3)
    #   σ1² = σ2² = ((2/3)² + 2 × (1/3)²) / 3 = 2/9
    #   Σ (τi − m1)(τi+1 − m2) = (2/3)(−1/3) + (−1/3)(−1/3) + (−1/3)(2/3) = −1/3
    #   M = (−1/3) / ((4 − 1) × 2/9) = −0.5
    assert m.memory(A) == pytest.approx(-0.5)


def test_cc_corpus_gamback_das_2016():
    # u1 = hi hi en: N = 3, max = 2, P = 1, matrix hi, δ = 0 → 1 − (2 − 1)/3 + 0 = 2/3
    # u2 = en en en univ: N = 3, max = 3, P = 0, matrix en ≠ hi → δ = 1 → 1 − 3/3 + 1 = 1
    # u3 = univ: N = 0 → adds nothing
    # U = 3, S = 1 → Cc = 100/3 × (1/2 × 5/3 + 5/6 × 1) = 100/3 × 5/3 = 55.5…
    corpus = [["hi", "hi", "en"], ["en", "en", "en", "univ"], ["univ"]]
    assert m.cc(corpus) == pytest.approx(500 / 9)
    figures = m.corpus_metrics(corpus)
    assert figures["cc"] == pytest.approx(500 / 9)
    assert figures["utterances"] == 3 and figures["mixed_utterances"] == 1
    # pooled counts hi 2, en 4; CMI per utterance 100/3, 0, 0
    assert figures["counts"] == {"hi": 2, "en": 4}
    assert figures["cmi_mean"] == pytest.approx(100 / 9)
    assert figures["cmi_mean_mixed"] == pytest.approx(100 / 3)
    # pooled I-index: 1 switch over (3 − 1) + (3 − 1) boundaries
    assert figures["i_index"] == pytest.approx(0.25)


def test_mixed_tokens_count_in_n_but_switch_nothing():
    # phone-wala: hi mixed hi → N = 3, hi = 2 → CMI = 100 × (1 − 2/3); no switch
    tags = ["hi", "mixed", "hi"]
    assert m.cmi(tags) == pytest.approx(100 / 3)
    assert m.switch_points(tags) == 0
    assert m.switch_points(["hi", "mixed", "en"]) == 1


@pytest.mark.parametrize("tags", [[], ["univ", "univ", "ne"], ["univ"]])
def test_no_language_tokens(tags):
    f = m.utterance_metrics(tags)
    assert (f.cmi, f.cu, f.m_index, f.i_index, f.lang_entropy, f.spf) == (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert f.burstiness is None and f.span_entropy is None and f.memory is None
    assert f.switch_points == 0 and f.matrix is None


def test_one_language():
    f = m.utterance_metrics(["hi", "hi", "univ", "hi"])
    assert f.cmi == 0.0 and f.cu == 0.0 and f.m_index == 0.0 and f.lang_entropy == 0.0
    assert f.i_index == 0.0 and f.spf == 0.0 and f.matrix == "hi"
    # one span of 3: σ = 0 → B = (0 − 3)/(0 + 3) = −1; span entropy 0; memory undefined
    assert f.burstiness == -1.0 and f.span_entropy == 0.0 and f.memory is None


def test_empty_corpus():
    assert m.cc([]) == 0.0
    figures = m.corpus_metrics([])
    assert figures["utterances"] == 0 and figures["cc"] == 0.0 and figures["burstiness"] is None
