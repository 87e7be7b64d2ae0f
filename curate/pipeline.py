"""`tadka curate`: run the configured steps over a stage, split kept from rejected, count why.

The same code path serves every engine. Records travel as Arrow batches with the stage schema plus
bookkeeping columns: ``_row`` (input position), ``_steps`` (the step behind each flag, so the
report can count per step even when the work ran in other processes) and one ``_sk_<step>``
column per global step (its per-record sketch). A batch goes through :class:`BatchProcessor` —
every per-record filter in configured order, then each global step's sketch — in this process
(``local``), in ``--workers N`` processes through ``datasets.Dataset.map(num_proc=N)``, or on Ray
Data (``--engine ray``, :mod:`tadka.curate.ray_engine`). The driver then sorts by ``_row``, lets
the global steps (exact and near dedup) resolve over all sketches, and splits the rows.

Dedup runs after every per-record step whatever its place in ``steps``: it must see redacted text,
and it must know which records are already rejected — they take no part, so a cluster keeps a clean
member and a rejected record never bridges two clusters. Dedup compares lineages: a noised copy
(``source.parent_id``) is never a duplicate of its own parent or siblings
(:mod:`tadka.curate.filters.lineage`); the rule that kept or dropped each copy is in ``_lineage``.

Nothing disappears: every input row comes back exactly once, either in the output stage (no flags)
or in the rejects stage (the input record as it came, with every flag and score). Records are
never changed in place; a redacting step hands back a derived Record with a new id.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import operator
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pyarrow as pa
import pyarrow.compute as pc

import numpy as np

from tadka.curate.curate_config import CurateConfig
from tadka.curate.filters import Filter, GlobalStep, Step, StepContext, steps as registry, with_marks
from tadka.curate.filters.lineage import LINEAGE_KINDS, Lineage, build_lineage
from tadka.curate.settle import GUARD, INPUT, count, lineage_rules, merge_scores, patch, reason_of, run_globals
from tadka.records import ARROW_SCHEMA, Record, to_table

logger = logging.getLogger(__name__)
_FLAGS = operator.attrgetter("flags")
__all__ = ["GUARD", "INPUT", "Outcome", "build_steps", "curate", "curate_records", "curate_table", "reason_of"]


def build_steps(cfg: CurateConfig, ctx: StepContext | None = None) -> list[Step]:
    """Instantiate the configured steps (on the driver: config errors surface before any work)."""
    cfg.validate()
    return [registry.get(name).from_config(cfg, ctx) for name in cfg.steps]


def records_table(recs: Sequence[Record]) -> pa.Table:
    """Records → a stage-schema table, column by column (the same rows as ``to_table``, built
    without an intermediate dict per record: this runs on every batch of every engine)."""
    media_keys = [f.name for f in ARROW_SCHEMA.field("media").type]
    source_keys = [f.name for f in ARROW_SCHEMA.field("source").type]
    cols = {
        "id": [r.id for r in recs],
        "messages": [r.messages for r in recs],
        "lang": [r.lang for r in recs],
        "media": [{k: r.media.get(k) for k in media_keys} for r in recs],
        "source": [{k: r.source.get(k) for k in source_keys} for r in recs],
        "ops": [r.ops for r in recs],
        "scores": [json.dumps(r.scores, sort_keys=True) for r in recs],
        "flags": [r.flags for r in recs],
        "status": [r.status for r in recs],
    }
    return pa.Table.from_pydict(cols, schema=ARROW_SCHEMA)


class BatchProcessor:
    """Pickled to every worker: Arrow batch in, the same rows out with flags, scores and sketches."""

    def __init__(self, step_list: Sequence[Step]) -> None:
        self.filters = [s for s in step_list if isinstance(s, Filter)]
        self.globals = [s for s in step_list if isinstance(s, GlobalStep)]

    def schema(self) -> pa.Schema:
        extra = [pa.field("_row", pa.int64()), pa.field("_steps", pa.list_(pa.string()))]
        extra += [pa.field(f"_sk_{g.name}", pa.binary()) for g in self.globals]
        return pa.schema(list(ARROW_SCHEMA) + extra)

    @staticmethod
    def _one(f: Filter, rec: Record) -> Record:
        try:
            return f.apply(rec)
        except Exception:  # a per-record failure must not stop the run: the record is rejected
            logger.exception("curate step %s failed on record %s", f.name, rec.id)
            return with_marks(rec, flags=[f"error:{f.name}"])

    def run_records(self, recs: list[Record]) -> tuple[list[Record], list[list[str]], list[list[bytes]]]:
        """Every filter over the batch (in order), then every global step's sketch per record."""
        who = [[INPUT] * len(r.flags) for r in recs]
        before = list(map(len, map(_FLAGS, recs)))
        for f in self.filters:
            try:
                recs = f.apply_batch(recs)
            except Exception:  # find the record that fails, one by one
                recs = [self._one(f, r) for r in recs]
            after = list(map(len, map(_FLAGS, recs)))
            if after != before:  # (compared in C; most steps flag few records of a batch)
                for i, (a, b) in enumerate(zip(after, before)):
                    if a != b:
                        who[i].extend([f.name] * (a - b))
            before = after
        sketches: list[list[bytes]] = []
        for g in self.globals:
            g.ensure_setup()
            try:
                sketches.append(g.sketch_batch(recs))
            except Exception:  # find the record that fails, one by one
                sketches.append([self._sketch_one(g, rec) for rec in recs])
            for i, sk in enumerate(sketches[-1]):
                if not sk:  # an empty sketch: the step failed on that record
                    recs[i] = with_marks(recs[i], flags=[f"error:{g.name}"])
                    who[i].append(g.name)
        return recs, who, sketches

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

    def __call__(self, batch: pa.Table | pa.RecordBatch | dict) -> pa.Table:
        if isinstance(batch, dict):  # datasets without the arrow format
            batch = pa.Table.from_pydict(batch)
        rows = batch.select([f.name for f in ARROW_SCHEMA]).to_pylist()
        recs, who_col, sk_cols = self.run_records([Record.from_dict(row, validate=False) for row in rows])
        table = records_table(recs)
        table = table.append_column("_row", batch.column("_row"))
        table = table.append_column("_steps", pa.array(who_col, pa.list_(pa.string())))
        for g, col in zip(self.globals, sk_cols):
            table = table.append_column(f"_sk_{g.name}", pa.array(col, pa.binary()))
        return table


