"""The model card (README.md) of a vision export: what the model does, its figures, how to run it."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _row(v: dict[str, Any], threads: int) -> str:
    if "error" in v:
        return f"| {v['name']} | failed: {v['error']} | | | | | |"
    lat = v["latency"][str(threads)]
    acc = v.get("accuracy", {})
    return (
        f"| {v['name']} | {v['size_bytes'] / 1024:.0f} KiB | {lat['median_ms']:.2f} | {lat['fps']:.0f} | "
        f"{v.get('peak_rss_mb')} | {acc.get('clean', {}).get('accuracy')} | {acc.get('noisy', {}).get('accuracy')} |"
    )


def model_card(manifest: dict[str, Any], rows: list[dict[str, Any]], run_dir: Path) -> str:
    threads = manifest["select_threads"]
    pre = manifest["preprocess"]
    budget = f"{manifest['budget_ms']:g} ms per frame" if manifest["budget_ms"] else "no latency budget"
    lines = [
        f"# {run_dir.name}: image classifier ({manifest['variant']})",
        "",
        f"Classes: {', '.join(manifest['labels'])}. Input: RGB resized to {pre['image_size']}x{pre['image_size']}, "
        f"scaled to 0..1{', channels BGR' if pre.get('bgr') else ''}, minus mean {pre['mean']}, over std {pre['std']}; "
        f"NCHW float32 named `pixel_values`, output `logits`.",
        "",
        f"Chosen: **{manifest['variant']}**, the most accurate on clean eval images among the variants within "
        f"{budget} at {threads} thread(s) (batch 1, this machine).",
        "",
        f"| variant | size | ms/frame ({threads}t) | frames/s | peak RSS MB | clean acc | noisy acc |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *[_row(v, threads) for v in rows],
        "",
        "Noisy accuracy is on the eval images with the run's eval noise preset applied once (eval/noisy/).",
        "",
        "## On the device",
        "",
        "```",
        "pip install onnxruntime numpy pillow",
        "python hil_bench.py                          # latency, frames/s, peak RSS, accuracy on eval/",
        "python hil_bench.py --images /path/to/frames --predict",
        "```",
        "",
        "TensorRT (Jetson), ExecuTorch and Core ML are not built by tadka: see docs/vision.md for the routes.",
        "",
        f"Source run: `{run_dir}`. sha256 of model.onnx: `{manifest['sha256']}`.",
    ]
    return "\n".join(lines) + "\n"
