"""The OpenAI Batch API route of the ``openai`` teacher: half the price, answers within 24 hours.

The missing requests go up as one JSONL file per batch (at most 50,000 lines or ~190 MB each),
``custom_id`` = the request's cache key. Each submitted batch and the body behind each of its keys
is recorded in cache/teacher.db (schema v2) *before* polling starts, so a run that is killed or
gives up waiting re-attaches to its batches on the next run instead of paying again. Results
are written to the cache line by line as the output file is read; a key the server answered
with an error, or left out (an expired batch), comes back as a failed Result and is submitted
again on a later run.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Awaitable, Callable

from tadka.curate.generate.teachers.base import GenParams
from tadka.curate.generate.teachers.cached import Done, Job, Raw
from tadka.teachercache import BATCH_DONE

logger = logging.getLogger(__name__)

ENDPOINT = "/v1/chat/completions"
MAX_LINES = 50_000
MAX_BYTES = 190 * 1024 * 1024  # the API's limit is 200 MB per input file


async def run_batch(teacher: Any, jobs: list[Job], params: GenParams, done: Done) -> None:
    """Answer ``jobs`` through the Batch API, calling ``done`` per job (see the module docstring)."""
    client = teacher.client()
    cache = teacher.cache
    attached = cache.open_batches_for([j.key for j in jobs]) if cache is not None else {}
    pending: dict[str, dict[str, Job]] = {}
    for job in jobs:
        if job.key in attached:
            pending.setdefault(attached[job.key], {})[job.key] = job
    if pending:
        logger.info("re-attaching to %d batch(es) from an earlier run", len(pending))
    fresh = [j for j in jobs if j.key not in attached]
    for chunk in _chunks(fresh, [teacher.body(j, params) for j in fresh]):
        try:
            batch_id = await _submit(teacher, client, chunk)
        except Exception as e:  # the whole chunk fails with a reason; the rest of the run goes on
            for job, _ in chunk:
                done(job, Raw(error=f"batch submit failed: {teacher._message(e)}"))
            continue
        pending[batch_id] = {job.key: job for job, _ in chunk}
    deadline = time.monotonic() + teacher.batch_wait_s
    status: dict[str, str] = {}
    while pending:
        for batch_id in list(pending):
            try:
                batch = await _retrying(teacher, lambda bid=batch_id: client.batches.retrieve(bid))
            except Exception as e:  # an unknown batch (another server, deleted) is lost: resubmit later
                logger.warning(
                    "batch %s cannot be read (%s); its requests will be sent again next run",
                    batch_id,
                    teacher._message(e),
                )
                _update(cache, batch_id, "lost")
                _fail(pending.pop(batch_id), done, f"batch {batch_id} lost: {teacher._message(e)}")
                continue
            status[batch_id] = batch.status
            _update(cache, batch_id, batch.status, batch.output_file_id, batch.error_file_id)
            if batch.status in BATCH_DONE:
                await _collect(teacher, client, batch, pending.pop(batch_id), done)
        if not pending or time.monotonic() >= deadline:
            break
        await asyncio.sleep(min(teacher.batch_poll_s, max(0.0, deadline - time.monotonic())))
    for batch_id, left in pending.items():
        _fail(
            left,
            done,
            f"batch {batch_id} still {status.get(batch_id, 'pending')} after "
            f"{teacher.batch_wait_s:g}s; rerun to collect it (it stays attached)",
        )


def _chunks(jobs: list[Job], bodies: list[dict]) -> list[list[tuple[Job, dict]]]:
    out: list[list[tuple[Job, dict]]] = []
    size = 0
    for job, body in zip(jobs, bodies):
        n = len(json.dumps(body, ensure_ascii=False).encode()) + 100
        if not out or len(out[-1]) >= MAX_LINES or size + n > MAX_BYTES:
            out.append([])
            size = 0
        out[-1].append((job, body))
        size += n
    return out


async def _retrying(teacher: Any, call: Callable[[], Awaitable[Any]]) -> Any:
    """A management call (upload, create, retrieve, download) with the teacher's retry policy."""
    import openai

    for attempt in range(teacher.retries + 1):
        try:
            return await call()
        except (
            openai.APITimeoutError,
            openai.APIConnectionError,
            openai.RateLimitError,
            openai.InternalServerError,
        ) as e:
            if attempt >= teacher.retries:
                raise
            wait = teacher.backoff.delay(attempt, None)
            logger.debug("batch call failed (%s); retrying in %.1fs", teacher._message(e), wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")


async def _submit(teacher: Any, client: Any, chunk: list[tuple[Job, dict]]) -> str:
    lines = "\n".join(
        json.dumps({"custom_id": job.key, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False)
        for job, body in chunk
    )
    upload = await _retrying(
        teacher,
        lambda: client.files.create(
            file=("tadka-batch.jsonl", lines.encode("utf-8"), "application/jsonl"), purpose="batch"
        ),
    )
    batch = await _retrying(
        teacher,
        lambda: client.batches.create(
            input_file_id=upload.id, endpoint=ENDPOINT, completion_window="24h", metadata={"source": "tadka"}
        ),
    )
    if teacher.cache is not None:
        teacher.cache.add_batch(
            batch.id, teacher.model, batch.status, upload.id, [(job.key, body) for job, body in chunk]
        )
    logger.info("submitted batch %s with %d requests", batch.id, len(chunk))
    return batch.id


async def _collect(teacher: Any, client: Any, batch: Any, jobs: dict[str, Job], done: Done) -> None:
    """Read the output and error files: every line to the cache, each of our jobs to ``done``."""
    lines: list[dict] = []
    for file_id in (batch.output_file_id, batch.error_file_id):
        if not file_id:
            continue
        try:
            content = await _retrying(teacher, lambda fid=file_id: client.files.content(fid))
        except Exception as e:  # the other file may still hold answers; the missing ones fail below
            logger.warning("cannot download %s of batch %s: %s", file_id, batch.id, teacher._message(e))
            continue
        for text in content.text.splitlines():
            if text.strip():
                try:
                    lines.append(json.loads(text))
                except json.JSONDecodeError:
                    logger.warning("skipping a malformed line in %s of batch %s", file_id, batch.id)
    foreign = teacher.cache.batch_requests(batch.id) if teacher.cache is not None else {}
    for line in lines:
        key = line.get("custom_id")
        raw = _raw(teacher, line, jobs.get(key))
        if key in jobs:
            done(jobs.pop(key), raw)
        elif key in foreign and raw.error is None and teacher.cache is not None:
            # An answer a previous run asked for: keep it, so that run's rerun finds it.
            body = foreign[key]
            teacher.cache.put(
                key,
                teacher.model,
                body,
                {"text": raw.text, "finish_reason": raw.finish_reason, "model": raw.model},
                raw.prompt_tokens,
                raw.completion_tokens,
                raw.cost_usd,
            )
    errors = "; ".join(
        e.get("message", "") for e in ((batch.errors.model_dump() if batch.errors else {}) or {}).get("data") or []
    )
    _fail(
        jobs,
        done,
        f"batch {batch.id} {batch.status} without an answer for this request" + (f": {errors}" if errors else ""),
    )


def _raw(teacher: Any, line: dict, job: Job | None) -> Raw:
    response = line.get("response") or {}
    code = response.get("status_code")
    if line.get("error") or code != 200:
        err = line.get("error") or (response.get("body") or {}).get("error") or {}
        message = err.get("message") if isinstance(err, dict) else str(err)
        return Raw(error=f"batch item: http {code}: {teacher._message(Exception(message or 'error'))}")
    try:
        return teacher.read(response.get("body"), job or Job("", [], None), 0)
    except ValueError as e:
        return Raw(error=f"batch item: malformed response: {teacher._message(e)}")


def _fail(jobs: dict[str, Job], done: Done, reason: str) -> None:
    for job in list(jobs.values()):
        done(job, Raw(error=reason))
    jobs.clear()


def _update(
    cache: Any, batch_id: str, status: str, output_file_id: str | None = None, error_file_id: str | None = None
) -> None:
    if cache is not None:
        cache.update_batch(batch_id, status, output_file_id, error_file_id)
