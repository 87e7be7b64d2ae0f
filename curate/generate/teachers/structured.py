"""The structured-output ladder of one endpoint: ``json_schema`` → ``json_object`` + schema → plain text.

OpenAI-compatible servers differ in what ``response_format`` they take. OpenAI, vLLM, Ollama, LM Studio
and llama.cpp's ``llama-server`` take ``{"type": "json_schema", ...}``; llama-cpp-python's server refuses
it (HTTP 500, a pydantic error: "Input should be 'text' or 'json_object'") but takes
``{"type": "json_object", "schema": ...}`` and enforces the schema with a grammar, so even a 135M model
answers valid JSON; some hosted APIs take neither. A refusal comes with any status (400, 422, 500), so
it is recognised by what its message names, not by its code.

:class:`FormatLadder` holds the step an endpoint is on. A refused request steps the endpoint down one
rung and is sent again at once (not a retry: nothing went wrong in transit); the step holds for the
rest of the run, and the teacher writes it to the cache's endpoint notes so the next run starts there.
On the last rung (``text``) the teacher's tolerant parsing and one repair request do the work.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

logger = logging.getLogger(__name__)

STEPS = ("json_schema", "json_object", "text")
# json_mode -> the rungs a run may use. auto walks the whole ladder; the others pin one rung.
MODES = {"auto": STEPS, "schema": ("json_schema",), "object": ("json_object",), "off": ("text",)}
NOTE = "response_format"  # the endpoint note's name in cache/teacher.db
# Words a refusal of the requested format names (llama.cpp: "failed to parse grammar"; vLLM:
# "guided_json"; OpenAI: "Invalid parameter: 'response_format' of type 'json_schema' is not supported").
_REFUSAL_WORDS = ("response_format", "json_schema", "json_object", "schema", "grammar", "structured output", "guided")


def response_format(step: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    """The ``response_format`` value a request on ``step`` carries (None on the text rung)."""
    if step == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "answer", "schema": schema, "strict": False}}
    if step == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def names_the_format(message: str) -> bool:
    """Whether an error message is about the structured-output request (whatever its status code)."""
    text = message.lower()
    return any(word in text for word in _REFUSAL_WORDS)


class FormatLadder:
    """The rung an endpoint is on, shared by every worker of a teacher (thread-safe, steps only down)."""

    def __init__(self, mode: str = "auto", endpoint: str = "the server", start: str | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown json_mode {mode!r}")
        self.mode = mode
        self.endpoint = endpoint
        self.rungs = MODES[mode]
        self.step = start if start in self.rungs else self.rungs[0]
        self.learnt: str | None = None  # why the ladder stepped down in this run (None: it did not)
        self._lock = threading.Lock()

    def refused(self, step: str, message: str) -> str | None:
        """A request sent on ``step`` was refused: the rung to send it again on, or None (no rung left).

        Another worker may have stepped down already while this request was in flight; then the
        request simply goes again on the current rung, and the step is logged only once.
        """
        with self._lock:
            if step != self.step:
                return self.step if STEPS.index(self.step) > STEPS.index(step) else None
            at = self.rungs.index(step)
            if at + 1 >= len(self.rungs):
                return None
            self.step = self.rungs[at + 1]
            self.learnt = message[:300]
        logger.warning(
            "%s refused response_format %s; sending %s from now on (%s)",
            self.endpoint,
            step,
            _describe(self.step),
            message[:160],
        )
        return self.step


def _describe(step: str) -> str:
    if step == "json_object":
        return "json_object with the schema (a grammar-constrained JSON answer)"
    if step == "text":
        return "plain text, read tolerantly with one repair request"
    return step
