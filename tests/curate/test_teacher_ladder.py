"""The `openai` teacher's structured-output ladder and fail-fast stop, against the loopback fake
(fault injection only; the real llama-cpp-python server is in test_teacher_llama_server.py)."""

from __future__ import annotations

import json
import logging
import random
import socket
import time

import pytest

from tadka.curate.generate.teachers.base import GenParams, Request
from tadka.curate.generate.teachers.failfast import Endpoint, FailFast, TeacherStopped, cause_and_fix, kind_of
from tadka.curate.generate.teachers.openai_teacher import OpenAITeacher
from tadka.curate.generate.teachers.ratelimit import Backoff
from tadka.curate.generate.teachers.structured import NOTE, FormatLadder, names_the_format
from tadka.teachercache import TeacherCache
from tests.curate.loopback import Loopback

SCHEMA = {
    "type": "object",
    "properties": {"instruction": {"type": "string"}, "response": {"type": "string"}},
    "required": ["instruction", "response"],
}


def asks(n: int, tag: str = "sawal", schema: dict | None = SCHEMA) -> list[Request]:
    return [
        Request(
            [{"role": "user", "content": f"{tag} {i}: kisan credit card ke liye kya chahiye?"}],
            {"json_schema": schema} if schema else {},
        )
        for i in range(n)
    ]


def teacher(srv: Loopback, **kw) -> OpenAITeacher:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("retries", 2)
    kw.setdefault("backoff", Backoff(base=0.01, rng=random.Random(0)))
    kw.setdefault("progress", False)
    kw.setdefault("concurrency", 4)
    return OpenAITeacher(kw.pop("model", "smollm2"), base_url=kw.pop("base_url", srv.base_url), **kw)


def test_a_500_refusing_json_schema_steps_down_to_json_object_once_and_is_remembered(tmp_path, caplog):
    db = tmp_path / "teacher.db"
    with Loopback(formats=("text", "json_object"), refusal_status=500) as srv:
        with caplog.at_level(logging.WARNING), teacher(srv, cache=db) as t:
            results = t.generate(asks(12), GenParams())
        assert all(r.ok and set(json.loads(r.text)) == {"instruction", "response"} for r in results)
        assert t.ladder.step == "json_object" and t.usage.retries == 0  # a refusal is not a retry
        assert max(srv.prompts.values()) <= 2  # refused once at most, then answered
        assert srv.formats_seen["json_schema"] <= t.concurrency  # only the requests already in flight
        assert srv.total == 12 + srv.formats_seen["json_schema"]  # no repair: the grammar rung answers JSON
        steps = [r for r in caplog.records if "refused response_format" in r.getMessage()]
        assert len(steps) == 1 and "json_object" in steps[0].getMessage()  # logged once
        value, reason, _ = TeacherCache(db).recall(srv.base_url, "smollm2", NOTE)
        assert value == "json_object" and "json_object" in reason
        # The next run starts on the remembered rung: no json_schema request at all.
        before = srv.formats_seen["json_schema"]
        with teacher(srv, cache=db) as t2:
            assert all(r.ok for r in t2.generate(asks(5, "naya sawal"), GenParams()))
        assert srv.formats_seen["json_schema"] == before and t2.ladder.step == "json_object"


@pytest.mark.parametrize("status", [400, 422, 500])
def test_a_server_refusing_every_format_ends_on_text_with_repair(status):
    with Loopback(formats=("text",), refusal_status=status) as srv, teacher(srv, concurrency=1) as t:
        results = t.generate(asks(4), GenParams())
    assert all(r.ok and "instruction" in json.loads(r.text) for r in results)
    assert t.ladder.step == "text" and t.usage.retries == 0
    # concurrency 1: only the first prompt met the refusals (json_schema, json_object, then text)
    assert sorted(srv.prompts.values(), reverse=True)[:2] == [3, 1]
    assert srv.formats_seen["json_schema"] == 1 and srv.formats_seen["json_object"] == 1


def test_a_pinned_format_the_server_refuses_fails_at_once_without_retries():
    with Loopback(formats=("text", "json_object"), refusal_status=500) as srv:
        with teacher(srv, json_mode="schema", fail_fast=False) as t:
            results = t.generate(asks(3), GenParams())
        assert all(r.error.startswith("format refused: http 500") for r in results)
        assert srv.total == 3 and t.usage.retries == 0
        with teacher(srv, json_mode="object") as t:
            assert all(r.ok for r in t.generate(asks(3), GenParams()))
        with teacher(srv, json_mode="off") as t:
            t.generate(asks(2, "bina format"), GenParams())
        assert srv.formats_seen["text"] >= 2 and srv.formats_seen["json_object"] == 3


