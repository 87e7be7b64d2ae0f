from tadka.curate.filters.judge import JudgeFilter

from tests.curate.synth import chat

ANSWER = "Pehle app kholo, phir 'Forgot PIN' chuno."


def test_thresholds_per_score_and_for_all():
    rec = chat(ANSWER, scores={"judge_overall": 3.0, "judge_hinglish": 4.5, "cmi": 20.0})
    assert JudgeFilter().keep(rec) is True  # no thresholds set
    assert JudgeFilter(min={"judge_overall": 3.5}).keep(rec) == (False, ("judge_low:judge_overall",))
    assert JudgeFilter(min={"judge_overall": 3.0}).keep(rec) is True
    assert JudgeFilter(min_any=4.0).keep(rec) == (False, ("judge_low:judge_overall",))
    assert JudgeFilter(min_any=5.0).keep(rec) == (False, ("judge_low:judge_hinglish", "judge_low:judge_overall"))


def test_unjudged_records_pass_unless_required():
    rec = chat(ANSWER, scores={"cmi": 12.0})
    assert JudgeFilter(min_any=4.0).keep(rec) is True
    assert JudgeFilter(required=True).keep(rec) == (False, "judge_missing")


def test_non_judge_scores_are_ignored():
    assert JudgeFilter(min_any=4.0).keep(chat(ANSWER, scores={"judge_overall": 4.0, "quality": 0.1})) is True
