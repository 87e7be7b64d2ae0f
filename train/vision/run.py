"""`tadka train --task image-classification`: one vision run, start to end, in ``runs/<name>/``.

A plain torch loop rather than transformers' Trainer: the batches are numpy images that get flips and
field noise per step (a collator would hide where the noise comes from), and the run is small enough
that the loop is shorter than the Trainer's configuration. What it writes matches the chat runs:
config.yaml (train keys) and vision.yaml, metrics.jsonl and status.json (so the app can follow it),
checkpoints/last.pt every ``save_every`` steps (a stopped run resumes there, same batches after),
model/ (the classifier, LoRA merged), confusion-clean.png / confusion-noisy.png and metrics.json.

Every batch is drawn from a generator seeded by (seed, step), so a resumed run sees the batches an
uninterrupted one would have, and two runs that differ only in ``noise_rate`` see the same images.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from tadka.atomic import atomic_dir, write_text
from tadka.errors import ConfigError
from tadka.train.config import TrainConfig
from tadka.train.rundir import RunDir, check_name
from tadka.train.vision import data as vdata
from tadka.train.vision.config import VisionConfig
from tadka.train.vision.finetune import apply_finetune, merged, pick_mode
from tadka.train.vision.models import build_classifier, load_classifier, torch_nn
from tadka.train.vision.report import confusion, confusion_png, per_class
from tadka.vision.labels import label_of

VISION_FILE = "vision.yaml"


@dataclass
class VisionResult:
    name: str
    path: Path
    step: int
    metrics: dict[str, Any] = field(default_factory=dict)


def predict(clf, images: np.ndarray, batch: int = 64) -> np.ndarray:
    """Class indices for uint8 images (N, S, S, 3), in eval mode without gradients."""
    torch, _ = torch_nn()
    clf.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            out.append(clf(vdata.to_tensor(images[i : i + batch], clf.norm)).argmax(-1).numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def accuracy(clf, data: vdata.ImageSet) -> tuple[float, np.ndarray]:
    pred = predict(clf, data.images)
    return float((pred == data.labels).mean()), pred


def _schedule(step: int, total: int, warmup: int) -> float:
    """Linear warm-up, then cosine to zero."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def _steps(cfg: TrainConfig, n_train: int) -> int:
    if cfg.max_steps > 0:
        return cfg.max_steps
    return max(1, math.ceil(cfg.epochs * n_train / cfg.batch_size))


def _batch(train: vdata.ImageSet, step: int, seed: int, bs: int, vcfg: VisionConfig, noiser) -> tuple:
    """Batch ``step``: the same images, flips and noise draws in every run with this seed (the noise mask is
    drawn whether or not noise is on, so a run without noise sees exactly the noised run's images, clean).
    Noise goes on the camera frame, then the resize, then the flips: the order of camera, device, trainer."""
    rng = np.random.default_rng([seed, step])
    idx = rng.integers(0, len(train.labels), bs)
    noisy = rng.random(bs) < vcfg.noise_rate
    images = train.images[idx].copy()
    if noiser is not None:
        size = images.shape[1]
        frames = train.frames if train.frames is not None else list(train.images)
        for i in np.flatnonzero(noisy):
            images[i] = vdata.resize(noiser(frames[idx[i]], f"train:{step}:{i}"), size)
    if vcfg.flips:
        images = vdata.geometric(images, rng)
    return images, train.labels[idx]


def _save_checkpoint(run: RunDir, clf, opt, step: int) -> None:
    torch, _ = torch_nn()
    run.checkpoints.mkdir(parents=True, exist_ok=True)
    tmp = run.checkpoints / f".last.pt.{os.getpid()}"
    torch.save({"step": step, "model": clf.state_dict(), "optimizer": opt.state_dict()}, tmp)
    os.replace(tmp, run.checkpoints / "last.pt")


def _resume(run: RunDir, clf, opt, echo) -> int:
    torch, _ = torch_nn()
    last = run.checkpoints / "last.pt"
    if not last.is_file():
        return 0
    state = torch.load(last, map_location="cpu", weights_only=True)
    clf.load_state_dict(state["model"])
    opt.load_state_dict(state["optimizer"])
    echo(f"resumed {run.name} from step {state['step']}")
    return int(state["step"])


