"""A fastText quality classifier learnt from what reviewers decided, and the ``quality`` step.

Reviewers' decisions are the only labels a project has that say "this is the data we want":
accepted and edited records are good (an edit means "worth fixing"), rejected ones bad. Once there
are ``min_labels`` of them (50 by default, with both kinds present) a supervised fastText model is
trained on their texts — word bigrams plus character 2–4-grams, which absorb Hinglish spelling
variation ("nahi"/"nahin") — and saved under the workspace (``cache/quality/``) with a manifest.
It is retrained whenever the labels change (a fingerprint of every (id, status) pair is kept).

``scores.quality`` is P(good) in [0, 1]; :func:`order_by_quality` sorts a review queue by it, best
first, so reviewers see likely keepers early (or, reversed, likely rejects).

fastText rather than a transformer: it trains on a few hundred labels in well under a second on
one core, predicts ~100k texts/s, needs no torch (the core install stays light), and the saved
model is a few MB.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Iterable, Sequence

from tadka.curate.filters.base import Filter, StepContext, Verdict, steps
from tadka.curate.filters.text import normalise

from tadka.atomic import atomic_dir
from tadka.config import Section, opt
from tadka.records import Record

logger = logging.getLogger(__name__)
GOOD, BAD = "__label__good", "__label__bad"
POSITIVE = ("accepted", "edited")
MODEL_FILE = "quality.bin"
MANIFEST = "manifest.json"
PARAMS = {
    "epoch": 30,
    "lr": 0.5,
    "wordNgrams": 2,
    "minn": 2,
    "maxn": 4,
    "dim": 32,
    "bucket": 50_000,
    "minCount": 1,
    "thread": 1,
    "seed": 0,
    "verbose": 0,
}


def model_text(record: Record) -> str:
    """What the classifier reads: the user and assistant turns, normalised, on one line."""
    return normalise(record.text(("user", "assistant"))).replace("\n", " ")


@dataclass
class Labels:
    texts: list[str]
    good: list[bool]
    fingerprint: str

    def __len__(self) -> int:
        return len(self.texts)


def review_labels(root: Path) -> Labels:
    """Texts and good/bad labels for every reviewed record of the workspace at ``root``."""
    from tadka.review.db import open_review_db
    from tadka.workspace import Workspace

    db = root / "review.db"
    if not db.exists():
        return Labels([], [], "")
    conn = open_review_db(db)
    try:
        rows = conn.execute(
            "SELECT record_id, stage, status, current_json FROM items WHERE status IN ('accepted', 'edited', 'rejected')"
            " ORDER BY record_id"
        ).fetchall()
    finally:
        conn.close()
    fingerprint = hashlib.sha256("\n".join(f"{r['record_id']}:{r['status']}" for r in rows).encode()).hexdigest()[:16]
    ws = Workspace(root)
    by_stage: dict[str, list] = {}
    for r in rows:
        by_stage.setdefault(r["stage"], []).append(r)
    texts, good = [], []
    for stage, items in sorted(by_stage.items()):
        wanted = {r["record_id"] for r in items}
        found = {}
        if ws.has_stage(stage):
            found = {rec.id: rec for rec in ws.records(stage) if rec.id in wanted}
        for r in items:
            rec = found.get(r["record_id"])
            if rec is None and r["current_json"]:
                rec = Record.from_dict(json.loads(r["current_json"]), validate=False)
            if rec is None:
                continue  # the record's stage was replaced since it was reviewed
            texts.append(model_text(rec))
            good.append(r["status"] in POSITIVE)
    return Labels(texts, good, fingerprint)


def _fit(texts: Sequence[str], good: Sequence[bool]):
    """Train through tadka.lang's fastText trainer, in a child process.

    fasttext-numpy2 leaves part of its input matrix uninitialised; trained in a process that has
    already freed large blocks (any real curate run) it gives "Encountered NaN" or a different
    model per run. The child process starts with a clean heap, so training is stable and repeatable.
    """
    import fasttext

    from tadka.lang.ftmodel import train_to

    with tempfile.TemporaryDirectory(prefix="tadka-quality-") as tmp:
        path = os.path.join(tmp, "quality.bin")
        lines = [f"{GOOD if g else BAD} {t}" for t, g in zip(texts, good)]
        train_to(path, lines, dict(PARAMS), None, name="quality")
        return fasttext.load_model(path)


def _p_good(model, texts: Sequence[str]) -> list[float]:
    labels, probs = model.predict([t.replace("\n", " ") for t in texts], k=2)
    out = []
    for ls, ps in zip(labels, probs):
        p = dict(zip(ls, (float(x) for x in ps)))
        out.append(min(1.0, max(0.0, p.get(GOOD, 1.0 - p.get(BAD, 1.0)))))
    return out


def train(labels: Labels, out_dir: Path, min_labels: int = 50) -> dict | None:
    """Train and save the classifier; None (and a log line) when there are too few labels."""
    n_good = sum(labels.good)
    n_bad = len(labels) - n_good
    if len(labels) < min_labels or not n_good or not n_bad:
        logger.info(
            "quality: %d labels (%d good, %d bad); need %d with both kinds", len(labels), n_good, n_bad, min_labels
        )
        return None
    manifest = {
        "labels": len(labels),
        "good": n_good,
        "bad": n_bad,
        "fingerprint": labels.fingerprint,
        "trained_at": time.time(),
        "params": PARAMS,
    }
    if len(labels) >= 100:  # a held-out estimate, then the model is refitted on everything
        order = list(range(len(labels)))
        random.Random(0).shuffle(order)
        cut = len(order) // 5
        test, fit = order[:cut], order[cut:]
        probe = _fit([labels.texts[i] for i in fit], [labels.good[i] for i in fit])
        p = _p_good(probe, [labels.texts[i] for i in test])
        manifest["holdout_accuracy"] = sum((q >= 0.5) == labels.good[i] for q, i in zip(p, test)) / len(test)
    model = _fit(labels.texts, labels.good)
    with atomic_dir(out_dir) as tmp:
        model.save_model(str(tmp / MODEL_FILE))
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    logger.info("quality: trained on %d labels (%d good, %d bad)", len(labels), n_good, n_bad)
    return manifest


def ensure_model(root: Path, model_dir: Path, min_labels: int = 50, force: bool = False) -> Path | None:
    """The model folder, (re)trained first when the review labels changed; None without enough labels."""
    manifest = model_dir / MANIFEST
    labels = review_labels(root)
    if not force and manifest.is_file() and (model_dir / MODEL_FILE).is_file():
        if json.loads(manifest.read_text(encoding="utf-8")).get("fingerprint") == labels.fingerprint:
            return model_dir
    if train(labels, model_dir, min_labels) is not None:
        return model_dir
    return model_dir if (model_dir / MODEL_FILE).is_file() else None


class QualityModel:
    """A trained classifier loaded from its folder."""

    def __init__(self, model_dir: str | os.PathLike) -> None:
        import fasttext

        self.model = fasttext.load_model(str(Path(model_dir) / MODEL_FILE))

    def predict(self, records: Iterable[Record]) -> list[float]:
        """P(good) per record."""
        return _p_good(self.model, [model_text(r) for r in records])


def order_by_quality(records: Iterable[Record], reverse: bool = False) -> list[Record]:
    """Records sorted by ``scores.quality``, best first (worst first with ``reverse``); unscored last."""
    recs = list(records)
    scored = [r for r in recs if "quality" in r.scores]
    rest = [r for r in recs if "quality" not in r.scores]
    return sorted(scored, key=lambda r: r.scores["quality"], reverse=not reverse) + rest


@dataclass
class QualityParams(Section):
    """The ``curate.quality_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    min: float = opt(0.0, "Lowest scores.quality kept (0: only score, never drop).")
    min_labels: int = opt(50, "Review labels (accepted/edited vs rejected) needed before the classifier is trained.")
    model: str = opt("cache/quality", "Folder (in the workspace) of the trained fastText quality classifier.")


