"""The write side of review.db: what the review app (and its bulk actions) do to it.

Writes are optimistic: each names the item version it was based on, and one based on a stale version
is refused with a :class:`~tadka.errors.ConflictError` naming who changed the item — the refused
attempt (an edit's text included) is still written to the audit log, so nothing is lost. An edit is
the exception that is merged instead of refused: it names the text it was made from (``seen``), and
only the turns the reviewer changed are written on top of the current version; the same turn changed
by both is an :class:`EditConflict` carrying both texts. Every write is one SQLite transaction, so a
process killed mid-way loses at most the write it had not committed.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass

from tadka.errors import ConflictError, InputError, TadkaError
from tadka.records import Record, validate_messages
from tadka.review.merge import Merge, merge_turns
from tadka.review.annotations import ReviewAnnotations
from tadka.review.reads import Item, TextVersion  # noqa: F401  (Item is part of this API)

EDIT_KINDS = ("edit", "merge", "resolve", "restore")


@dataclass(frozen=True)
class Change:
    """One applied write, as the app keeps it so that undo can put the item back exactly."""

    action: str
    before: Item
    after: Item
    label_id: int | None = None
    record: Record | None = None
    label_only: bool = False  # a blind second label on a shared record: the item itself was not changed
    merged_over: int | None = None  # an edit merged on top of this newer version (another reviewer's)
    turns: tuple[int, ...] = ()  # the turns this edit changed

    def to_dict(self) -> dict:
        """What an undo step keeps in review.db (the Record itself is in ``edits``)."""
        return {
            "action": self.action,
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "label_id": self.label_id,
            "label_only": self.label_only,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Change":
        return cls(
            data["action"],
            Item(**data["before"]),
            Item(**data["after"]),
            data.get("label_id"),
            label_only=bool(data.get("label_only")),
        )


class EditConflict(ConflictError):
    """The same turn was changed by this reviewer and by someone else since the reviewer's version."""

    merge: Merge
    current: Item