# -- engines -------------------------------------------------------------------------------------
def _run_local(table: pa.Table, proc: BatchProcessor, batch_size: int) -> pa.Table:
    from tadka.progress import bar

    parts = []
    with bar(desc="curate", total=table.num_rows) as b:
        for batch in table.to_batches(max_chunksize=batch_size):
            parts.append(proc(pa.Table.from_batches([batch])))
            b.update(batch.num_rows)
    return pa.concat_tables(parts) if parts else proc.schema().empty_table()


def _run_datasets(table: pa.Table, proc: BatchProcessor, workers: int, batch_size: int) -> pa.Table:
    import datasets

    from tadka.progress import quiet_datasets

    with quiet_datasets():
        ds = datasets.Dataset(table).with_format("arrow")
        out = ds.map(proc, batched=True, batch_size=batch_size, num_proc=workers,
                     features=datasets.Features.from_arrow_schema(proc.schema()), desc="curate")
    return out.with_format(None).data.table


def run_table(table: pa.Table, step_list: Sequence[Step], engine: str = "local", workers: int = 1,
              batch_size: int = 1000) -> pa.Table:
    """Every per-record step and sketch over ``table`` (stage schema + ``_row``), rows back in input order."""
    proc = BatchProcessor(step_list)
    if engine == "ray":
        from tadka.curate.ray_engine import run_ray

        out = run_ray(table, proc, workers, batch_size)
    elif workers > 1 and table.num_rows > batch_size:
        out = _run_datasets(table, proc, workers, batch_size)
    else:
        out = _run_local(table, proc, batch_size)
    if out.num_rows != table.num_rows:
        raise RuntimeError(f"curate engine {engine!r} returned {out.num_rows} rows for {table.num_rows}")
    order = out["_row"].to_numpy()
    if len(order) and (np.diff(order) < 0).any():  # other engines may return batches in any order
        out = out.sort_by("_row")
    return out


