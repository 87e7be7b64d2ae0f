"""The teacher interface: many chats in, one result per chat out, never an exception per request.

A teacher is anything that answers chats: an OpenAI-compatible server, in-process vLLM, a local
transformers model, or the offline ``mixer`` (which reads the structured ``meta`` a recipe attaches
instead of the prompt text). A failed request comes back as a result with ``error`` set, so one bad
answer never stops a run of thousands (distilabel's lesson).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from tadka.registry import Registry

teachers: Registry[type["Teacher"]] = Registry("teacher")


@dataclass
class GenParams:
    """Sampling parameters; everything here is part of the request-cache key."""

    temperature: float = 0.7
    top_p: float = 0.95
    max_tokens: int = 512
    seed: int | None = 0
    stop: list[str] | None = None
    json_schema: dict[str, Any] | None = None  # structured output where the backend supports it

    def cache_view(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "stop": self.stop,
            "json_schema": self.json_schema,
        }


@dataclass
class Request:
    """One chat to answer, plus what the recipe knows about it (target CMI band, script, seed task …)."""

    messages: list[dict[str, str]]
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    """A teacher's answer to one Request: text, or an error with a reason; usage for accounting."""

    text: str | None
    finish_reason: str | None = None
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    cached: bool = False
    model: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


class Teacher(ABC):
    """Subclasses register with ``@teachers.register("name")`` and implement :meth:`generate`."""

    name: str = ""

    @abstractmethod
    def generate(self, requests: list[Request], params: GenParams) -> list[Result]:
        """Answer every request, in order; failures are Results with ``error`` set."""

    def close(self) -> None:  # noqa: B027  (optional hook: most teachers hold nothing to release)
        """Release connections, engines or models."""

    def __enter__(self) -> "Teacher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
