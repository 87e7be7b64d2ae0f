"""`tadka compress` on a vision run: ONNX fp32/fp16/int8, each measured by the device script itself, the
best variant within ``--budget-ms`` picked, and the export bundle written.

Each variant is benched by running the bundle's own ``hil_bench.py`` in a child process (batch-1 latency
and frames/s at every thread count, peak RSS of that child, accuracy on the clean and on the noised eval
images), so the figures in bench.json are the ones the device script prints on the device, and one
variant's memory never inflates another's.

The rule: among the variants whose median batch-1 latency at ``select_threads`` (default: the most
benched) is within the budget, the highest clean accuracy; ties go to the smaller file. Nothing within
the budget is a one-line :class:`~tadka.compress.select.BudgetError` naming the fastest variant.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from tadka.atomic import atomic_dir, write_text
from tadka.compress.select import BudgetError
from tadka.compress.vision.export import VISION_FORMATS, export_fp16, export_fp32, export_int8
from tadka.errors import ConfigError

HIL = Path(__file__).with_name("hil_bench.py")
BENCH_TIMEOUT_S = 600


@dataclass
class VisionCompressResult:
    path: Path
    choice: dict[str, Any]
    variants: list[dict[str, Any]]
    threads: int


def is_vision_run(ws, run: str) -> Path | None:
    """The run folder when ``run`` names a vision run (it has vision.yaml), else None."""
    for cand in (Path(run), ws.runs_dir / run, ws.root / run):
        if (cand / "vision.yaml").is_file():
            return cand
    return None


def _write_eval(folder: Path, images: np.ndarray, labels: np.ndarray, names: list[str]) -> None:
    """``folder/<class>/<n>.png``: lossless, so the device reads the very pixels the run was scored on."""
    from PIL import Image

    for i, (img, y) in enumerate(zip(images, labels)):
        (folder / names[y]).mkdir(parents=True, exist_ok=True)
        Image.fromarray(img).save(folder / names[y] / f"{i:05d}.png", format="PNG", compress_level=1)


def _bench(model: Path, work: Path, threads: list[int], runs: int) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(work / "hil_bench.py"),
        "--model",
        str(model),
        "--threads",
        ",".join(map(str, threads)),
        "--runs",
        str(runs),
        "--out",
        str(work / f"{model.stem}.bench.json"),
    ]
    from tadka.subproc import run as run_child

    try:
        done = run_child(cmd, timeout=BENCH_TIMEOUT_S, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return {"error": f"hil_bench.py took longer than {BENCH_TIMEOUT_S} s (killed)"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:300]}
    return json.loads((work / f"{model.stem}.bench.json").read_text(encoding="utf-8"))


def choose(variants: list[dict[str, Any]], budget_ms: float, threads: int) -> dict[str, Any]:
    ok = [v for v in variants if "error" not in v]
    if not ok:
        raise BudgetError(
            "no variant was benched successfully: " + "; ".join(f"{v['name']} ({v['error']})" for v in variants),
            field="--formats",
        )
    ms = {v["name"]: v["latency"][str(threads)]["median_ms"] for v in ok}
    fits = [v for v in ok if not budget_ms or ms[v["name"]] <= budget_ms]
    if not fits:
        fastest = min(ok, key=lambda v: ms[v["name"]])
        raise BudgetError(
            f"no variant runs within {budget_ms:g} ms per frame at {threads} thread(s): the fastest is "
            f"{fastest['name']} at {ms[fastest['name']]:.2f} ms",
            field="--budget-ms",
            hint="raise the budget, add threads, or train a smaller backbone / image size",
        )
    return max(fits, key=lambda v: (v["accuracy"].get("clean", {}).get("accuracy") or 0.0, -v["size_bytes"]))


def _eval_and_calibration(ws, run_dir: Path, clf) -> tuple:
    """The run's clean and noised eval sets (noise on the camera frame, as in training) and 64 calibration
    images drawn from its training split only."""
    import yaml

    from tadka.train.vision import data as vdata
    from tadka.train.vision.run import VISION_FILE

    train_cfg = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    vcfg = yaml.safe_load((run_dir / VISION_FILE).read_text(encoding="utf-8"))
    seed = train_cfg.get("seed", -1) if train_cfg.get("seed", -1) >= 0 else ws.config["project"].seed
    train_recs, eval_recs, root = vdata.load_records(ws, train_cfg.get("dataset", ""), vcfg["eval_fraction"], seed)
    camera_side = int(vcfg.get("camera_side", 0)) if vcfg.get("eval_noise_preset") else 0
    clean = vdata.image_set(eval_recs, root, clf.labels, clf.image_size, camera_side)
    noisy = vdata.noised_copy(clean, vcfg["eval_noise_preset"], seed) if vcfg.get("eval_noise_preset") else None
    rng = np.random.default_rng(seed)
    calib_recs = [train_recs[i] for i in rng.permutation(len(train_recs))[:64]]  # training images only
    calibration = vdata.image_set(calib_recs, root, clf.labels, clf.image_size).images
    return clean, noisy, vdata.to_tensor(calibration, clf.norm).numpy()


def compress_vision(
    ws,
    run_dir: Path,
    *,
    formats: list[str] | None,
    budget_ms: float,
    threads: list[int],
    select_threads: int = 0,
    name: str | None = None,
    runs: int = 30,
    echo: Callable[[str], None] = print,
) -> VisionCompressResult:
    from tadka.train.vision.models import load_classifier

    formats = [f for f in (formats or VISION_FORMATS) if f in VISION_FORMATS] or list(VISION_FORMATS)
    if not (run_dir / "model" / "classifier.json").is_file():
        raise ConfigError("the vision run has no model/ yet (it did not finish)", file=run_dir, field="--run")
    threads = threads or [1, 2, 4]
    select_threads = select_threads or max(threads)
    if select_threads not in threads:
        raise ConfigError(
            f"{select_threads} is not among the benched thread counts {threads}", field="--select-threads"
        )
    clf = load_classifier(run_dir / "model")
    clean, noisy, calibration = _eval_and_calibration(ws, run_dir, clf)
    manifest = {
        "kind": "model",
        "task": "image-classification",
        "labels": clf.labels,
        "model": "model.onnx",
        "preprocess": {"image_size": clf.image_size, **clf.norm},
    }
    name = name or f"{run_dir.name}-onnx"
    work = ws.root / "cache" / "compress" / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copyfile(HIL, work / "hil_bench.py")
    write_text(work / "manifest.json", json.dumps(manifest, indent=2))
    _write_eval(work / "eval" / "clean", clean.images, clean.labels, clf.labels)
    if noisy is not None:
        _write_eval(work / "eval" / "noisy", noisy.images, noisy.labels, clf.labels)
    fp32 = export_fp32(clf, work / "fp32.onnx")
    builders = {
        "onnx:fp32": lambda: fp32,
        "onnx:fp16": lambda: export_fp16(fp32, work / "fp16.onnx"),
        "onnx:int8": lambda: export_int8(fp32, work / "int8.onnx", calibration),
    }
    variants = []
    for fmt in formats:
        t = time.time()
        path = builders[fmt]()
        row = {
            "name": fmt,
            "path": str(path),
            "build_s": round(time.time() - t, 1),
            **_bench(path, work, threads, runs),
        }
        row["size_bytes"] = path.stat().st_size
        variants.append(row)
        echo(_describe(row, select_threads))
    choice = choose(variants, budget_ms, select_threads)
    path = _bundle(ws, name, work, choice, variants, manifest, run_dir, budget_ms, select_threads)
    ms = choice["latency"][str(select_threads)]["median_ms"]
    budget = f"within {budget_ms:g} ms" if budget_ms else "(no budget)"
    echo(
        f"chose {choice['name']} {budget}: {ms:.2f} ms ({1000 / ms:.0f} frames/s) at {select_threads} thread(s), "
        f"clean accuracy {choice['accuracy']['clean']['accuracy']}, {choice['size_bytes'] / 1024:.0f} KiB -> {path}"
    )
    return VisionCompressResult(path, choice, variants, select_threads)


def _describe(row: dict[str, Any], threads: int) -> str:
    if "error" in row:
        return f"{row['name']:<10} failed: {row['error']}"
    lat = " ".join(f"{t}t {v['median_ms']:.2f}ms/{v['fps']:.0f}fps" for t, v in row["latency"].items())
    acc = " ".join(f"{k} {v['accuracy']}" for k, v in row["accuracy"].items())
    return (
        f"{row['name']:<10} {row['size_bytes'] / 1024:>8.0f} KiB | {lat} | peak RSS {row['peak_rss_mb']} MB | "
        f"accuracy {acc}"
    )


def _bundle(ws, name, work: Path, choice, variants, manifest, run_dir: Path, budget_ms, threads) -> Path:
    from tadka.compress.formats import sha256_file
    from tadka.compress.vision.card import model_card

    target = ws.exports_dir / name
    with atomic_dir(target) as tmp:
        shutil.copyfile(choice["path"], tmp / "model.onnx")
        shutil.copyfile(work / "hil_bench.py", tmp / "hil_bench.py")
        shutil.copytree(work / "eval", tmp / "eval")
        rows = [{k: v for k, v in row.items() if k != "path"} for row in variants]
        write_text(
            tmp / "bench.json", json.dumps({"threads": threads, "budget_ms": budget_ms, "variants": rows}, indent=2)
        )
        full = {
            **manifest,
            "variant": choice["name"],
            "sha256": sha256_file(tmp / "model.onnx"),
            "size_bytes": choice["size_bytes"],
            "budget_ms": budget_ms,
            "select_threads": threads,
            "source_run": str(run_dir.resolve()),
            "chosen": {k: v for k, v in choice.items() if k != "path"},
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        write_text(tmp / "manifest.json", json.dumps(full, indent=2))
        write_text(tmp / "README.md", model_card(full, rows, run_dir))
    return target
