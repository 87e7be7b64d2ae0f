"""The `openai` teacher, driven through the real openai SDK against a loopback server (127.0.0.1)."""

from __future__ import annotations

import json
import random
import sqlite3
import time

import pytest

from tadka.curate.generate.teachers import teachers
from tadka.curate.generate.teachers.accounting import PriceTable, Usage, estimate_prompt_tokens
from tadka.curate.generate.teachers.base import GenParams, Request
from tadka.curate.generate.teachers.openai_teacher import OpenAITeacher, scrub
from tadka.curate.generate.teachers.ratelimit import Backoff, TokenBucket, retry_after
from tadka.errors import ConfigError
from tadka.teachercache import TeacherCache
from tests.curate.loopback import Loopback, cache_key

SCHEMA = {
    "type": "object",
    "properties": {"instruction": {"type": "string"}, "response": {"type": "string"}},
    "required": ["instruction", "response"],
}


def chat(text: str, schema: dict | None = None) -> Request:
    return Request([{"role": "user", "content": text}], {"json_schema": schema} if schema else {})


def teacher(srv: Loopback, **kw) -> OpenAITeacher:
    kw.setdefault("timeout", 0.5)
    kw.setdefault("retries", 2)
    kw.setdefault("backoff", Backoff(base=0.02, rng=random.Random(0)))
    kw.setdefault("progress", False)
    return OpenAITeacher(kw.pop("model", "gpt-4o-mini"), base_url=srv.base_url, **kw)


@pytest.fixture
def srv():
    with Loopback(hang_s=1.5) as server:
        yield server


def test_registered_under_openai():
    assert teachers.get("openai") is OpenAITeacher


@pytest.mark.parametrize("transport", ["auto", "httpx"])
def test_every_misbehaviour_ends_in_an_answer_or_a_recorded_failure(srv, transport):
    cases = {
        "ok": (True, None),
        "429": (True, None),
        "500": (True, None),
        "hang": (True, None),
        "badjson": (True, None),
        "drop": (True, None),
        "length": (False, "length"),
        "filter": (False, "content_filter"),
        "429*": (False, "http 429"),
        "500*": (False, "http 500"),
        "hang*": (False, "timeout"),
        "drop*": (False, "connection error"),
        "badjson*": (False, "malformed response"),
    }
    requests = [chat(f"sawal {i}: mandi rate kya hai? [[{mode}]]") for i, mode in enumerate(cases)]
    with teacher(srv, timeout=0.3, retries=1, transport=transport) as t:
        results = t.generate(requests, GenParams())
    assert len(results) == len(requests)
    for (mode, (ok, reason)), result in zip(cases.items(), results):
        assert result.ok is ok, (mode, result)
        if ok:
            assert result.text and result.finish_reason == "stop", mode
        else:
            assert result.error.startswith(reason) or reason in result.error, (mode, result.error)
    # Never a duplicate: no request was answered twice, and each retried at most `retries` times.
    assert max(srv.answered.values()) == 1
    assert max(srv.counts.values()) <= 2
    assert t.usage.failed == 7 and t.usage.retries >= 10


def test_length_and_content_filter_keep_their_text_and_reason(srv):
    with teacher(srv) as t:
        cut, withheld = t.generate(
            [chat("lamba jawab do [[length]]"), chat("kuch galat [[filter]]")], GenParams(max_tokens=7)
        )
    assert cut.finish_reason == "length" and "max_tokens=7" in cut.error and cut.text
    assert withheld.finish_reason == "content_filter" and withheld.error.startswith("content_filter")


def test_retry_after_is_honoured_and_pauses_every_worker(srv):
    with teacher(srv, concurrency=4) as t:
        start = time.perf_counter()
        results = t.generate([chat("UPI PIN kaise badlein? [[429]]")] + [chat(f"q{i}") for i in range(3)], GenParams())
        elapsed = time.perf_counter() - start
    assert all(r.ok for r in results)
    assert elapsed >= 0.2  # the loopback's Retry-After: 0.2
    assert t.usage.retries == 1


def test_json_schema_prose_and_repair(srv):
    requests = [
        chat("seedha JSON", SCHEMA),
        chat("baaton mein JSON [[prose]]", SCHEMA),
        chat("pehle bakwas [[garbage]]", SCHEMA),
        chat("hamesha bakwas [[garbage*]]", SCHEMA),
    ]
    with teacher(srv) as t:
        clean, prose, repaired, hopeless = t.generate(requests, GenParams())
    for r in (clean, prose, repaired):
        assert r.ok and set(json.loads(r.text)) == {"instruction", "response"}
    assert hopeless.error.startswith("invalid_json after one repair")
    # prose was read tolerantly (no repair sent); garbage got exactly one repair request each.
    assert srv.total == 6
    assert repaired.prompt_tokens > clean.prompt_tokens  # the repair's tokens are accounted too


