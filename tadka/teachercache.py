"""cache/teacher.db: request-hash → response, so an interrupted run resumes without paying twice.

The key hashes only what changes the answer (model, messages, sampling parameters, seed), never the
API key or settings that do not reach the model; see :func:`request_key`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from tadka.sqlite import connect, migration

migration(
    "teacher",
    1,
    "initial",
    """
CREATE TABLE responses (
  key TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  request_json TEXT NOT NULL,
  response_json TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  created_at REAL NOT NULL
);
""",
)


def request_key(model: str, messages: list[dict[str, str]], params: dict[str, Any], seed: int | None) -> str:
    """A stable hash of everything that decides a teacher's answer."""
    payload = json.dumps(
        {"model": model, "messages": messages, "params": params, "seed": seed},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def open_teacher_cache(path: str | os.PathLike) -> sqlite3.Connection:
    return connect(path, "teacher")


def get(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT response_json FROM responses WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def put(
    conn: sqlite3.Connection,
    key: str,
    model: str,
    request: dict,
    response: dict,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    cost_usd: float = 0.0,
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            key,
            model,
            json.dumps(request, ensure_ascii=False),
            json.dumps(response, ensure_ascii=False),
            prompt_tokens,
            completion_tokens,
            cost_usd,
            time.time(),
        ),
    )


# -- schema v2: Batch API jobs, so a killed `--batch` run re-attaches instead of paying twice -------
migration(
    "teacher",
    2,
    "batches",
    """
CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  model TEXT NOT NULL,
  status TEXT NOT NULL,
  input_file_id TEXT,
  output_file_id TEXT,
  error_file_id TEXT,
  n INTEGER NOT NULL,
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL
);
CREATE TABLE batch_items (
  key TEXT NOT NULL,
  batch_id TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
  request_json TEXT NOT NULL,
  PRIMARY KEY (key, batch_id)
);
CREATE INDEX batch_items_key ON batch_items(key);
CREATE INDEX responses_model ON responses(model);
""",
)

# -- schema v3: what tadka learnt about each endpoint (e.g. the structured-output step it accepts) ----
migration(
    "teacher",
    3,
    "endpoint notes",
    """
CREATE TABLE endpoint_notes (
  endpoint TEXT NOT NULL,
  model TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  updated_at REAL NOT NULL,
  PRIMARY KEY (endpoint, model, name)
);
""",
)

# Batch states after which the server will never deliver more for a batch.
BATCH_DONE = ("completed", "failed", "expired", "cancelled", "lost")


@dataclass
class CacheStats:
    """What `tadka cache stats` prints."""

    path: str
    entries: int
    bytes: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    oldest: float | None
    newest: float | None
    by_model: dict[str, int]
    open_batches: int
    notes: list[dict[str, Any]] = field(default_factory=list)  # what was learnt per endpoint (see :meth:`note`)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TeacherCache:
    """cache/teacher.db as an object: many-key lookups, one transaction per answer, stats, clear.

    Every :meth:`put` is its own autocommitted transaction (the connection runs with
    ``isolation_level=None``), so an answer is on disk the moment it arrives and a SIGKILL loses
    only the requests still in flight. WAL with ``synchronous=NORMAL`` survives a killed process;
    only a power cut can drop the last few commits.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = os.fspath(path)
        self.conn = open_teacher_cache(path)

    def close(self) -> None:
        self.conn.close()

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        """key → {"response": …, "prompt_tokens", "completion_tokens", "cost_usd"} for the keys present."""
        out: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):  # SQLite caps bound parameters per statement
            chunk = unique[i : i + 500]
            rows = self.conn.execute(
                f"SELECT key, response_json, prompt_tokens, completion_tokens, cost_usd FROM responses "
                f"WHERE key IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for key, response, pt, ct, cost in rows:
                out[key] = {
                    "response": json.loads(response),
                    "prompt_tokens": pt,
                    "completion_tokens": ct,
                    "cost_usd": cost,
                }
        return out

    def put(
        self,
        key: str,
        model: str,
        request: dict,
        response: dict,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        cost_usd: float = 0.0,
    ) -> None:
        put(self.conn, key, model, request, response, prompt_tokens, completion_tokens, cost_usd)

    def stats(self) -> CacheStats:
        c = self.conn
        n, pt, ct, cost, oldest, newest = c.execute(
            "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), "
            "COALESCE(SUM(cost_usd), 0), MIN(created_at), MAX(created_at) FROM responses"
        ).fetchone()
        by_model = dict(c.execute("SELECT model, COUNT(*) FROM responses GROUP BY model ORDER BY 2 DESC").fetchall())
        open_batches = c.execute(
            f"SELECT COUNT(*) FROM batches WHERE status NOT IN ({','.join('?' * len(BATCH_DONE))})", BATCH_DONE
        ).fetchone()[0]
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return CacheStats(self.path, n, size, pt, ct, float(cost), oldest, newest, by_model, open_batches, self.notes())

    def clear(self, *, model: str | None = None, before: float | None = None) -> int:
        """Delete answers (all, one model's, or those stored before a time); returns how many."""
        where: list[str] = []
        args: list[Any] = []
        if model is not None:
            where.append("model = ?")
            args.append(model)
        if before is not None:
            where.append("created_at < ?")
            args.append(before)
        sql = "DELETE FROM responses" + (" WHERE " + " AND ".join(where) if where else "")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            n = self.conn.execute(sql, args).rowcount
            if model is not None:
                self.conn.execute("DELETE FROM endpoint_notes WHERE model = ?", (model,))
            if not where:
                self.conn.execute("DELETE FROM batches")
                self.conn.execute("DELETE FROM endpoint_notes")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        if not where:
            self.conn.execute("VACUUM")
        return n

    # -- endpoint notes: what a server accepts, learnt once and kept for later runs --------------
    def note(self, endpoint: str, model: str, name: str, value: str, reason: str = "") -> None:
        """Remember ``name = value`` for (endpoint, model), e.g. ``response_format = json_object``."""
        self.conn.execute(
            "INSERT OR REPLACE INTO endpoint_notes VALUES (?, ?, ?, ?, ?, ?)",
            (endpoint, model, name, value, reason[:400], time.time()),
        )

    def recall(self, endpoint: str, model: str, name: str) -> tuple[str, str, float] | None:
        """(value, reason, when) of a note, or None."""
        row = self.conn.execute(
            "SELECT value, reason, updated_at FROM endpoint_notes WHERE endpoint = ? AND model = ? AND name = ?",
            (endpoint, model, name),
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def notes(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT endpoint, model, name, value, reason, updated_at FROM endpoint_notes ORDER BY endpoint, model, name"
        ).fetchall()
        return [dict(zip(("endpoint", "model", "name", "value", "reason", "updated_at"), r)) for r in rows]

    # -- Batch API bookkeeping (see tadka.curate.generate.teachers.batch) ---------------------------------
    def add_batch(
        self, batch_id: str, model: str, status: str, input_file_id: str, items: list[tuple[str, dict]]
    ) -> None:
        """Remember a submitted batch and the request behind each of its keys, in one transaction."""
        now = time.time()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.execute(
                "INSERT OR REPLACE INTO batches VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
                (batch_id, model, status, input_file_id, len(items), now, now),
            )
            self.conn.executemany(
                "INSERT OR REPLACE INTO batch_items VALUES (?, ?, ?)",
                [(key, batch_id, json.dumps(req, ensure_ascii=False)) for key, req in items],
            )
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def update_batch(
        self, batch_id: str, status: str, output_file_id: str | None = None, error_file_id: str | None = None
    ) -> None:
        self.conn.execute(
            "UPDATE batches SET status = ?, output_file_id = COALESCE(?, output_file_id), "
            "error_file_id = COALESCE(?, error_file_id), updated_at = ? WHERE id = ?",
            (status, output_file_id, error_file_id, time.time(), batch_id),
        )

    def open_batches_for(self, keys: list[str]) -> dict[str, str]:
        """key → id of a batch still running on the server that holds it."""
        out: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        done = ",".join("?" * len(BATCH_DONE))
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            rows = self.conn.execute(
                f"SELECT i.key, i.batch_id FROM batch_items i JOIN batches b ON b.id = i.batch_id "
                f"WHERE b.status NOT IN ({done}) AND i.key IN ({','.join('?' * len(chunk))})",
                (*BATCH_DONE, *chunk),
            ).fetchall()
            out.update({k: b for k, b in rows})
        return out

    def batch_requests(self, batch_id: str) -> dict[str, dict]:
        """key → the request body sent in that batch (to cache answers for keys of another run)."""
        rows = self.conn.execute("SELECT key, request_json FROM batch_items WHERE batch_id = ?", (batch_id,))
        return {k: json.loads(r) for k, r in rows}
