"""`tadka curate`: run the configured steps over a stage, split kept from rejected, count why.

The same code path serves every engine, in three passes over the rows, each a batch at a time:

1. **lineage** — ids and ``source`` of every row give each copy's parent and lineage
   (:mod:`tadka.curate.dedup.lineage`), as numpy arrays;
2. **steps** — every batch goes through :class:`~tadka.curate.batch.BatchProcessor` (every
   per-record filter in configured order, then each global step's sketch) in this process
   (``local``), in ``--workers N`` processes, or on Ray (``--engine ray``), all through
   :class:`tadka.executor.Executor`, batches back in input order. The driver keeps only the sketches
   (the dedup index), the flagged mask and the ids; the processed rows go to a spill (a list in
   memory, or an Arrow file in the workspace's ``cache/``);
3. **settle** — the global steps (exact and near dedup) resolve over the sketches; then the
   processed rows are read back beside the input rows and each slice is split: kept rows to the
   output, rejected input rows (with every flag and score) to the rejects.

`curate(ws, cfg)` streams: the input stage is read a batch at a time, the output and rejects
stages are written a batch at a time and swapped in atomically when both are complete
(:meth:`tadka.workspace.Workspace.stage_writer`), so memory is the models, the index and a few
batches — not the corpus. :func:`curate_table` and :func:`curate_records` do the same in memory.

Dedup runs after every per-record step whatever its place in ``steps``: it must see redacted text,
and it must know which records are already rejected — they take no part, so a cluster keeps a clean
member and a rejected record never bridges two clusters. Dedup compares lineages: a noised copy
(``source.parent_id``) is never a duplicate of its own parent or siblings; the rule that kept or
dropped each copy is in ``_lineage``.

Nothing disappears: every input row comes back exactly once, either in the output stage (no flags)
or in the rejects stage (the input record as it came, with every flag and score). Records are
never changed in place; a redacting step hands back a derived Record with a new id.
"""

from __future__ import annotations

import gc
import logging
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa

from tadka.curate.memory import (
    arrow_without_pandas,
    large_blocks_from_the_system,
    release_freed_memory,
    system_memory_pool,
)
from tadka.curate.spill import FileSpill, LazyTable, MemorySpill, StageSource, TableSource, aligned, rechunk
from tadka.curate.batch import BASE, INPUT, BatchProcessor, flagged_mask, records_table
from tadka.curate.config import CurateConfig
from tadka.curate.filters import GlobalStep, Step, StepContext, steps as registry
from tadka.curate.filters.judge import JudgeFilter
from tadka.curate.dedup.lineage import LINEAGE_KINDS, Lineage, lineage_from_hashes, lineage_hashes
from tadka.curate.dedup.sketches import ArrayStore, FileStore
from tadka.curate.outcome import Outcome
from tadka.curate.dedup.settle import (
    GUARD,
    Counts,
    Marks,
    lineage_rules,
    merge_scores,
    patch,
    reason_of,
    run_globals,
    sketch_rows,
)
from tadka.records import ARROW_SCHEMA, Record, to_table

logger = logging.getLogger(__name__)
_FLAGS_TYPE = pa.list_(pa.string())
__all__ = [
    "GUARD",
    "INPUT",
    "BatchProcessor",
    "Outcome",
    "build_steps",
    "curate",
    "curate_records",
    "curate_table",
    "reason_of",
    "records_table",
]


def build_steps(cfg: CurateConfig, ctx: StepContext | None = None) -> list[Step]:
    """Instantiate the configured steps (on the driver: config errors surface before any work)."""
    cfg.check()
    return [registry.get(name).from_config(cfg, ctx) for name in cfg.steps]


# -- where it runs ------------------------------------------------------------------------------
ROWS_SCHEMA = pa.schema(
    [f for f in ARROW_SCHEMA if f.name != "messages"]
    + [pa.field("_row", pa.int64()), pa.field("_steps", _FLAGS_TYPE), pa.field("_lineage", pa.string())]
)
_PROCESSED_SCHEMA = pa.schema(list(ARROW_SCHEMA) + [pa.field("_row", pa.int64()), pa.field("_steps", _FLAGS_TYPE)])


@dataclass
class Sinks:
    """Where the settled rows go: curated, rejects, processed rejects and the per-row summary."""

    curated: Any  # a StageWriter, or a MemorySpill when nothing is written to disk
    rejects: Any
    processed_rejects: Any  # a FileSpill or a MemorySpill
    rows: Any


