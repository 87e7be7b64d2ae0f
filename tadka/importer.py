"""`tadka import`: validate a whole file first, then swap it into a stage in one atomic write.

Validation finishes before the workspace is touched, so a bad file (at any line) leaves the workspace
byte-identical, and a process killed mid-import leaves the earlier stage intact.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tadka.config import ImportConfig
from tadka.errors import ConfigError
from tadka.progress import progress
from tadka.records import FORMATS, read_records, to_table
from tadka.workspace import Workspace


@dataclass
class ImportResult:
    stage: str
    read: int
    added: int
    total: int


def import_file(ws: Workspace, path: str | os.PathLike, cfg: ImportConfig, *, lang: str | None = None) -> ImportResult:
    if cfg.format != "auto" and cfg.format not in FORMATS:
        raise ConfigError(f"unknown format {cfg.format!r}", field="import.format", hint=f"auto, {', '.join(FORMATS)}")
    if cfg.mode not in ("append", "replace"):
        raise ConfigError(f"unknown mode {cfg.mode!r}", field="import.mode", hint="append or replace")
    path = Path(path)
    records = read_records(
        path, fmt=cfg.format, lang=lang or ws.config.project.lang,
        max_line_bytes=int(cfg.max_line_mb * 2**20),
    )
    table = to_table(progress(records, desc=f"import {path.name}"))
    before = ws.dataset(cfg.stage).num_rows if ws.has_stage(cfg.stage) and cfg.mode == "append" else 0
    total = ws.write_stage(cfg.stage, table, mode=cfg.mode, meta={"source_file": str(path.resolve())})
    return ImportResult(cfg.stage, table.num_rows, total - before, total)
