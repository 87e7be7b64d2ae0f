"""The Train page under AppTest: exports offered (an empty one never first), prerequisites checked before
Start is offered, a bad setting as one line, and who may start training. The run itself — start, follow,
stop ("stopping…"), resume — is driven in a real browser in tests/e2e/test_review_team.py."""

from __future__ import annotations

import sys

import pytest

from tadka.config import ExportConfig

from .conftest import CHATS, open_app

TRAIN = "views/train.py"


@pytest.fixture
def exported(review_ws):
    from tadka.export import export
    from tadka.records import Record

    # Text-only chats: the curated fixture's media records are for the Queue page, not for training.
    chats = [
        Record(messages=[{"role": "user", "content": u}, {"role": "assistant", "content": a}], lang="hi-Latn+en")
        for u, a in CHATS
    ]
    review_ws.write_stage("imported", chats)
    export(
        review_ws,
        ExportConfig(stage="imported", eval_fraction=0.2, statuses=["pending", "accepted", "edited"]),
        name="v1",
    )
    return review_ws


def test_without_an_export_the_page_says_where_to_make_one(review_ws):
    at = open_app(page=TRAIN)
    assert any("No export yet" in i.value for i in at.info)
    assert not at.dataframe and "t_stop" not in [b.key for b in at.button]


def test_an_empty_export_is_never_offered_first(exported):
    from tadka.export import export
    from tadka.review.store import ReviewStore

    rid = next(exported.records("curated")).id
    ReviewStore(exported.review_db).decide(rid, "rejected", stage="curated", reviewer="asha", base_version=0)
    result = export(exported, ExportConfig(stage="curated"), name="nothing-yet")  # newer, and nothing accepted
    assert result.empty
    at = open_app(page=TRAIN)
    box = at.selectbox(key="t_export")
    assert box.value == "v1" and "nothing-yet (empty)" in box.options
    box.set_value("nothing-yet").run()
    assert any("has no training records" in w.value for w in at.warning)
    assert at.button(key="t_start").disabled


def test_missing_prerequisites_are_listed_and_start_is_not_offered(exported, monkeypatch):
    monkeypatch.setitem(sys.modules, "bitsandbytes", None)  # Python's own way to make a package absent
    at = open_app(page=TRAIN)
    at.text_input(key="t_base").input("models/local-base").run()
    at.selectbox(key="t_peft").set_value("qlora").run()
    errors = [e.value for e in at.error]
    assert errors == ["QLoRA needs 'bitsandbytes' (the 'qlora' extra): pip install torch==2.13.0 'tadka[qlora]'"]
    assert at.button(key="t_start").disabled
    monkeypatch.setitem(sys.modules, "trl", None)
    at.selectbox(key="t_peft").set_value("lora").run()
    assert [e.value for e in at.error] == [
        "training needs 'trl' (the 'train' extra): pip install torch==2.13.0 'tadka[train]'"
    ]
    assert at.button(key="t_start").disabled and not exported.runs_dir.joinpath("x").exists()


def test_a_bad_setting_is_one_line_and_starts_nothing(exported):
    from tadka.train.deps import missing_prerequisites

    if missing_prerequisites("models/local-base"):
        pytest.skip("needs the 'train' extra: pip install torch==2.13.0 'tadka[train]'")
    at = open_app(page=TRAIN)
    at.text_input(key="t_base").input("models/local-base").run()
    at.number_input(key="t_lr").set_value(-1.0).run()
    at.button(key="t_start").click().run()
    assert [e.value for e in at.error] == ["error: train.learning_rate: must be positive"]
    assert not exported.runs_dir.is_dir() or not any(exported.runs_dir.iterdir())


def test_a_failed_run_is_one_line_with_its_log_behind_an_expander(exported):
    from tadka.train.rundir import RunDir

    run = RunDir.of(exported.runs_dir, "broken")
    run.root.mkdir(parents=True)
    run.write_status(
        state="failed",
        step=2,
        max_steps=10,
        started_at=1.0,
        error="OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    )
    run.log_file.write_text('Traceback (most recent call last):\n  File "trainer.py", line 1\nOutOfMemoryError: …\n')
    run.append_metrics({"step": 1, "loss": 2.5})
    run.append_metrics({"step": 2, "loss": 2.25, "eval_loss": 2.4})
    at = open_app(page=TRAIN)
    assert [e.value for e in at.error] == ["failed: OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"]
    (log,) = [e for e in at.expander if e.label.startswith("Log")]
    assert "Traceback" in log.code[0].value and not any("Traceback" in m.value for m in at.markdown)
    assert any(m.value.startswith("**Run `broken`** — failed, step 2/10") for m in at.markdown)
    assert "t_resume" in [b.key for b in at.button]  # a failed run can be resumed from its last checkpoint
