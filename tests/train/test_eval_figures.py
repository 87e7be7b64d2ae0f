"""Every eval figure on hand-made answers (Hinglish, English, Devanagari, a loop, a truncated answer, an
empty one), with the values worked out by hand — not only on model output. No model is needed."""

import pytest

from tadka.train.evaluate.figures import (
    Answer,
    Reference,
    deltas,
    echoes,
    figures,
    histogram,
    quantile,
    repeat_fraction,
    script_consistent,
    target_of,
    training_reference,
    tv_distance,
)
from tadka.lang import analyze

HINGLISH = "Pehle UPI app kholo, phir bank account select karo aur PIN change karo."
ENGLISH = "Open the UPI app, select your bank account and change the PIN."
DEVA_MIXED = "पहले UPI app खोलो, फिर PIN बदलो।"
DEVA_PURE = "पहले ऐप खोलो और पिन बदलो।"


def test_target_is_the_lang_tag_script_else_the_prompt_sentence_id():
    assert target_of("hi-Latn+en", "en") == "hi-Latn"
    assert target_of("hi-Deva", "hi-Latn") == "hi-Deva"
    assert target_of("", "hi-Deva") == "hi-Deva"  # an untagged Devanagari prompt
    assert target_of("en", "en") is None  # an English prompt has no Hindi target


def test_fidelity_counts_answers_in_the_prompts_target_language():
    answers = [
        Answer(HINGLISH, "hi-Latn"),
        Answer(ENGLISH, "hi-Latn"),
        Answer(DEVA_MIXED, "hi-Deva"),
        Answer(DEVA_PURE, "hi-Latn"),
        Answer("Any answer", None),
    ]  # no target: left out of fidelity
    f = figures(answers)
    assert f["answers"] == 5
    assert f["fidelity"] == 0.5  # 2 of the 4 targeted: Hinglish→hi-Latn, Devanagari→hi-Deva
    assert f["fidelity_by_target"] == {"hi-Latn": pytest.approx(1 / 3, abs=1e-4), "hi-Deva": 1.0}
    assert f["langs"]["en"] >= 1 and f["langs"]["hi-Deva"] == 2


def test_script_consistency_per_target():
    def ok(text, target):
        a = analyze(text)
        return script_consistent(a.tokens, a.tags, target)

    assert ok(HINGLISH, "hi-Latn")
    assert ok(DEVA_MIXED, "hi-Deva")  # English words stay in Roman script in a Devanagari answer
    assert not ok(DEVA_PURE, "hi-Latn")  # Hindi in Devanagari where Roman was asked for
    assert not ok("Pehle app kholo aur पिन बदलो", "hi-Latn")  # half and half
    assert not ok("", "hi-Latn") and not ok("123 !!", "hi-Latn")  # nothing written is not consistent


def test_a_looping_answers_repetition_fraction():
    loop = "UPI app kholo UPI app kholo UPI app kholo".split()
    # 3-grams seen before start at word 3; words 3..8 (two loops of 'UPI app kholo', 24 of 36 letters) are covered
    assert repeat_fraction(loop) == pytest.approx(24 / 36)
    assert repeat_fraction(HINGLISH.replace(",", "").replace(".", "").split()) == 0.0
    assert repeat_fraction(["haan", "haan", "haan"]) == 0.0  # too short for a repeated 3-gram
    assert repeat_fraction("Haan haan haan HAAN".split()) == pytest.approx(0.75)  # case-folded: words 1-3 repeat 0-2
    f = figures([Answer(" ".join(loop), "hi-Latn"), Answer(HINGLISH, "hi-Latn")])
    assert f["repeat"] == pytest.approx((24 / 36 + 0) / 2, abs=1e-4)


def test_truncated_empty_and_one_word_answers():
    answers = [
        Answer("Kal mandi mein tomato ka bhav 20 rupaye kilo tha, aaj", "hi-Latn", hit_limit=True),
        Answer("", "hi-Latn"),
        Answer("Haan.", "hi-Latn"),
        Answer(HINGLISH, "hi-Latn"),
    ]
    f = figures(answers)
    assert f["hit_limit"] == 0.25 and f["short"] == 0.5
    assert f["fidelity"] == 0.75  # the empty answer is 'other'


