"""The read side of review.db, shared by every page of the review app: items, tags, notes, history,
labels, claims, and every saved version of a record's text.

:class:`ReviewReads` owns the connection and its lock; :class:`tadka.review.store.ReviewStore` adds the
writes on top. Reads go through one connection under an RLock because a Streamlit session may call
from its script thread and from a fragment's thread.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from tadka.records import Record
from tadka.review.db import open_review_db

_CHUNK = 900  # ids per IN (...) query, under SQLite's default variable limit on every build


@dataclass(frozen=True)
class Item:
    """The current decision on one record; ``version`` 0 means nobody has touched it yet."""

    record_id: str
    status: str = "pending"
    version: int = 0
    current_json: str | None = None
    reason: str | None = None
    updated_by: str | None = None
    updated_at: float | None = None

    def current(self) -> Record | None:
        """The latest edited Record, or None when the record was never edited."""
        return Record.from_dict(json.loads(self.current_json), validate=False) if self.current_json else None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class TextVersion:
    """One text a record has had: the stage's original, a saved edit (edit, merge, resolve, restore),
    or an edit that was refused in a conflict (kept in the audit log). Any of them can be restored."""

    label: str
    kind: str  # original | edit | merge | resolve | restore | refused
    messages: list[dict]
    reviewer: str | None = None
    at: float | None = None
    version: int | None = None
    audit_id: int | None = None


def chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i : i + _CHUNK]


def marks(n: int) -> str:
    return ",".join("?" * n)


class ReviewReads:
    """Reads of review.db for one user of the app (one connection, used under a lock)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.conn = open_review_db(self.path)
        self._lock = threading.RLock()

    def close(self) -> None:
        self.conn.close()

    def _read(self, sql: str, args: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, tuple(args)).fetchall()

    @staticmethod
    def _row_item(record_id: str, row: sqlite3.Row | None) -> Item:
        if row is None:
            return Item(record_id)
        return Item(
            record_id,
            row["status"],
            row["version"],
            row["current_json"],
            row["reason"],
            row["updated_by"],
            row["updated_at"],
        )

    def item(self, record_id: str) -> Item:
        rows = self._read("SELECT * FROM items WHERE record_id = ?", (record_id,))
        return self._row_item(record_id, rows[0] if rows else None)

    def items(self, ids: Iterable[str]) -> dict[str, Item]:
        """Items for these ids (untouched ones as version-0 pending Items)."""
        ids = list(ids)
        out = {i: Item(i) for i in ids}
        for part in chunks(ids):
            for row in self._read(
                "SELECT record_id, status, version, reason, updated_by, updated_at, NULL AS current_json"
                f" FROM items WHERE record_id IN ({marks(len(part))})",
                part,
            ):
                out[row["record_id"]] = self._row_item(row["record_id"], row)
        return out

    def statuses(self) -> dict[str, tuple[str, int]]:
        """record_id → (status, version) for every touched record (the index scan of Browse)."""
        return {r[0]: (r[1], r[2]) for r in self._read("SELECT record_id, status, version FROM items")}

    def current_texts(self) -> dict[str, str]:
        """record_id → the text of its current (edited) version, every turn joined: what search must see."""
        out = {}
        for rid, current in self._read("SELECT record_id, current_json FROM items WHERE current_json IS NOT NULL"):
            out[rid] = "\n".join(m["content"] for m in json.loads(current)["messages"])
        return out

    def status_counts(self, stage: str) -> dict[str, int]:
        """Status → items decided while reviewing ``stage`` (an index range scan: cheap on every rerun)."""
        return {
            r[0]: r[1]
            for r in self._read("SELECT status, COUNT(*) FROM items WHERE stage = ? GROUP BY status", (stage,))
        }

    def high_water(self) -> int:
        """Id of the newest audit row: it grows with every write, so caches key on it."""
        return self._read("SELECT COALESCE(MAX(id), 0) FROM audit")[0][0]

    def reviewers(self) -> list[str]:
        return [r[0] for r in self._read("SELECT name FROM reviewers ORDER BY name")]

    def tags_of(self, record_id: str) -> list[str]:
        return [r[0] for r in self._read("SELECT tag FROM tags WHERE record_id = ? ORDER BY tag", (record_id,))]

    def tag_counts(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self._read("SELECT tag, COUNT(*) FROM tags GROUP BY tag ORDER BY 2 DESC, 1")}

    def tags_by_record(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rid, tag in self._read("SELECT record_id, tag FROM tags ORDER BY tag"):
            out.setdefault(rid, []).append(tag)
        return out

    def ids_tagged(self, tags: Iterable[str]) -> set[str]:
        tags = list(tags)
        return {r[0] for r in self._read(f"SELECT record_id FROM tags WHERE tag IN ({marks(len(tags))})", tags)}

    def notes_of(self, record_id: str) -> list[dict]:
        rows = self._read(
            "SELECT id, reviewer, text, created_at FROM notes WHERE record_id = ? ORDER BY id", (record_id,)
        )
        return [dict(r) for r in rows]

    def history(self, record_id: str) -> list[dict]:
        rows = self._read("SELECT * FROM audit WHERE record_id = ? ORDER BY id", (record_id,))
        return [dict(r) for r in rows]

    def audit_rows(self, limit: int = 200) -> list[dict]:
        return [dict(r) for r in self._read("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))]

    def text_versions(self, original: Record) -> list[TextVersion]:
        """Every text this record has had, oldest first: the original, each saved version, and each edit
        refused in a conflict (its text survives in the audit log) — so History can show and restore any."""
        out = [TextVersion("original", "original", [dict(m) for m in original.messages])]
        for row in self._read(
            "SELECT version, record_json, reviewer, created_at, kind FROM edits WHERE record_id = ? ORDER BY id",
            (original.id,),
        ):
            out.append(
                TextVersion(
                    f"v{row['version']}",
                    row["kind"],
                    json.loads(row["record_json"])["messages"],
                    row["reviewer"],
                    row["created_at"],
                    row["version"],
                )
            )
        for row in self._read(
            "SELECT id, reviewer, ts, detail FROM audit WHERE record_id = ? AND action = 'edit'"
            " AND outcome = 'conflict' ORDER BY id",
            (original.id,),
        ):
            messages = json.loads(row["detail"] or "{}").get("messages")
            if messages:
                out.append(
                    TextVersion(
                        f"refused #{row['id']}", "refused", messages, row["reviewer"], row["ts"], audit_id=row["id"]
                    )
                )
        return sorted(out, key=lambda v: v.at or 0.0)

    def labels(self) -> list[dict]:
        """Every reviewer's latest standing (not undone) label per record: what agreement is computed on."""
        rows = self._read(
            "SELECT record_id, reviewer, label, reason, created_at FROM labels WHERE id IN"
            " (SELECT MAX(id) FROM labels WHERE active = 1 GROUP BY record_id, reviewer)"
        )
        return [dict(r) for r in rows]

    def labelers(self, ids: Iterable[str]) -> dict[str, set[str]]:
        ids = list(ids)
        out: dict[str, set[str]] = {}
        for part in chunks(ids):
            for rid, who in self._read(
                "SELECT DISTINCT record_id, reviewer FROM labels"
                f" WHERE active = 1 AND record_id IN ({marks(len(part))})",
                part,
            ):
                out.setdefault(rid, set()).add(who)
        return out

    def claimed_by_others(self, ids: Iterable[str], reviewer: str, now: float | None = None) -> set[str]:
        ids, now = list(ids), now or time.time()
        out: set[str] = set()
        for part in chunks(ids):
            out |= {
                r[0]
                for r in self._read(
                    f"SELECT record_id FROM claims WHERE record_id IN ({marks(len(part))})"
                    " AND reviewer != ? AND expires_at > ?",
                    [*part, reviewer, now],
                )
            }
        return out