# -- the driver ----------------------------------------------------------------------------------
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

    def messages(self, indices: Sequence[int]) -> list[list[dict]]:
        """The processed turns of rows ``indices`` (input order), from curated or processed_rejects:
        ``rows`` does not hold the turns twice."""
        kept = pc.equal(pc.list_value_length(self.rows["flags"]), 0).to_numpy(zero_copy_only=False)
        pos_kept, pos_dropped = np.cumsum(kept) - 1, np.cumsum(~kept) - 1
        idx = np.asarray(indices, dtype=np.int64)
        out: list = [None] * len(idx)
        for table, mask, pos in ((self.curated, kept[idx], pos_kept), (self.processed_rejects, ~kept[idx], pos_dropped)):
            where = np.flatnonzero(mask)
            if len(where) and table is not None:
                for k, msgs in zip(where.tolist(), table["messages"].take(pa.array(pos[idx[where]])).to_pylist()):
                    out[k] = msgs
        return out

    def summary(self) -> dict:
        return {"input": self.rows.num_rows, "curated": self.curated.num_rows, "rejected": self.rejects.num_rows,
                "per_step": self.per_step, "reasons": dict(self.reasons.most_common()), "lineage": self.lineage,
                "seconds": round(self.seconds, 3), "timings": {k: round(v, 3) for k, v in self.timings.items()}}


def input_lineage(table: pa.Table, kinds: Sequence[str] = LINEAGE_KINDS) -> Lineage:
    """Parents, lineage keys and depths of the input rows (from ids and ``source``, before any
    step: a redacted record gets a new id, its lineage stays the input's)."""
    source = table["source"].combine_chunks()
    return build_lineage(table["id"].to_pylist(), source.field("parent_id").to_pylist(),
                         source.field("kind").to_pylist(), kinds)


