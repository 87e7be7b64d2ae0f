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
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def open_teacher_cache(path: str | os.PathLike) -> sqlite3.Connection:
    return connect(path, "teacher")


def get(conn: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT response_json FROM responses WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else None


def put(conn: sqlite3.Connection, key: str, model: str, request: dict, response: dict,
        prompt_tokens: int = 0, completion_tokens: int = 0, cost_usd: float = 0.0) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (key, model, json.dumps(request, ensure_ascii=False), json.dumps(response, ensure_ascii=False),
         prompt_tokens, completion_tokens, cost_usd, time.time()),
    )
