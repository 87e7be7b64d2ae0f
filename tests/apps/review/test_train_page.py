"""The Train page under AppTest: a real background run of a tiny model, started from an export, followed
(loss chart, log), surviving a fresh session (a page reload), stopped and resumed from the page."""

from __future__ import annotations

import time

import pytest

from tadka.config import ExportConfig

from .conftest import CHATS, click, open_app

TRAIN = "views/train.py"


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def tiny_base(tmp_path):
    for name in ("torch", "transformers", "trl", "peft"):
        pytest.importorskip(name, reason="needs the 'train' extra: pip install 'tadka[train]'")
    from tadka.train.models import build_tiny, tiny_tokenizer

    return build_tiny(tmp_path / "tiny", tiny_tokenizer([t for pair in CHATS for t in pair] * 4))


@pytest.fixture
def exported(review_ws):
    from tadka.export import export
    from tadka.records import Record

    # Text-only chats: the curated fixture's media records are for the Queue page, not for training.
    chats = [Record(messages=[{"role": "user", "content": u}, {"role": "assistant", "content": a}], lang="hi-Latn+en")
             for u, a in CHATS]
    review_ws.write_stage("imported", chats)
    export(review_ws, ExportConfig(stage="imported", eval_fraction=0.2, statuses=["pending", "accepted", "edited"]),
           name="v1")
    return review_ws


def test_without_an_export_the_page_says_where_to_make_one(review_ws):
    at = open_app(page=TRAIN)
    assert any("No export yet" in i.value for i in at.info)
    assert not at.dataframe and "t_stop" not in [b.key for b in at.button]


def test_a_bad_setting_is_one_line_and_starts_nothing(exported):
    at = open_app(page=TRAIN)
    at.number_input(key="t_lr").set_value(-1.0)
    at.button(key="FormSubmitter:t_form-Start training").click().run()
    assert [e.value for e in at.error] == ["error: train.learning_rate: must be positive"]
    assert not exported.runs_dir.is_dir() or not any(exported.runs_dir.iterdir())


def test_start_follow_reload_stop_resume(exported, tiny_base):
    from tadka.train import runs

    at = open_app(page=TRAIN)
    at.selectbox(key="t_export").set_value("v1")
    at.text_input(key="t_base").input(str(tiny_base))
    at.number_input(key="t_steps").set_value(100000)
    at.text_input(key="t_name").input("page-run")
    at.button(key="FormSubmitter:t_form-Start training").click().run()
    assert not at.exception, at.exception
    assert any("started run 'page-run'" in s.value for s in at.success)
    assert at.query_params["run"] == ["page-run"] or at.query_params["run"] == "page-run"
    try:
        def logged() -> bool:
            assert runs.info(exported, "page-run").state != "failed", runs.log_tail(exported, "page-run")
            return len([r for r in runs.metrics(exported, "page-run") if r.get("loss") is not None]) >= 2

        _wait(logged, 180, "two logged steps")
        # A reload is a fresh session: the URL brings it back to the same, still running, run.
        at = open_app(page=TRAIN)
        at.query_params["run"] = "page-run"
        at.run()
        assert not at.exception, at.exception
        assert at.selectbox(key="t_follow").value == "page-run"
        assert any(m.value.startswith("**Run `page-run`** — running") for m in at.markdown)
        assert at.get("vega_lite_chart"), "the loss chart is shown"
        assert "step " in at.code[0].value
        click(at, "t_stop")
        _wait(lambda: runs.info(exported, "page-run").state == "stopped" and not runs._alive(
            int((exported.runs_dir / "page-run" / "pid").read_text())), 60, "the run to stop")
        stopped_at = runs.info(exported, "page-run").step
        at.run()
        assert any("— stopped" in m.value for m in at.markdown)
        click(at, "t_resume")
        assert runs.info(exported, "page-run").state == "running"
        _wait(lambda: "resuming from checkpoint-" in runs.log_tail(exported, "page-run"), 120, "the resume")
        assert stopped_at >= 2
    finally:
        runs.stop(exported, "page-run", wait=60)
