"""The unversioned writes of review.db, and the transaction and audit log every write goes through.

Split from :mod:`tadka.review.store` because these writes never touch an item's text or status: tags,
notes, claims and the reviewer list carry no version, so they need no optimistic-concurrency checks.
:class:`ReviewAnnotations` owns the two primitives the versioned writes in
:class:`~tadka.review.store.ReviewStore` (and :mod:`.accounts`, :mod:`.session`) build on:
:meth:`~ReviewAnnotations._tx`, one ``BEGIN IMMEDIATE`` transaction, and
:meth:`~ReviewAnnotations._audit`, one append to the audit log.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from typing import Iterator

from tadka.errors import InputError
from tadka.review.reads import ReviewReads


class ReviewAnnotations(ReviewReads):
    """Reads (:class:`ReviewReads`) plus the writes that carry no item version."""

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front, so a read-then-write
        decision inside it cannot race another writer."""
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # -- unversioned writes --------------------------------------------------------------------
    def add_reviewer(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise InputError("a reviewer needs a name", field="reviewer")
        with self._tx() as c:
            added = c.execute("INSERT OR IGNORE INTO reviewers(name, created_at) VALUES (?, ?)", (name, time.time()))
            if added.rowcount:
                self._audit(c, name, None, "join", None, "ok", None)

    @staticmethod
    def _audit(
        c: sqlite3.Connection,
        reviewer: str | None,
        record_id: str | None,
        action: str,
        base_version: int | None,
        outcome: str,
        detail: dict | None,
    ) -> None:
        c.execute(
            "INSERT INTO audit(ts, reviewer, record_id, action, base_version, outcome, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                time.time(),
                reviewer,
                record_id,
                action,
                base_version,
                outcome,
                json.dumps(detail, ensure_ascii=False) if detail is not None else None,
            ),
        )

    def add_tag(self, record_id: str, tag: str, *, reviewer: str) -> bool:
        tag = " ".join(tag.split())
        if not tag:
            raise InputError("empty tag", field="tag")
        with self._tx() as c:
            added = (
                c.execute(
                    "INSERT OR IGNORE INTO tags(record_id, tag, reviewer, created_at) VALUES (?, ?, ?, ?)",
                    (record_id, tag, reviewer, time.time()),
                ).rowcount
                > 0
            )
            if added:
                self._audit(c, reviewer, record_id, "tag", None, "ok", {"tag": tag})
        return added

    def remove_tag(self, record_id: str, tag: str, *, reviewer: str) -> bool:
        with self._tx() as c:
            removed = c.execute("DELETE FROM tags WHERE record_id = ? AND tag = ?", (record_id, tag)).rowcount > 0
            if removed:
                self._audit(c, reviewer, record_id, "untag", None, "ok", {"tag": tag})
        return removed

    def add_note(self, record_id: str, text: str, *, reviewer: str) -> int:
        if not text.strip():
            raise InputError("empty note", field="note")
        with self._tx() as c:
            note_id = c.execute(
                "INSERT INTO notes(record_id, reviewer, text, created_at) VALUES (?, ?, ?, ?)",
                (record_id, reviewer, text.strip(), time.time()),
            ).lastrowid
            self._audit(c, reviewer, record_id, "note", None, "ok", {"note_id": note_id, "text": text.strip()})
        return int(note_id)  # type: ignore[arg-type]  # an INSERT always sets lastrowid

    def delete_note(self, note_id: int, *, reviewer: str) -> bool:
        """Remove a note (its text stays in the audit log)."""
        with self._tx() as c:
            row = c.execute("SELECT record_id, text FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None:
                return False
            c.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            self._audit(
                c, reviewer, row["record_id"], "delete-note", None, "ok", {"note_id": note_id, "text": row["text"]}
            )
        return True

    def claim(self, record_id: str, reviewer: str, seconds: float) -> bool:
        """Hold a record on one reviewer's screen for a while; False if another reviewer holds it."""
        now = time.time()
        with self._tx() as c:
            return (
                c.execute(
                    "INSERT INTO claims(record_id, reviewer, expires_at) VALUES (?, ?, ?) ON CONFLICT(record_id) DO UPDATE"
                    " SET reviewer = excluded.reviewer, expires_at = excluded.expires_at"
                    " WHERE claims.reviewer = excluded.reviewer OR claims.expires_at <= ?",
                    (record_id, reviewer, now + seconds, now),
                ).rowcount
                > 0
            )

    def release(self, record_id: str, reviewer: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM claims WHERE record_id = ? AND reviewer = ?", (record_id, reviewer))