@contextlib.contextmanager
def system_memory_pool() -> Iterator[None]:
    """Allocate Arrow buffers with the system allocator while curating.

    pyarrow's default pool (mimalloc) keeps freed pages for reuse, so every transient batch table
    stays in the resident set: at 50k records that is ~65 MB of peak RSS. Each buffer remembers the
    pool it came from, so switching back afterwards is safe."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


def curate_table(table: pa.Table, step_list: Sequence[Step], *, engine: str = "local", workers: int = 1,
                 batch_size: int = 1000, lineage_kinds: Sequence[str] = LINEAGE_KINDS) -> Outcome:
    """Curate an Arrow table with the stage schema; nothing is written."""
    with system_memory_pool():
        return _curate_table(table, step_list, engine, workers, batch_size, lineage_kinds)


def _curate_table(table: pa.Table, step_list: Sequence[Step], engine: str, workers: int, batch_size: int,
                  lineage_kinds: Sequence[str]) -> Outcome:
    start = time.perf_counter()
    table = table.select([f.name for f in ARROW_SCHEMA]).cast(ARROW_SCHEMA)
    table = table.append_column("_row", pa.array(np.arange(table.num_rows, dtype=np.int64)))
    lineage = input_lineage(table, lineage_kinds)
    rows = run_table(table, step_list, engine, workers, batch_size)
    mapped = time.perf_counter()
    globals_ = [s for s in step_list if isinstance(s, GlobalStep)]
    marks, flagged = run_globals(rows, globals_, lineage)
    resolved = time.perf_counter()
    base = [f.name for f in ARROW_SCHEMA]
    flags = patch(rows["flags"], marks.flags, pa.list_(pa.string()), lambda old, new: [*old, *new])
    scores = patch(rows["scores"], marks.scores, pa.string(), merge_scores)
    who = patch(rows["_steps"], marks.steps, pa.list_(pa.string()), lambda old, new: [*old, *new])
    rules, rule_counts = lineage_rules(lineage, flagged, marks)
    rows = rows.select(base + ["_row"])
    rows = rows.set_column(base.index("flags"), "flags", flags)
    rows = rows.set_column(base.index("scores"), "scores", scores)
    rows = rows.append_column("_steps", who).append_column("_lineage", rules)
    keep = pa.array(~flagged)
    curated = rows.filter(keep).select(base)
    dropped = pa.array(flagged)
    processed_rejects = rows.filter(dropped).select(base)
    rows = rows.drop_columns(["messages"])  # the turns live on in curated and processed_rejects
    rejects = table.filter(dropped).select(base)
    rejects = rejects.set_column(base.index("flags"), "flags", flags.filter(dropped))
    rejects = rejects.set_column(base.index("scores"), "scores", scores.filter(dropped))
    out = Outcome(rows, curated, rejects, [s.name for s in step_list], processed_rejects=processed_rejects)
    out.per_step, out.reasons = count(who, flags, out.step_names)
    out.lineage = dict(rule_counts.most_common())
    out.seconds = time.perf_counter() - start
    out.timings = {"per_record": mapped - start, "global": resolved - mapped}
    return out


def curate_records(records: Iterable[Record], cfg: CurateConfig | None = None, ctx: StepContext | None = None,
                   step_list: Sequence[Step] | None = None) -> Outcome:
    """Curate Records in memory with a config (defaults when None)."""
    cfg = cfg or CurateConfig()
    step_list = step_list if step_list is not None else build_steps(cfg, ctx)
    return curate_table(to_table(records), step_list, engine=cfg.engine, workers=cfg.workers, batch_size=cfg.batch_size,
                        lineage_kinds=cfg.lineage_kinds)


# -- the command's work --------------------------------------------------------------------------
@dataclass
class CurateResult:
    stage: str
    output: str
    rejects: str
    outcome: Outcome
    report: Path | None = None


def input_stage(ws, cfg: CurateConfig) -> str:
    """The configured stage, else the newest stage that is not curate's own output."""
    from tadka.errors import WorkspaceError
    from tadka.workspace import PIPELINE_ORDER

    if cfg.stage:
        return cfg.stage
    for stage in PIPELINE_ORDER:
        if stage not in (cfg.output, cfg.rejects) and ws.has_stage(stage):
            return stage
    others = [s for s in ws.stages() if s not in (cfg.output, cfg.rejects)]
    if others:
        return others[-1]
    raise WorkspaceError("nothing to curate: the workspace has no input stage", field="stage",
                         hint="tadka import FILE, or tadka generate")


def curate(ws, cfg: CurateConfig) -> CurateResult:
    """Curate a workspace stage into ``cfg.output`` and ``cfg.rejects``, then write the report."""
    import dataclasses

    from tadka.errors import ConfigError

    stage = input_stage(ws, cfg)
    if stage in (cfg.output, cfg.rejects):
        raise ConfigError(f"cannot curate stage {stage!r} into itself", field="curate.stage")
    step_list = build_steps(cfg, StepContext(root=ws.root, config=ws.config))
    outcome = curate_table(ws.table(stage), step_list, engine=cfg.engine, workers=cfg.workers,
                           batch_size=cfg.batch_size, lineage_kinds=cfg.lineage_kinds)
    gc.collect()  # the input stage's memory map goes before the writes, which need room of their own
    outcome.curated = outcome.curated.combine_chunks()
    meta = {"curated_from": stage, "config": dataclasses.asdict(cfg), "summary": outcome.summary()}
    with system_memory_pool():
        ws.write_stage(cfg.output, outcome.curated, mode="replace", meta=meta)
        ws.write_stage(cfg.rejects, outcome.rejects, mode="replace", meta=meta)
    result = CurateResult(stage, cfg.output, cfg.rejects, outcome)
    if cfg.report:
        from tadka.curate.report import write_report

        result.report = write_report(ws.root / "reports" / "curate", outcome, stage=stage, config=cfg,
                                     examples_per_reason=cfg.report_examples)
    return result