def input_lineage(source, kinds: Sequence[str] = LINEAGE_KINDS) -> Lineage:
    """Parents, lineage keys and depths of the input rows (from ids and ``source``, before any
    step: a redacted record gets a new id, its lineage stays the input's). Counts the rows too."""
    own: list[np.ndarray] = []
    phash: list[np.ndarray] = []
    has: list[np.ndarray] = []
    n = 0
    for t in source.batches():
        src = t.column("source").combine_chunks()
        o, p, h = lineage_hashes(
            t.column("id").to_pylist(), src.field("parent_id").to_pylist(), src.field("kind").to_pylist(), kinds
        )
        own.append(o)
        phash.append(p)
        has.append(h)
        n += t.num_rows
    source.num_rows = n
    if not n:
        return Lineage.none(0)
    return lineage_from_hashes(np.concatenate(own), np.concatenate(phash), np.concatenate(has))


def _numbered(source, batch_size: int) -> Iterator[pa.Table]:
    """The input a batch at a time, each row with its input position in ``_row``."""
    at = 0
    for t in rechunk(source.batches(), batch_size):
        yield t.append_column("_row", pa.array(np.arange(at, at + t.num_rows, dtype=np.int64)))
        at += t.num_rows


def _processed(source, proc: BatchProcessor, engine: str, workers: int, batch_size: int) -> Iterator[pa.Table]:
    """The processed rows in input order, a batch at a time, whatever the engine: in this process, in
    ``workers`` processes (0: every usable core) or on Ray, through :class:`tadka.executor.Executor`,
    which reads the input only a few batches ahead of the results."""
    from tadka.executor import Executor, usable_cores
    from tadka.progress import bar

    n_batches = -(-source.num_rows // batch_size)
    workers = min(workers or usable_cores(), max(n_batches, 1))
    forking = engine == "local" and workers > 1
    if not forking and engine == "local":
        results: Iterable[pa.Table] = map(proc, _numbered(source, batch_size))
    else:
        if forking:
            proc.warm()  # the worker processes are forked from here and inherit the loaded models
        results = Executor("ray" if engine == "ray" else "processes", workers).map(proc, _numbered(source, batch_size))
    if forking:
        gc.freeze()  # … and their collectors leave the inherited objects' pages shared (-70 MB PSS)
    try:
        with bar(desc="curate", total=source.num_rows) as b:
            for t in results:
                yield t
                b.update(t.num_rows)
    finally:
        if forking:
            gc.unfreeze()


def _settle_slice(
    rows: pa.Table, inputs: pa.Table, lo: int, marks: Marks, flagged: np.ndarray, rules: pa.Array
) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """One slice of processed rows (and the same input rows): marks patched in, then split into
    (curated, rejects, processed rejects, per-row summary)."""
    n = rows.num_rows
    local: dict[str, dict[int, Any]] = {
        k: {r - lo: v[r] for r in v if lo <= r < lo + n}
        for k, v in (("flags", marks.flags), ("steps", marks.steps), ("scores", marks.scores))
    }
    flags = patch(rows["flags"], local["flags"], _FLAGS_TYPE, lambda old, new: [*old, *new])
    scores = patch(rows["scores"], local["scores"], pa.string(), merge_scores)
    who = patch(rows["_steps"], local["steps"], _FLAGS_TYPE, lambda old, new: [*old, *new])
    rows = rows.set_column(BASE.index("flags"), "flags", flags).set_column(BASE.index("scores"), "scores", scores)
    dropped = flagged[lo : lo + n]
    keep, drop = pa.array(~dropped), pa.array(dropped)
    curated = rows.filter(keep).select(BASE)
    processed_rejects = rows.filter(drop).select(BASE)
    rejects = inputs.filter(drop).select(BASE)
    rejects = rejects.set_column(BASE.index("flags"), "flags", flags.filter(drop))
    rejects = rejects.set_column(BASE.index("scores"), "scores", scores.filter(drop))
    summary = rows.drop_columns(["messages"]).select([f.name for f in ROWS_SCHEMA][:-2])
    summary = summary.append_column("_steps", who).append_column("_lineage", rules.slice(lo, n))
    return curated, rejects, processed_rejects, summary


def _curate(
    source,
    step_list: Sequence[Step],
    *,
    engine: str,
    workers: int,
    batch_size: int,
    lineage_kinds: Sequence[str],
    spill,
    sinks: Sinks,
    sketch_dir: Path | None = None,
) -> Outcome:
    """The three passes (module docstring); ``spill`` holds the processed rows between them, and
    the sketches wait in files under ``sketch_dir`` (in memory when None)."""
    start = time.perf_counter()
    lineage = input_lineage(source, lineage_kinds)
    n = source.num_rows
    proc = BatchProcessor(step_list)
    globals_ = [s for s in step_list if isinstance(s, GlobalStep)]

    def stores(g: GlobalStep):
        return FileStore(sketch_dir / g.name, g.width) if sketch_dir else ArrayStore(n, g.width)

    sketches = {g.name: (stores(g), np.zeros(n, bool)) for g in globals_}
    flagged = np.zeros(n, bool)
    id_parts: list[pa.ChunkedArray] = []
    at = 0
    for t in _processed(source, proc, engine, workers, batch_size):
        m = t.num_rows
        for g in globals_:
            matrix, ok = sketch_rows(t.column(f"_sk_{g.name}"), g.width)
            sketches[g.name][0].append(matrix)
            sketches[g.name][1][at : at + m] = ok
        flagged[at : at + m] = flagged_mask(t.column("flags"))
        # a copy: the column is a slice of the whole batch's buffer, which must not stay alive
        id_parts.append(t.column("id").take(pa.array(np.arange(m))))
        spill.write(t.drop_columns([f"_sk_{g.name}" for g in globals_]))
        at += m
    if at != n:
        raise RuntimeError(f"curate engine {engine!r} returned {at} rows for {n}")
    mapped = time.perf_counter()
    ids = pa.chunked_array([c for part in id_parts for c in part.chunks], pa.string())
    for store, _ in sketches.values():
        store.close()
    release_freed_memory()
    marks, flagged = run_globals(sketches, globals_, lineage, flagged, ids)
    del sketches, id_parts
    release_freed_memory()
    rules, rule_counts = lineage_rules(lineage, flagged, marks)
    resolved = time.perf_counter()
    counts = Counts([s.name for s in step_list])
    lo = 0
    for rows, inputs in aligned(spill.read(), source.batches()):
        curated, rejects, processed_rejects, summary = _settle_slice(rows, inputs, lo, marks, flagged, rules)
        sinks.curated.write(curated)
        sinks.rejects.write(rejects)
        sinks.processed_rejects.write(processed_rejects)
        sinks.rows.write(summary)
        counts.add(summary.column("_steps"), summary.column("flags"))
        lo += rows.num_rows
    out = Outcome(pa.table({}), pa.table({}), pa.table({}), [s.name for s in step_list])
    out.per_step, out.reasons = counts.result()
    out.rows_in = n
    out.lineage = dict(rule_counts.most_common())
    out.timings = {"per_record": mapped - start, "global": resolved - mapped}
    out.seconds = time.perf_counter() - start
    return out


def curate_table(
    table: pa.Table,
    step_list: Sequence[Step],
    *,
    engine: str = "local",
    workers: int = 1,
    batch_size: int = 1000,
    lineage_kinds: Sequence[str] = LINEAGE_KINDS,
) -> Outcome:
    """Curate an Arrow table with the stage schema, in memory; nothing is written."""
    with system_memory_pool():
        sinks = Sinks(MemorySpill(), MemorySpill(), MemorySpill(), MemorySpill())
        out = _curate(
            TableSource(table),
            step_list,
            engine=engine,
            workers=workers,
            batch_size=batch_size,
            lineage_kinds=lineage_kinds,
            spill=MemorySpill(),
            sinks=sinks,
        )
        out.curated = sinks.curated.table(ARROW_SCHEMA).combine_chunks()
        out.rejects = sinks.rejects.table(ARROW_SCHEMA)
        out.processed_rejects = sinks.processed_rejects.table(ARROW_SCHEMA)
        out.rows = sinks.rows.table(ROWS_SCHEMA)
    return out


def curate_records(
    records: Iterable[Record],
    cfg: CurateConfig | None = None,
    ctx: StepContext | None = None,
    step_list: Sequence[Step] | None = None,
) -> Outcome:
    """Curate Records in memory with a config (defaults when None)."""
    cfg = cfg or CurateConfig()
    step_list = step_list if step_list is not None else build_steps(cfg, ctx)
    return curate_table(
        to_table(records),
        step_list,
        engine=cfg.engine,
        workers=cfg.workers,
        batch_size=cfg.batch_size,
        lineage_kinds=cfg.lineage_kinds,
    )


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
    raise WorkspaceError(
        "nothing to curate: the workspace has no input stage",
        field="stage",
        hint="tadka import FILE, or tadka generate",
    )


def checked_stage(ws, cfg: CurateConfig) -> str:
    """The input stage (:func:`input_stage`), once the output and rejects stages are known to differ
    from it and from each other, and the stage is readable."""
    from tadka.errors import ConfigError

    stage = input_stage(ws, cfg)
    if stage in (cfg.output, cfg.rejects):
        raise ConfigError(f"cannot curate stage {stage!r} into itself", field="curate.stage")
    if cfg.output == cfg.rejects:
        raise ConfigError("the output and rejects stages must differ", field="curate.rejects")
    ws.stage_files(stage)  # a missing or unreadable stage fails here, before any work
    return stage


def curate(ws, cfg: CurateConfig) -> CurateResult:
    """Curate a workspace stage into ``cfg.output`` and ``cfg.rejects``, then write the report.

    Streams (module docstring): both stages are written a batch at a time into new versions and
    swapped in once both are complete; the processed rows wait in a spill folder under ``cache/``,
    removed at the end. On any error neither stage changes."""
    import dataclasses

    stage = checked_stage(ws, cfg)
    step_list = build_steps(cfg, StepContext(root=ws.root, config=ws.config))
    for step in step_list:
        if isinstance(step, JudgeFilter) and (note := step.idle_on(lambda: ws.stage_table(stage)["scores"], stage)):
            logger.warning(note)
    large_blocks_from_the_system()
    arrow_without_pandas()
    spill_dir = ws.root / "cache" / f".curate-{uuid.uuid4().hex[:12]}"
    spill_dir.mkdir(parents=True)
    try:
        with system_memory_pool(), ws.stage_writer(cfg.output) as kept, ws.stage_writer(cfg.rejects) as dropped:
            sinks = Sinks(
                kept,
                dropped,
                FileSpill(spill_dir / "processed_rejects.arrow", ARROW_SCHEMA),
                FileSpill(spill_dir / "rows.arrow", ROWS_SCHEMA),
            )
            spill = FileSpill(spill_dir / "processed.arrow", _PROCESSED_SCHEMA)
            outcome = _curate(
                StageSource(ws, stage),
                step_list,
                engine=cfg.engine,
                workers=cfg.workers,
                batch_size=cfg.batch_size,
                lineage_kinds=cfg.lineage_kinds,
                spill=spill,
                sinks=sinks,
                sketch_dir=spill_dir / "sketches",
            )
            spill.close()
            (spill_dir / "processed.arrow").unlink()
            for sink in (sinks.rows, sinks.processed_rejects):
                sink.keep_open()
            outcome.rows = LazyTable(sinks.rows.table, outcome.rows_in)
            outcome.processed_rejects = LazyTable(sinks.processed_rejects.table, dropped.rows)
            meta = {"curated_from": stage, "config": dataclasses.asdict(cfg)}
            summary = {
                "input": outcome.rows_in,
                "curated": kept.rows,
                "rejected": dropped.rows,
                "per_step": outcome.per_step,
                "reasons": dict(outcome.reasons.most_common()),
                "lineage": outcome.lineage,
                "seconds": round(outcome.seconds, 3),
                "timings": {k: round(v, 3) for k, v in outcome.timings.items()},
            }
            kept.commit({**meta, "summary": summary})  # both complete: the two swaps follow each other
            dropped.commit({**meta, "summary": summary})
        outcome.curated = LazyTable(lambda: ws.stage_table(cfg.output), kept.rows)
        outcome.rejects = LazyTable(lambda: ws.stage_table(cfg.rejects), dropped.rows)
        result = CurateResult(stage, cfg.output, cfg.rejects, outcome)
        if cfg.report:
            from tadka.curate.report import write_report

            result.report = write_report(
                ws.root / "reports" / "curate",
                outcome,
                stage=stage,
                config=cfg,
                examples_per_reason=cfg.report_examples,
            )
    finally:
        shutil.rmtree(spill_dir, ignore_errors=True)  # memory-mapped tables stay readable (POSIX)
    return result
