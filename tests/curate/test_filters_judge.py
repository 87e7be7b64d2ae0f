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


def test_curate_says_when_judge_limits_meet_a_stage_that_was_never_judged(tmp_path, caplog):
    """The strict profile's judge limits on the stage before the judged one would keep everything without a
    word (unjudged records pass): `tadka curate` warns, and stays quiet once the stage holds judge scores."""
    import logging

    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("augmented", [chat(ANSWER), chat("Settings mein jaake 'Change PIN' dabao, OTP daalo.")])
    limits = {"steps": ["judge"], "judge_min": {"judge_focus": 4.0}, "report": False}
    with caplog.at_level(logging.WARNING, logger="tadka.curate.pipeline"):
        result = curate(ws, CurateConfig(stage="augmented", **limits))
    assert result.outcome.rows_in == 2 and ws.stage_table("curated").num_rows == 2
    assert "no record of stage 'augmented' has judge_* scores" in caplog.text
    assert "tadka generate --recipe judge --input stage:augmented" in caplog.text

    caplog.clear()
    ws.write_stage("judged", [chat(ANSWER, scores={"judge_focus": 2.0}), chat("Haan, 10 baje.", scores={"cmi": 9.0})])
    with caplog.at_level(logging.WARNING, logger="tadka.curate.pipeline"):
        curate(ws, CurateConfig(stage="judged", **limits))
    assert "judge_* scores" not in caplog.text
    assert ws.stage_table("rejects").num_rows == 1 and ws.stage_table("curated").num_rows == 1

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="tadka.curate.pipeline"):
        curate(ws, CurateConfig(stage="augmented", steps=["judge"], report=False))  # no limits: nothing to say
    assert "judge_* scores" not in caplog.text
