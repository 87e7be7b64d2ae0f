"""The images a vision run trains and evaluates on: a stage (split here, stratified and seeded) or an
export folder (its own train/eval split), decoded once to uint8 arrays at the run's image size.

Field noise is applied on the fly, per training image and step, with the augment package's image ops
(the same presets as `tadka augment`, e.g. ``factory-camera``), so the model meets sensor grain, blur,
JPEG and low light while it learns. The noised eval set is drawn once with a fixed seed, so every run
(and every compressed variant) is scored on the same noisy pixels.

Noise is applied where the camera makes it: on the frame at the camera's own resolution (capped at
``vision.camera_side``), *before* the resize to the model's input. The presets' grain, blur kernels and
JPEG blocks are sized in camera pixels (a 5-15 px motion blur on a 640 px frame); applied after the resize
to a 48 px input, the same 15 px blur spans a third of the picture and no defect survives it, which no
camera on a shop floor does to its frames (measured: bench/vision.py, docs/vision.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tadka.errors import ConfigError, InputError
from tadka.records import Record
from tadka.vision.labels import label_of
from tadka.vision.split import stratified_split


@dataclass
class ImageSet:
    images: np.ndarray  # (N, S, S, 3) uint8: what the model reads
    labels: np.ndarray  # (N,) int64 class indices
    ids: list[str]
    frames: list[np.ndarray] | None = None  # the camera frames (own size, long side <= camera_side): noise goes here


def _read_jsonl(path: Path) -> list[Record]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if line.strip():
                try:
                    rows.append(Record.from_dict(json.loads(line)))
                except (ValueError, TypeError, KeyError) as e:
                    raise InputError(f"not a record: {e}", file=path, line=n, field="<json>") from None
    return rows


def load_records(ws, dataset: str, eval_fraction: float, seed: int) -> tuple[list[Record], list[Record], Path]:
    """(train, eval, media root) for ``train.dataset``: a stage name, an export folder, or empty (the newest
    stage of image-label Records)."""
    if dataset and (Path(dataset).is_dir() or (ws.exports_dir / dataset).is_dir()) and not ws.has_stage(dataset):
        folder = Path(dataset) if Path(dataset).is_dir() else ws.exports_dir / dataset
        train_f, eval_f = folder / "train.jsonl", folder / "eval.jsonl"
        if not train_f.is_file():
            raise ConfigError(
                "export has no train.jsonl (export with --format jsonl)", file=folder, field="train.dataset"
            )
        train, held = _read_jsonl(train_f), _read_jsonl(eval_f) if eval_f.is_file() else []
        root = ws.root
    else:
        stage = dataset or _newest_image_stage(ws)
        if not ws.has_stage(stage):
            raise ConfigError(
                f"no stage or export {stage!r}",
                field="train.dataset",
                hint=f"stages: {', '.join(ws.stages()) or 'none'}",
            )
        train, held = stratified_split(list(ws.records(stage)), eval_fraction, seed)
        root = ws.root
    bad = next((r for r in train + held if label_of(r) is None), None)
    if bad is not None:
        raise ConfigError(
            f"record {bad.id} is not a labelled image (import images with `tadka import FOLDER`)", field="train.dataset"
        )
    if not held:
        raise ConfigError("no eval images (each class needs at least 2 images)", field="train.dataset")
    return train, held, root


def _newest_image_stage(ws) -> str:
    for stage in reversed(ws.stages()):
        first = next(iter(ws.records(stage)), None)
        if first is not None and label_of(first) is not None:
            return stage
    raise ConfigError(
        "no stage of labelled images",
        field="train.dataset",
        hint="`tadka import FOLDER` (one sub-folder per class), or `tadka vision demo DIR` first",
    )


def decode(path: Path, size: int) -> np.ndarray:
    """One image as (size, size, 3) uint8 RGB, squashed to the square (a camera frame keeps all its content)."""
    return resize(decode_frame(path, 0), size)


def decode_frame(path: Path, max_side: int) -> np.ndarray:
    """One image as HxWx3 uint8 RGB at its own size, scaled down (aspect kept) when its long side exceeds
    ``max_side`` (0: never)."""
    from PIL import Image

    with Image.open(path) as img:
        rgb = img.convert("RGB")
        if max_side and max(rgb.size) > max_side:
            scale = max_side / max(rgb.size)
            rgb = rgb.resize((max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale))), Image.BILINEAR)
        return np.asarray(rgb, dtype=np.uint8)


def resize(frame: np.ndarray, size: int) -> np.ndarray:
    """A frame squashed to the model's (size, size) input, as on the device (PIL bilinear, antialiased when
    shrinking, so a frame's grain averages out as a camera pipeline's downscale does)."""
    from PIL import Image

    if frame.shape[0] == size and frame.shape[1] == size:
        return frame
    return np.asarray(Image.fromarray(frame).resize((size, size), Image.BILINEAR), dtype=np.uint8)


def image_set(records: list[Record], root: Path, labels: list[str], size: int, camera_side: int = 0) -> ImageSet:
    """The records decoded for the model; with ``camera_side`` > 0 their camera frames are kept too (for noise)."""
    index = {name: i for i, name in enumerate(labels)}
    unknown = sorted({label_of(r) for r in records} - set(index))
    if unknown:
        raise ConfigError(f"eval class(es) never seen in training: {', '.join(unknown[:8])}", field="train.dataset")
    ys = np.array([index[label_of(r)] for r in records], dtype=np.int64)
    ids = [r.id for r in records]
    if not camera_side:
        return ImageSet(np.stack([decode(root / r.media["image"], size) for r in records]), ys, ids)
    frames = [decode_frame(root / r.media["image"], camera_side) for r in records]
    return ImageSet(np.stack([resize(f, size) for f in frames]), ys, ids, frames)


class Noiser:
    """A preset's image ops, applied to one uint8 image with a generator seeded by (seed, key)."""

    def __init__(self, preset: str, seed: int) -> None:
        from tadka.augment.presets import build_plan

        self.plan = build_plan(preset, rate=1.0, seed=seed)
        if not self.plan.image:
            raise ConfigError(
                f"preset {preset!r} has no image ops",
                field="vision.noise_preset",
                hint="factory-camera, or a list of image: ops",
            )
        self.preset = preset

    def __call__(self, image: np.ndarray, key: str) -> np.ndarray:
        out = image
        for op in self.plan.pick_media("image", key):
            out, _ = op.run(out, self.plan.media_rng(op, key))
        return out


