"""The recipe interface: "format the prompt" + "parse the answer" (distilabel's Task, kept small).

A recipe turns an input Record (a seed task, an English instruction, a generated sample) into teacher
Requests, and a teacher's text back into Records. A parse failure returns ``None`` plus a reason and
the run goes on; the raw text is kept in the failures report, never lost.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from tadka.records import Record
from tadka.registry import Registry
from tadka.curate.generate.teachers.base import Request

recipes: Registry[type["Recipe"]] = Registry("recipe")


@dataclass
class Target:
    """What every prompt states and every response is re-measured against."""

    cmi: tuple[float, float] = (20.0, 40.0)  # CMI band on the 0–100 scale
    script: str = "latn"  # latn, deva or mixed
    dialect: str = "hinglish"
    domains: list[str] = field(default_factory=list)
    pack: str = "hi"  # the language pack (tadka.lang): "ta" asks for Tanglish

    @property
    def lang(self) -> str:
        """The Record tag: the pack's Roman or native script (``deva`` means the pack's native one)."""
        if self.pack != "hi":
            from tadka.lang.pack import get_pack

            p, native = self.pack, get_pack(self.pack).script
            return {"deva": f"{p}-{native}+en", "mixed": f"{p}-Latn+{p}-{native}+en"}.get(self.script, f"{p}-Latn+en")
        return {"latn": "hi-Latn+en", "deva": "hi-Deva+en", "mixed": "hi-Latn+hi-Deva+en"}.get(
            self.script, "hi-Latn+en"
        )


@dataclass
class Parsed:
    record: Record | None
    reason: str | None = None  # why parsing failed
    raw: str | None = None


class Recipe(ABC):
    """Subclasses register with ``@recipes.register("name")``."""

    name: str = ""

    def __init__(self, target: Target, **options: Any) -> None:
        self.target = target
        self.options = options

    @abstractmethod
    def prompt(self, record: Record, index: int) -> Request:
        """The request for one input record (``index`` makes N requests from few seeds distinct)."""

    @abstractmethod
    def parse(self, text: str, request: Request) -> Parsed:
        """The teacher's text → a new Record with provenance in ``source``, or a reason it failed."""
