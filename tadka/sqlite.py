"""SQLite files with a versioned schema: review.db and cache/teacher.db.

A ``schema_migrations`` table records which numbered migrations ran; opening a database applies the
missing ones inside one transaction, so an old workspace upgrades in place and a crash mid-upgrade
leaves the old schema. WAL mode lets readers (the review app's pages) run beside one writer.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from tadka.errors import WorkspaceError

MIGRATIONS: dict[str, list[tuple[int, str, str]]] = {}


def migration(db: str, version: int, name: str, sql: str) -> None:
    """Register migration ``version`` of database kind ``db`` (e.g. "review", "teacher")."""
    steps = MIGRATIONS.setdefault(db, [])
    if any(v == version for v, _, _ in steps):
        raise ValueError(f"{db} migration {version} registered twice")
    steps.append((version, name, sql))
    steps.sort()


def connect(path: str | os.PathLike, db: str, *, timeout: float = 10.0) -> sqlite3.Connection:
    """Open (creating if needed) a database of kind ``db`` and bring its schema up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    migrate(conn, db, path)
    return conn


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if row is None:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def _statements(sql: str) -> list[str]:
    """Split a migration into statements (trigger bodies contain ';', so ask SQLite where one ends)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def migrate(conn: sqlite3.Connection, db: str, path: Path | None = None) -> int:
    """Apply the registered migrations that have not run yet; returns the resulting version."""
    steps = MIGRATIONS.get(db, [])
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
        current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
        known = steps[-1][0] if steps else 0
        if current > known:
            raise WorkspaceError(
                f"{db} database is at schema version {current}, newer than this tadka knows ({known})",
                file=path,
                hint="upgrade tadka",
            )
        for version, name, sql in steps:
            if version > current:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, time.time()),
                )
                current = version
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return current
