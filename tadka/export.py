"""The one export path: `tadka export` and the review app's Export page both call :func:`export`.

Once review.db holds decisions, only the configured statuses (accepted + edited) are exported, an
edited record as its latest version — so what reviewers see is what trains. The train/eval split is a
seeded hash of each id, not a shuffle: adding records later never moves an old one between splits.
An existing export is never replaced unless the caller says so (``overwrite``): a run may train on it.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tadka.atomic import atomic_dir, write_text
from tadka.config import ExportConfig
from tadka.errors import ConfigError
from tadka.records import Record
from tadka.records.writers import write_hf, write_jsonl, write_parquet
from tadka.review.db import has_labels, reviewed
from tadka.workspace import Workspace

FORMATS = ("jsonl", "parquet", "hf")


@dataclass
class ExportResult:
    path: Path
    stage: str
    train: int
    eval: int
    skipped: dict[str, int] = field(default_factory=dict)
    data_hash: str = ""
    reviewed: bool = False

    @property
    def empty(self) -> bool:
        """Nothing was written (no record has an exported status yet): not something to train on."""
        return self.train + self.eval == 0


def export_target(ws: Workspace, cfg: ExportConfig, out: str | Path | None = None, name: str | None = None) -> Path:
    """Where :func:`export` writes: ``out``, or ``exports/<name>`` (default STAGE-DATE)."""
    stage = cfg.stage or ws.latest_stage()
    return Path(out) if out else ws.exports_dir / (name or f"{stage}-{time.strftime('%Y%m%d-%H%M%S')}")


def in_eval(record_id: str, fraction: float, seed: int) -> bool:
    """Deterministic split: the same id, seed and fraction always land on the same side."""
    if fraction <= 0:
        return False
    digest = hashlib.sha256(f"{seed}:{record_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def selected_records(ws: Workspace, cfg: ExportConfig, skipped: dict[str, int]) -> Iterator[Record]:
    """The records of the stage that export would write, with review decisions applied."""
    stage = cfg.stage or ws.latest_stage()
    use_review = has_labels(ws.review_db)
    decisions = reviewed(ws.review_db) if use_review else {}
    for rec in ws.records(stage):
        if use_review:
            status, edited = decisions.get(rec.id, ("pending", None))
            if status not in cfg.statuses:
                skipped[status] = skipped.get(status, 0) + 1
                continue
            if edited is not None:
                rec = edited
            rec.status = status
        yield rec


def _stratified_if_labelled(train: list[Record], held: list[Record], fraction: float, seed: int):
    """Image-label stages (the camera track) are split per class, so a rare class is never missing from eval."""
    from tadka.vision.labels import is_label_stage
    from tadka.vision.split import stratified_split

    if not is_label_stage(train + held):
        return train, held
    return stratified_split(train + held, fraction, seed)


def export(
    ws: Workspace, cfg: ExportConfig, out: str | Path | None = None, name: str | None = None, *, overwrite: bool = False
) -> ExportResult:
    """Write ``train`` and ``eval`` splits plus a manifest to ``exports/<name>/`` (or ``out``).

    An existing, non-empty target is refused unless ``overwrite`` (then it is swapped out atomically).
    """
    cfg.check()
    stage = cfg.stage or ws.latest_stage()
    seed = cfg.seed if cfg.seed >= 0 else ws.config.project.seed
    target = export_target(ws, cfg, out, name)
    if not overwrite and target.exists() and (not target.is_dir() or any(target.iterdir())):
        where = target.relative_to(ws.root) if target.is_relative_to(ws.root) else target
        raise ConfigError(
            f"{where} exists",
            file=None,
            field="--out" if out else "--name",
            hint="pick another name, or delete it first",
        )
    skipped: dict[str, int] = {}
    train: list[Record] = []
    held: list[Record] = []
    digest = hashlib.sha256()
    for rec in selected_records(ws, ExportConfig(**{**cfg.__dict__, "stage": stage}), skipped):
        (held if in_eval(rec.id, cfg.eval_fraction, seed) else train).append(rec)
        digest.update(rec.id.encode())
    train, held = _stratified_if_labelled(train, held, cfg.eval_fraction, seed)
    suffix = {"jsonl": ".jsonl", "parquet": ".parquet", "hf": ""}[cfg.format]
    writer = {"jsonl": write_jsonl, "parquet": write_parquet, "hf": write_hf}[cfg.format]
    result = ExportResult(
        target, stage, len(train), len(held), skipped, digest.hexdigest()[:16], has_labels(ws.review_db)
    )
    with atomic_dir(target) as tmp:
        writer(train, tmp / f"train{suffix}")
        writer(held, tmp / f"eval{suffix}")
        if cfg.format == "hf":  # so that datasets.load_from_disk(path) gives a DatasetDict
            write_text(tmp / "dataset_dict.json", json.dumps({"splits": ["train", "eval"]}))
        manifest = {
            "stage": stage,
            "format": cfg.format,
            "train": len(train),
            "eval": len(held),
            "eval_fraction": cfg.eval_fraction,
            "seed": seed,
            "statuses": cfg.statuses if result.reviewed else "all (no review decisions yet)",
            "skipped_by_status": skipped,
            "data_hash": result.data_hash,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        write_text(tmp / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return result