def _check_same_run(run: RunDir, cfg: TrainConfig, vcfg: VisionConfig) -> None:
    path = run.root / VISION_FILE
    if path.is_file():
        saved = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        changed = sorted(k for k, v in vcfg.to_dict().items() if saved.get(k, v) != v)
        if changed:
            raise ConfigError(
                f"run {run.name!r} exists with other vision settings for {', '.join(changed)}",
                field="--name",
                hint="resume it unchanged, or start a new run with another --name",
            )


def _write_run_files(run: RunDir, cfg: TrainConfig, vcfg: VisionConfig) -> None:
    run.root.mkdir(parents=True, exist_ok=True)
    train_keys = {**cfg.to_dict(), "task": "image-classification"}
    write_text(run.config, yaml.safe_dump(train_keys, sort_keys=False, allow_unicode=True))
    write_text(run.root / VISION_FILE, yaml.safe_dump(vcfg.to_dict(), sort_keys=False, allow_unicode=True))


def _image_sets(train_recs, eval_recs, root: Path, labels: list[str], vcfg: VisionConfig, seed: int, echo) -> tuple:
    """(train, clean eval, noised eval, noiser): decoded once; camera frames kept only where noise needs them."""
    started = time.time()
    noiser = vdata.Noiser(vcfg.noise_preset, seed) if vcfg.noise_preset and vcfg.noise_rate > 0 else None
    train = vdata.image_set(train_recs, root, labels, vcfg.image_size, vcfg.camera_side if noiser else 0)
    clean = vdata.image_set(eval_recs, root, labels, vcfg.image_size, vcfg.camera_side)
    noisy = vdata.noised_copy(clean, vcfg.eval_noise_preset, seed) if vcfg.eval_noise_preset else None
    frame = f" (noise on frames up to {vcfg.camera_side}px)" if noiser or noisy else ""
    echo(
        f"{len(train.labels)} train / {len(clean.labels)} eval images, {len(labels)} classes "
        f"({', '.join(labels)}), {vcfg.image_size}px{frame}; decoded in {time.time() - started:.1f}s"
    )
    return train, clean, noisy, noiser


