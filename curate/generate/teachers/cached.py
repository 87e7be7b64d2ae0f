"""What every model teacher (openai, vllm, hf) shares: the request cache, JSON repair, accounting.

A backend only implements :meth:`CachedTeacher.send` — answer these chats, calling ``done`` for
each answer as it arrives. This class does the rest, the same way for all of them:

1. key each request by (model, messages, sampling parameters, seed) — :func:`tadka.teachercache.request_key`,
   nothing else, so changing concurrency, the base URL or the batch size reuses earlier answers;
2. answer what cache/teacher.db already holds, send each distinct missing key once (two identical
   requests in one call cost one answer), and store every answer in its own transaction the moment
   it arrives, so a killed run resumes by sending only what was missing or in flight;
3. turn ``finish_reason`` ``length`` / ``content_filter`` into failures with a reason (the answer
   is still cached: asking again with the same parameters would buy the same truncated text);
4. when a JSON schema was asked for, read the answer tolerantly and, if it is still not valid,
   send one repair request (itself cached) with the bad answer and the problem;
5. hand every request's final outcome to the backend's :class:`~tadka.curate.generate.teachers.failfast.FailFast`
   monitor, if it has one, which stops the run when the backend fails every request.
"""

from __future__ import annotations

import json
import logging
from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, Callable

from tadka.curate.generate.teachers.accounting import PriceTable, Usage
from tadka.curate.generate.teachers.base import GenParams, Request, Result, Teacher
from tadka.curate.generate.teachers.failfast import FailFast
from tadka.curate.generate.teachers.jsonparse import parse_json, repair_messages
from tadka.teachercache import TeacherCache, request_key

logger = logging.getLogger(__name__)


@dataclass
class Job:
    """One distinct chat to answer: its cache key, messages and the JSON schema it must match."""

    key: str
    messages: list[dict[str, str]]
    schema: dict[str, Any] | None


@dataclass
class Raw:
    """A backend's answer before the shared checks: text and usage, or a transport error."""

    text: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    model: str = ""
    error: str | None = None  # the request never got an answer (not cached; a rerun sends it again)
    cached: bool = False


Done = Callable[[Job, Raw], None]


def request_schema(request: Request, params: GenParams) -> dict[str, Any] | None:
    """The schema for one request: ``params.json_schema``, else the recipe's ``meta["json_schema"]``."""
    return params.json_schema if params.json_schema is not None else request.meta.get("json_schema")


