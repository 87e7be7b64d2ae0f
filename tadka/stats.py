"""`tadka stats`: what is in each stage — counts by language tag, review status and source, and lengths.

Computed with Arrow kernels over the memory-mapped stage, so 100k records take well under a second.
Review decisions come from review.db (a stage's own ``status`` column stays ``pending``: records are
immutable and review lives in the database).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from tadka.review.db import reviewed
from tadka.workspace import Workspace

PERCENTILES = (0.1, 0.5, 0.9, 0.99)


@dataclass
class StageStats:
    stage: str
    records: int
    by_lang: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    chars: dict[str, float] = field(default_factory=dict)
    turns: dict[str, float] = field(default_factory=dict)
    extra: dict[str, dict] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def _counts(column: pa.ChunkedArray) -> dict[str, int]:
    out = {}
    for item in pc.value_counts(column).to_pylist():
        out[str(item["values"])] = item["counts"]
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _percentiles(values: pa.Array) -> dict[str, float]:
    if len(values) == 0:
        return {}
    qs = pc.quantile(values, q=list(PERCENTILES), interpolation="nearest").to_pylist()
    out = {f"p{int(q * 100)}": float(v) for q, v in zip(PERCENTILES, qs)}
    out["mean"] = float(pc.mean(values).as_py())
    out["max"] = float(pc.max(values).as_py())
    return out


def stage_stats(ws: Workspace, stage: str, decisions: dict | None = None) -> StageStats:
    table = ws.table(stage)
    n = table.num_rows
    stats = StageStats(stage, n)
    if n == 0:
        return stats
    stats.by_lang = _counts(table["lang"])
    stats.by_source = _counts(pc.struct_field(table["source"], "kind"))
    if decisions:
        status = Counter(decisions.get(i, ("pending", None))[0] for i in table["id"].to_pylist())
        stats.by_status = dict(status.most_common())
    else:
        stats.by_status = _counts(table["status"])
    messages = table["messages"].combine_chunks()
    contents = pc.list_flatten(messages).field("content")
    turn_chars = pc.utf8_length(contents)
    parents = pc.list_parent_indices(messages)
    per_record = pa.table({"r": parents, "c": turn_chars}).group_by("r").aggregate([("c", "sum")])["c_sum"]
    stats.chars = _percentiles(per_record)
    stats.turns = _percentiles(pc.list_value_length(messages))
    return stats


def mixing_stats(ws: Workspace, stage: str, sample: int = 5000, seed: int = 0) -> dict[str, dict]:
    """CMI and M-index distributions, and sentence languages, measured by tadka.lang on the text.

    Measured on a seeded sample of at most ``sample`` records (all of them when the stage is
    smaller), over the user and assistant turns, so the figures mean the same for every stage.
    """
    import random

    from tadka.lang import analyze_batch
    from tadka.lang.metrics import m_index
    from tadka.lang.pack import pack_of

    table = ws.table(stage)
    n = table.num_rows
    if n == 0 or sample <= 0:
        return {}
    rows = sorted(random.Random(seed).sample(range(n), min(n, sample)))
    taken = table.take(rows)
    picked = taken["messages"].to_pylist()
    texts = ["\n".join(m["content"] for m in msgs if m["role"] != "system") for msgs in picked]
    # each record is measured by the language pack its lang names (a workspace may hold several)
    default = pack_of(ws.config["project"].lang)
    packs = [pack_of(lang, default) for lang in taken["lang"].to_pylist()]
    analyses: list = [None] * len(texts)
    for code in sorted(set(packs)):
        idx = [i for i, p in enumerate(packs) if p == code]
        for i, a in zip(idx, analyze_batch([texts[i] for i in idx], code)):
            analyses[i] = a
    cmi = pa.array([a.cmi for a in analyses], pa.float64())
    mix = pa.array([m_index(a.tags) for a in analyses], pa.float64())
    if set(packs) == {default}:
        langs = Counter(a.lang for a in analyses)
    else:  # several packs' records: the packs side by side say which language each text is in
        from tadka.lang.detect import identify_batch

        langs = Counter(identify_batch(texts, sorted(set(packs))))
    label = "" if len(rows) == n else f" (sample of {len(rows)})"
    return {
        f"cmi{label}": _percentiles(cmi),
        "m_index": _percentiles(mix),
        "sentence": {k: float(v) for k, v in langs.most_common()},
    }


def workspace_stats(ws: Workspace, stages: list[str] | None = None, *, mixing_sample: int = 5000) -> list[StageStats]:
    decisions = reviewed(ws.review_db)
    out = []
    for s in stages or ws.stages():
        st = stage_stats(ws, s, decisions)
        st.extra.update(mixing_stats(ws, s, mixing_sample, seed=ws.config.project.seed))
        out.append(st)
    return out


def _number(value: float, digits: int) -> str:
    """Whole numbers (counts, lengths) in full — "1426", not "1.43e+03" — the rest to ``digits`` figures."""
    return str(int(value)) if float(value).is_integer() else f"{value:.{digits}g}"


def format_stats(all_stats: list[StageStats]) -> str:
    """A plain-text report, one block per stage."""
    lines = []
    for s in all_stats:
        lines.append(f"{s.stage}: {s.records} records")
        if not s.records:
            continue
        for title, counts in (("lang", s.by_lang), ("status", s.by_status), ("source", s.by_source)):
            lines.append(f"  {title:<9} " + "  ".join(f"{k} {v}" for k, v in counts.items()))
        for title, pct in (("chars", s.chars), ("turns", s.turns)):
            lines.append(f"  {title:<9} " + "  ".join(f"{k} {_number(v, 4)}" for k, v in pct.items()))
        for title, pct in s.extra.items():
            lines.append(f"  {title:<9} " + "  ".join(f"{k} {_number(v, 3)}" for k, v in pct.items()))
    return "\n".join(lines) if lines else "no stages yet (tadka import FILE, or tadka generate)"