def noised_copy(data: ImageSet, preset: str, seed: int) -> ImageSet:
    """The eval set with the preset applied once per image, on its camera frame, then resized: the same
    pixels for every run and variant (seeded by the global seed and the record id)."""
    noiser = Noiser(preset, seed)
    size = data.images.shape[1]
    frames = data.frames if data.frames is not None else list(data.images)
    images = np.stack([resize(noiser(frame, f"eval:{i}"), size) for i, frame in zip(data.ids, frames)])
    return ImageSet(images, data.labels, data.ids)


def to_tensor(images: np.ndarray, norm: dict):
    """uint8 (N, H, W, 3) → float32 (N, 3, H, W), normalised as the backbone expects."""
    import torch

    x = images.astype(np.float32) / 255.0
    if norm.get("bgr"):
        x = x[..., ::-1]
    x = (x - np.asarray(norm["mean"], np.float32)) / np.asarray(norm["std"], np.float32)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def geometric(images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Random horizontal/vertical flips and quarter turns, per image (a top-down camera has no "up")."""
    out = np.empty_like(images)
    for i, img in enumerate(images):
        if rng.random() < 0.5:
            img = img[:, ::-1]
        if rng.random() < 0.5:
            img = img[::-1]
        out[i] = np.rot90(img, int(rng.integers(0, 4)))
    return out
