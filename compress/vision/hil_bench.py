#!/usr/bin/env python3
"""hil_bench for image classifiers: run a tadka ONNX classifier on the device itself (Jetson, Raspberry Pi,
a phone under Termux, an industrial PC) on a folder of images or camera frames.

Copy the export folder (model.onnx, manifest.json, this file, and eval/ if you want accuracy) to the
device, ``pip install onnxruntime numpy pillow``, and run

    python hil_bench.py                                   # bench + accuracy on eval/clean and eval/noisy
    python hil_bench.py --images /mnt/frames --threads 1,2,4 --out device.json
    python hil_bench.py --images frames/ --predict        # one line per image: file, label, confidence

It prints (and writes with ``--out``) the JSON that `tadka compress` wrote to bench.json for this model:
batch-1 latency (median and p90 ms) and frames/s at each thread count, peak RSS, file size, and — for a
folder laid out as ``<folder>/<class>/<image>`` — the accuracy. Preprocessing (resize, channel order,
mean and std) is read from manifest.json, so the device sees the pixels the model was trained on.

This file needs only the Python standard library, numpy, Pillow and onnxruntime: it runs where tadka is
not installed, and `tadka compress` runs this very file to measure each variant.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SCHEMA = 1
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux/macOS); -1 where the platform cannot say."""
    try:
        import resource
    except ImportError:
        return -1.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def load_image(path: Path, pre: dict) -> np.ndarray:
    """(1, 3, S, S) float32, preprocessed as the manifest says (the same steps as training)."""
    from PIL import Image

    size = int(pre["image_size"])
    with Image.open(path) as img:
        img = img.convert("RGB")
        if img.size != (size, size):
            img = img.resize((size, size), Image.BILINEAR)
        x = np.asarray(img, dtype=np.float32) / 255.0
    if pre.get("bgr"):
        x = x[..., ::-1]
    x = (x - np.asarray(pre["mean"], np.float32)) / np.asarray(pre["std"], np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])


def list_images(folder: Path, labels: list[str]) -> list[tuple[Path, int]]:
    """Images under ``folder``; the class index when they sit in a folder named after a label, else -1."""
    index = {name: i for i, name in enumerate(labels)}
    found = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    return [(p, index.get(p.parent.name, -1)) for p in found]


def session(model: Path, threads: int, spin: bool = False):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if not spin:  # a shared or battery-powered device: no busy-waiting threads between frames
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])


def latency(sess, x: np.ndarray, runs: int, warmup: int) -> dict:
    name = sess.get_inputs()[0].name
    for _ in range(warmup):
        sess.run(None, {name: x})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, {name: x})
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    median = statistics.median(times)
    return {
        "median_ms": round(median, 3),
        "p90_ms": round(times[int(0.9 * (len(times) - 1))], 3),
        "fps": round(1000.0 / median, 1) if median > 0 else None,
        "runs": runs,
    }


def classify(sess, images: list[tuple[Path, int]], pre: dict) -> np.ndarray:
    """(N, classes) probabilities, one image at a time (batch 1, as on the device)."""
    name = sess.get_inputs()[0].name
    out = []
    for path, _ in images:
        logits = sess.run(None, {name: load_image(path, pre)})[0][0].astype(np.float64)
        e = np.exp(logits - logits.max())
        out.append(e / e.sum())
    return np.stack(out) if out else np.zeros((0, len(pre.get("labels", []))))


def accuracy(probs: np.ndarray, images: list[tuple[Path, int]]) -> float | None:
    truth = np.array([y for _, y in images])
    known = truth >= 0
    if not known.any():
        return None
    return round(float((probs.argmax(1)[known] == truth[known]).mean()), 4)


def run(args: argparse.Namespace) -> dict:
    here = Path(__file__).resolve().parent
    manifest = json.loads(Path(args.manifest or here / "manifest.json").read_text(encoding="utf-8"))
    pre = manifest["preprocess"]
    labels = manifest["labels"]
    model = Path(args.model or here / manifest.get("model", "model.onnx"))
    folders = (
        [Path(f) for f in args.images]
        if args.images
        else [p for p in (here / "eval" / "clean", here / "eval" / "noisy") if p.is_dir()]
    )
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    result = {
        "schema": SCHEMA,
        "model": model.name,
        "size_bytes": model.stat().st_size,
        "labels": labels,
        "machine": platform.machine(),
        "system": platform.system(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "latency": {},
        "accuracy": {},
    }
    import onnxruntime as ort

    result["runtime"] = f"onnxruntime {ort.__version__}"
    sample = next((p for f in folders for p, _ in list_images(f, labels)[:1]), None)
    x = load_image(sample, pre) if sample else np.zeros((1, 3, pre["image_size"], pre["image_size"]), np.float32)
    for t in threads:
        result["latency"][str(t)] = latency(session(model, t, args.spin), x, args.runs, args.warmup)
    if not args.speed_only:
        sess = session(model, max(threads), args.spin)
        for folder in folders:
            images = list_images(folder, labels)
            probs = classify(sess, images, pre)
            result["accuracy"][folder.name] = {"images": len(images), "accuracy": accuracy(probs, images)}
            if args.predict:
                for (path, _), p in zip(images, probs):
                    print(f"{path}\t{labels[int(p.argmax())]}\t{p.max():.3f}")
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", help="ONNX file (default: the manifest's model, beside this script)")
    ap.add_argument("--manifest", help="manifest.json with labels and preprocessing (default: beside this script)")
    ap.add_argument("--images", action="append", help="folder of images or frames (repeatable; default: eval/*)")
    ap.add_argument("--threads", default="1,2,4", help="comma-separated thread counts to bench (default 1,2,4)")
    ap.add_argument("--runs", type=int, default=50, help="timed runs per thread count")
    ap.add_argument("--warmup", type=int, default=5, help="untimed runs first")
    ap.add_argument("--speed-only", action="store_true", help="latency only, no accuracy pass")
    ap.add_argument("--predict", action="store_true", help="print file, label and confidence for each image")
    ap.add_argument("--spin", action="store_true", help="let onnxruntime threads spin (dedicated device)")
    ap.add_argument("--out", help="also write the JSON here")
    args = ap.parse_args(argv)
    try:
        result = run(args)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    text = json.dumps(result, indent=2)
    if args.out:
        tmp = Path(args.out).with_suffix(".tmp")
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, args.out)
    if not args.predict:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