def test_requests_without_a_schema_never_carry_a_format():
    with Loopback(formats=("text",), refusal_status=500) as srv, teacher(srv) as t:
        assert all(r.ok for r in t.generate(asks(5, schema=None), GenParams()))
    assert set(srv.formats_seen) == {"text"} and t.ladder.step == "json_schema"


def test_a_dead_backend_stops_the_run_after_the_first_failures():
    with Loopback(fail_all=500) as srv, teacher(srv, concurrency=4) as t:
        start = time.monotonic()
        with pytest.raises(TeacherStopped) as stop:
            t.generate(asks(200, schema=None), GenParams())
        elapsed = time.monotonic() - start
    message = str(stop.value)
    assert "\n" not in message and stop.value.exit_code != 0
    assert "the first 8 requests all failed" in message and "the server fails every request" in message
    assert "see the server's log" in message
    assert srv.total <= (8 + 4) * 3  # the first 8 requests plus those in flight, each with its 2 retries
    assert elapsed < 10


def test_a_backend_that_dies_mid_run_stops_after_a_window_and_keeps_the_answers(tmp_path):
    db = tmp_path / "teacher.db"
    with Loopback() as srv, teacher(srv, cache=db, concurrency=4, retries=0) as t:
        first = t.generate(asks(10, schema=None), GenParams())
        srv.fail_all = 503
        with pytest.raises(TeacherStopped, match=r"the last 8 requests all failed \(10 answered before\)"):
            t.generate(asks(100, "baad mein", schema=None), GenParams())
    assert all(r.ok for r in first)
    assert TeacherCache(db).stats().entries == 10  # nothing answered is lost
    assert srv.total <= 10 + 8 + 4


def test_a_wrong_key_stops_with_the_key_variable_named(monkeypatch):
    monkeypatch.setenv("TADKA_TEST_KEY", "sk-tadka-test-wrong-key")
    with Loopback() as srv, teacher(srv, api_key_env="TADKA_TEST_KEY") as t:
        with pytest.raises(TeacherStopped) as stop:
            t.generate(asks(50, schema=None), GenParams())
    message = str(stop.value)
    assert "refused the API key" in message and "set TADKA_TEST_KEY to a valid key" in message
    assert "wrong-key" not in message  # the key is scrubbed from the example error
    assert srv.total <= 8 + 4  # 401 is not retried


def test_nothing_listening_stops_with_server_down():
    with socket.socket() as sock:  # a port that was free a moment ago: nothing answers there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with OpenAITeacher(
        "m", base_url=f"http://127.0.0.1:{port}/v1", retries=1, progress=False, backoff=Backoff(base=0.01)
    ) as t:
        with pytest.raises(TeacherStopped, match="nothing answers at http://127.0.0.1"):
            t.generate(asks(30, schema=None), GenParams())


def test_failure_families_and_their_fixes():
    ep = Endpoint("http://127.0.0.1:8080/v1", "qwen2.5:7b", "GROQ_API_KEY", 30)
    assert kind_of("http 404: model 'qwen2.5:7b' not found, try pulling it first") == "model"
    assert kind_of("http 404: Not Found") == "not_found"
    assert kind_of("http 401: Incorrect API key provided") == "auth"
    assert kind_of("http 500: internal error (gave up after 5 tries)") == "server"
    assert kind_of("connection error: Connection refused (gave up after 5 tries)") == "connection"
    assert kind_of("timeout after 30s (gave up after 5 tries)") == "timeout"
    assert kind_of("format refused: http 500: ... response_format ...") == "format"
    assert "curl http://127.0.0.1:8080/v1/models" in cause_and_fix("model", ep)[1]
    assert "GROQ_API_KEY" in cause_and_fix("auth", ep)[1]
    monitor = FailFast(ep, first=3, window=5)
    monitor.record("http 500: x")
    monitor.record(None)  # an answer resets the streak and switches to the window rule
    for _ in range(4):
        monitor.record("timeout after 30s")
    with pytest.raises(TeacherStopped, match="timed out after 30 s"):
        monitor.record("timeout after 30s")


def test_ladder_rules():
    ladder = FormatLadder("auto", "srv")
    assert ladder.refused("json_schema", "Input should be 'text' or 'json_object'") == "json_object"
    assert ladder.refused("json_schema", "late refusal of the old rung") == "json_object"  # no double step
    assert ladder.refused("json_object", "schema not supported") == "text"
    assert ladder.refused("text", "whatever") is None
    assert FormatLadder("schema").refused("json_schema", "no") is None
    assert FormatLadder("auto", start="json_object").step == "json_object"
    assert FormatLadder("schema", start="text").step == "json_schema"  # a note never overrides a pinned mode
    assert names_the_format("Invalid parameter: 'response_format' of type 'json_schema' is not supported")
    assert names_the_format("failed to parse grammar") and not names_the_format("Internal Server Error")
