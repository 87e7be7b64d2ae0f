"""Pass 1: every per-record step over every shard, streamed with Ray Data ``map_batches``.

The dataset is the list of shards (one item each); an actor pool of ``workers`` :class:`ShardProcessor`
instances — the steps and their models loaded once per actor — reads each shard a batch at a time,
runs :class:`tadka.curate.batch.BatchProcessor` (the same code the local engine runs) and writes two
uncompressed Arrow IPC files per shard into the run's scratch folder:

* ``processed/part-NNNNN.arrow`` — the processed rows (flags, scores, redacted text, ``_steps``),
  read back by the settle pass;
* ``meta/part-NNNNN.arrow`` — what the global stages need, a few bytes per row plus the sketches:
  lineage hashes (:func:`tadka.curate.dedup.lineage.lineage_hashes` of the *input* ids), the
  flagged bit, the processed id, and per global step its sketch and whether it succeeded.

Only the row count of each shard comes back to the driver.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pyarrow as pa

from tadka.curate.batch import BatchProcessor, flagged_mask
from tadka.curate.dedup.lineage import lineage_hashes
from tadka.curate.dedup.settle import sketch_rows
from tadka.curate.filters import GlobalStep, Step
from tadka.curate.sharded.shards import ShardWriter, read_batches


def part_name(shard: int, ext: str = "parquet") -> str:
    return f"part-{shard:05d}.{ext}"


def meta_schema(globals_: Sequence[GlobalStep]) -> pa.Schema:
    fields = [
        pa.field("own", pa.uint64()),
        pa.field("phash", pa.uint64()),
        pa.field("has", pa.bool_()),
        pa.field("flagged", pa.bool_()),
        pa.field("id", pa.string()),
    ]
    for g in globals_:
        fields += [pa.field(f"ok_{g.name}", pa.bool_()), pa.field(f"sk_{g.name}", pa.binary(g.width))]
    return pa.schema(fields)


class ShardProcessor:
    """A Ray Data actor: shards in (one per call), two scratch files out per shard, row counts back."""

    def __init__(self, step_list: Sequence[Step], scratch: str, batch_size: int, lineage_kinds: Sequence[str]):
        self.proc = BatchProcessor(step_list)
        self.globals = [s for s in step_list if isinstance(s, GlobalStep)]
        self.scratch, self.batch_size, self.kinds = scratch, batch_size, tuple(lineage_kinds)

    def __call__(self, batch: dict) -> dict:
        """Rows per shard; a shard that cannot be read comes back as its one-line error (Ray Data
        would wrap the exception in its own traceback)."""
        from tadka.errors import TadkaError

        rows, errors = [], []
        for i, u, lo in zip(batch["shard"], batch["url"], batch["lo"]):
            try:
                rows.append(self.shard(int(i), str(u), int(lo)))
                errors.append("")
            except TadkaError as exc:
                rows.append(-1)
                errors.append(str(exc))
        return {"shard": np.asarray(batch["shard"], np.int64), "rows": np.asarray(rows, np.int64), "error": errors}

    def shard(self, index: int, url: str, lo: int) -> int:
        processed = ShardWriter(f"{self.scratch}/processed/{part_name(index, 'arrow')}", self._processed_schema(), True)
        meta = ShardWriter(f"{self.scratch}/meta/{part_name(index, 'arrow')}", meta_schema(self.globals), True)
        at = lo
        for t in read_batches(url, self.batch_size):
            m = t.num_rows
            src = t.column("source").combine_chunks()
            own, phash, has = lineage_hashes(
                t.column("id").to_pylist(),
                src.field("parent_id").to_pylist(),
                src.field("kind").to_pylist(),
                self.kinds,
            )
            out = self.proc(t.append_column("_row", pa.array(np.arange(at, at + m, dtype=np.int64))))
            cols = {"own": own, "phash": phash, "has": has, "flagged": flagged_mask(out.column("flags"))}
            cols["id"] = out.column("id")
            for g in self.globals:
                matrix, ok = sketch_rows(out.column(f"_sk_{g.name}"), g.width)
                cols[f"ok_{g.name}"] = ok
                cols[f"sk_{g.name}"] = pa.FixedSizeBinaryArray.from_buffers(
                    pa.binary(g.width), m, [None, pa.py_buffer(np.ascontiguousarray(matrix).tobytes())]
                )
            meta.write(pa.table(cols, schema=meta_schema(self.globals)))
            processed.write(out.drop_columns([f"_sk_{g.name}" for g in self.globals]))
            at += m
        processed.close()
        meta.close()
        return at - lo

    def _processed_schema(self) -> pa.Schema:
        schema = self.proc.schema()
        return pa.schema([f for f in schema if not f.name.startswith("_sk_")])


def pool_size(workers: int, shards: int) -> int:
    """Actors for pass 1: ``workers``, but never more than the shards or the cluster's CPUs (an actor
    that cannot be placed would wait forever)."""
    import ray

    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, min(workers, shards, cpus))


def process_shards(
    urls: list[str],
    offsets: np.ndarray,
    step_list: Sequence[Step],
    scratch: str,
    *,
    workers: int,
    batch_size: int,
    lineage_kinds: Sequence[str],
) -> np.ndarray:
    """Pass 1 over every shard on the running Ray cluster; rows per shard as processed."""
    import logging

    import ray.data

    from tadka.progress import bar

    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False  # one tadka progress line (stderr) instead of Ray Data's log lines
    data_log = logging.getLogger("ray.data")
    level = data_log.level
    data_log.setLevel(logging.WARNING)
    items = [{"shard": i, "url": u, "lo": int(offsets[i])} for i, u in enumerate(urls)]
    ds = ray.data.from_items(items, override_num_blocks=max(1, len(items)))
    ds = ds.map_batches(
        ShardProcessor,
        fn_constructor_args=(list(step_list), scratch, batch_size, list(lineage_kinds)),
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=pool_size(workers, len(items))),
        num_cpus=1,
        batch_format="numpy",
    )
    rows = np.zeros(len(urls), np.int64)
    errors: list[str] = []
    try:
        with bar(desc="curate shards", total=int(offsets[-1])) as progress:
            for b in ds.iter_batches(batch_size=None, batch_format="numpy"):
                rows[b["shard"]] = b["rows"]
                errors += [str(e) for e in b["error"] if e]
                progress.update(int(np.maximum(b["rows"], 0).sum()))
    finally:
        data_log.setLevel(level)
    if errors:
        from tadka.errors import InputError

        raise InputError(sorted(errors)[0])
    return rows
