"""The Train page's API: a real background run of the tiny model, watched, stopped and resumed."""

import time

import pytest

from tadka.errors import ConfigError
from tadka.train import runs


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_start_watch_stop_resume(ws, tiny):
    overrides = {
        "base": str(tiny),
        "max_steps": 100000,
        "max_length": 128,
        "batch_size": 4,
        "eval_at_start": False,
        "save_every": 100000,
        "threads": 1,
    }
    name = runs.start(ws, dataset="exports/v1", overrides=overrides, name="bg")
    assert name == "bg" and (ws.runs_dir / "bg" / "pid").is_file()
    try:

        def logged():
            rows = [r for r in runs.metrics(ws, name) if r.get("loss") is not None]
            return rows if len(rows) >= 3 else None

        rows = _wait(logged, 180, "three logged steps")
        assert [r["step"] for r in rows[:3]] == [1, 2, 3] and all(r["tokens_per_s"] > 0 for r in rows)
        (info,) = [r for r in runs.list_runs(ws) if r.name == name]
        assert info.state == "running" and info.max_steps == 100000 and info.started_at
        assert "step " in runs.log_tail(ws, name, n=20)
        with pytest.raises(ConfigError, match="still running"):
            runs.start(ws, name=name)
    finally:
        runs.stop(ws, name, wait=60)
    info = runs.info(ws, name)
    assert info.state == "stopped" and info.step >= 3
    stopped_at = info.step
    checkpoint = ws.runs_dir / name / "checkpoints" / f"checkpoint-{stopped_at}"
    _wait(lambda: not runs._alive(int((ws.runs_dir / name / "pid").read_text())), 60, "the process to exit")
    assert checkpoint.is_dir(), sorted(p.name for p in (ws.runs_dir / name / "checkpoints").iterdir())

    runs.start(ws, name=name, overrides={"max_steps": stopped_at + 2})
    _wait(lambda: runs.info(ws, name).state in ("finished", "failed"), 180, "the resumed run to finish")
    info = runs.info(ws, name)
    assert info.state == "finished", runs.log_tail(ws, name)
    steps = [r["step"] for r in runs.metrics(ws, name) if r.get("loss") is not None]
    assert steps == list(range(1, stopped_at + 3))
    assert f"resuming from checkpoint-{stopped_at}" in runs.log_tail(ws, name)


def test_bad_overrides_fail_before_launch(ws):
    with pytest.raises(ConfigError, match="train.peft"):
        runs.start(ws, overrides={"peft": "nope"}, name="bad")
    assert not (ws.runs_dir / "bad" / "pid").exists()


def test_a_run_that_died_reads_failed(ws):
    from tadka.train.rundir import RunDir

    run = RunDir.of(ws.runs_dir, "ghost")
    run.root.mkdir(parents=True)
    run.pid_file.write_text("999999")
    run.write_status(state="running", step=4, max_steps=10, started_at=1.0)
    info = runs.info(ws, "ghost")
    assert (info.state, info.step, info.max_steps) == ("failed", 4, 10)
    assert runs.log_tail(ws, "ghost") == "" and runs.metrics(ws, "ghost") == []
