"""status.json has two writers (the launcher and the run): under real concurrency no field and no update is lost,
and a reader never sees a half-written file."""

import json
import multiprocessing
import os
from pathlib import Path

from tadka.train.rundir import RunDir

ROUNDS = 60


def _writer(root: str, tag: str, start) -> None:
    run = RunDir(Path(root))
    start.wait(10)
    for i in range(ROUNDS):
        run.write_status(**{f"{tag}_{i}": i})  # a field only this process writes
        run.update_status(lambda s: {"count": s.get("count", 0) + 1})  # a decision on what was read


def _reader(root: str, start, bad) -> None:
    path = os.path.join(root, "status.json")
    start.wait(10)
    for _ in range(ROUNDS * 4):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            continue
        try:
            json.loads(text)
        except ValueError:
            bad.value += 1


def test_two_writers_lose_no_field_and_no_update(tmp_path):
    ctx = multiprocessing.get_context("fork")
    start, bad = ctx.Event(), ctx.Value("i", 0)
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), tag, start)) for tag in ("launcher", "run")]
    procs.append(ctx.Process(target=_reader, args=(str(tmp_path), start, bad)))
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    status = RunDir(tmp_path).status()
    assert status["count"] == 2 * ROUNDS  # every read-modify-write saw the one before it
    for tag in ("launcher", "run"):
        assert all(status.get(f"{tag}_{i}") == i for i in range(ROUNDS)), tag
    assert bad.value == 0, "a reader saw a half-written status.json"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")]


def test_a_conditional_update_leaves_a_finished_run_alone(tmp_path):
    run = RunDir(tmp_path)
    run.write_status(state="finished", step=10)
    out = run.update_status(lambda s: {"state": "stopped"} if s.get("state") in ("starting", "running") else None)
    assert out["state"] == "finished" and run.status()["state"] == "finished"
    run.write_pid(4242)
    assert run.pid_file.read_text() == "4242"
