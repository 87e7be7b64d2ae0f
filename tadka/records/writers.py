"""Write Records to JSONL, Parquet and HF datasets — always atomically (temp file + rename).

On disk (Arrow, Parquet) ``scores`` is a JSON string: its keys differ per pipeline, and a JSON column
keeps one fixed schema that every datasets/pyarrow version reads. JSONL keeps it as an object.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

import pyarrow as pa

from tadka.atomic import atomic_dir, atomic_file
from tadka.records.schema import Record

_TURN = pa.struct([("role", pa.string()), ("content", pa.string())])
ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("messages", pa.list_(_TURN)),
        ("lang", pa.string()),
        ("media", pa.struct([("image", pa.string()), ("audio", pa.string())])),
        ("source", pa.struct([(k, pa.string()) for k in ("kind", "teacher", "recipe", "parent_id", "seed_id")])),
        ("ops", pa.list_(pa.string())),
        ("scores", pa.string()),
        ("flags", pa.list_(pa.string())),
        ("status", pa.string()),
    ]
)


def to_row(record: Record) -> dict:
    row = record.to_dict()
    row["scores"] = json.dumps(row["scores"], sort_keys=True)
    return row


def to_table(records: Iterable[Record]) -> pa.Table:
    """Records → an Arrow table with the stage schema (built in batches to bound peak memory)."""
    batches, rows = [], []
    for r in records:
        rows.append(to_row(r))
        if len(rows) == 8192:
            batches.append(pa.RecordBatch.from_pylist(rows, schema=ARROW_SCHEMA))
            rows = []
    if rows or not batches:
        batches.append(pa.RecordBatch.from_pylist(rows, schema=ARROW_SCHEMA))
    return pa.Table.from_batches(batches, schema=ARROW_SCHEMA)


def from_table(table: pa.Table) -> Iterable[Record]:
    """Arrow rows (stage schema) → Records, trusted (already validated when they were written)."""
    for batch in table.to_batches(max_chunksize=8192):
        for row in batch.to_pylist():
            yield Record.from_dict(row, validate=False)


def write_jsonl(records: Iterable[Record], path: str | os.PathLike) -> int:
    n = 0
    with atomic_file(path, "w") as f:
        for r in records:
            f.write(json.dumps(r.to_dict(), ensure_ascii=False))
            f.write("\n")
            n += 1
    return n


def write_parquet(records: Iterable[Record] | pa.Table, path: str | os.PathLike) -> int:
    import pyarrow.parquet as pq

    table = records if isinstance(records, pa.Table) else to_table(records)
    with atomic_file(path, "wb") as f:
        pq.write_table(table, f)
    return table.num_rows


def to_dataset(records: Iterable[Record] | pa.Table):
    """An in-memory ``datasets.Dataset`` with the stage schema (no cache files written)."""
    import datasets

    table = records if isinstance(records, pa.Table) else to_table(records)
    return datasets.Dataset(table)


def write_hf(records: Iterable[Record] | pa.Table, path: str | os.PathLike) -> int:
    from tadka.progress import quiet_datasets

    ds = to_dataset(records)
    with atomic_dir(path) as tmp, quiet_datasets():
        ds.save_to_disk(str(tmp))
    return len(ds)


WRITERS = {"jsonl": write_jsonl, "parquet": write_parquet, "hf": write_hf}
SUFFIX = {"jsonl": ".jsonl", "parquet": ".parquet", "hf": ""}


def write_records(records: Iterable[Record], path: str | os.PathLike, fmt: str | None = None) -> int:
    """Write in ``fmt`` (jsonl / parquet / hf), or guess it from the suffix."""
    path = Path(path)
    if fmt is None:
        fmt = {".jsonl": "jsonl", ".parquet": "parquet"}.get(path.suffix, "hf")
    return WRITERS[fmt](records, path)
