"""One reviewer's working state, kept in review.db so that it survives a reconnect or a restart:
the edit they have not saved yet (a draft), the records they skipped, and their undo steps.

Before this lived in the browser session: a server restart lost the typed edit, and skip / undo last
only until the tab closed. None of it is a decision, so none of it goes to the audit log; each call is
one short transaction on the store's connection.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from tadka.review.store import ReviewStore

UNDO_KEEP = 200  # undo steps kept per reviewer: undo is for the last few actions, not a history


@dataclass(frozen=True)
class Draft:
    """An unsaved edit: the text typed, and the text (version) it was typed on."""

    record_id: str
    base_version: int
    seen: list[dict]
    messages: list[dict]
    updated_at: float


@dataclass(frozen=True)
class UndoStep:
    id: int
    kind: str  # change | tag | note | skip
    record_id: str
    payload: object


class ReviewerState:
    """Drafts, skips and undo steps of ``reviewer``, through ``store``'s connection."""

    def __init__(self, store: ReviewStore, reviewer: str) -> None:
        self.store = store
        self.reviewer = reviewer

    # -- drafts ----------------------------------------------------------------------------------
    def save_draft(self, record_id: str, base_version: int, seen: list[dict], messages: list[dict]) -> None:
        with self.store._tx() as c:
            c.execute(
                "INSERT INTO drafts(record_id, reviewer, base_version, seen_json, messages_json, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(record_id, reviewer) DO UPDATE SET"
                " base_version = excluded.base_version, seen_json = excluded.seen_json,"
                " messages_json = excluded.messages_json, updated_at = excluded.updated_at",
                (
                    record_id,
                    self.reviewer,
                    base_version,
                    json.dumps(seen, ensure_ascii=False),
                    json.dumps(messages, ensure_ascii=False),
                    time.time(),
                ),
            )

    def draft(self, record_id: str) -> Draft | None:
        rows = self.store._read("SELECT * FROM drafts WHERE record_id = ? AND reviewer = ?", (record_id, self.reviewer))
        if not rows:
            return None
        r = rows[0]
        return Draft(
            record_id, r["base_version"], json.loads(r["seen_json"]), json.loads(r["messages_json"]), r["updated_at"]
        )

    def drop_draft(self, record_id: str) -> None:
        with self.store._tx() as c:
            c.execute("DELETE FROM drafts WHERE record_id = ? AND reviewer = ?", (record_id, self.reviewer))

    def drafts(self) -> list[str]:
        """Records with an unsaved edit of this reviewer, newest first."""
        return [
            r[0]
            for r in self.store._read(
                "SELECT record_id FROM drafts WHERE reviewer = ? ORDER BY updated_at DESC", (self.reviewer,)
            )
        ]

    # -- skips -----------------------------------------------------------------------------------
    def skip(self, record_id: str) -> None:
        with self.store._tx() as c:
            c.execute(
                "INSERT OR REPLACE INTO skips(reviewer, record_id, created_at) VALUES (?, ?, ?)",
                (self.reviewer, record_id, time.time()),
            )

    def unskip(self, record_id: str | None = None) -> int:
        """Put one skipped record (or, with None, every one) back into this reviewer's queue."""
        with self.store._tx() as c:
            if record_id is None:
                return c.execute("DELETE FROM skips WHERE reviewer = ?", (self.reviewer,)).rowcount
            return c.execute(
                "DELETE FROM skips WHERE reviewer = ? AND record_id = ?", (self.reviewer, record_id)
            ).rowcount

    def skipped(self) -> set[str]:
        return {r[0] for r in self.store._read("SELECT record_id FROM skips WHERE reviewer = ?", (self.reviewer,))}

    # -- undo steps ------------------------------------------------------------------------------
    def push_undo(self, kind: str, record_id: str, payload: object = None) -> None:
        with self.store._tx() as c:
            c.execute(
                "INSERT INTO undo_steps(reviewer, kind, record_id, payload, created_at) VALUES (?, ?, ?, ?, ?)",
                (self.reviewer, kind, record_id, json.dumps(payload, ensure_ascii=False), time.time()),
            )
            c.execute(
                "DELETE FROM undo_steps WHERE reviewer = ? AND id <= (SELECT id FROM undo_steps WHERE"
                " reviewer = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (self.reviewer, self.reviewer, UNDO_KEEP),
            )

    def last_undo(self) -> UndoStep | None:
        rows = self.store._read(
            "SELECT id, kind, record_id, payload FROM undo_steps WHERE reviewer = ? ORDER BY id DESC LIMIT 1",
            (self.reviewer,),
        )
        if not rows:
            return None
        r = rows[0]
        return UndoStep(r["id"], r["kind"], r["record_id"], json.loads(r["payload"]) if r["payload"] else None)

    def drop_undo(self, step: UndoStep) -> None:
        with self.store._tx() as c:
            c.execute("DELETE FROM undo_steps WHERE id = ? AND reviewer = ?", (step.id, self.reviewer))

    def can_undo(self) -> bool:
        return bool(self.store._read("SELECT 1 FROM undo_steps WHERE reviewer = ? LIMIT 1", (self.reviewer,)))
