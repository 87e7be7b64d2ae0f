"""`tadka import`: validate a whole file first, then swap it into a stage in one atomic write.

Validation finishes before the workspace is touched, so a bad file (at any line) leaves the workspace
byte-identical, and a process killed mid-import leaves the earlier stage intact.

A row without a language tag gets the tag its text measures (tadka.lang's sentence ID over the user
and assistant turns), not an assumed ``hi-Latn+en``: an all-Devanagari chat is ``hi-Deva``, plain
English is ``en``. ``--lang`` still sets one tag for every untagged row.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from tadka.config import ImportConfig
from tadka.progress import progress
from tadka.records import Record, read_records, to_table
from tadka.workspace import Workspace

UNDETERMINED = "und"  # BCP-47 "undetermined": the row carried no tag; replaced by the measured one
_BATCH = 512  # records per tadka.lang batch: its unknown words go to fastText in one call


@dataclass
class ImportResult:
    stage: str
    read: int
    added: int
    total: int


def measured_tag(analysis) -> str:
    """A record's tag from what tadka.lang measured: the sentence's language, ``+en`` when English
    words are mixed in (``hi-Latn+en`` is Hinglish as typed, ``hi-Deva+en`` Devanagari with English)."""
    from tadka.lang.tags import EN, HI

    sentence, tags = analysis.lang, analysis.tags
    if sentence in ("hi-Latn", "hi-Deva"):
        return f"{sentence}+en" if EN in tags else sentence
    if sentence == "en":
        return "hi-Latn+en" if HI in tags else "en"
    return UNDETERMINED


def with_measured_lang(records: Iterable[Record]) -> Iterator[Record]:
    """Fill in the tag of every record that arrived without one (``und``), in batches."""
    from tadka.lang import analyze_batch

    records = iter(records)
    while batch := list(islice(records, _BATCH)):
        todo = [r for r in batch if r.lang == UNDETERMINED]
        if todo:
            texts = ["\n".join(m["content"] for m in r.messages if m["role"] != "system") for r in todo]
            for rec, analysis in zip(todo, analyze_batch(texts)):
                rec.lang = measured_tag(analysis)
        yield from batch


def import_file(ws: Workspace, path: str | os.PathLike, cfg: ImportConfig, *, lang: str | None = None) -> ImportResult:
    cfg.check()
    path = Path(path)
    records = read_records(path, fmt=cfg.format, lang=lang or UNDETERMINED, max_line_bytes=int(cfg.max_line_mb * 2**20))
    if not lang:
        records = with_measured_lang(records)
    table = to_table(progress(records, desc=f"import {path.name}"))
    before = ws.dataset(cfg.stage).num_rows if ws.has_stage(cfg.stage) and cfg.mode == "append" else 0
    total = ws.write_stage(cfg.stage, table, mode=cfg.mode, meta={"source_file": str(path.resolve())})
    return ImportResult(cfg.stage, table.num_rows, total - before, total)