def train_vision(
    ws, cfg: TrainConfig, vcfg: VisionConfig, *, name: str | None = None, echo: Callable[[str], None] = print
) -> VisionResult:
    torch, nn = torch_nn()
    seed = cfg.seed if cfg.seed >= 0 else ws.config["project"].seed
    if cfg.threads > 0:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(seed)
    train_recs, eval_recs, root = vdata.load_records(ws, cfg.dataset, vcfg.eval_fraction, seed)
    labels = sorted({label_of(r) for r in train_recs})
    name = check_name(name or f"{vcfg.backbone}-{time.strftime('%Y%m%d-%H%M%S')}")
    run = RunDir.of(ws.runs_dir, name)
    _check_same_run(run, cfg, vcfg)
    _write_run_files(run, cfg, vcfg)
    train, clean, noisy, noiser = _image_sets(train_recs, eval_recs, root, labels, vcfg, seed, echo)
    mode = pick_mode(vcfg.finetune, vcfg.backbone, vcfg.pretrained)
    clf = build_classifier(
        vcfg.backbone, labels, image_size=vcfg.image_size, pretrained=vcfg.pretrained, arch=vcfg.arch
    )
    clf = apply_finetune(
        clf,
        mode,
        trainable_blocks=vcfg.trainable_blocks,
        lora_r=cfg.lora_r,
        lora_alpha=cfg.lora_alpha,
        lora_dropout=cfg.lora_dropout,
    )
    params = [p for p in clf.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    total = _steps(cfg, len(train.labels))
    warmup = int(cfg.warmup * total) if cfg.warmup < 1 else int(cfg.warmup)
    step = _resume(run, clf, opt, echo) if cfg.resume else 0
    run.write_status(state="running", step=step, max_steps=total, task="image-classification", pid=os.getpid())
    echo(
        f"{clf.backbone} ({mode}, {sum(p.numel() for p in params):,} trainable of "
        f"{sum(p.numel() for p in clf.parameters()):,} params), {total} steps of {cfg.batch_size}, noise "
        f"{vcfg.noise_preset or 'none'} at {vcfg.noise_rate if noiser else 0:g}"
    )
    loss_fn = nn.CrossEntropyLoss()
    t0, first = time.time(), step
    while step < total:
        clf.train()
        images, y = _batch(train, step, seed, cfg.batch_size, vcfg, noiser)
        for g in opt.param_groups:
            g["lr"] = cfg.learning_rate * _schedule(step, total, warmup)
        loss = loss_fn(clf(vdata.to_tensor(images, clf.norm)), torch.from_numpy(y))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        row: dict[str, Any] = {}
        if step % cfg.log_every == 0 or step == total:
            elapsed = time.time() - t0
            rate = (step - first) * cfg.batch_size / max(elapsed, 1e-9)
            row.update(
                step=step,
                max_steps=total,
                loss=round(loss.item(), 4),
                learning_rate=opt.param_groups[0]["lr"],
                images_per_s=round(rate, 1),
                elapsed_s=round(elapsed, 1),
                eta_s=round(elapsed / (step - first) * (total - step), 1),
            )
        if cfg.eval_every and step % cfg.eval_every == 0 and step < total:
            row.setdefault("step", step)
            row["eval_accuracy"] = round(accuracy(clf, clean)[0], 4)
        if row:
            run.append_metrics(row)
            run.write_status(step=step, last_loss=row.get("loss"))
            echo(_line(row))
        if step % cfg.save_every == 0 or step == total:  # the last one too: a finished run can be extended
            _save_checkpoint(run, clf, opt, step)
    return _finish(run, clf, labels, clean, noisy, step, time.time() - t0, echo, mode)


def _line(row: dict) -> str:
    parts = [f"step {row['step']}/{row.get('max_steps', '?')}"]
    if "loss" in row:
        parts += [
            f"loss {row['loss']:.4f}",
            f"lr {row['learning_rate']:.2e}",
            f"{row['images_per_s']:,.0f} img/s",
            f"{row['elapsed_s']:.0f}s elapsed",
            f"ETA {row['eta_s']:.0f}s",
        ]
    if "eval_accuracy" in row:
        parts.append(f"eval acc {row['eval_accuracy']:.3f}")
    return " | ".join(parts)


def _finish(run: RunDir, clf, labels, clean, noisy, step: int, seconds: float, echo, mode: str) -> VisionResult:
    clf = merged(clf).eval()
    metrics: dict[str, Any] = {
        "task": "image-classification",
        "backbone": clf.backbone,
        "finetune": mode,
        "steps": step,
        "train_seconds": round(seconds, 1),
        "labels": labels,
    }
    for split, data in (("clean", clean), ("noisy", noisy)):
        if data is None:
            continue
        acc, pred = accuracy(clf, data)
        matrix = confusion(data.labels, pred, len(labels))
        metrics[f"eval_{split}_accuracy"] = round(acc, 4)
        metrics[f"eval_{split}_per_class"] = per_class(matrix, labels)
        metrics[f"eval_{split}_confusion"] = matrix.tolist()
        confusion_png(matrix, labels, run.root / f"confusion-{split}.png", f"{run.name}: {split} eval, acc {acc:.3f}")
    with atomic_dir(run.root / "model") as tmp:
        clf.save(tmp)
    reloaded = load_classifier(run.root / "model")
    same = bool((predict(reloaded, clean.images) == predict(clf, clean.images)).all())
    metrics["reload_same_predictions"] = same
    write_text(run.root / "metrics.json", json.dumps(metrics, indent=2, ensure_ascii=False))
    run.write_status(
        state="finished",
        step=step,
        eval_clean_accuracy=metrics.get("eval_clean_accuracy"),
        eval_noisy_accuracy=metrics.get("eval_noisy_accuracy"),
    )
    noisy_txt = f", noisy {metrics['eval_noisy_accuracy']:.3f}" if "eval_noisy_accuracy" in metrics else ""
    echo(
        f"eval accuracy: clean {metrics['eval_clean_accuracy']:.3f}{noisy_txt}; saved {run.root / 'model'} "
        f"(reloaded: {'same' if same else 'DIFFERENT'} predictions on {len(clean.labels)} images)"
    )
    return VisionResult(run.name, run.root, step, metrics)
