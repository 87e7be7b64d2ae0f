"""The driver's half of `tadka curate`: global steps over the sketches, then flags, counts and lineage.

Everything here works on Arrow columns and numpy arrays, touching Python objects only for the rows
a global step marks (the duplicates and their keepers), so the driver's memory is the sketches (the
index) plus the stage's own Arrow data, not a dict or a list per record.

Lineage rules written per copy (``_lineage`` column and the summary): a copy of an in-stage parent
is ``kept:parent_kept``, ``kept:parent_rejected`` (its parent failed a filter, the copy passed every
one itself) or ``kept:parent_absent``; ``dropped:parent_dup`` (its parent was removed as a duplicate
of another lineage), ``dropped:other_lineage`` (the copy itself duplicates another lineage) or
``dropped:filter`` (a per-record step rejected it).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tadka.curate.filters import GlobalStep
from tadka.curate.dedup.cluster import DUP, KEPT
from tadka.curate.dedup.lineage import Lineage

INPUT = "input"  # flags a record already had when curation started
GUARD = "pipeline"  # the id-uniqueness guard (two records equal after redaction, no dedup step)
ID_FLAGS = ("dup", "near_dup", "parent_dup")  # flags whose detail is a record id: counted together


def reason_of(flag: str) -> str:
    """The reason a flag counts under: ``near_dup:ab12…`` → ``near_dup``; others unchanged."""
    head, _, _ = flag.partition(":")
    return head if head in ID_FLAGS else flag


def sketch_rows(col: pa.ChunkedArray | pa.Array, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows × width uint8, ok) from a binary sketch column, read from its Arrow buffers; ``ok`` is
    False where the sketch failed (an empty value), whose matrix row is left zero."""
    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    n = sum(len(c) for c in chunks)
    out = np.zeros((n, width), np.uint8)
    ok = np.zeros(n, bool)
    at = 0
    for chunk in chunks:
        m = len(chunk)
        if m:
            offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset : chunk.offset + m + 1]
            data = (
                np.frombuffer(chunk.buffers()[2], np.uint8) if chunk.buffers()[2] is not None else np.empty(0, np.uint8)
            )
            good = np.flatnonzero(np.diff(offsets) == width)
            if len(good):
                out[at + good] = data[offsets[good][:, None] + np.arange(width)]
                ok[at + good] = True
        at += m
    return out, ok


@dataclass
class Marks:
    """What the driver adds to a few rows: flags (with the step behind each) and scores."""

    flags: dict[int, list[str]] = field(default_factory=dict)
    steps: dict[int, list[str]] = field(default_factory=dict)
    scores: dict[int, dict[str, float]] = field(default_factory=dict)

    def flag(self, row: int, flag: str, step: str) -> None:
        self.flags.setdefault(row, []).append(flag)
        self.steps.setdefault(row, []).append(step)

    def score(self, row: int, **values: float) -> None:
        self.scores.setdefault(row, {}).update(values)


def run_globals(
    sketches: dict[str, tuple[object, np.ndarray]],
    globals_: Sequence[GlobalStep],
    lineage: Lineage,
    flagged: np.ndarray,
    ids: pa.ChunkedArray,
) -> tuple[Marks, np.ndarray]:
    """Each global step over the rows no step has rejected so far; ``sketches[name]`` is its sketch
    store (:mod:`tadka.curate.dedup.sketches`) and the mask of rows whose sketch did not fail.
    Returns the marks and the final flagged mask."""
    from tadka.curate.dedup.sketches import SketchView

    flagged = flagged.copy()
    marks = Marks()
    for g in globals_:
        store, ok = sketches[g.name]
        live = np.flatnonzero(ok & ~flagged)
        dec = g.resolve(SketchView(store, live), lineage.take(live))
        claimed = np.flatnonzero(dec.state != KEPT)
        keeper_ids = ids.take(pa.array(live[dec.by[claimed]])).to_pylist() if len(claimed) else []
        for j, kid in zip(claimed.tolist(), keeper_ids):
            row = int(live[j])
            marks.flag(row, f"{g.flag}:{kid}" if dec.state[j] == DUP else f"parent_dup:{kid}", g.name)
            if dec.state[j] == DUP and g.flag == "near_dup":
                marks.score(row, near_dup_sim=round(float(dec.sim[j]), 4))
            flagged[row] = True
        for j in np.flatnonzero((dec.state == KEPT) & (dec.cluster > 1)).tolist():
            marks.score(int(live[j]), **{f"{g.flag}_count": float(dec.cluster[j])})
    _guard_ids(ids, flagged, marks)
    return marks, flagged


def _guard_ids(ids: pa.ChunkedArray, flagged: np.ndarray, marks: Marks) -> None:
    """Ids must stay unique in a stage: two records equal after redaction, with no dedup step to
    catch them, would otherwise collapse into one when the stage is written."""
    live_ids = ids.filter(pa.array(~flagged))
    counts = pc.value_counts(live_ids)
    twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    if not len(twice):
        return
    hit = np.flatnonzero(pc.is_in(ids, value_set=twice).to_numpy(zero_copy_only=False) & ~flagged)
    seen: set[str] = set()
    for row, rid in zip(hit.tolist(), ids.take(pa.array(hit)).to_pylist()):
        if rid in seen:
            marks.flag(row, f"dup:{rid}", GUARD)
            flagged[row] = True
        else:
            seen.add(rid)


