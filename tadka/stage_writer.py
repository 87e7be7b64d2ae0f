"""Writing a stage batch by batch: the streaming writer behind :meth:`tadka.workspace.Workspace.stage_writer`.

Split from :mod:`tadka.workspace` because it is the one part that knows how ``datasets.save_to_disk``
lays a version folder out (an Arrow stream file, ``state.json``, ``dataset_info.json``) and writes that
layout itself, so a stage of any size is written with one batch in memory; the workspace keeps the
locks and the atomic swap it commits through.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
import uuid
from typing import Any

import numpy as np
import pyarrow as pa

from tadka.atomic import write_text
from tadka.errors import WorkspaceError
from tadka.records import ARROW_SCHEMA
from tadka.workspace import Workspace, check_stage_name

DATA_FILE = "data-00000-of-00001.arrow"  # the name datasets.save_to_disk gives a one-shard stage
_HF_DTYPES = {"double": "float64", "float": "float32", "halffloat": "float16"}


def hf_features(schema: pa.Schema) -> dict:
    """The ``datasets`` features of an Arrow schema, as ``Features.to_dict()`` writes them (strings,
    numbers, lists and structs: what stages hold); tests/core checks it against ``datasets`` itself."""

    def one(t: pa.DataType):
        if pa.types.is_struct(t):
            return {f.name: one(f.type) for f in t}
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return {"feature": one(t.value_type), "_type": "List"}
        return {"dtype": _HF_DTYPES.get(str(t), str(t)), "_type": "Value"}

    return {f.name: one(f.type) for f in schema}


class StageWriter:
    """Writes one stage batch by batch (see :meth:`Workspace.stage_writer`).

    The version folder holds what ``datasets.save_to_disk`` writes for one shard, so
    ``datasets.load_from_disk`` and :meth:`Workspace.table` read it as any other stage. Ids must be
    unique in a stage: they are hashed as the batches go by (8 bytes a row) and checked on commit,
    which refuses a stage with a repeated id rather than dropping a row without a word."""

    def __init__(self, ws: Workspace, stage: str, meta: dict) -> None:
        self.ws, self.stage, self.meta = ws, check_stage_name(stage), dict(meta)
        self.rows = 0
        self._lock: Any = ws.lock(stage)
        self._lock.__enter__()
        try:
            versions = ws.data_dir / ".versions"
            versions.mkdir(parents=True, exist_ok=True)
            self.version = versions / f"{stage}.{time.strftime('%Y%m%dT%H%M%S')}.{uuid.uuid4().hex[:8]}"
            self.version.mkdir()
            features = json.dumps({"info": {"features": hf_features(ARROW_SCHEMA)}})
            self._schema = ARROW_SCHEMA.with_metadata({"huggingface": features})
            self._file = pa.OSFile(str(self.version / DATA_FILE), "wb")
            self._writer = pa.ipc.new_stream(self._file, self._schema)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        self._hashes: list[np.ndarray] = []
        self._open = True

    def write(self, data: pa.Table | pa.RecordBatch) -> None:
        """Append rows (stage schema; extra columns are dropped)."""
        import xxhash

        table = data if isinstance(data, pa.Table) else pa.Table.from_batches([data])
        if not table.schema.equals(ARROW_SCHEMA):
            table = table.select([f.name for f in ARROW_SCHEMA]).cast(ARROW_SCHEMA)
        for batch in table.to_batches(max_chunksize=1000):  # datasets' writer batch size
            self._writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=self._schema))
        ids = table.column("id").to_pylist()
        self._hashes.append(
            np.fromiter(
                (xxhash.xxh3_64_intdigest((i or "").encode("utf-8", "surrogatepass")) for i in ids), np.uint64, len(ids)
            )
        )
        self.rows += table.num_rows

    def _close_file(self) -> None:
        if self._open:
            self._open = False
            self._writer.close()
            self._file.close()

    def commit(self, meta: dict | None = None) -> int:
        """Finish the files and swap the stage in atomically; returns the number of rows."""
        try:
            self._close_file()
            hashes = np.concatenate(self._hashes) if self._hashes else np.empty(0, np.uint64)
            if len(np.unique(hashes)) != len(hashes):
                raise WorkspaceError(
                    f"a record id repeats in the rows written to stage {self.stage!r}", file=self.version, field="id"
                )
            self.meta.update(meta or {})
            data_files = [{"filename": DATA_FILE}] if self.rows else []
            if not self.rows:  # datasets writes no Arrow file for an empty dataset (see _is_empty_version)
                (self.version / DATA_FILE).unlink()
            write_text(
                self.version / "dataset_info.json",
                json.dumps(
                    {
                        "citation": "",
                        "description": "",
                        "features": hf_features(ARROW_SCHEMA),
                        "homepage": "",
                        "license": "",
                    },
                    indent=2,
                ),
            )
            write_text(
                self.version / "state.json",
                json.dumps(
                    {
                        "_data_files": data_files,
                        "_fingerprint": uuid.uuid4().hex[:16],
                        "_format_columns": None,
                        "_format_kwargs": {},
                        "_format_type": None,
                        "_output_all_columns": False,
                        "_split": None,
                    },
                    indent=2,
                ),
            )
            write_text(
                self.version / "tadka_stage.json",
                json.dumps(
                    {"stage": self.stage, "rows": self.rows, "written_at": time.time(), **self.meta},
                    indent=2,
                    default=str,
                ),
            )
            self.ws._swap_link(self.stage, self.version)
        except BaseException:
            self.abort()
            raise
        self._release()
        return self.rows

    def abort(self) -> None:
        """Drop the half-written version; the stage keeps its old one."""
        with contextlib.suppress(Exception):
            self._close_file()
        shutil.rmtree(self.version, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.__exit__(None, None, None)
            self._lock = None

    def __enter__(self) -> "StageWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._lock is None:
            return
        if exc_type is None:
            self.commit()
        else:
            self.abort()