def _plain(messages: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": m["content"]} for m in messages]


class ReviewStore(ReviewAnnotations):
    """Reads and writes of review.db for one user of the app: the unversioned writes (tags, notes,
    claims) are :class:`~tadka.review.annotations.ReviewAnnotations`'s; the versioned ones are here."""

    # -- versioned writes ----------------------------------------------------------------------
    def _load(self, c: sqlite3.Connection, record_id: str) -> Item:
        return self._row_item(record_id, c.execute("SELECT * FROM items WHERE record_id = ?", (record_id,)).fetchone())

    @staticmethod
    def _put(
        c: sqlite3.Connection,
        before: Item,
        stage: str,
        status: str,
        current_json: str | None,
        reason: str | None,
        reviewer: str,
    ) -> Item:
        after = Item(before.record_id, status, before.version + 1, current_json, reason, reviewer, time.time())
        c.execute(
            "INSERT INTO items(record_id, stage, status, version, current_json, reason, updated_by, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(record_id) DO UPDATE SET stage = excluded.stage,"
            " status = excluded.status, version = excluded.version, current_json = excluded.current_json,"
            " reason = excluded.reason, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (
                after.record_id,
                stage,
                after.status,
                after.version,
                after.current_json,
                after.reason,
                after.updated_by,
                after.updated_at,
            ),
        )
        return after

    def _refuse(
        self,
        c: sqlite3.Connection,
        current: Item,
        action: str,
        reviewer: str,
        base_version: int,
        detail: dict,
        merge: Merge | None = None,
    ) -> ConflictError:
        """Log a stale write (with everything it carried) and build the error that names who won."""
        self._audit(
            c,
            reviewer,
            current.record_id,
            action,
            base_version,
            "conflict",
            {**detail, "current_version": current.version, "changed_by": current.updated_by},
        )
        when = time.strftime("%H:%M:%S", time.localtime(current.updated_at)) if current.updated_at else "?"
        who = current.updated_by or "someone"
        if merge is not None:
            turns = ", ".join(str(t.turn + 1) for t in merge.conflicts)
            err: ConflictError = EditConflict(
                f"{who} also changed turn {turns} at {when} (version {current.version}; you saw version"
                f" {base_version})",
                field=f"record {current.record_id}",
                hint="choose a text for each turn, or merge them",
            )
            err.merge = merge
        else:
            err = ConflictError(
                f"your {action} was not applied: {who} changed it at {when}"
                f" (now {current.status}, version {current.version}; you saw version {base_version})",
                field=f"record {current.record_id}",
                hint="it now shows their change; review it again",
            )
        err.changed_by, err.current = current.updated_by, current
        return err

    def decide(
        self,
        record_id: str,
        label: str,
        *,
        stage: str,
        reviewer: str,
        base_version: int,
        reason: str | None = None,
        blind: bool = False,
    ) -> Change:
        """Accept or reject. Accepting an edited record keeps its edit (status stays ``edited``).

        ``blind`` is for shared (double-review) records, where the reviewer did not see the others'
        labels: once someone else decided the record, this label is kept for agreement only and the
        item is left as it is — a blind label never overrides a decision its reviewer did not see.
        """
        if label not in ("accepted", "rejected"):
            raise InputError(f"unknown decision {label!r}", field="label", hint="accepted or rejected")
        action = "accept" if label == "accepted" else "reject"
        error: TadkaError | None = None
        with self._tx() as c:
            before = self._load(c, record_id)
            if blind and (before.status != "pending" or before.version != base_version):
                label_id = c.execute(
                    "INSERT INTO labels(record_id, reviewer, label, reason, created_at, version)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (record_id, reviewer, label, reason, time.time(), before.version),
                ).lastrowid
                self._audit(
                    c,
                    reviewer,
                    record_id,
                    action,
                    base_version,
                    "label-only",
                    {"label": label, "reason": reason, "status": before.status},
                )
                return Change(action, before, before, label_id, label_only=True)
            if before.version != base_version:
                error = self._refuse(c, before, action, reviewer, base_version, {"label": label, "reason": reason})
            else:
                status = "edited" if label == "accepted" and before.current_json else label
                after = self._put(
                    c, before, stage, status, before.current_json, reason if label == "rejected" else None, reviewer
                )
                label_id = c.execute(
                    "INSERT INTO labels(record_id, reviewer, label, reason, created_at, version)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (record_id, reviewer, label, reason, after.updated_at, after.version),
                ).lastrowid
                self._audit(
                    c,
                    reviewer,
                    record_id,
                    action,
                    base_version,
                    "ok",
                    {"label": label, "reason": reason, "from": before.status, "to": status},
                )
        if error:
            raise error
        return Change(action, before, after, label_id)

    def edit(
        self,
        original: Record,
        messages: list[dict],
        *,
        stage: str,
        reviewer: str,
        base_version: int,
        seen: list[dict] | None = None,
        kind: str = "edit",
    ) -> Change:
        """Save an edit as a new Record (``source.kind`` edit, parent = the version it was made from).

        ``seen`` is the text the reviewer's boxes started from (the version ``base_version``). When the
        record changed since, the turns the reviewer changed are merged onto the current text — a turn
        that the other side changed too raises :class:`EditConflict` with both texts. Without ``seen``
        (or when the record was rejected meanwhile: a decision, not a text) a stale edit is refused.
        The stage's original is never touched; every saved version stays in ``edits``.
        """
        if kind not in EDIT_KINDS:
            raise InputError(f"unknown kind of edit {kind!r}", field="kind", hint=", ".join(EDIT_KINDS))
        messages = validate_messages(messages)
        error: TadkaError | None = None
        merged_over: int | None = None
        with self._tx() as c:
            before = self._load(c, original.id)
            base = before.current() or original
            turns = tuple(i for i, (m, b) in enumerate(zip(messages, base.messages)) if m["content"] != b["content"])
            if before.version != base_version:
                merge = merge_turns(seen, messages, base.messages) if seen is not None else None
                if merge is None or before.status == "rejected":
                    error = self._refuse(c, before, "edit", reviewer, base_version, {"messages": messages})
                elif merge.conflicts:
                    error = self._refuse(
                        c,
                        before,
                        "edit",
                        reviewer,
                        base_version,
                        {"messages": messages, "turns": [t.turn for t in merge.conflicts]},
                        merge,
                    )
                else:
                    messages, merged_over, turns, kind = merge.messages, before.version, merge.mine, "merge"
            if error is None and _plain(messages) == _plain(base.messages):
                error = InputError(
                    "nothing changed",
                    field="messages",
                    hint="edit a turn first" if merged_over is None else "the current text already has it",
                )
            if error is None:
                after, new = self._save_text(c, original, before, base, messages, stage, reviewer, kind)
                label_id = c.execute(
                    "INSERT INTO labels(record_id, reviewer, label, reason, created_at, version)"
                    " VALUES (?, ?, 'edited', NULL, ?, ?)",
                    (original.id, reviewer, after.updated_at, after.version),
                ).lastrowid
                self._audit(
                    c,
                    reviewer,
                    original.id,
                    "edit",
                    base_version,
                    "ok" if merged_over is None else "merged",
                    {
                        "new_id": new.id,
                        "parent_id": base.id,
                        "from": before.status,
                        "kind": kind,
                        "turns": list(turns),
                        "merged_over": merged_over,
                    },
                )
        if error:
            raise error
        return Change("edit", before, after, label_id, new, merged_over=merged_over, turns=tuple(turns))

    def _save_text(
        self,
        c: sqlite3.Connection,
        original: Record,
        before: Item,
        base: Record,
        messages: list[dict],
        stage: str,
        reviewer: str,
        kind: str,
    ) -> tuple[Item, Record]:
        new = base.derive(
            messages=messages, source={**base.source, "kind": "edit", "parent_id": base.id}, status="edited"
        )
        after = self._put(c, before, stage, "edited", json.dumps(new.to_dict(), ensure_ascii=False), None, reviewer)
        c.execute(
            "INSERT INTO edits(record_id, version, new_id, record_json, reviewer, created_at, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (original.id, after.version, new.id, after.current_json, reviewer, after.updated_at, kind),
        )
        return after, new

    def restore(
        self, original: Record, version: TextVersion, *, stage: str, reviewer: str, base_version: int
    ) -> Change:
        """Make an earlier text (any of :meth:`text_versions`) the current one, as a new version.

        Restoring the stage's original drops the edit: the record goes back to ``pending`` (it needs a
        decision on that text again) unless it was decided without an edit. Nothing is deleted: the
        versions restored over stay in ``edits``.
        """
        messages = validate_messages(version.messages)
        error: TadkaError | None = None
        with self._tx() as c:
            before = self._load(c, original.id)
            base = before.current() or original
            if before.version != base_version:
                error = self._refuse(c, before, "restore", reviewer, base_version, {"from": version.label})
            elif _plain(messages) == _plain(base.messages):
                error = InputError("nothing changed", field="version", hint=f"{version.label} is the current text")
            elif _plain(messages) == _plain(original.messages):
                status = "pending" if before.status == "edited" else before.status
                after, new = (
                    self._put(
                        c, before, stage, status, None, before.reason if status == "rejected" else None, reviewer
                    ),
                    None,
                )
            else:
                after, new = self._save_text(c, original, before, base, messages, stage, reviewer, "restore")
            if error is None:
                self._audit(
                    c,
                    reviewer,
                    original.id,
                    "restore",
                    base_version,
                    "ok",
                    {
                        "from": version.label,
                        "kind": version.kind,
                        "new_id": new.id if new else original.id,
                        "status": after.status,
                    },
                )
        if error:
            raise error
        return Change("restore", before, after, None, new)

    def undo(self, change: Change, *, reviewer: str) -> Change:
        """Put an item back as it was before ``change`` — refused if anyone wrote to it since."""
        rid = change.after.record_id
        error: TadkaError | None = None
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
                self._audit(
                    c,
                    reviewer,
                    rid,
                    "undo",
                    change.after.version,
                    "ok",
                    {"undid": change.action, "from": now.status, "to": b.status},
                )
        if error:
            raise error
        return Change("undo", now, after)

    @staticmethod
    def _stage_of(c: sqlite3.Connection, record_id: str) -> str:
        return c.execute("SELECT stage FROM items WHERE record_id = ?", (record_id,)).fetchone()[0]
