"""What one curation returns: :class:`Outcome`, the settled rows and the counts per step and reason.

Split from :mod:`tadka.curate.pipeline` (which builds it) because the report and the app read it
without running anything: it is the result's shape, and how to find a row's processed turns in it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tadka.curate.spill import sparse_take


@dataclass
class Outcome:
    """One curation: the final rows (flags and scores settled) and what happened, per step."""

    rows: pa.Table  # processed rows in input order: stage schema without messages + _row + _steps + _lineage
    curated: pa.Table  # stage schema
    rejects: pa.Table  # stage schema: input records with their flags and scores
    step_names: list[str]
    processed_rejects: pa.Table | None = None  # rejected rows as the steps left them (PII redacted)
    per_step: dict[str, dict[str, int]] = field(default_factory=dict)
    reasons: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # per-record steps vs global resolve
    lineage: dict[str, int] = field(default_factory=dict)  # copies per rule that kept or dropped them
    rows_in: int = 0  # input rows

    def messages(self, indices: Sequence[int]) -> list[list[dict]]:
        """The processed turns of rows ``indices`` (input order), from curated or processed_rejects:
        ``rows`` does not hold the turns twice."""
        kept = pc.equal(pc.list_value_length(self.rows["flags"]), 0).to_numpy(zero_copy_only=False)
        pos_kept, pos_dropped = np.cumsum(kept) - 1, np.cumsum(~kept) - 1
        idx = np.asarray(indices, dtype=np.int64)
        out: list = [None] * len(idx)
        for table, mask, pos in (
            (self.curated, kept[idx], pos_kept),
            (self.processed_rejects, ~kept[idx], pos_dropped),
        ):
            where = np.flatnonzero(mask)
            if len(where) and table is not None:
                for k, msgs in zip(where.tolist(), sparse_take(table["messages"], pos[idx[where]])):
                    out[k] = msgs
        return out

    def summary(self) -> dict:
        return {
            "input": self.rows.num_rows,
            "curated": self.curated.num_rows,
            "rejected": self.rejects.num_rows,
            "per_step": self.per_step,
            "reasons": dict(self.reasons.most_common()),
            "lineage": self.lineage,
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }
