"""Parquet shards in and out: a local folder or any fsspec URL (``s3://``, ``gs://``, ``file://``).

* :func:`list_shards` — the shards a pattern names (a glob, a folder, or one file), sorted: the
  position in this list is what makes row numbers, and with them the keeper order, the same on
  every run;
* :func:`check_shards` — every shard's footer read before any work: a corrupt file or one whose
  schema is not a tadka stage stops the run with a one-line error naming the shard, before anything
  is written;
* :func:`read_batches` — a shard's rows in the stage schema, a batch at a time;
* :class:`OutputFolder` — the output is written into a work folder beside it and renamed into place
  once complete, so a failed run leaves no output, never a half-written one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from tadka.errors import ConfigError, InputError
from tadka.records import ARROW_SCHEMA

BASE = [f.name for f in ARROW_SCHEMA]


def filesystem(url: str):
    """(fsspec filesystem, path inside it) for a folder, file or glob."""
    import fsspec.core

    fs, path = fsspec.core.url_to_fs(url)
    return fs, path


def _protocol(fs) -> str:
    return fs.protocol[0] if isinstance(fs.protocol, (tuple, list)) else fs.protocol


def _is_local(fs) -> bool:
    return _protocol(fs) in ("file", "local")


def _unstrip(fs, path: str) -> str:
    """A path as a URL other processes can open (the protocol put back for remote filesystems)."""
    return path if _is_local(fs) else f"{_protocol(fs)}://{path}"


def list_shards(pattern: str) -> list[str]:
    """The Parquet shards ``pattern`` names, sorted (a folder means its ``*.parquet``)."""
    fs, path = filesystem(pattern)
    if any(c in path for c in "*?["):
        found = fs.glob(path)
    elif fs.isdir(path):
        found = fs.glob(path.rstrip("/") + "/*.parquet")
    elif fs.exists(path):
        found = [path]
    else:
        raise InputError("no such file or folder", file=pattern, hint="a glob like 'shards/*.parquet', or a folder")
    paths = sorted(p for p in found if not fs.isdir(p))
    if not paths:
        raise InputError("no Parquet shards match", file=pattern)
    return [_unstrip(fs, p) for p in paths]


def _open(url: str) -> pq.ParquetFile:
    fs, path = filesystem(url)
    return pq.ParquetFile(fs.open(path, "rb"))


def check_shards(urls: list[str]) -> list[int]:
    """Rows per shard, from the footers; a corrupt shard or a foreign schema is a one-line error."""
    rows = []
    for url in urls:
        try:
            pf = _open(url)
            schema = pf.schema_arrow
        except Exception as exc:  # pyarrow's errors name the problem but not the file
            raise InputError(f"not a readable Parquet file ({type(exc).__name__}: {exc})", file=url) from None
        missing = [name for name in BASE if name not in schema.names]
        if missing:
            raise InputError(
                f"not a tadka stage: no column {', '.join(missing)}", file=url, hint="shards need the stage schema"
            )
        for name in BASE:
            want, got = ARROW_SCHEMA.field(name).type, schema.field(name).type
            if got != want and not _castable(got, want):
                raise InputError(f"column {name} is {got}, expected {want}", file=url, field=name)
        rows.append(pf.metadata.num_rows)
    return rows


def _castable(got: pa.DataType, want: pa.DataType) -> bool:
    try:
        pa.array([], got).cast(want)
        return True
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False


def read_batches(url: str, batch_size: int) -> Iterator[pa.Table]:
    """The shard's rows in the stage schema, ``batch_size`` at a time; a bad page is a one-line error."""
    try:
        pf = _open(url)
        for batch in pf.iter_batches(batch_size=batch_size, columns=BASE):
            yield pa.Table.from_batches([batch]).select(BASE).cast(ARROW_SCHEMA)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"unreadable shard ({type(exc).__name__}: {exc})", file=url) from None


def read_arrow(url: str) -> pa.Table:
    """A scratch file written with ``ShardWriter(arrow=True)``, whole."""
    fs, path = filesystem(url)
    with fs.open(path, "rb") as f:
        return pa.ipc.open_file(pa.py_buffer(f.read())).read_all()


def arrow_batches(url: str, size: int) -> Iterator[pa.Table]:
    """A scratch file's rows a record batch at a time (as written: one per processed batch)."""
    fs, path = filesystem(url)
    with fs.open(path, "rb") as f:
        reader = pa.ipc.open_file(f)
        for i in range(reader.num_record_batches):
            yield pa.Table.from_batches([reader.get_batch(i)])


class ShardWriter:
    """One file written a table at a time (nothing is created until the first write): Parquet for
    the output, or an uncompressed Arrow IPC file (``arrow=True``) for the scratch files that the
    run reads back once — no encoding or compression to pay for twice."""

    def __init__(self, url: str, schema: pa.Schema, arrow: bool = False) -> None:
        self.url, self.schema, self.arrow = url, schema, arrow
        self._writer: pq.ParquetWriter | pa.ipc.RecordBatchFileWriter | None = None
        self._file = None
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            fs, path = filesystem(self.url)
            fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
            self._file = fs.open(path, "wb")
            if self.arrow:
                self._writer = pa.ipc.new_file(self._file, self.schema)
            else:
                self._writer = pq.ParquetWriter(self._file, self.schema)
        self._writer.write_table(table.cast(self.schema))
        self.rows += table.num_rows

    def close(self) -> None:
        """Close; a shard that got no rows is still written (empty), so every part exists."""
        if self._writer is None:
            self.write(self.schema.empty_table())
        assert self._writer is not None and self._file is not None
        self._writer.close()
        self._file.close()


@dataclass
class OutputFolder:
    """``final`` appears only when complete: everything is written under ``work`` first."""

    final: str
    work: str

    @classmethod
    def create(cls, url: str) -> "OutputFolder":
        fs, path = filesystem(url)
        path = path.rstrip("/")
        if fs.exists(path) and (not fs.isdir(path) or fs.ls(path)):
            raise ConfigError("the output folder exists and is not empty", field="output", hint=url)
        work = f"{path}.tmp-{uuid.uuid4().hex[:12]}"
        fs.makedirs(work, exist_ok=True)
        return cls(_unstrip(fs, path), _unstrip(fs, work))

    def url(self, *parts: str) -> str:
        return "/".join([self.work, *parts])

    def commit(self, scratch: str, marker: str = "summary.json") -> None:
        """Remove the scratch folder, then put the work folder in place: one rename on a local disk; on an
        object store (no folders, no rename) a copy of each file with ``marker`` last, so that a reader who
        waits for the marker never reads a half-copied output, then the work files are deleted."""
        fs, work = filesystem(self.work)
        _, final = filesystem(self.final)
        fs.rm(filesystem(self.url(scratch))[1], recursive=True)
        if _is_local(fs):
            if fs.exists(final):
                fs.rmdir(final)  # empty (checked at create)
            fs.mv(work, final, recursive=True)
            return
        files = sorted(fs.find(work), key=lambda p: (p.rsplit("/", 1)[-1] == marker, p))
        for path in files:
            fs.copy(path, final + path[len(work) :])
        fs.rm(work, recursive=True)

    def abort(self) -> None:
        fs, work = filesystem(self.work)
        if fs.exists(work):
            fs.rm(work, recursive=True)