def test_server_without_json_schema_support_falls_back_to_parsing(srv):
    srv.schema_support = False
    with teacher(srv) as t:
        results = t.generate([chat(f"JSON do {i}", SCHEMA) for i in range(3)], GenParams())
    assert t.schema_supported is False
    assert all(r.ok and "instruction" in json.loads(r.text) for r in results)


def test_cache_resume_unrelated_settings_and_no_cache(srv, tmp_path):
    db = tmp_path / "teacher.db"
    requests = [chat(f"sawal {i}") for i in range(20)]
    with teacher(srv, cache=db) as t:
        first = t.generate(requests[:12], GenParams())  # a run that stopped after 12
    assert srv.total == 12 and not any(r.cached for r in first)
    with (
        Loopback() as other,
        OpenAITeacher("gpt-4o-mini", base_url=other.base_url, cache=db, concurrency=3, timeout=9, progress=False) as t2,
    ):
        second = t2.generate(requests, GenParams())  # another server, other concurrency and timeout
        assert other.total == 8  # only the missing ones
        assert [r.cached for r in second] == [True] * 12 + [False] * 8
        assert [r.text for r in second[:12]] == [r.text for r in first]
        assert t2.usage.cached == 12 and t2.usage.saved_usd > 0
        t2.generate(requests[:2], GenParams(temperature=0.2))  # a sampling change is a new request
        assert other.total == 10
    with teacher(srv, cache=None) as t3:  # --no-cache
        t3.generate(requests[:5], GenParams())
    assert srv.total == 17
    assert TeacherCache(db).stats().entries == 22


def test_identical_requests_in_one_call_are_sent_once(srv):
    with teacher(srv) as t:
        results = t.generate([chat("wahi sawal")] * 5 + [chat("doosra sawal")], GenParams())
    assert srv.total == 2
    assert len({r.text for r in results[:5]}) == 1 and results[5].text != results[0].text


def test_failures_are_not_cached_and_rerun_sends_them_again(srv, tmp_path):
    db = tmp_path / "teacher.db"
    with teacher(srv, cache=db, retries=0) as t:
        bad, good = t.generate([chat("abhi nahi [[500]]"), chat("theek hai")], GenParams())
        assert not bad.ok and good.ok
        again = t.generate([chat("abhi nahi [[500]]"), chat("theek hai")], GenParams())
    assert again[0].ok and not again[0].cached and again[1].cached


def test_each_answer_is_committed_as_it_arrives(srv, tmp_path):
    db = tmp_path / "teacher.db"
    seen: list[int] = []
    with teacher(srv, cache=db, concurrency=1) as t:
        original = t._store

        def spy(job, raw, params):
            original(job, raw, params)
            # Another connection sees the answer at once: it was committed, not held in a transaction.
            seen.append(sqlite3.connect(db).execute("SELECT COUNT(*) FROM responses").fetchone()[0])

        t._store = spy
        t.generate([chat(f"q{i}") for i in range(4)], GenParams())
    assert seen == [1, 2, 3, 4]


def test_accounting_uses_the_price_table(srv):
    prices = PriceTable({"my-model": (1.0, 2.0)}, defaults=False)
    with teacher(srv, model="my-model", prices=prices) as t:
        (r,) = t.generate([chat("ek do teen char")], GenParams())
    assert r.cost_usd == pytest.approx((r.prompt_tokens * 1.0 + r.completion_tokens * 2.0) / 1e6)
    assert t.usage.cost_usd == pytest.approx(r.cost_usd)
    assert "req/s" in t.usage.line() and "1 cached" not in t.usage.line()
    assert PriceTable().price("gpt-4o-mini-2024-07-18") == PriceTable().price("gpt-4o-mini")
    assert PriceTable().cost("gpt-4o-mini", 1_000_000, 0, batch=True) == pytest.approx(0.075)


def test_dry_run_estimate_skips_cached_requests(srv, tmp_path):
    with teacher(srv, cache=tmp_path / "t.db") as t:
        requests = [chat(f"sawal number {i}") for i in range(10)]
        t.generate(requests[:4], GenParams(max_tokens=100))
        est = t.estimate(requests, GenParams(max_tokens=100))
    assert est.requests == 6 and est.cached == 4 and est.max_completion_tokens == 600
    assert est.usd_max == pytest.approx((est.prompt_tokens * 0.15 + 600 * 0.60) / 1e6)
    assert srv.total == 4