def patch(col: pa.ChunkedArray, marks: dict[int, list], typ: pa.DataType, merge) -> pa.ChunkedArray:
    """``col`` with the marked rows replaced by ``merge(old value, mark)`` (one take, in C)."""
    if not marks:
        return col
    n = len(col)
    rows = np.fromiter(marks, np.int64, len(marks))
    old = col.take(pa.array(rows)).to_pylist()
    new = pa.array([merge(o, marks[r]) for o, r in zip(old, rows.tolist())], typ)
    index = np.arange(n, dtype=np.int64)
    index[rows] = n + np.arange(len(rows))
    return pa.chunked_array(list(col.chunks) + [new], typ).take(pa.array(index))


def merge_scores(old: str | None, new: dict[str, float]) -> str:
    return json.dumps({**json.loads(old or "{}"), **new}, sort_keys=True)


class Counts:
    """Per step: records it flagged and records it was the first to flag (the funnel); per reason:
    records with it. Added up a slice of rows at a time from the ``_steps`` and ``flags`` columns
    (codes and bincounts, no per-row loop)."""

    def __init__(self, order: Sequence[str]) -> None:
        self.order = list(order)
        self.names = [INPUT, *order, GUARD]
        self.per = {name: {"flagged": 0, "first": 0} for name in self.names}
        self.reasons: Counter = Counter()

    def add(self, steps_col: pa.ChunkedArray, flags_col: pa.ChunkedArray) -> None:
        names, per = self.names, self.per
        rows_s, codes_s, dict_s = _flat_codes(steps_col)
        if len(rows_s):
            step_names = dict_s.to_pylist()
            for s in step_names:
                if s not in per:
                    names.append(s)
                    per[s] = {"flagged": 0, "first": 0}
            pos = np.array([names.index(s) for s in step_names], np.int64)[codes_s]
            pairs = np.unique(rows_s * len(names) + pos)
            flagged_by = np.bincount(pairs % len(names), minlength=len(names))
            first = np.full(int(rows_s.max()) + 1, len(names), np.int64)
            np.minimum.at(first, rows_s, pos)
            first_by = np.bincount(first[first < len(names)], minlength=len(names))
            for i, name in enumerate(names):
                per[name]["flagged"] += int(flagged_by[i])
                per[name]["first"] += int(first_by[i])
        rows_f, codes_f, dict_f = _flat_codes(flags_col)
        if len(rows_f):
            reason_names = sorted({reason_of(f) for f in dict_f.to_pylist()})
            code_of = {r: i for i, r in enumerate(reason_names)}
            rcode = np.array([code_of[reason_of(f)] for f in dict_f.to_pylist()], np.int64)[codes_f]
            pairs = np.unique(rows_f * len(reason_names) + rcode)
            for i, c in enumerate(np.bincount(pairs % len(reason_names), minlength=len(reason_names)).tolist()):
                if c:
                    self.reasons[reason_names[i]] += c

    def result(self) -> tuple[dict, Counter]:
        return {n: c for n, c in self.per.items() if n in self.order or c["flagged"]}, self.reasons


def count(steps_col: pa.ChunkedArray, flags_col: pa.ChunkedArray, order: Sequence[str]) -> tuple[dict, Counter]:
    """:class:`Counts` over whole columns at once."""
    counts = Counts(order)
    counts.add(steps_col, flags_col)
    return counts.result()


def _flat_codes(col: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, pa.Array]:
    """(row of each list item, code of the item, dictionary of distinct items) for a list<string> column."""
    col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    flat = pc.list_flatten(col)
    if not len(flat):
        return np.empty(0, np.int64), np.empty(0, np.int64), pa.array([], pa.string())
    rows = pc.list_parent_indices(col).to_numpy(zero_copy_only=False).astype(np.int64)
    enc = pc.dictionary_encode(flat)
    return rows, enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), enc.dictionary


def lineage_rules(lineage: Lineage, flagged: np.ndarray, marks: Marks) -> tuple[pa.Array, Counter]:
    """The rule that kept or dropped each copy (null for records that are not copies), and counts."""
    n = len(lineage)
    out: list[str | None] = [None] * n
    counts: Counter = Counter()
    for x in np.flatnonzero(lineage.copy).tolist():
        p = int(lineage.parent[x])
        if flagged[x]:
            mine = marks.flags.get(x, [])
            if any(f.startswith("parent_dup:") for f in mine):
                rule = "dropped:parent_dup"
            elif any(reason_of(f) in ("dup", "near_dup") for f in mine):
                rule = "dropped:other_lineage"
            else:
                rule = "dropped:filter"
        elif p < 0:
            rule = "kept:parent_absent"
        else:
            rule = "kept:parent_rejected" if flagged[p] else "kept:parent_kept"
        out[x] = rule
        counts[rule] += 1
    return pa.array(out, pa.string()), counts
