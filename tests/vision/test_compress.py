"""`tadka compress` on the acceptance vision run: int8 size and accuracy against fp32, the budget picker and its
one-line refusal, the export bundle, and hil_bench.py in a fresh venv that holds only onnxruntime, numpy and
Pillow."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def compressed(vision_run):
    from click.testing import CliRunner

    from tadka.apps.cli import cli

    out = CliRunner().invoke(
        cli, ["compress", "-w", str(vision_run.ws.root), "--run", "demo", "--threads", "1,2,4", "--name", "demo-onnx"]
    )
    assert out.exit_code == 0, out.output
    folder = vision_run.ws.exports_dir / "demo-onnx"
    return folder, json.loads((folder / "bench.json").read_text()), out.output


def test_int8_is_a_third_of_fp32_and_within_two_points(compressed):
    folder, bench, output = compressed
    rows = {v["name"]: v for v in bench["variants"]}
    assert set(rows) == {"onnx:fp32", "onnx:fp16", "onnx:int8"}
    fp32, int8 = rows["onnx:fp32"], rows["onnx:int8"]
    assert int8["size_bytes"] <= 0.35 * fp32["size_bytes"], (int8["size_bytes"], fp32["size_bytes"])
    assert abs(int8["accuracy"]["clean"]["accuracy"] - fp32["accuracy"]["clean"]["accuracy"]) <= 0.02
    for v in rows.values():
        assert set(v["latency"]) == {"1", "2", "4"} and all(x["fps"] > 0 for x in v["latency"].values())
        assert v["peak_rss_mb"] > 0 and v["accuracy"]["noisy"]["images"] == 200
    assert "chose onnx:" in output and "frames/s" in output


def test_the_bundle_holds_what_the_device_needs(compressed):
    folder, bench, _ = compressed
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["sha256"] == hashlib.sha256((folder / "model.onnx").read_bytes()).hexdigest()
    assert manifest["labels"] == ["dent", "good", "scratch", "stain"] and manifest["preprocess"]["image_size"] == 48
    assert "python hil_bench.py" in (folder / "README.md").read_text()
    assert len(list((folder / "eval" / "noisy").rglob("*.png"))) == 200


def test_budget_picks_per_budget_and_refuses_in_one_line(compressed):
    from tadka.compress.select import BudgetError
    from tadka.compress.vision.pipeline import choose

    _, bench, _ = compressed
    rows = bench["variants"]
    ms = {v["name"]: v["latency"]["4"]["median_ms"] for v in rows}
    best = max(rows, key=lambda v: (v["accuracy"]["clean"]["accuracy"], -v["size_bytes"]))
    assert choose(rows, 0, 4)["name"] == best["name"]
    fastest = min(ms, key=ms.get)
    only = choose(rows, ms[fastest] * 1.0001, 4)  # a budget only the fastest variant meets (or ties)
    assert ms[only["name"]] <= ms[fastest] * 1.0001
    with pytest.raises(BudgetError) as e:
        choose(rows, ms[fastest] / 10, 4)
    assert "\n" not in str(e.value) and fastest in str(e.value) and e.value.field == "--budget-ms"


def test_budget_refusal_from_the_command_line(vision_run, compressed):
    from click.testing import CliRunner

    from tadka.apps.cli import cli

    out = CliRunner().invoke(
        cli,
        [
            "compress",
            "-w",
            str(vision_run.ws.root),
            "--run",
            "demo",
            "--threads",
            "1",
            "--formats",
            "onnx:int8",
            "--budget-ms",
            "0.00001",
            "--name",
            "never",
        ],
    )
    assert out.exit_code == 2 and out.output.splitlines()[-1].startswith("error: --budget-ms: no variant runs within")
    assert not (vision_run.ws.exports_dir / "never").exists()


def _bare_venv(root: Path) -> Path:
    """A venv with no pip and no tadka: only onnxruntime, numpy and Pillow (linked from this environment's
    installed copies, so no download), each found through its dist-info."""
    import importlib.metadata as md

    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(root)],
        check=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    site = root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    for dist_name in ("onnxruntime", "numpy", "pillow"):
        dist = md.distribution(dist_name)
        base = Path(dist.locate_file(""))
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops:
            if (base / top).exists() and not (site / top).exists():
                (site / top).symlink_to(base / top)
    return root / "bin" / "python"


def test_hil_bench_runs_from_the_export_with_only_onnxruntime_numpy_pillow(compressed, tmp_path):
    folder, bench, _ = compressed
    python = _bare_venv(tmp_path / "device")
    probe = subprocess.run([str(python), "-I", "-c", "import tadka"], capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0  # the device has no tadka
    done = subprocess.run(
        [str(python), "-I", "hil_bench.py", "--threads", "1", "--runs", "5", "--out", "device.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    device = json.loads((folder / "device.json").read_text())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert device["accuracy"] == manifest["chosen"]["accuracy"]  # the same pixels, the same answers
    assert device["latency"]["1"]["fps"] > 0
