"""What a generate run reads: the seed tasks (shipped or a file) or a workspace stage, as Records.

Kept apart from :mod:`tadka.curate.generate.pipeline` (the request → answer → measure loop) because
reading inputs has its own job: validate every seed line before any work starts (a bad line is an
InputError naming the file, line and field), pick the pack's side of each task, filter by domain,
and fix the order requests are made in (:func:`request_stream`), so a run depends only on its seed.
"""

from __future__ import annotations

import json
import random
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterator

from tadka.curate.generate.config import GenerateConfig
from tadka.errors import ConfigError, InputError
from tadka.records import Record
from tadka.workspace import Workspace

SEED_TASKS = "seeds/tasks.jsonl"


def load_seed_tasks(path: str | Path | None = None, pack: str = "hi") -> list[dict]:
    """Seed tasks (``{"id", "domain", "en": {...}, "hi_latn": {...}}`` per line), validated.

    ``path=None`` reads the shipped corpora/seeds/tasks.jsonl (another pack's: tasks_<pack>.jsonl,
    with ``<pack>_latn`` in place of ``hi_latn``). A malformed line is an InputError naming the
    file and line, raised before any work starts.
    """
    if path is None:
        shipped = SEED_TASKS if pack == "hi" else f"seeds/tasks_{pack}.jsonl"
        where: str | Path = f"corpora/{shipped}"
        node = files("tadka.corpora").joinpath(*shipped.split("/"))
        text = node.read_text(encoding="utf-8") if node.is_file() else ""
    else:
        where = Path(path)
        try:
            text = where.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("file not found", file=where, field="generate.input") from None
        except (IsADirectoryError, UnicodeDecodeError) as e:
            raise InputError(
                f"cannot read seed tasks: {type(e).__name__}", file=where, field="generate.input"
            ) from None
    tasks: list[dict] = []
    seen: set[str] = set()
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            task = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"invalid JSON: {e.msg}", file=where, line=lineno) from None
        _check_task(task, where, lineno, pack)
        if task["id"] in seen:
            raise InputError(f"duplicate id {task['id']!r}", file=where, line=lineno, field="id")
        seen.add(task["id"])
        tasks.append(task)
    if not tasks:
        raise InputError(
            "no seed tasks",
            file=where,
            field="generate.input",
            hint="one JSON object per line: {id, domain, en: {instruction, response}, hi_latn: {…}}",
        )
    return tasks


def _check_task(task: Any, where, lineno: int, pack: str = "hi") -> None:
    if not isinstance(task, dict):
        raise InputError("expected a JSON object", file=where, line=lineno)
    if not isinstance(task.get("id"), str) or not task["id"]:
        raise InputError("missing or empty id", file=where, line=lineno, field="id")
    usable = False
    for side in ("en", f"{pack}_latn"):
        pair = task.get(side)
        if pair is None:
            continue
        if not isinstance(pair, dict):
            raise InputError("expected {instruction, response}", file=where, line=lineno, field=side)
        for key in ("instruction", "response"):
            if not isinstance(pair.get(key), str):
                raise InputError("missing or not a string", file=where, line=lineno, field=f"{side}.{key}")
        usable = usable or bool(pair["instruction"].strip() and pair["response"].strip())
    if not usable:
        raise InputError(f"needs en or {pack}_latn with a non-empty instruction and response", file=where, line=lineno)


def seed_record(task: dict, pack: str = "hi") -> Record:
    """A seed task as a Record: its pack-frame pair (``hi_latn``, ``ta_latn``) where it has one, else
    the English pair."""
    side = f"{pack}_latn"
    pair = task.get(side) if (task.get(side) or {}).get("instruction", "").strip() else task["en"]
    lang = f"{pack}-Latn+en" if pair is task.get(side) else "en"
    return Record(
        messages=[
            {"role": "user", "content": pair["instruction"] or "-"},
            {"role": "assistant", "content": pair["response"] or "-"},
        ],
        lang=lang,
        source={"kind": "seed", "seed_id": task["id"]},
    )


def load_inputs(
    ws: Workspace | None, cfg: GenerateConfig, domains: list[str], pack: str = "hi"
) -> tuple[list[Record], dict[str, dict]]:
    """The input records and, for seed tasks, the tasks by id (recipes read both languages there);
    ``pack`` picks the shipped seed file and the pack-frame side of each task."""
    if cfg.input.startswith("stage:"):
        if ws is None:
            raise ConfigError("stage inputs need a workspace", field="generate.input")
        if domains:
            raise ConfigError(
                "domains select seed tasks; a stage's records have no domain",
                field="generate.domains",
                hint="drop --domains, or use seed tasks as input",
            )
        records = list(ws.records(cfg.input.removeprefix("stage:")))
        if not records:
            raise InputError(f"stage {cfg.input.removeprefix('stage:')!r} is empty", field="generate.input")
        return records, {}
    path = None
    if cfg.input:
        path = Path(cfg.input)
        if not path.is_absolute() and ws is not None and not path.exists():
            path = ws.root / path
    tasks = load_seed_tasks(path, pack)
    if domains:
        known = sorted({t.get("domain", "") for t in tasks} - {""})
        unknown = [d for d in domains if d not in known]
        if unknown:
            raise ConfigError(f"unknown domain {unknown[0]!r} (known: {', '.join(known)})", field="generate.domains")
        tasks = [t for t in tasks if t.get("domain") in domains]
    return [seed_record(t, pack) for t in tasks], {t["id"]: t for t in tasks}


def request_stream(inputs: list[Record], seed: int) -> Iterator[tuple[Record, int]]:
    """(input, k) forever: a seeded shuffle of the inputs, then round k = 0, 1, 2 …"""
    order = list(inputs)
    random.Random(f"{seed}:generate:order").shuffle(order)
    k = 0
    while True:
        for record in order:
            yield record, k
        k += 1
