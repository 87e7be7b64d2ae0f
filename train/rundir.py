"""The files of one run folder, ``runs/<name>/``, shared by the training process and its watchers.

The trainer writes; the review app's Train page (through :mod:`tadka.train.runs`) mostly reads, so every
file here is either replaced atomically (status.json, config.yaml) or appended one whole line at a time
(metrics.jsonl), and a reader tolerates a half-written last line. status.json has two writers (the
launcher and the run itself), so its read-modify-write holds an exclusive lock on ``.status.lock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tadka.atomic import write_text
from tadka.errors import ConfigError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
STATES = ("running", "finished", "failed", "stopped")


def check_name(name: str) -> str:
    if not _NAME.match(name or "") or ".." in name:
        raise ConfigError(f"invalid run name {name!r}", field="--name", hint="letters, digits, '.', '_' and '-'")
    return name


@dataclass(frozen=True)
class RunDir:
    root: Path

    @classmethod
    def of(cls, runs_dir: Path, name: str) -> "RunDir":
        return cls(Path(runs_dir) / check_name(name))

    @property
    def name(self) -> str:
        return self.root.name

    config = property(lambda self: self.root / "config.yaml")
    status_file = property(lambda self: self.root / "status.json")
    metrics_file = property(lambda self: self.root / "metrics.jsonl")
    log_file = property(lambda self: self.root / "train.log")
    pid_file = property(lambda self: self.root / "pid")
    stop_file = property(lambda self: self.root / "stop_requested")
    checkpoints = property(lambda self: self.root / "checkpoints")
    adapter = property(lambda self: self.root / "adapter")
    merged = property(lambda self: self.root / "merged")
    loss_png = property(lambda self: self.root / "loss.png")
    card_md = property(lambda self: self.root / "README.md")
    card_json = property(lambda self: self.root / "run_card.json")

    def status(self) -> dict[str, Any]:
        try:
            return json.loads(self.status_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    @contextlib.contextmanager
    def _status_lock(self):
        fd = os.open(self.root / ".status.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for a read and a rename: microseconds
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def write_status(self, **fields: Any) -> dict[str, Any]:
        """Update some fields of status.json; two processes never lose each other's fields."""
        return self.update_status(lambda current: fields)

    def update_status(self, change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any]:
        """Read status.json, apply ``change(current)`` (the fields to set; None: leave it) and write it back,
        all under the lock: a decision made on what was read ("still running? then stopped") cannot be
        overtaken by the other writer between the read and the write. The only way status.json is written."""
        with self._status_lock():
            current = self.status()
            fields = change(dict(current))
            if not fields:
                return current
            status = {**current, **fields, "updated_at": time.time()}
            write_text(self.status_file, json.dumps(status, indent=2, ensure_ascii=False))
        return status

    def write_pid(self, pid: int) -> None:
        """The pid file, replaced atomically: a watcher never reads it empty or half-written."""
        write_text(self.pid_file, str(pid))

    def append_metrics(self, row: dict[str, Any]) -> None:
        line = json.dumps(row, ensure_ascii=False) + "\n"
        # One write() of a whole line in append mode: a reader never sees two rows interleaved.
        fd = os.open(self.metrics_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)

    def metrics(self) -> list[dict[str, Any]]:
        try:
            text = self.metrics_file.read_text(encoding="utf-8")
        except OSError:
            return []
        rows = []
        for line in text.splitlines():
            try:
                rows.append(json.loads(line))
            except ValueError:
                continue  # the line being written right now
        return rows

    def last_checkpoint(self) -> Path | None:
        """The newest complete checkpoint-N folder (one with trainer_state.json)."""
        done = [
            p
            for p in self.checkpoints.glob("checkpoint-*")
            if (p / "trainer_state.json").is_file() and p.name.split("-")[-1].isdigit()
        ]
        return max(done, key=lambda p: int(p.name.split("-")[-1]), default=None)
