"""One batch through every per-record step: Arrow rows in, the same rows out with flags, scores, sketches.

:class:`BatchProcessor` is what every engine runs (in this process, in ``--workers`` processes, on
Ray): it is pickled to the workers and takes and returns Arrow tables, so the engines only move
Arrow data.

Why it works the way it does (this runs once per record per step, and most records pass every step):

* Records are built column by column (:func:`records_from_table`), not row by row through a dict.
* A step that does not change the content hands back ``(scores, reasons)`` per record
  (:meth:`Filter.evaluate_batch`); the processor keeps them in lists beside the batch rather than
  building a new Record per step and record. Only a step that may change the content (PII
  redaction) goes through :meth:`Filter.apply_batch` and may replace a Record.
* The output reuses the input's Arrow columns for every row a step did not replace; only ``flags``
  and ``scores`` are rebuilt, and the replaced rows are patched in with one ``take``.

Bookkeeping columns: ``_row`` (input position), ``_steps`` (the step behind each flag, parallel to
``flags``, so the report counts per step even when the work ran elsewhere) and one ``_sk_<step>``
binary column per global step (its sketch; empty when the step failed on that record). A record
that makes a step raise is flagged ``error:<step>`` and the batch goes on.
"""

from __future__ import annotations

import json
import logging
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tadka.curate.filters import Filter, GlobalStep, Step
from tadka.records import ARROW_SCHEMA, Record
from tadka.records.schema import DEFAULT_LANG

logger = logging.getLogger(__name__)
INPUT = "input"  # the "step" behind flags a record already had when curation started
BASE = [f.name for f in ARROW_SCHEMA]
_MEDIA_KEYS = [f.name for f in ARROW_SCHEMA.field("media").type]
_SOURCE_KEYS = [f.name for f in ARROW_SCHEMA.field("source").type]
_FLAGS_TYPE = pa.list_(pa.string())


def records_table(recs: Sequence[Record]) -> pa.Table:
    """Records → a stage-schema table, column by column (no intermediate dict per record)."""
    cols = {
        "id": [r.id for r in recs],
        "messages": [r.messages for r in recs],
        "lang": [r.lang for r in recs],
        "media": [{k: r.media.get(k) for k in _MEDIA_KEYS} for r in recs],
        "source": [{k: r.source.get(k) for k in _SOURCE_KEYS} for r in recs],
        "ops": [r.ops for r in recs],
        "scores": [json.dumps(r.scores, sort_keys=True) for r in recs],
        "flags": [r.flags for r in recs],
        "status": [r.status for r in recs],
    }
    return pa.Table.from_pydict(cols, schema=ARROW_SCHEMA)