def test_rpm_limit_paces_requests(srv):
    with teacher(srv, rpm=1200, concurrency=16) as t:  # 20/s, one second banked
        start = time.perf_counter()
        t.generate([chat(f"q{i}") for i in range(40)], GenParams())
        elapsed = time.perf_counter() - start
    assert elapsed >= 0.9  # 40 requests at 20/s with 20 banked: at least one second


def test_batch_api_submits_once_and_reattaches_after_a_stop(srv, tmp_path):
    srv.batch_polls = 3
    db = tmp_path / "teacher.db"
    requests = [chat(f"batch sawal {i}") for i in range(6)] + [chat("toot gaya [[500]]")]
    with teacher(srv, cache=db, batch_api=True, batch_poll_s=0.01, batch_wait_s=0) as t:
        waiting = t.generate(requests, GenParams())  # gives up before the batch is done
    assert all(not r.ok and "rerun to collect" in r.error for r in waiting)
    with teacher(srv, cache=db, batch_api=True, batch_poll_s=0.01) as t:
        done = t.generate(requests, GenParams())
    assert len(srv.batches) == 1  # re-attached, not submitted again
    assert all(r.ok for r in done[:6]) and "http 500" in done[6].error
    assert done[0].cost_usd == pytest.approx(
        PriceTable().cost("gpt-4o-mini", done[0].prompt_tokens, done[0].completion_tokens) / 2
    )
    with teacher(srv, cache=db, batch_api=True, batch_poll_s=0.01) as t:
        again = t.generate(requests, GenParams())
    assert [r.cached for r in again] == [True] * 6 + [False]  # the failed one is submitted again
    assert len(srv.batches) == 2


def test_from_config_wants_a_key_or_a_local_server(monkeypatch, tmp_path):
    from tadka.curate.generate.config import GenerateConfig

    monkeypatch.delenv("TADKA_TEST_KEY", raising=False)
    remote = OpenAITeacher.from_config(GenerateConfig(model="gpt-4o-mini", api_key_env="TADKA_TEST_KEY"))
    with remote:
        assert remote.estimate([chat("kitna lagega?")], GenParams()).requests == 1  # a dry run needs no key
        with pytest.raises(ConfigError, match="TADKA_TEST_KEY"):  # the first request does
            remote.generate([chat("namaste")], GenParams())
    local = OpenAITeacher.from_config(
        GenerateConfig(model="m", base_url="http://127.0.0.1:9/v1", api_key_env="TADKA_TEST_KEY")
    )
    assert local.base_url == "http://127.0.0.1:9/v1" and local.cache is None
    # Only the variable's name is kept on the teacher, never a key.
    assert all(v == "TADKA_TEST_KEY" for k, v in vars(local).items() if "key" in k.lower() and isinstance(v, str))
    with pytest.raises(ConfigError):
        OpenAITeacher.from_config(GenerateConfig(model=""))


def test_scrub_masks_keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-Abc123Def456Ghi789")
    text = scrub("bad key sk-proj-Abc123Def456Ghi789 and sk-pro***i789\nsecond line")
    assert "Abc123" not in text and "i789" not in text and "\n" not in text


def test_rate_limit_building_blocks():
    now = [0.0]
    bucket = TokenBucket(120, clock=lambda: now[0])  # 2/s, 2 banked
    bucket.take(1), bucket.take(1)
    assert bucket.wait_time(1) == pytest.approx(0.5)
    now[0] = 0.5
    assert bucket.wait_time(1) == 0
    big = TokenBucket(600, clock=lambda: now[0])  # 10 tokens/s: an oversized request waits for a full bucket
    big.take(10)
    assert big.wait_time(50) == pytest.approx(1.0)
    assert retry_after({"retry-after": "3"}) == 3 and retry_after({"retry-after-ms": "250"}) == 0.25
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0 and retry_after({}) is None
    backoff = Backoff(base=1, cap=8, rng=random.Random(1))
    assert all(0 <= backoff.delay(a) <= min(8, 2**a) for a in range(10))
    assert 5 <= backoff.delay(0, retry_after=5) <= 5.1
    assert estimate_prompt_tokens([{"role": "user", "content": "x" * 40}]) == 17
    assert Usage().line().startswith("0.0 req/s")


def test_loopback_counts_by_the_teacher_cache_key(srv, tmp_path):
    with teacher(srv, cache=tmp_path / "t.db") as t:
        t.generate([chat("ek"), chat("do", SCHEMA)], GenParams())
    stored = {row[0] for row in sqlite3.connect(tmp_path / "t.db").execute("SELECT key FROM responses")}
    assert stored == set(srv.counts)
    assert cache_key({"model": "m", "messages": [], "seed": 0}) != cache_key({"model": "m", "messages": [], "seed": 1})
