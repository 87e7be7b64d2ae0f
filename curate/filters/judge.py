"""``judge``: thresholds on the ``judge_*`` scores a judge recipe wrote (rubric scores from a teacher).

Records without judge scores pass unless ``required`` is set: a stage that was never judged is not
emptied by turning this step on. Flags: ``judge_low:<score name>`` for every score under its limit,
``judge_missing``.
"""

from __future__ import annotations

from typing import Mapping

from tadka.curate.filters.base import Filter, Verdict, steps
from tadka.records import Record


@steps.register("judge")
class JudgeFilter(Filter):
    name = "judge"

    def __init__(self, min: Mapping[str, float] | None = None, min_any: float = -1.0, required: bool = False) -> None:
        self.min = dict(min or {})
        self.min_any = min_any
        self.required = required

    def keep(self, record: Record) -> Verdict:
        judged = {k: v for k, v in record.scores.items() if k.startswith("judge_")}
        if not judged:
            return (False, "judge_missing") if self.required else True
        low = []
        for name, value in sorted(judged.items()):
            limit = self.min.get(name, self.min_any if self.min_any >= 0 else None)
            if limit is not None and value < limit:
                low.append(f"judge_low:{name}")
        for name in self.min:
            if name not in judged and self.required:
                low.append(f"judge_missing:{name}")
        return (False, tuple(low)) if low else True