def _struct_dicts(col: pa.ChunkedArray | pa.Array, keys: Sequence[str]) -> list[dict] | None:
    """A struct column as dicts without its null fields, or None when every field is null
    (the common case for ``media``: then no dict is built at all)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if all(arr.field(k).null_count == len(arr) for k in keys):
        return None
    return [{k: v for k, v in d.items() if v is not None} if d else {} for d in arr.to_pylist()]


def records_from_table(table: pa.Table) -> list[Record]:
    """The rows of a stage-schema table as Records (not validated: they were validated on import)."""
    n = table.num_rows
    ids = table.column("id").to_pylist()
    messages = table.column("messages").to_pylist()
    langs = table.column("lang").to_pylist()
    media = _struct_dicts(table.column("media"), _MEDIA_KEYS)
    source = _struct_dicts(table.column("source"), _SOURCE_KEYS)
    ops = table.column("ops").to_pylist()
    scores = [json.loads(s) if s and s != "{}" else {} for s in table.column("scores").to_pylist()]
    flags = table.column("flags").to_pylist()
    status = table.column("status").to_pylist()
    out = []
    for i in range(n):
        out.append(
            Record(
                messages[i] or [],
                langs[i] or DEFAULT_LANG,
                media[i] if media else {},
                (source[i] or {"kind": "import"}) if source else {"kind": "import"},
                ops[i] or [],
                scores[i],
                flags[i] or [],
                status[i] or "pending",
                ids[i] or "",
            )
        )
    return out


def _replace_rows(col: pa.ChunkedArray, rows: np.ndarray, new: pa.Array) -> pa.ChunkedArray:
    """``col`` with ``rows`` replaced by the values of ``new`` (one take over old + new)."""
    n = len(col)
    index = np.arange(n, dtype=np.int64)
    index[rows] = n + np.arange(len(rows))
    return pa.chunked_array([*col.chunks, new], col.type).take(pa.array(index))


class BatchProcessor:
    """Pickled to every worker: Arrow batch in, the same rows out with flags, scores and sketches."""

    def __init__(self, step_list: Sequence[Step]) -> None:
        self.filters = [s for s in step_list if isinstance(s, Filter)]
        self.globals = [s for s in step_list if isinstance(s, GlobalStep)]

    def warm(self) -> None:
        """Load every step's models and tables now (before worker processes are forked from here)."""
        for s in (*self.filters, *self.globals):
            s.ensure_setup()

    def schema(self) -> pa.Schema:
        extra = [pa.field("_row", pa.int64()), pa.field("_steps", _FLAGS_TYPE)]
        extra += [pa.field(f"_sk_{g.name}", pa.binary()) for g in self.globals]
        return pa.schema(list(ARROW_SCHEMA) + extra)

    # -- the steps ------------------------------------------------------------------------------
    @staticmethod
    def _evaluate_one(f: Filter, rec: Record) -> tuple[dict, tuple[str, ...]]:
        try:
            return f.evaluate_batch([rec])[0]
        except Exception:  # a per-record failure must not stop the run: the record is rejected
            logger.exception("curate step %s failed on record %s", f.name, rec.id)
            return {}, (f"error:{f.name}",)

    @staticmethod
    def _apply_one(f: Filter, rec: Record) -> Record:
        try:
            return f.apply_batch([rec])[0]
        except Exception:
            logger.exception("curate step %s failed on record %s", f.name, rec.id)
            return Record(
                rec.messages,
                rec.lang,
                rec.media,
                rec.source,
                rec.ops,
                dict(rec.scores),
                [*rec.flags, f"error:{f.name}"],
                rec.status,
                rec.id,
            )

    def run_records(self, recs: list[Record]):
        """Every filter over the batch (in order), then every global step's sketch per record.

        Returns (records after any content change, flags added, the step behind each, scores
        added, sketches per global step); the records keep their input flags and scores."""
        n = len(recs)
        added: list[list[str]] = [[] for _ in range(n)]
        who: list[list[str]] = [[] for _ in range(n)]
        scores: list[dict] = [{} for _ in range(n)]
        for f in self.filters:
            if f.changes_content:
                recs = self._run_changing(f, recs, added, who, scores)
                continue
            try:
                results = f.evaluate_batch(recs)
            except Exception:  # find the record that fails, one by one
                results = [self._evaluate_one(f, r) for r in recs]
            name = f.name
            for i, (sc, reasons) in enumerate(results):
                if sc:
                    scores[i].update(sc)
                if reasons:
                    added[i].extend(reasons)
                    who[i].extend([name] * len(reasons))
        sketches: list[list[bytes]] = []
        for g in self.globals:
            g.ensure_setup()
            try:
                sketches.append(g.sketch_batch(recs))
            except Exception:  # find the record that fails, one by one
                sketches.append([self._sketch_one(g, rec) for rec in recs])
            for i, sk in enumerate(sketches[-1]):
                if not sk:  # an empty sketch: the step failed on that record
                    added[i].append(f"error:{g.name}")
                    who[i].append(g.name)
        return recs, added, who, scores, sketches

    def _run_changing(self, f: Filter, recs: list[Record], added, who, scores) -> list[Record]:
        """A step that may replace Records: its new flags move to ``added`` (the Record keeps the
        flags it came with), its new scores to ``scores``."""
        f.ensure_setup()
        try:
            out = f.apply_batch(recs)
        except Exception:
            out = [self._apply_one(f, r) for r in recs]
        for i, (old, new) in enumerate(zip(recs, out)):
            if new is old:
                continue
            extra = new.flags[len(old.flags) :]
            if extra:
                added[i].extend(extra)
                who[i].extend([f.name] * len(extra))
                new = Record(
                    new.messages,
                    new.lang,
                    new.media,
                    new.source,
                    new.ops,
                    new.scores,
                    list(old.flags),
                    new.status,
                    new.id,
                )
            fresh = {k: v for k, v in new.scores.items() if k not in old.scores or old.scores[k] != v}
            if fresh:
                scores[i].update(fresh)
            out[i] = new
        return out

    @staticmethod
    def _sketch_one(g: GlobalStep, rec: Record) -> bytes:
        try:
            sk = g.sketch(rec)
            if len(sk) != g.width:
                raise ValueError(f"sketch of {len(sk)} bytes, expected {g.width}")
            return sk
        except Exception:
            logger.exception("curate step %s failed on record %s", g.name, rec.id)
            return b""

    # -- Arrow in, Arrow out --------------------------------------------------------------------
    def __call__(self, batch: pa.Table | pa.RecordBatch | dict) -> pa.Table:
        if isinstance(batch, dict):  # datasets without the arrow format
            batch = pa.Table.from_pydict(batch)
        table = batch if isinstance(batch, pa.Table) else pa.Table.from_batches([batch])
        base = table.select(BASE)
        inputs = records_from_table(base)
        recs, added, who, scores, sketches = self.run_records(list(inputs))
        changed = np.fromiter((r is not r0 for r, r0 in zip(recs, inputs)), bool, len(recs))
        if changed.any():
            rows = np.flatnonzero(changed)
            patch = records_table([recs[i] for i in rows])
            for name in ("id", "messages", "lang", "media", "source", "ops", "status"):
                base = base.set_column(
                    BASE.index(name), name, _replace_rows(base.column(name), rows, patch.column(name).chunk(0))
                )
        flags = [r.flags + a if a else r.flags for r, a in zip(recs, added)]
        steps = [[INPUT] * len(r.flags) + w if r.flags else w for r, w in zip(recs, who)]
        score_text = [json.dumps({**r.scores, **s} if r.scores else s, sort_keys=True) for r, s in zip(recs, scores)]
        base = base.set_column(BASE.index("flags"), "flags", pa.array(flags, _FLAGS_TYPE))
        base = base.set_column(BASE.index("scores"), "scores", pa.array(score_text, pa.string()))
        row = table.column("_row") if "_row" in table.column_names else pa.array(np.arange(len(recs), dtype=np.int64))
        base = base.append_column("_row", row).append_column("_steps", pa.array(steps, _FLAGS_TYPE))
        for g, col in zip(self.globals, sketches):
            base = base.append_column(f"_sk_{g.name}", pa.array(col, pa.binary()))
        return base


def flagged_mask(flags: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """True where a row has at least one flag."""
    return pc.list_value_length(flags).fill_null(0).to_numpy(zero_copy_only=False) > 0
