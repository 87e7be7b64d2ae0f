"""``judge``: thresholds on the ``judge_*`` scores a judge recipe wrote (rubric scores from a teacher).

Records without judge scores pass unless ``required`` is set: a stage that was never judged is not
emptied by turning this step on. Flags: ``judge_low:<score name>`` for every score under its limit,
``judge_missing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar, Mapping

import pyarrow as pa
import pyarrow.compute as pc

from tadka.curate.filters.base import Filter, Verdict, steps

from tadka.config import Section, opt
from tadka.records import Record


@dataclass
class JudgeParams(Section):
    """The ``curate.judge_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    min: dict[str, float] = opt({}, "Score name → lowest value kept, e.g. {judge_overall: 3.5} (flag judge_low:NAME).")
    min_any: float = opt(-1.0, "Lowest value for every judge_* score present; -1 turns this off.")
    required: bool = opt(False, "Drop records without any judge_* score (flag judge_missing).")


@steps.register("judge")
class JudgeFilter(Filter):
    params: ClassVar[type] = JudgeParams
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

    def idle_on(self, scores_of: Callable[[], pa.ChunkedArray], stage: str) -> str | None:
        """Why this step's limits will do nothing on a stage, or None. Unjudged records pass, so the strict
        profile's limits on the stage before the judged one would keep everything without a word: the
        stage's ``scores`` column (JSON text, opened only when limits are set) is read up to its first
        judged record."""
        if self.required or not (self.min or self.min_any >= 0):
            return None
        scores = scores_of()
        if scores.length() == 0 or any(pc.any(pc.match_substring(c, '"judge_')).as_py() for c in scores.chunks):
            return None
        return (
            f"judge: curate.judge_min / judge_min_any are set, but no record of stage {stage!r} has judge_* scores, "
            f"so the judge step keeps every record (judge first: tadka generate --recipe judge --input stage:{stage} "
            "--stage judged, then tadka curate --stage judged; or set curate.judge_required: true)"
        )
