"""`tadka augment`'s two runs: a workspace stage, or an eval file noised one record for one.

Kept apart from :mod:`tadka.augment.pipeline` (which noises records, whatever they came from) because
this is where records come from and go to: the ``augment:`` config made into a noise plan and media
settings, the input stage picked and the output stage and rejects report written; or an eval file
read (a record with a missing media file kept, to be rejected, not stopping the others) and written
back with its media paths made relative to the output.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tadka.augment.pipeline import MediaSettings, augment_record, augment_records, write_notes
from tadka.augment.presets import Plan, build_plan
from tadka.records import Record

INPUT_STAGES = ("generated", "imported")


@dataclass
class StageRun:
    """What `tadka augment` did: where from, where to, the summary, the report path."""

    stage: str
    output: str
    total: int
    summary: dict[str, Any]
    rejects_path: Path


def plan_from_config(cfg, seed: int) -> Plan:
    return build_plan(
        cfg.preset or None,
        cfg.ops,
        rate=cfg.rate,
        seed=seed,
        roles=cfg.roles,
        entities=cfg.entities,
        op_params=cfg.op_params,
    )


def media_from_config(
    cfg, root: str | Path | None, out_dir: str | Path | None, out_root: str | Path | None = None
) -> MediaSettings:
    out_root = root if out_root is None else out_root
    return MediaSettings(
        root=str(root) if root is not None else None,
        out_dir=str(out_dir) if out_dir else None,
        out_root=str(out_root) if out_root is not None else None,
        image_max_pixels=cfg.image_max_pixels,
        image_oversize=cfg.image_oversize,
        image_format=cfg.image_format,
        audio_max_seconds=cfg.audio_max_seconds,
    )


def resolved_seed(cfg, project_seed: int) -> int:
    return project_seed if cfg.seed < 0 else cfg.seed


def run_stage(ws, cfg) -> StageRun:
    """Read a stage, write ``cfg.output`` = originals + copies, and the rejects report."""
    import json

    from tadka.atomic import write_text
    from tadka.errors import WorkspaceError

    cfg.check()
    stage = cfg.stage
    if not stage:
        stage = next((s for s in INPUT_STAGES if ws.has_stage(s)), "")
        if not stage:
            known = ", ".join(ws.stages()) or "none yet"
            raise WorkspaceError(
                f"no generated or imported stage (stages: {known})",
                field="stage",
                hint="tadka import FILE, or pass --stage",
            )
    seed = resolved_seed(cfg, ws.config["project"].seed)
    plan = plan_from_config(cfg, seed)
    media = media_from_config(cfg, ws.root, ws.root / cfg.media_dir)
    records = list(ws.records(stage))
    result = augment_records(records, plan, cfg.copies, media, workers=cfg.workers)
    summary = {"records": len(records), **result.summary(plan)}
    total = ws.write_stage(
        cfg.output,
        result.records,
        mode="replace",
        meta={"from": stage, "seed": seed, "config": dataclasses.asdict(cfg), "summary": summary},
    )
    rejects = ws.root / cfg.rejects
    write_notes(rejects, result.notes)
    write_text(
        rejects.with_name("augment-summary.json"),
        json.dumps({"from": stage, "to": cfg.output, "seed": seed, **summary}, indent=2, ensure_ascii=False),
    )
    return StageRun(stage, cfg.output, total, summary, rejects)


def read_eval_records(path: str | Path) -> list[Record]:
    """Records of an eval file; a record whose media file is missing is kept (and later rejected).

    tadka.records.read_records hashes media files into the id and stops at a missing one; here a
    missing file must not stop the others, so such a record is validated with its paths instead.
    """
    from tadka.errors import InputError
    from tadka.records import validate_record
    from tadka.records.formats import converter, detect_format
    from tadka.records.readers import iter_rows

    path = Path(path)
    root = path.parent
    out: list[Record] = []
    convert = None
    for line, row in iter_rows(path):
        try:
            if convert is None:
                convert = converter(detect_format(row.keys()))
            data = convert(row)
            if not data.get("source"):
                data["source"] = {"kind": "import"}
            try:
                out.append(validate_record(data, media_root=root if data.get("media") else None))
            except InputError as e:
                if not (e.field or "").startswith("media."):
                    raise
                out.append(validate_record(data))
        except InputError as e:
            raise e.located(file=path, line=line) from None
    return out


def _rebase_media(record: Record, original: Record, src_root: Path, out_root: Path) -> Record:
    """Input media paths (relative to the input file) made relative to the output file instead."""
    import os

    media = dict(record.media)
    for kind, path in record.media.items():
        if path == original.media.get(kind) and not os.path.isabs(path):
            media[kind] = os.path.relpath(src_root / path, out_root)
    return record if media == record.media else dataclasses.replace(record, media=media)


def run_eval_file(src: str | Path, out: str | Path, cfg, seed: int) -> tuple[int, int, Path]:
    """Noise an eval file deterministically: ``out`` holds one noised record per input record.

    Returns (records, records changed, rejects report path). Noised media go to ``<out>.media/``.
    """
    from tadka.records import write_records

    cfg.check()
    src, out = Path(src), Path(out)
    if src.resolve() == out.resolve():
        from tadka.errors import ConfigError

        raise ConfigError("--out is the input file", file=out, field="out", hint="write the noised set elsewhere")
    records = read_eval_records(src)
    plan = plan_from_config(cfg, seed)
    media = media_from_config(cfg, src.parent, out.with_name(out.name + ".media"), out.parent)
    noised: list[Record] = []
    notes: list[dict[str, Any]] = []
    changed = 0
    for record in records:
        r = augment_record(record, plan, 1, media)
        notes += r.notes
        copy = r.records[1] if len(r.records) > 1 else r.records[0]
        changed += copy is not r.records[0]
        noised.append(_rebase_media(copy, record, src.parent, out.parent))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_records(noised, out)
    rejects = out.with_name(out.name + ".rejects.jsonl")
    write_notes(rejects, notes)
    return len(records), changed, rejects
