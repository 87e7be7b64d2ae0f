"""Where curate's rows come from and where processed rows wait: sources read a batch at a time, spills
(in memory, or an Arrow file in the workspace's cache/) hold the processed batches between the passes.

Split out of :mod:`tadka.curate.pipeline`, which runs the passes over them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa

from tadka.curate.batch import BASE
from tadka.records import ARROW_SCHEMA


class TableSource:
    """Input rows from an Arrow table with the stage schema."""

    def __init__(self, table: pa.Table) -> None:
        self._table = table.select(BASE).cast(ARROW_SCHEMA)
        self.num_rows = self._table.num_rows

    def batches(self) -> Iterator[pa.Table]:
        for b in self._table.to_batches(max_chunksize=1000):
            yield pa.Table.from_batches([b])

    def table(self) -> pa.Table:
        return self._table


class StageSource:
    """Input rows from a workspace stage, read a batch at a time (see Workspace.stage_batches)."""

    def __init__(self, ws, stage: str) -> None:
        self.ws, self.stage = ws, stage
        self.num_rows = -1  # counted by the lineage pass

    def batches(self) -> Iterator[pa.Table]:
        return self.ws.stage_batches(self.stage)

    def table(self) -> pa.Table:
        return self.ws.stage_table(self.stage)


class MemorySpill:
    """Tables kept in a list (the in-memory API)."""

    def __init__(self) -> None:
        self.parts: list[pa.Table] = []

    def write(self, table: pa.Table) -> None:
        self.parts.append(table)

    def read(self) -> Iterator[pa.Table]:
        yield from self.parts

    def table(self, schema: pa.Schema) -> pa.Table:
        return pa.concat_tables(self.parts) if self.parts else schema.empty_table()

    def close(self) -> None:
        pass


class FileSpill:
    """Tables appended to an Arrow stream file; read back a batch at a time, or memory-mapped."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path, self.schema = path, schema
        self._file = pa.OSFile(str(path), "wb")
        self._writer = pa.ipc.new_stream(self._file, schema)
        self._open = True

    def write(self, table: pa.Table) -> None:
        for b in table.to_batches():
            self._writer.write_batch(b)

    def close(self) -> None:
        if self._open:
            self._open = False
            self._writer.close()
            self._file.close()

    def read(self) -> Iterator[pa.Table]:
        self.close()
        with pa.OSFile(str(self.path)) as src:
            for b in pa.ipc.open_stream(src):
                yield pa.Table.from_batches([b])

    def keep_open(self) -> None:
        """Map the file now (no pages read): the table stays readable after the file is removed."""
        self.close()
        self._map = pa.memory_map(str(self.path))

    def table(self, schema: pa.Schema | None = None) -> pa.Table:
        self.close()
        source = getattr(self, "_map", None) or pa.memory_map(str(self.path))
        return pa.ipc.open_stream(source).read_all()


class LazyTable:
    """A table written to disk, opened (memory-mapped) only when a caller reads it. ``num_rows``
    is known without touching the file, so a command that prints its summary reads no pages; any
    other attribute is the table's own."""

    def __init__(self, open_table: Callable[[], pa.Table], num_rows: int) -> None:
        self._open, self._rows, self._table = open_table, num_rows, None

    @property
    def num_rows(self) -> int:
        return self._rows

    def __len__(self) -> int:
        return self._rows

    @property
    def table(self) -> pa.Table:
        if self._table is None:
            self._table = self._open()
        return self._table

    def __getitem__(self, key):
        return self.table[key]

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.table, name)


def rechunk(tables: Iterable[pa.Table], size: int) -> Iterator[pa.Table]:
    """The same rows in tables of ``size`` rows (the last may be shorter)."""
    buf: list[pa.Table] = []
    held = 0
    for t in tables:
        while t.num_rows:
            take = min(size - held, t.num_rows)
            buf.append(t.slice(0, take))
            held += take
            t = t.slice(take)
            if held == size:
                yield pa.concat_tables(buf).combine_chunks() if len(buf) > 1 else buf[0]
                buf, held = [], 0
    if held:
        yield pa.concat_tables(buf).combine_chunks() if len(buf) > 1 else buf[0]


def aligned(leading: Iterable[pa.Table], other: Iterable[pa.Table]) -> Iterator[tuple[pa.Table, pa.Table]]:
    """Pairs of equally long slices: each table of ``leading`` with the next rows of ``other``."""
    rest = iter(other)
    held: pa.Table | None = None
    for t in leading:
        need, parts = t.num_rows, []
        while need:
            if held is None or not held.num_rows:
                held = next(rest)
            take = min(need, held.num_rows)
            parts.append(held.slice(0, take))
            held = held.slice(take)
            need -= take
        yield t, (pa.concat_tables(parts) if len(parts) > 1 else parts[0] if parts else t.slice(0, 0))


def sparse_take(column: pa.ChunkedArray | pa.Array, positions: Sequence[int] | np.ndarray) -> list:
    """``column[positions]`` as Python values, taken chunk by chunk. ``ChunkedArray.take`` first
    joins all the chunks into one array: on a memory-mapped stage of 200k records, a 5,000-row sample
    for the report copied every record's turns (56 MiB) and touched every page of the file (RSS 81 →
    243 MiB). Here each chunk gives only its wanted rows, and only those are copied."""
    pos = np.asarray(positions, dtype=np.int64)
    if isinstance(column, pa.Array):
        return column.take(pa.array(pos)).to_pylist()
    out: list = [None] * len(pos)
    order = np.argsort(pos, kind="stable")
    ends = np.cumsum([len(c) for c in column.chunks])
    which = np.searchsorted(ends, pos[order], side="right")
    starts = np.r_[0, ends[:-1]]
    for chunk_no in np.unique(which):
        here = order[which == chunk_no]
        local = pa.array(pos[here] - starts[chunk_no])
        for k, value in zip(here.tolist(), column.chunk(int(chunk_no)).take(local).to_pylist()):
            out[k] = value
    return out


# -- the driver ----------------------------------------------------------------------------------
