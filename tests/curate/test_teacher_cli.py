"""`tadka generate` with the openai teacher as a real subprocess against the loopback server:
resume after SIGKILL, the API key never written anywhere, dry runs, and `tadka cache`."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tadka.workspace import Workspace
from tests.curate.loopback import Loopback


def env(**extra: str) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    out.update({"TADKA_NO_PROGRESS": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", **extra})
    return out


def tadka(*args: str, **kw) -> list[str]:
    return [sys.executable, "-m", "tadka.apps.cli", *args]


def generate_args(ws: Workspace, srv: Loopback, n: int, *more: str) -> list[str]:
    return tadka(
        "generate",
        "-w",
        str(ws.root),
        "--teacher",
        "openai",
        "--model",
        "gpt-4o-mini",
        "--base-url",
        srv.base_url,
        "--recipe",
        "self-instruct",
        "-n",
        str(n),
        "--cmi",
        "0-100",
        *more,
    )


def cached_keys(ws: Workspace) -> set[str]:
    with sqlite3.connect(ws.teacher_db) as conn:
        return {row[0] for row in conn.execute("SELECT key FROM responses")}


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace.init(tmp_path / "ws")


def test_killed_run_resumes_sending_only_the_missing_requests(ws):
    with Loopback(latency=0.01) as srv:
        args = generate_args(ws, srv, 1000, "--chunk", "100", "--concurrency", "16")
        proc = subprocess.Popen(args, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 240
        while srv.total < 500 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, proc.communicate(timeout=30)[1].decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        first = Counter(srv.counts)
        kept = cached_keys(ws)
        assert 400 <= len(kept) < 1000  # answers committed one by one until the kill
        assert not ws.has_stage("generated")  # the stage is written only by a run that finishes

        done = subprocess.run(args, env=env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        second = srv.counts - first  # requests the rerun sent, by cache key
    assert not set(second) & kept  # nothing that was cached was asked again
    assert set(second.values()) == {1}  # and nothing twice
    final = cached_keys(ws)
    print(
        f"killed after {sum(first.values())} requests, {len(kept)} cached; rerun sent {sum(second.values())}, "
        f"cache now {len(final)}"
    )
    assert sum(second.values()) == len(final - kept)  # exactly the missing requests (+ those in flight at the kill)
    records = list(ws.records("generated"))
    assert len(records) == 1000 and len({r.id for r in records}) == 1000
    assert all(r.source["recipe"] == "self-instruct" and r.source["teacher"] == "openai:gpt-4o-mini" for r in records)
    assert "generated 1000 records" in done.stdout


def test_the_api_key_is_never_written(ws, tmp_path):
    good, bad = "sk-tadka-PLANTED-a1b2c3d4e5f6g7h8", "sk-tadka-PLANTED-zz99y8x7w6-wrong-key"
    outputs = []
    with Loopback() as srv:
        for key in (good, bad):
            run = subprocess.run(
                tadka(
                    "--debug",
                    "generate",
                    "-w",
                    str(ws.root),
                    "--teacher",
                    "openai",
                    "--model",
                    "gpt-4o-mini",
                    "--base-url",
                    srv.base_url,
                    "--recipe",
                    "persona",
                    "-n",
                    "5",
                    "--cmi",
                    "0-100",
                ),
                env=env(OPENAI_API_KEY=key),
                capture_output=True,
                text=True,
                timeout=300,
            )
            outputs.append(run.stdout + run.stderr)
        assert srv.auth[f"Bearer {good}"] > 0 and srv.auth[f"Bearer {bad}"] > 0  # it did reach the (loopback) server
    failures = ws.root / "reports" / "generate-failures.jsonl"
    assert "http 401" in failures.read_text()  # the server's error, with the key it echoed, was recorded
    secrets = [good, bad, "a1b2c3d4e5f6", "zz99y8x7w6", "PLANTED"]
    for path in [p for p in Path(ws.root).rglob("*") if p.is_file()]:  # stages, cache/teacher.db (+ WAL), reports
        data = path.read_bytes()
        for s in secrets:
            assert s.encode() not in data, f"{s!r} found in {path}"
    for text in outputs:  # the --debug logs and every message the command printed
        for s in secrets:
            assert s not in text, f"{s!r} found in the command's output"


def test_dry_run_prints_prompts_and_cost_and_sends_nothing(ws):
    with Loopback() as srv:
        run = subprocess.run(
            generate_args(ws, srv, 7, "--dry-run"), env=env(), capture_output=True, text=True, timeout=300
        )
        assert srv.total == 0
    assert run.returncode == 0, run.stderr
    assert "Code-Mixing Index (CMI): between 0 and 100" in run.stdout
    assert "dry run: 7 requests" in run.stdout and "estimated cost: $" in run.stdout


def test_cache_stats_and_clear(ws):
    from tadka.curate.generate.teachers.base import GenParams, Request
    from tadka.curate.generate.teachers.openai_teacher import OpenAITeacher

    with (
        Loopback() as srv,
        OpenAITeacher("gpt-4o-mini", base_url=srv.base_url, cache=ws.teacher_db, progress=False) as teacher,
    ):
        teacher.generate([Request([{"role": "user", "content": f"sawal {i}"}]) for i in range(5)], GenParams())
    stats = subprocess.run(
        tadka("cache", "stats", "-w", str(ws.root), "--json"),
        env=env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    data = json.loads(stats.stdout)
    assert data["entries"] >= 5 and data["by_model"] == {"gpt-4o-mini": data["entries"]} and data["cost_usd"] > 0
    text = subprocess.run(
        tadka("cache", "stats", "-w", str(ws.root)), env=env(), capture_output=True, text=True, timeout=300
    ).stdout
    assert "answers" in text and "gpt-4o-mini" in text
    other = subprocess.run(
        tadka("cache", "clear", "-w", str(ws.root), "--model", "other-model", "--yes"),
        env=env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "deleted 0" in other.stdout
    refused = subprocess.run(
        tadka("cache", "clear", "-w", str(ws.root)), env=env(), input="n\n", capture_output=True, text=True, timeout=300
    )
    assert "nothing deleted" in refused.stdout and len(cached_keys(ws)) == data["entries"]
    cleared = subprocess.run(
        tadka("cache", "clear", "-w", str(ws.root), "--yes"),
        env=env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert f"deleted {data['entries']}" in cleared.stdout and not cached_keys(ws)


def test_a_server_refusing_json_schema_with_500_still_gives_a_record_per_request(ws):
    """llama-cpp-python's behaviour (HTTP 500, "Input should be 'text' or 'json_object'"), by the fake."""
    with Loopback(formats=("text", "json_object"), refusal_status=500) as srv:
        run = subprocess.run(generate_args(ws, srv, 40), env=env(), capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        assert max(srv.prompts.values()) <= 2  # no prompt sent more than twice
        assert srv.formats_seen["json_object"] == 40  # every request answered on the json_object rung
    assert "generated 40 records" in run.stdout and "failures 0" in run.stdout and "duplicates skipped 0" in run.stdout
    assert run.stderr.count("refused response_format json_schema") == 1  # the step is logged once
    assert len(list(ws.records("generated"))) == 40


def test_a_dead_backend_ends_the_run_by_itself_with_one_line(ws):
    with Loopback(fail_all=500) as srv:
        start = time.monotonic()
        run = subprocess.run(generate_args(ws, srv, 500), env=env(), capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - start
    assert run.returncode != 0 and elapsed < 60, (run.returncode, elapsed)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: generate.teacher: stopped: the first 8 requests all failed")
    assert "server fails every request" in lines[0]
    print(f"dead backend: stopped after {elapsed:.1f} s and {srv.total} requests: {lines[0]}")


def test_json_mode_off_written_plainly_in_tadka_yaml(ws):
    text = ws.config_path.read_text(encoding="utf-8")
    assert "  json_mode: auto\n" in text
    ws.config_path.write_text(text.replace("  json_mode: auto\n", "  json_mode: off\n"), encoding="utf-8")
    with Loopback() as srv:
        run = subprocess.run(generate_args(ws, srv, 5), env=env(), capture_output=True, text=True, timeout=300)
        assert set(srv.formats_seen) == {"text"}  # no response_format sent; answers parsed (and repaired)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "generated 5 records" in run.stdout
