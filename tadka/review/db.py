"""review.db: what reviewers decided, with nothing ever lost.

Schema version 1 is created by `tadka init`. ``items`` holds the current decision per record with a
version number for optimistic concurrency; ``labels`` keeps every reviewer's own label (agreement is
computed from it); ``edits`` keeps every edited version (the original stays in its stage);
``audit`` is append-only (triggers refuse UPDATE and DELETE). Version 2 adds what the review app
needs (label undo, claims, indexes). Version 3 adds what a team needs: accounts (hashed passwords,
roles) for a server off loopback, each reviewer's drafts, skips and undo steps (so they survive a
reconnect), and the kind of each saved version (edit, merge, resolve, restore). The app writes through
:class:`tadka.review.store.ReviewStore`; export reads through :func:`reviewed` so that what the app
shows is what trains.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from tadka.records import Record
from tadka.sqlite import connect, migration

migration(
    "review",
    1,
    "initial",
    """
CREATE TABLE reviewers (
  name TEXT PRIMARY KEY,
  created_at REAL NOT NULL
);
CREATE TABLE items (
  record_id TEXT PRIMARY KEY,
  stage TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'edited')),
  version INTEGER NOT NULL DEFAULT 0,
  current_json TEXT,
  reason TEXT,
  updated_by TEXT,
  updated_at REAL
);
CREATE INDEX items_status ON items(status);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  label TEXT NOT NULL,
  reason TEXT,
  created_at REAL NOT NULL
);
CREATE INDEX labels_record ON labels(record_id);
CREATE TABLE edits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  new_id TEXT NOT NULL,
  record_json TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE INDEX edits_record ON edits(record_id);
CREATE TABLE tags (
  record_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY (record_id, tag)
);
CREATE TABLE notes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  record_id TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at REAL NOT NULL
);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ts REAL NOT NULL,
  reviewer TEXT,
  record_id TEXT,
  action TEXT NOT NULL,
  base_version INTEGER,
  outcome TEXT NOT NULL,
  detail TEXT
);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit log is append-only');
END;
""",
)


def open_review_db(path: str | os.PathLike) -> sqlite3.Connection:
    return connect(path, "review")


def has_labels(path: str | os.PathLike) -> bool:
    """True once any record has a decision other than pending ("once review exists")."""
    path = Path(path)
    if not path.exists():
        return False
    conn = open_review_db(path)
    try:
        return conn.execute("SELECT 1 FROM items WHERE status != 'pending' LIMIT 1").fetchone() is not None
    finally:
        conn.close()


def reviewed(path: str | os.PathLike) -> dict[str, tuple[str, Record | None]]:
    """record_id → (status, latest edited Record or None) for every decided record."""
    path = Path(path)
    if not path.exists():
        return {}
    conn = open_review_db(path)
    try:
        out: dict[str, tuple[str, Record | None]] = {}
        for row in conn.execute("SELECT record_id, status, current_json FROM items WHERE status != 'pending'"):
            edited = Record.from_dict(json.loads(row["current_json"]), validate=False) if row["current_json"] else None
            out[row["record_id"]] = (row["status"], edited)
        return out
    finally:
        conn.close()


# -- the write side (schema version 2) -----------------------------------------------------------
migration(
    "review",
    2,
    "review app: label undo, claims, indexes",
    """
ALTER TABLE labels ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE labels ADD COLUMN version INTEGER;
CREATE INDEX labels_reviewer ON labels(reviewer, created_at);
CREATE INDEX items_stage_status ON items(stage, status);
CREATE INDEX tags_tag ON tags(tag);
CREATE INDEX notes_record ON notes(record_id);
CREATE INDEX audit_record ON audit(record_id);
CREATE TABLE claims (
  record_id TEXT PRIMARY KEY,
  reviewer TEXT NOT NULL,
  expires_at REAL NOT NULL
);
""",
)


# -- a team on one workspace (schema version 3) ----------------------------------------------------
migration(
    "review",
    3,
    "accounts, per-reviewer drafts, skips and undo steps, kinds of saved versions",
    """
CREATE TABLE accounts (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);
CREATE TABLE drafts (
  record_id TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  base_version INTEGER NOT NULL,
  seen_json TEXT NOT NULL,
  messages_json TEXT NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (record_id, reviewer)
);
CREATE TABLE skips (
  reviewer TEXT NOT NULL,
  record_id TEXT NOT NULL,
  created_at REAL NOT NULL,
  PRIMARY KEY (reviewer, record_id)
);
CREATE TABLE undo_steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  reviewer TEXT NOT NULL,
  kind TEXT NOT NULL,
  record_id TEXT NOT NULL,
  payload TEXT,
  created_at REAL NOT NULL
);
CREATE INDEX undo_steps_reviewer ON undo_steps(reviewer, id);
ALTER TABLE edits ADD COLUMN kind TEXT NOT NULL DEFAULT 'edit';
""",
)
