"""The write side of review.db: what the review app (and its bulk actions) do to it.

Writes are optimistic: each names the item version it was based on, and one based on a stale version
is refused with a :class:`~tadka.errors.ConflictError` naming who changed the item — the refused
attempt (an edit's text included) is still written to the audit log, so nothing is lost. Every write
is one SQLite transaction, so a process killed mid-way loses at most the write it had not committed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from tadka.errors import ConflictError, InputError
from tadka.records import Record, validate_messages
from tadka.reviewdb import open_review_db

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


@dataclass(frozen=True)
class Change:
    """One applied write, as the app keeps it so that undo can put the item back exactly."""

    action: str
    before: Item
    after: Item
    label_id: int | None = None
    record: Record | None = None
    label_only: bool = False  # a blind second label on a shared record: the item itself was not changed


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class ReviewStore:
    """Reads and writes of review.db for one user of the app (one connection, used under a lock)."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.conn = open_review_db(self.path)
        self._lock = threading.RLock()

    def close(self) -> None:
        self.conn.close()

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

    # -- reads ---------------------------------------------------------------------------------
    def _read(self, sql: str, args: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self.conn.execute(sql, tuple(args)).fetchall()

    @staticmethod
    def _row_item(record_id: str, row: sqlite3.Row | None) -> Item:
        if row is None:
            return Item(record_id)
        return Item(record_id, row["status"], row["version"], row["current_json"], row["reason"],
                    row["updated_by"], row["updated_at"])

    def item(self, record_id: str) -> Item:
        rows = self._read("SELECT * FROM items WHERE record_id = ?", (record_id,))
        return self._row_item(record_id, rows[0] if rows else None)

    def items(self, ids: Iterable[str]) -> dict[str, Item]:
        """Items for these ids (untouched ones as version-0 pending Items)."""
        ids = list(ids)
        out = {i: Item(i) for i in ids}
        for part in _chunks(ids):
            for row in self._read(
                "SELECT record_id, status, version, reason, updated_by, updated_at, NULL AS current_json"
                f" FROM items WHERE record_id IN ({_marks(len(part))})", part,
            ):
                out[row["record_id"]] = self._row_item(row["record_id"], row)
        return out

    def statuses(self) -> dict[str, tuple[str, int]]:
        """record_id → (status, version) for every touched record (the index scan of Browse)."""
        return {r[0]: (r[1], r[2]) for r in self._read("SELECT record_id, status, version FROM items")}

    def status_counts(self, stage: str) -> dict[str, int]:
        """Status → items decided while reviewing ``stage`` (an index range scan: cheap on every rerun)."""
        return {r[0]: r[1] for r in self._read("SELECT status, COUNT(*) FROM items WHERE stage = ? GROUP BY status",
                                               (stage,))}

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
        return {r[0] for r in self._read(f"SELECT record_id FROM tags WHERE tag IN ({_marks(len(tags))})", tags)}

    def notes_of(self, record_id: str) -> list[dict]:
        rows = self._read("SELECT id, reviewer, text, created_at FROM notes WHERE record_id = ? ORDER BY id",
                          (record_id,))
        return [dict(r) for r in rows]

    def history(self, record_id: str) -> list[dict]:
        rows = self._read("SELECT * FROM audit WHERE record_id = ? ORDER BY id", (record_id,))
        return [dict(r) for r in rows]

    def audit_rows(self, limit: int = 200) -> list[dict]:
        return [dict(r) for r in self._read("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,))]

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
        for part in _chunks(ids):
            for rid, who in self._read(
                "SELECT DISTINCT record_id, reviewer FROM labels"
                f" WHERE active = 1 AND record_id IN ({_marks(len(part))})",
                part,
            ):
                out.setdefault(rid, set()).add(who)
        return out

    def claimed_by_others(self, ids: Iterable[str], reviewer: str, now: float | None = None) -> set[str]:
        ids, now = list(ids), now or time.time()
        out: set[str] = set()
        for part in _chunks(ids):
            out |= {r[0] for r in self._read(
                f"SELECT record_id FROM claims WHERE record_id IN ({_marks(len(part))})"
                " AND reviewer != ? AND expires_at > ?",
                [*part, reviewer, now],
            )}
        return out

    # -- writes --------------------------------------------------------------------------------
    def add_reviewer(self, name: str) -> None:
        name = name.strip()
        if not name:
            raise InputError("a reviewer needs a name", field="reviewer")
        with self._tx() as c:
            added = c.execute("INSERT OR IGNORE INTO reviewers(name, created_at) VALUES (?, ?)", (name, time.time()))
            if added.rowcount:
                self._audit(c, name, None, "join", None, "ok", None)

    @staticmethod
    def _audit(c: sqlite3.Connection, reviewer: str | None, record_id: str | None, action: str,
               base_version: int | None, outcome: str, detail: dict | None) -> None:
        c.execute(
            "INSERT INTO audit(ts, reviewer, record_id, action, base_version, outcome, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (time.time(), reviewer, record_id, action, base_version, outcome,
             json.dumps(detail, ensure_ascii=False) if detail is not None else None),
        )

    def _load(self, c: sqlite3.Connection, record_id: str) -> Item:
        return self._row_item(record_id, c.execute("SELECT * FROM items WHERE record_id = ?", (record_id,)).fetchone())

    @staticmethod
    def _put(c: sqlite3.Connection, before: Item, stage: str, status: str, current_json: str | None,
             reason: str | None, reviewer: str) -> Item:
        after = Item(before.record_id, status, before.version + 1, current_json, reason, reviewer, time.time())
        c.execute(
            "INSERT INTO items(record_id, stage, status, version, current_json, reason, updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET stage = excluded.stage,"
            " status = excluded.status, version = excluded.version, current_json = excluded.current_json,"
            " reason = excluded.reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (after.record_id, stage, after.status, after.version, after.current_json, after.reason,
             after.updated_by, after.updated_at),
        )
        return after

    def _refuse(self, c: sqlite3.Connection, current: Item, action: str, reviewer: str, base_version: int,
                detail: dict) -> ConflictError:
        """Log a stale write (with everything it carried) and build the error that names who won."""
        self._audit(c, reviewer, current.record_id, action, base_version, "conflict",
                    {**detail, "current_version": current.version, "changed_by": current.updated_by})
        when = time.strftime("%H:%M:%S", time.localtime(current.updated_at)) if current.updated_at else "?"
        err = ConflictError(
            f"your {action} was not applied: {current.updated_by or 'someone'} changed it at {when}"
            f" (now {current.status}, version {current.version}; you saw version {base_version})",
            field=f"record {current.record_id}", hint="it now shows their change; review it again",
        )
        err.changed_by, err.current = current.updated_by, current
        return err

    def decide(self, record_id: str, label: str, *, stage: str, reviewer: str, base_version: int,
               reason: str | None = None, blind: bool = False) -> Change:
        """Accept or reject. Accepting an edited record keeps its edit (status stays ``edited``).

        ``blind`` is for shared (double-review) records, where the reviewer did not see the others'
        labels: once someone else decided the record, this label is kept for agreement only and the
        item is left as it is — a blind label never overrides a decision its reviewer did not see.
        """
        if label not in ("accepted", "rejected"):
            raise InputError(f"unknown decision {label!r}", field="label", hint="accepted or rejected")
        action = "accept" if label == "accepted" else "reject"
        error = None
        with self._tx() as c:
            before = self._load(c, record_id)
            if blind and (before.status != "pending" or before.version != base_version):
                label_id = c.execute(
                    "INSERT INTO labels(record_id, reviewer, label, reason, created_at, version)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (record_id, reviewer, label, reason, time.time(), before.version),
                ).lastrowid
                self._audit(c, reviewer, record_id, action, base_version, "label-only",
                            {"label": label, "reason": reason, "status": before.status})
                return Change(action, before, before, label_id, label_only=True)
            if before.version != base_version:
                error = self._refuse(c, before, action, reviewer, base_version, {"label": label, "reason": reason})
            else:
                status = "edited" if label == "accepted" and before.current_json else label
                after = self._put(c, before, stage, status, before.current_json,
                                  reason if label == "rejected" else None, reviewer)
                label_id = c.execute(
                    "INSERT INTO labels(record_id, reviewer, label, reason, created_at, version)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (record_id, reviewer, label, reason, after.updated_at, after.version),
                ).lastrowid
                self._audit(c, reviewer, record_id, action, base_version, "ok",
                            {"label": label, "reason": reason, "from": before.status, "to": status})
        if error:
            raise error
        return Change(action, before, after, label_id)

    def edit(self, original: Record, messages: list[dict], *, stage: str, reviewer: str, base_version: int) -> Change:
        """Save an edit as a new Record (``source.kind`` edit, parent = the version it was made from).

        The stage's original is never touched; every edited version stays in ``edits``.
        """
        messages = validate_messages(messages)
        error = None
        with self._tx() as c:
            before = self._load(c, original.id)
            if before.version != base_version:
                error = self._refuse(c, before, "edit", reviewer, base_version, {"messages": messages})
            else:
                base = before.current() or original
                if messages == [{"role": m["role"], "content": m["content"]} for m in base.messages]:
                    error = InputError("nothing changed", field="messages", hint="edit a turn first")
                else:
                    new = base.derive(messages=messages, source={**base.source, "kind": "edit", "parent_id": base.id},
                                      status="edited")
                    after = self._put(c, before, stage, "edited", json.dumps(new.to_dict(), ensure_ascii=False),
                                      None, reviewer)
                    c.execute(
                        "INSERT INTO edits(record_id, version, new_id, record_json, reviewer, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (original.id, after.version, new.id, after.current_json, reviewer, after.updated_at),
                    )
                    label_id = c.execute(
                        "INSERT INTO labels(record_id, reviewer, label, reason, created_at, version)"
                        " VALUES (?, ?, 'edited', NULL, ?, ?)",
                        (original.id, reviewer, after.updated_at, after.version),
                    ).lastrowid
                    self._audit(c, reviewer, original.id, "edit", base_version, "ok",
                                {"new_id": new.id, "parent_id": base.id, "from": before.status})
        if error:
            raise error
        return Change("edit", before, after, label_id, new)

    def undo(self, change: Change, *, reviewer: str) -> Change:
        """Put an item back as it was before ``change`` — refused if anyone wrote to it since."""
        rid = change.after.record_id
        error = None
        with self._tx() as c:
            now = self._load(c, rid)
            if change.label_only:
                c.execute("UPDATE labels SET active = 0 WHERE id = ?", (change.label_id,))
                self._audit(c, reviewer, rid, "undo", now.version, "ok", {"undid": f"{change.action} (label only)"})
                return Change("undo", now, now)
            if now.version != change.after.version:
                error = self._refuse(c, now, "undo", reviewer, change.after.version, {"undo": change.action})
            else:
                b = change.before
                after = self._put(c, now, self._stage_of(c, rid), b.status, b.current_json, b.reason, reviewer)
                if change.label_id is not None:
                    c.execute("UPDATE labels SET active = 0 WHERE id = ?", (change.label_id,))
                self._audit(c, reviewer, rid, "undo", change.after.version, "ok",
                            {"undid": change.action, "from": now.status, "to": b.status})
        if error:
            raise error
        return Change("undo", now, after)

    @staticmethod
    def _stage_of(c: sqlite3.Connection, record_id: str) -> str:
        return c.execute("SELECT stage FROM items WHERE record_id = ?", (record_id,)).fetchone()[0]

    def add_tag(self, record_id: str, tag: str, *, reviewer: str) -> bool:
        tag = " ".join(tag.split())
        if not tag:
            raise InputError("empty tag", field="tag")
        with self._tx() as c:
            added = c.execute("INSERT OR IGNORE INTO tags(record_id, tag, reviewer, created_at) VALUES (?, ?, ?, ?)",
                              (record_id, tag, reviewer, time.time())).rowcount > 0
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
            note_id = c.execute("INSERT INTO notes(record_id, reviewer, text, created_at) VALUES (?, ?, ?, ?)",
                                (record_id, reviewer, text.strip(), time.time())).lastrowid
            self._audit(c, reviewer, record_id, "note", None, "ok", {"note_id": note_id, "text": text.strip()})
        return note_id

    def delete_note(self, note_id: int, *, reviewer: str) -> bool:
        """Remove a note (its text stays in the audit log)."""
        with self._tx() as c:
            row = c.execute("SELECT record_id, text FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None:
                return False
            c.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            self._audit(c, reviewer, row["record_id"], "delete-note", None, "ok",
                        {"note_id": note_id, "text": row["text"]})
        return True

    def claim(self, record_id: str, reviewer: str, seconds: float) -> bool:
        """Hold a record on one reviewer's screen for a while; False if another reviewer holds it."""
        now = time.time()
        with self._tx() as c:
            return c.execute(
                "INSERT INTO claims(record_id, reviewer, expires_at) VALUES (?, ?, ?) ON CONFLICT(record_id) DO UPDATE"
                " SET reviewer = excluded.reviewer, expires_at = excluded.expires_at"
                " WHERE claims.reviewer = excluded.reviewer OR claims.expires_at <= ?",
                (record_id, reviewer, now + seconds, now),
            ).rowcount > 0

    def release(self, record_id: str, reviewer: str) -> None:
        with self._tx() as c:
            c.execute("DELETE FROM claims WHERE record_id = ? AND reviewer = ?", (record_id, reviewer))