def test_cmi_histogram_and_a_known_distance():
    assert histogram([0.0, 0.0, 25.0, 50.0]) == [0.5, 0.0, 0.0, 0.25, 0.0, 0.25, 0, 0, 0, 0, 0]
    assert histogram([]) == [0.0] * 11
    assert histogram([10.0, 10.0001])[1:3] == [0.5, 0.5]  # (0, 10] and (10, 20]
    monolingual = histogram([0.0] * 4)
    half_mixed = histogram([0.0, 0.0, 25.0, 25.0])
    assert tv_distance(monolingual, half_mixed) == pytest.approx(0.5)
    assert tv_distance(half_mixed, half_mixed) == 0.0
    assert tv_distance(histogram([5.0]), histogram([95.0])) == pytest.approx(1.0)


def test_band_share_and_distance_against_a_training_reference():
    ref = Reference(band=(20.0, 50.0), histogram=histogram([30.0, 30.0, 40.0, 45.0]), cmi_mean=36.0, m_index=0.8, n=4)
    answers = [Answer(HINGLISH, "hi-Latn"), Answer(ENGLISH, "hi-Latn")]
    f = figures(answers, ref)
    cmis = [analyze(HINGLISH).cmi, analyze(ENGLISH).cmi]
    assert cmis[0] == pytest.approx(46.15, abs=0.01) and cmis[1] == 0.0
    assert f["cmi_in_band"] == 0.5  # the Hinglish answer is inside 20-50, the English one (0) is not
    # answers: half in bin 0, half in (40, 50]; training: half in (20, 30], ¼ (30, 40], ¼ (40, 50] → TV = 0.75
    assert f["cmi_distance"] == pytest.approx(0.75)
    assert f["cmi_mean"] == pytest.approx(sum(cmis) / 2, abs=1e-3)
    assert 0 < f["m_index"] <= 1


def test_training_reference_uses_quantiles_of_the_training_answers():
    assert quantile([0, 10, 20, 30, 40], 0.1) == pytest.approx(4.0)
    assert quantile([5.0], 0.9) == 5.0
    ref = training_reference(
        [HINGLISH, ENGLISH, "Aap apne nazdiki bank branch mein jaakar KYC update kara sakte hain."], (0.0, 1.0)
    )
    assert ref.band[0] == 0.0 and ref.band[1] == pytest.approx(analyze(HINGLISH).cmi, abs=1e-3)
    assert ref.n == 3 and sum(ref.histogram) == pytest.approx(1.0) and 0 < ref.m_index <= 1


def test_chrf_against_references():
    pytest.importorskip("sacrebleu", reason="needs the 'train' or 'compress' extra (sacrebleu)")
    same = figures([Answer(HINGLISH, "hi-Latn", reference=HINGLISH)])
    other = figures([Answer(ENGLISH, "hi-Latn", reference=HINGLISH)])
    none = figures([Answer(HINGLISH, "hi-Latn")])
    assert same["chrf"] == 100.0 and 0 < other["chrf"] < 60 and none["chrf"] is None


def test_robustness_deltas_are_noisy_minus_clean():
    clean = {"fidelity": 0.8, "repeat": 0.1, "chrf": 30.0, "short": None}
    noisy = {"fidelity": 0.6, "repeat": 0.15, "chrf": 27.5, "short": 0.0}
    d = deltas(noisy, clean)
    assert d["fidelity"] == pytest.approx(-0.2) and d["repeat"] == pytest.approx(0.05) and d["chrf"] == -2.5
    assert d["short"] is None and d["hit_limit"] is None


def test_an_empty_answer_set_gives_none_not_an_error():
    f = figures([])
    assert f["answers"] == 0 and f["fidelity"] is None and f["repeat"] is None and f["chrf"] is None


def test_an_answer_that_copies_the_prompt_is_an_echo():
    prompt = "धान की पत्तियों पर भूरे धब्बे आ रहे हैं क्या करूं"
    words = lambda t: [w for w, g in zip(analyze(t).tokens, analyze(t).tags) if g != "univ"]  # noqa: E731
    assert echoes(words("धान की पत्तियों पर भूरे धब्बे"), words(prompt))  # 4 of 4 trigrams are the prompt's
    assert not echoes(words("खेत से पानी निकालो और कृषि केंद्र में दिखाओ"), words(prompt))
    assert not echoes(words("धान की"), words(prompt))  # too short to tell
    f = figures(
        [
            Answer("धान की पत्तियों पर भूरे धब्बे", "hi-Deva", prompt=prompt),
            Answer("खेत से पानी निकालो और कृषि केंद्र में दिखाओ", "hi-Deva", prompt=prompt),
        ]
    )
    assert f["echo"] == 0.5 and f["fidelity"] == 1.0  # both are Devanagari: fidelity alone cannot see the copy