class CachedTeacher(Teacher):
    """Base of the model teachers; subclasses set ``model`` and implement :meth:`send`."""

    model: str = ""
    cache: TeacherCache | None = None
    prices: PriceTable | None = None
    progress: bool = True
    batch: bool = False  # price answers at the Batch API discount
    monitor: FailFast | None = None  # stops the run when every request fails (see failfast.py)

    @property
    def usage(self) -> Usage:
        if getattr(self, "_usage", None) is None:
            self._usage = Usage()
        return self._usage

    @abstractmethod
    def send(self, jobs: list[Job], params: GenParams, done: Done) -> None:
        """Answer ``jobs`` (distinct keys, none cached), calling ``done(job, raw)`` once per job."""

    # -- the shared flow ----------------------------------------------------------------------
    def job(self, messages: list[dict[str, str]], schema: dict[str, Any] | None, params: GenParams) -> Job:
        view = params.cache_view()
        view["json_schema"] = schema
        return Job(request_key(self.model, messages, view, params.seed), messages, schema)

    def generate(self, requests: list[Request], params: GenParams) -> list[Result]:
        jobs = [self.job(r.messages, request_schema(r, params), params) for r in requests]
        first = self._answer(jobs, params)
        repairs: dict[int, Job] = {}
        parsed: dict[int, Any] = {}
        for i, (job, raw) in enumerate(zip(jobs, first)):
            if job.schema is None or raw.error or raw.finish_reason in ("length", "content_filter"):
                continue
            value, problem = parse_json(raw.text, job.schema)
            if problem is None:
                parsed[i] = value
            else:
                messages = repair_messages(job.messages, raw.text or "", problem, job.schema)
                repairs[i] = self.job(messages, job.schema, params)
        second = dict(zip(repairs, self._answer(list(repairs.values()), params))) if repairs else {}
        results = [
            self._result(job, raw, second.get(i), parsed.get(i), params)
            for i, (job, raw) in enumerate(zip(jobs, first))
        ]
        self.usage.failed += sum(1 for r in results if r.error is not None)
        return results

    def _answer(self, jobs: list[Job], params: GenParams) -> list[Raw]:
        """A Raw per job, from the cache where possible; each distinct missing key is sent once."""
        hits = self.cache.get_many([j.key for j in jobs]) if self.cache is not None and jobs else {}
        by_key: dict[str, Raw] = {}
        for key, row in hits.items():
            resp = row["response"]
            by_key[key] = Raw(
                resp.get("text"),
                resp.get("finish_reason"),
                row["prompt_tokens"],
                row["completion_tokens"],
                0.0,
                resp.get("model", self.model),
                cached=True,
            )
            self.usage.add_cached(row["cost_usd"])
        missing = list({j.key: j for j in jobs if j.key not in by_key}.values())
        if missing:
            pbar = self._bar()

            def done(job: Job, raw: Raw) -> None:
                by_key[job.key] = raw
                self._store(job, raw, params)
                if pbar is not None:
                    pbar.update(1)
                    pbar.set_postfix_str(self.usage.line(), refresh=False)
                if self.monitor is not None:  # last: the answer is stored before a stop is raised
                    self.monitor.record(raw.error)

            self.send(missing, params, done)
        return [by_key.get(j.key) or Raw(error="the backend returned no answer") for j in jobs]

    def _bar(self):
        """One live line for the teacher's whole life (req/s, tokens, USD, cache hits, failures)."""
        if not self.progress:
            return None
        if getattr(self, "_pbar", None) is None:
            from tadka.progress import bar

            self._pbar = bar(desc=f"{self.name}:{self.model}", unit="req")
        return self._pbar

    def _store(self, job: Job, raw: Raw, params: GenParams) -> None:
        if raw.error is not None:
            return
        self.usage.add_sent(raw.prompt_tokens, raw.completion_tokens, raw.cost_usd)
        if self.cache is None:
            return
        view = params.cache_view()
        view["json_schema"] = job.schema
        request = {"model": self.model, "messages": job.messages, "params": view, "seed": params.seed}
        response = {"text": raw.text, "finish_reason": raw.finish_reason, "model": raw.model}
        try:
            self.cache.put(
                job.key, self.model, request, response, raw.prompt_tokens, raw.completion_tokens, raw.cost_usd
            )
        except Exception:  # a full disk or a locked file must not lose the answer in memory (sqlite3.Error, OSError)
            logger.warning("could not store an answer in the teacher cache", exc_info=True)

    def _result(self, job: Job, raw: Raw, repair: Raw | None, value: Any, params: GenParams) -> Result:
        final = repair or raw
        pt = raw.prompt_tokens + (repair.prompt_tokens if repair else 0)
        ct = raw.completion_tokens + (repair.completion_tokens if repair else 0)
        cost = raw.cost_usd + (repair.cost_usd if repair else 0.0)
        cached = raw.cached and (repair is None or repair.cached)
        common = {
            "prompt_tokens": pt,
            "completion_tokens": ct,
            "cost_usd": cost,
            "cached": cached,
            "model": final.model or self.model,
        }
        if final.error is not None:
            return Result(final.text, finish_reason=final.finish_reason, error=final.error, **common)
        if final.finish_reason == "length":
            return Result(
                final.text, "length", error=f"length: the answer was cut at max_tokens={params.max_tokens}", **common
            )
        if final.finish_reason == "content_filter":
            return Result(
                final.text, "content_filter", error="content_filter: the server withheld or cut the answer", **common
            )
        if job.schema is None:
            return Result(final.text, final.finish_reason, **common)
        if repair is not None:
            value, problem = parse_json(repair.text, job.schema)
            if problem is not None:
                return Result(
                    repair.text, repair.finish_reason, error=f"invalid_json after one repair: {problem}", **common
                )
        return Result(json.dumps(value, ensure_ascii=False), final.finish_reason, **common)

    def close(self) -> None:
        if getattr(self, "_pbar", None) is not None:
            self._pbar.close()
            self._pbar = None
        if self.cache is not None:
            self.cache.close()
            self.cache = None
