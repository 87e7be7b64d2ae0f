"""The camera track, measured: does training-time noise help on noisy camera frames, and what does int8 cost?

On the procedural factory demo (washers on a belt: good / scratch / dent / stain), drawn as 192 px camera frames
and read by the model at 48 px, two runs that differ only in ``vision.noise_rate`` (same seed, same steps,
same batches and flips: each batch is drawn from (seed, step)) are scored on the clean eval images and on the
same images with the ``factory-camera`` preset applied once, on the camera frame before the resize, as a camera
does. Then the noise-trained run is compressed to ONNX fp32 / fp16 / int8 and each variant is benched by the
export's own hil_bench.py (batch-1 latency and frames/s at 1, 2, 4 threads, peak RSS, accuracy).

    python bench/vision.py                       # 250 images/class, 192 px frames, 48 px input, resnet, 1500 steps
    python bench/vision.py --camera-side 48      # the old order: noise after the resize (what went wrong)
    python bench/vision.py --steps 600 --noise-rate 0.3 --backbone mobilenet_v2 --no-compress
    python bench/vision.py --out bench/results/vision-$(date +%F).json

CPU seconds are printed beside wall time: on a shared machine wall time swings several-fold.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")


def train_one(ws, args, noise_rate: float, name: str) -> dict:
    from tadka.train.config import TrainConfig, resolve
    from tadka.train.vision.config import VisionConfig, resolve_vision
    from tadka.train.vision.run import train_vision

    cfg = resolve(
        TrainConfig(),
        {
            "task": "image-classification",
            "dataset": "images",
            "max_steps": args.steps,
            "batch_size": args.batch_size,
            "learning_rate": args.lr,
            "warmup": 0.1,
            "log_every": max(1, args.steps // 4),
            "save_every": 10**6,
            "threads": args.threads,
            "seed": args.seed,
            "weight_decay": 0.01,
        },
    )
    vcfg = resolve_vision(
        VisionConfig(),
        {
            "backbone": args.backbone,
            "image_size": args.size,
            "camera_side": args.camera_side or args.camera,
            "noise_preset": args.preset,
            "noise_rate": noise_rate,
            "eval_noise_preset": args.preset,
        },
    )
    wall, cpu = time.time(), time.process_time()
    result = train_vision(ws, cfg, vcfg, name=name, echo=lambda line: print("   ", line, flush=True))
    m = result.metrics
    return {
        "run": name,
        "noise_rate": noise_rate,
        "clean": m["eval_clean_accuracy"],
        "noisy": m["eval_noisy_accuracy"],
        "wall_s": round(time.time() - wall, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "reload_same": m["reload_same_predictions"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-class", type=int, default=250)
    ap.add_argument("--camera", type=int, default=192, help="side of the demo's camera frames (where noise goes)")
    ap.add_argument(
        "--camera-side",
        type=int,
        default=0,
        help="vision.camera_side: the frame size noise is applied at (default: --camera; --size reproduces "
        "noise applied after the resize, which no camera does)",
    )
    ap.add_argument("--size", type=int, default=48, help="the model's input side (frames are resized to it)")
    ap.add_argument("--severity", type=float, default=2.0)
    ap.add_argument("--backbone", default="resnet")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--noise-rate", type=float, default=0.5)
    ap.add_argument("--runs", default="none,noise", help="which runs to train: none (noise rate 0), noise, or both")
    ap.add_argument("--preset", default="factory-camera")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-compress", action="store_true")
    ap.add_argument("--workdir", help="keep the workspace here (default: a temporary folder)")
    ap.add_argument("--out", help="also write the figures as JSON")
    args = ap.parse_args()

    from tadka.vision.demo import write_demo
    from tadka.vision.importer import import_images
    from tadka.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.workdir or tmp)
        ws = Workspace.init(root / "ws")
        write_demo(root / "demo", per_class=args.per_class, size=args.camera, severity=args.severity, seed=args.seed)
        imp = import_images(ws, root / "demo", stage="images")
        print(
            f"demo: {imp.added} images, {args.camera}px frames -> {args.size}px input, severity {args.severity}; "
            f"{args.backbone}, {args.steps} steps "
            f"of {args.batch_size}, seed {args.seed}"
        )
        wanted = {r.strip() for r in args.runs.split(",")}
        rows = ([train_one(ws, args, 0.0, "no-noise")] if "none" in wanted else []) + (
            [train_one(ws, args, args.noise_rate, "noise")] if "noise" in wanted else []
        )
        print(f"\n{'training noise':<22} {'clean acc':>9} {'noisy acc':>9} {'wall s':>7} {'cpu s':>7}")
        for r in rows:
            label = "none" if not r["noise_rate"] else f"{args.preset} @ {r['noise_rate']:g}"
            print(f"{label:<22} {r['clean']:>9.3f} {r['noisy']:>9.3f} {r['wall_s']:>7.1f} {r['cpu_s']:>7.1f}")
        out = {"date": time.strftime("%Y-%m-%d"), "args": vars(args), "train": rows}
        if not args.no_compress and "noise" in wanted:
            from tadka.compress.vision.pipeline import compress_vision

            res = compress_vision(
                ws, ws.runs_dir / "noise", formats=None, budget_ms=0, threads=[1, 2, 4], echo=lambda line: None
            )
            print(
                f"\n{'variant':<10} {'KiB':>7} {'% fp32':>7} {'1t ms':>7} {'2t ms':>7} {'4t ms':>7} {'4t fps':>7} "
                f"{'RSS MB':>7} {'clean':>6} {'noisy':>6}"
            )
            fp32 = next(v["size_bytes"] for v in res.variants if v["name"] == "onnx:fp32")
            for v in res.variants:
                lat, acc = v["latency"], v["accuracy"]
                print(
                    f"{v['name']:<10} {v['size_bytes'] / 1024:>7.0f} {v['size_bytes'] / fp32:>7.0%} "
                    f"{lat['1']['median_ms']:>7.3f} {lat['2']['median_ms']:>7.3f} {lat['4']['median_ms']:>7.3f} "
                    f"{lat['4']['fps']:>7.0f} {v['peak_rss_mb']:>7} {acc['clean']['accuracy']:>6.3f} "
                    f"{acc['noisy']['accuracy']:>6.3f}"
                )
            out["compress"] = [{k: v for k, v in row.items() if k != "path"} for row in res.variants]
        if args.out:
            Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
