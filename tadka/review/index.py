"""What the review app filters and orders on: one small frame per stage version, built once.

A stage of 100k Records is memory-mapped Arrow; the app must not turn it into Python objects on every
rerun. :class:`StageIndex` reads only the columns that filters and queue orders need (id, lang,
source kind, turns, characters, a few scores, flag reasons) into one pandas frame, keyed by the stage's
immutable version folder, and fetches a whole Record only for the one row on screen.
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from tadka.records import Record
from tadka.workspace import Workspace

NO_FLAGS = "(no flags)"
_CACHE: dict[tuple[str, str, str], "StageIndex"] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Filters:
    """What a reviewer narrowed the stage to; empty tuples mean "any"."""

    langs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    cmi: tuple[float, float] | None = None
    tags: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    search: str = ""


def flag_reason(flag: str) -> str:
    """``near_dup:<id>`` and ``pii:aadhaar`` group under ``near_dup`` and ``pii``."""
    return flag.split(":", 1)[0]


def is_overlap(record_id: str, fraction: float, seed: int) -> bool:
    """Whether a record is one of the shared (double-reviewed) ones: a seeded hash, stable forever."""
    if fraction <= 0:
        return False
    if fraction >= 1:
        return True
    digest = hashlib.sha256(f"overlap:{seed}:{record_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def _scores(column: pa.ChunkedArray) -> pa.Table:
    """The JSON ``scores`` column as one column per score name.

    Arrow's JSON reader parses 100k small objects about 20x faster than ``json.loads`` in a loop, which
    is most of the index's build time.
    """
    texts = pc.fill_null(column, "{}").to_pylist()
    if not texts:  # a stage with 0 records (curate kept nothing): the reader refuses an empty file
        return pa.table({})
    parsed = pa_json.read_json(io.BytesIO("\n".join(t or "{}" for t in texts).encode("utf-8")))
    if parsed.num_rows != len(texts):  # every object was empty: the reader saw no columns
        return pa.table({})
    return parsed


@dataclass
class StageIndex:
    stage: str
    version: str
    table: pa.Table
    frame: pd.DataFrame
    row_of: dict[str, int]
    score_names: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, ws: Workspace, stage: str) -> "StageIndex":
        table = ws.table(stage).combine_chunks()
        version = Path(ws.stage_path(stage)).resolve().name
        ids = table["id"].to_pylist()
        messages = table["messages"].combine_chunks()
        lengths = pc.utf8_length(pc.list_flatten(messages).field("content"))
        parents = pc.list_parent_indices(messages)
        chars = np.zeros(table.num_rows, dtype=np.int64)
        np.add.at(chars, parents.to_numpy(), lengths.to_numpy(zero_copy_only=False))
        scores = _scores(table["scores"])
        names = sorted(scores.column_names)

        def score(name: str) -> np.ndarray:
            if name not in names:
                return np.full(table.num_rows, np.nan)
            return scores[name].cast(pa.float64()).to_numpy(zero_copy_only=False)

        quality = score("quality")
        uncertainty = score("uncertainty") if "uncertainty" in names else 1 - np.abs(2 * quality - 1)
        flag_col = table["flags"].combine_chunks()
        flags: list[tuple[str, ...]] = [()] * table.num_rows
        for i in np.flatnonzero(pc.fill_null(pc.list_value_length(flag_col), 0).to_numpy(zero_copy_only=False)):
            flags[i] = tuple(sorted({flag_reason(f) for f in flag_col[int(i)].as_py()}))
        frame = pd.DataFrame(
            {
                "id": ids,
                "lang": table["lang"].to_pandas().astype("category"),
                "source": pc.struct_field(table["source"], "kind").to_pandas().fillna("import").astype("category"),
                "turns": pc.list_value_length(messages).to_numpy(),
                "chars": chars,
                "quality": quality,
                "cmi": score("cmi"),
                "uncertainty": uncertainty,
                "flags": flags,
            }
        )
        return cls(stage, version, table, frame, {rid: i for i, rid in enumerate(ids)}, names)

    @staticmethod
    def _key(ws: Workspace, stage: str) -> tuple[str, str, str]:
        return str(ws.root), stage, Path(ws.stage_path(stage)).resolve().name

    @classmethod
    def is_cached(cls, ws: Workspace, stage: str) -> bool:
        return cls._key(ws, stage) in _CACHE

    @classmethod
    def cached(cls, ws: Workspace, stage: str) -> "StageIndex":
        """The index of the stage's current version, built once per process (the app's sessions and
        `tadka review`'s warm-up share it). Under the lock a second caller waits for the first build."""
        key = cls._key(ws, stage)
        with _LOCK:
            if key not in _CACHE:
                while len(_CACHE) >= 4:
                    _CACHE.pop(next(iter(_CACHE)))
                _CACHE[key] = cls.load(ws, stage)
            return _CACHE[key]

    def __len__(self) -> int:
        return self.table.num_rows

    def record(self, row: int) -> Record:
        return Record.from_dict(self.table.slice(int(row), 1).to_pylist()[0], validate=False)

    def records(self, rows) -> list[Record]:
        return [Record.from_dict(r, validate=False) for r in self.table.take(pa.array(rows, pa.int64())).to_pylist()]

    # -- options for the filter widgets ------------------------------------------------------
    def langs(self) -> list[str]:
        return sorted(self.frame["lang"].cat.categories)

    def sources(self) -> list[str]:
        return sorted(self.frame["source"].cat.categories)

    @functools.cached_property
    def _flag_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for fl in self.frame["flags"]:
            for f in fl or (NO_FLAGS,):
                counts[f] = counts.get(f, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def flag_reasons(self) -> dict[str, int]:
        """Flag reason → number of records carrying it (``(no flags)`` for clean ones)."""
        return self._flag_counts

    @functools.cached_property
    def _cmi_range(self) -> tuple[float, float] | None:
        cmi = self.frame["cmi"]
        return None if cmi.isna().all() else (float(cmi.min()), float(cmi.max()))

    def cmi_range(self) -> tuple[float, float] | None:
        return self._cmi_range

    # -- filtering and ordering ----------------------------------------------------------------
    def search_rows(self, text: str) -> np.ndarray:
        """Rows with ``text`` in any turn, ignoring case (an Arrow kernel over all contents: ~50 ms at 100k)."""
        messages = self.table["messages"].combine_chunks()
        hits = pc.match_substring(pc.list_flatten(messages).field("content"), text, ignore_case=True)
        parents = pc.list_parent_indices(messages).to_numpy()
        return np.unique(parents[hits.to_numpy(zero_copy_only=False)])

    def status_vector(self, statuses: dict[str, tuple[str, int]]) -> pd.Series:
        """Each row's review status from ``{record_id: (status, version)}`` (absent = pending)."""
        status = {rid: s for rid, (s, _v) in statuses.items()}
        return self.frame["id"].map(status).astype(object).fillna("pending")

    def filter_rows(
        self,
        f: Filters,
        *,
        tagged: set[str] | None = None,
        statuses: dict[str, tuple[str, int]] | None = None,
        current: dict[str, str] | None = None,
    ) -> np.ndarray:
        """Row numbers (stage order) that pass ``f``. ``tagged`` are the ids carrying one of ``f.tags``;
        ``statuses`` is needed only when ``f.statuses`` is set; ``current`` maps edited records to their
        current text, which search matches instead of the stage's original."""
        fr = self.frame
        mask: Any = np.ones(len(fr), dtype=bool)
        if f.langs:
            mask &= fr["lang"].isin(f.langs).to_numpy()
        if f.sources:
            mask &= fr["source"].isin(f.sources).to_numpy()
        if f.flags:
            wanted = set(f.flags)
            mask &= np.fromiter(
                ((set(fl) & wanted) or (not fl and NO_FLAGS in wanted) for fl in fr["flags"]), dtype=bool, count=len(fr)
            )
        if f.cmi is not None:
            lo, hi = f.cmi
            mask &= ((fr["cmi"] >= lo) & (fr["cmi"] <= hi)).to_numpy()
        if f.tags:
            mask &= fr["id"].isin(tagged or set()).to_numpy()
        if f.statuses:
            mask &= self.status_vector(statuses or {}).isin(f.statuses).to_numpy()
        if f.search.strip():
            hit: Any = np.zeros(len(fr), dtype=bool)
            hit[self.search_rows(f.search.strip())] = True
            needle = f.search.strip().casefold()
            for rid, text in (current or {}).items():
                row = self.row_of.get(rid)
                if row is not None:
                    hit[row] = needle in text.casefold()
            mask &= hit
        return np.flatnonzero(mask)

    def order(self, rows: np.ndarray, order: str, *, seed: str = "") -> np.ndarray:
        """Rows in queue order; ties and records without the score keep stage order (stable sorts)."""
        if order == "stage" or len(rows) == 0:
            return rows
        if order == "random":
            keys = np.random.default_rng(zlib.crc32(seed.encode())).random(len(self.frame))[rows]
            return rows[np.argsort(keys, kind="stable")]
        column, descending = {
            "quality": ("quality", True),
            "quality-low": ("quality", False),
            "uncertainty": ("uncertainty", True),
        }[order]
        values = self.frame[column].to_numpy()[rows]
        keys = np.where(np.isnan(values), np.inf, -values if descending else values)
        return rows[np.argsort(keys, kind="stable")]
