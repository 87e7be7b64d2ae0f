"""The last pass, one task per shard: flags patched in, kept and rejected rows written, counts partial.

Each shard's task gets the decisions of every global step for its own rows (and the id guard's),
builds the same :class:`~tadka.curate.dedup.settle.Marks` the local engine builds — in the same
order, so flags and scores come out equal — and splits its processed rows with the input rows beside
them exactly as the local engine's settle does (:func:`tadka.curate.pipeline._settle_slice`). Kept
rows go to ``curated/part-NNNNN.parquet``, rejected input rows (with every flag and score) to
``rejects/part-NNNNN.parquet``. What returns to the driver is this shard's counts per step and
reason, lineage rules and report histograms, merged there (:func:`merge`).
"""

from __future__ import annotations

from collections import Counter
from typing import Sequence

import numpy as np
import pyarrow as pa

from tadka.curate.dedup.cluster import DUP, KEPT
from tadka.curate.dedup.settle import GUARD, Counts, Marks
from tadka.curate.sharded import exchange as ex
from tadka.curate.sharded.histograms import Partial
from tadka.curate.sharded.process import part_name
from tadka.curate.sharded.shards import ShardWriter, arrow_batches, read_batches
from tadka.curate.spill import aligned
from tadka.records import ARROW_SCHEMA


def marks_for_shard(globals_: Sequence[tuple[str, str]], decisions: Sequence[dict], guard: dict, lo: int) -> Marks:
    """The local engine's marks for this shard's rows (rows relative to the shard), in its order."""
    marks = Marks()
    for (name, flag), d in zip(globals_, decisions):
        order = np.argsort(d["row"], kind="stable")
        row, state, sim, count, kid_of = (d[k][order] for k in ("row", "state", "sim", "count", "kid"))
        claimed = np.flatnonzero(state != KEPT)
        for j, kid in zip(claimed.tolist(), kid_of[claimed].tolist()):
            r = int(row[j]) - lo
            marks.flag(r, f"{flag}:{kid}" if state[j] == DUP else f"parent_dup:{kid}", name)
            if state[j] == DUP and flag == "near_dup":
                marks.score(r, near_dup_sim=round(float(sim[j]), 4))
        for j in np.flatnonzero((state == KEPT) & (count > 1)).tolist():
            marks.score(int(row[j]) - lo, **{f"{flag}_count": float(count[j])})
    order = np.argsort(guard["row"], kind="stable")
    for r, rid in zip(guard["row"][order].tolist(), guard["id"][order].tolist()):
        marks.flag(r - lo, f"dup:{rid}", GUARD)
    return marks


def rules_for_shard(
    lin: dict, flagged: np.ndarray, marks: Marks, state_refs: list, offsets
) -> tuple[pa.Array, Counter]:
    """The lineage rule of each copy (as :func:`tadka.curate.dedup.settle.lineage_rules`); the
    parent's final flag is looked up from the shard that holds it."""
    n = len(flagged)
    out: list[str | None] = [None] * n
    counts: Counter = Counter()
    copies = np.flatnonzero(lin["copy"])
    parents = lin["parent"][copies]
    has = parents >= 0
    parent_flagged = np.zeros(len(copies), bool)
    if has.any():
        parent_flagged[has] = ex.lookup(state_refs, offsets, parents[has], "flagged")
    for x, p_in, p_flag in zip(copies.tolist(), has.tolist(), parent_flagged.tolist()):
        if flagged[x]:
            mine = marks.flags.get(x, [])
            if any(f.startswith("parent_dup:") for f in mine):
                rule = "dropped:parent_dup"
            elif any(f.split(":", 1)[0] in ("dup", "near_dup") for f in mine):
                rule = "dropped:other_lineage"
            else:
                rule = "dropped:filter"
        elif not p_in:
            rule = "kept:parent_absent"
        else:
            rule = "kept:parent_rejected" if p_flag else "kept:parent_kept"
        out[x] = rule
        counts[rule] += 1
    return pa.array(out, pa.string()), counts


def settle_shard(
    shard: int,
    url: str,
    scratch: str,
    output: str,
    step_names: Sequence[str],
    globals_: Sequence[tuple[str, str]],
    state: dict,
    lin: dict,
    decisions: list[dict],
    guard: dict,
    refs: dict,
    offsets,
    batch_size: int,
) -> dict:
    from tadka.curate.pipeline import _settle_slice

    lo = int(offsets[shard])
    decisions = ex.get(list(decisions))  # refs inside a list are not resolved by Ray
    marks = marks_for_shard(globals_, decisions, guard, lo)
    flagged = state["flagged"]
    rules, rule_counts = rules_for_shard(lin, flagged, marks, refs["states"], offsets)
    curated = ShardWriter(f"{output}/curated/{part_name(shard)}", ARROW_SCHEMA)
    rejects = ShardWriter(f"{output}/rejects/{part_name(shard)}", ARROW_SCHEMA)
    counts = Counts(step_names)
    hist = Partial(int(offsets[-1]))
    processed = arrow_batches(f"{scratch}/processed/{part_name(shard, 'arrow')}", batch_size)
    at = 0
    for rows, inputs in aligned(processed, read_batches(url, batch_size)):
        kept, dropped, _, summary = _settle_slice(rows, inputs, at, marks, flagged, rules)
        curated.write(kept)
        rejects.write(dropped)
        counts.add(summary.column("_steps"), summary.column("flags"))
        hist.add(rows, lo + at, flagged[at : at + rows.num_rows])
        at += rows.num_rows
    curated.close()
    rejects.close()
    per, reasons = counts.result()
    return {
        "per_step": per,
        "reasons": dict(reasons),
        "lineage": dict(rule_counts),
        "curated": curated.rows,
        "rejected": rejects.rows,
        "histograms": hist.result(),
    }


def merge(partials: Sequence[dict]) -> dict:
    """The run's counts from the shards' partials (every figure is a sum)."""
    per: dict[str, dict[str, int]] = {}
    reasons: Counter = Counter()
    lineage: Counter = Counter()
    for p in partials:
        for name, c in p["per_step"].items():
            slot = per.setdefault(name, {"flagged": 0, "first": 0})
            slot["flagged"] += c["flagged"]
            slot["first"] += c["first"]
        reasons.update(p["reasons"])
        lineage.update(p["lineage"])
    return {
        "curated": sum(p["curated"] for p in partials),
        "rejected": sum(p["rejected"] for p in partials),
        "per_step": per,
        "reasons": dict(reasons.most_common()),
        "lineage": dict(lineage.most_common()),
    }