@steps.register("quality")
class QualityFilter(Filter):
    """Writes ``scores.quality``; flags ``low_quality`` under ``min`` (0 by default: score only)."""

    params: ClassVar[type] = QualityParams

    name = "quality"

    def __init__(self, model_dir: str | None = None, min: float = 0.0) -> None:
        self.model_dir = model_dir
        self.min = min

    @classmethod
    def from_config(cls, cfg, ctx: StepContext | None = None) -> "QualityFilter":
        ctx = ctx or StepContext()
        model_dir = None
        if ctx.root is not None:
            found = ensure_model(ctx.root, ctx.root / cfg.quality_model, cfg.quality_min_labels)
            model_dir = str(found) if found else None
        if model_dir is None:
            logger.warning(
                "quality: no classifier yet (needs %d review labels); records are not scored", cfg.quality_min_labels
            )
        return cls(model_dir=model_dir, min=cfg.quality_min)

    def setup(self) -> None:
        self.model_ = QualityModel(self.model_dir) if self.model_dir else None

    def score(self, record: Record) -> dict[str, float]:
        self.ensure_setup()
        if self.model_ is None:
            return {}
        return {"quality": round(self.model_.predict([record])[0], 4)}

    def keep(self, record: Record) -> Verdict:
        q = record.scores.get("quality")
        if q is None or q >= self.min:
            return True
        return False, "low_quality"
