"""Stop a run whose backend cannot answer, instead of spending every request × every retry on it.

A wrong model name, a server that is down, a missing key or a refused format fails every request the
same way; without a stop, a run of 2,000 requests with 4 retries each takes hours to say so. The
monitor watches each request's final outcome (after its retries; cache hits and format step-downs are
not outcomes) and stops the run when

* the first ``first`` requests of a run (none answered yet) all failed, or
* the last ``window`` requests all failed, after some were answered (a server that died mid-run).

The stop is a :class:`TeacherStopped` — one line naming the cause and the likely fix. Every answer
that did arrive is already committed to cache/teacher.db and the records made so far are written, so
the same command, once the cause is fixed, resumes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from tadka.errors import TadkaError

FIRST = 8  # requests that must all fail, none answered, to stop a run at its start


class TeacherStopped(TadkaError):
    """The teacher stopped the run: its backend failed every request of a window."""

    exit_code = 3


@dataclass
class Endpoint:
    """What the fixes name: where the requests went, as which model, with which key variable."""

    url: str
    model: str
    key_env: str = "OPENAI_API_KEY"
    timeout: float = 60.0


def kind_of(error: str) -> str:
    """The family of a request's final error: auth, model, not_found, connection, timeout, rate_limit,
    format, server, bad_request, malformed or other."""
    text = error.lower()
    code = re.match(r"http (\d{3})", text)
    status = int(code.group(1)) if code else 0
    if text.startswith("format refused"):
        return "format"
    if status in (401, 403) or "api key" in text:
        return "auth"
    if "model" in text and any(
        w in text
        for w in ("not found", "does not exist", "not exist", "unknown model", "no such model", "not available")
    ):
        return "model"
    if status == 404:
        return "not_found"
    if status == 429:
        return "rate_limit"
    if status >= 500:
        return "server"
    if status in (400, 409, 413, 422):
        return "bad_request"
    if text.startswith("connection error"):
        return "connection"
    if text.startswith("timeout"):
        return "timeout"
    if text.startswith("malformed"):
        return "malformed"
    return "other"


def cause_and_fix(kind: str, ep: Endpoint) -> tuple[str, str]:
    """(what went wrong, the likely fix) for a failure family, phrased for this endpoint."""
    models = f"curl {ep.url.rstrip('/')}/models"
    table = {
        "auth": (
            "the server refused the API key",
            f"set {ep.key_env} to a valid key for {ep.url} (never in tadka.yaml)",
        ),
        "model": (
            f"the server does not know the model {ep.model!r}",
            f"wrong model name: pick one that `{models}` lists (generate.model / --model)",
        ),
        "not_found": (
            f"{ep.url} has no /chat/completions",
            "wrong base URL: give the OpenAI-compatible root, usually ending in /v1 (--base-url)",
        ),
        "connection": (
            f"nothing answers at {ep.url}",
            "the server is down or --base-url is wrong: start it, or fix generate.base_url",
        ),
        "timeout": (
            f"every request timed out after {ep.timeout:g} s",
            "the server is hung or overloaded: check it, lower --concurrency or raise generate.timeout",
        ),
        "rate_limit": (
            "the server rate-limited every request, even after waiting",
            "lower generate.rpm / generate.tpm / --concurrency, or raise the account's limits",
        ),
        "format": (
            "the server refuses the structured-output request",
            "set generate.json_mode: auto (steps down to json_object, then plain text), or off",
        ),
        "server": (
            "the server fails every request",
            "see the server's log: the model may have failed to load or run out of memory",
        ),
        "bad_request": (
            "the server rejects every request as invalid",
            "check the model name and the sampling settings it accepts (max_tokens, temperature)",
        ),
        "malformed": (
            "the server's replies are not chat completions",
            "is --base-url the OpenAI-compatible root (…/v1) of a chat model?",
        ),
    }
    return table.get(kind, ("every request failed", "see reports/generate-failures.jsonl and the server's log"))


class FailFast:
    """Counts final outcomes; :meth:`record` raises :class:`TeacherStopped` when a rule above fires."""

    def __init__(self, endpoint: Endpoint, *, first: int = FIRST, window: int = 32) -> None:
        self.endpoint = endpoint
        self.first = max(1, first)
        self.window = max(self.first, window)
        self.answered = 0
        self.failed = 0
        self.streak: list[str] = []  # errors since the last answer

    def record(self, error: str | None) -> None:
        if error is None:
            self.answered += 1
            self.streak.clear()
            return
        self.failed += 1
        self.streak.append(error)
        limit = self.first if self.answered == 0 else self.window
        if len(self.streak) >= limit:
            raise self.stop()

    def stop(self) -> TeacherStopped:
        kinds = Counter(kind_of(e) for e in self.streak)
        kind, _ = kinds.most_common(1)[0]
        example = next(e for e in self.streak if kind_of(e) == kind)
        cause, fix = cause_and_fix(kind, self.endpoint)
        if self.answered == 0:
            what = f"the first {len(self.streak)} requests all failed"
        else:
            what = f"the last {len(self.streak)} requests all failed ({self.answered} answered before)"
        example = " ".join(example.split())[:200]
        return TeacherStopped(
            f"stopped: {what}: {cause} [{example}]",
            field="generate.teacher",
            hint=f"{fix}; answers already received are kept in cache/teacher.db, so the same command resumes",
        )
