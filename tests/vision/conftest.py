"""One real vision run shared by the train and compress tests of the camera track (module fixtures would
train it twice): the demo generator → `tadka import` → `tadka train --task image-classification`."""

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

# The CI recipe: small enough for 2 cores, hard enough that a broken loop cannot pass 0.90. One torch thread:
# for a 310k-parameter CNN at 48 px a second thread only adds synchronisation (measured 25 ms CPU per step on
# one thread, 128 ms on two with the machine shared), and CI runs other tests beside it.
DEMO = {"per_class": 250, "size": 48, "severity": 2.0}
TRAIN_ARGS = [
    "--task",
    "image-classification",
    "--dataset",
    "images",
    "--backbone",
    "resnet",
    "--image-size",
    "48",
    "--max-steps",
    "900",
    "--batch-size",
    "32",
    "--learning-rate",
    "2e-3",
    "--warmup",
    "0.1",
    "--weight-decay",
    "0.01",
    "--log-every",
    "50",
    "--save-every",
    "300",
    "--threads",
    "1",
    "--noise-rate",
    "0",
]


@dataclass
class VisionRun:
    ws: object
    run: Path
    output: str
    seconds: float  # wall clock: demo + import + train + eval + save + reload
    cpu_seconds: float  # this process's CPU over the same span (one torch thread: the wall time of an idle machine)


@pytest.fixture(scope="session")
def vision_stack():
    for name in ("torch", "transformers", "PIL", "albumentations", "onnxruntime", "onnx"):
        pytest.importorskip(name, reason="needs the 'vision' extra: pip install torch==2.13.0 'tadka[vision]'")


@pytest.fixture(scope="session")
def vision_run(tmp_path_factory, vision_stack) -> VisionRun:
    from click.testing import CliRunner

    from tadka.apps.cli import cli
    from tadka.vision.demo import write_demo
    from tadka.workspace import Workspace

    root = tmp_path_factory.mktemp("vision")
    ws = Workspace.init(root / "ws")
    start, cpu = time.monotonic(), time.process_time()
    write_demo(root / "demo", **DEMO)
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(root / "demo"), "-w", str(ws.root)])
    assert imported.exit_code == 0, imported.output
    out = runner.invoke(cli, ["train", "-w", str(ws.root), "--name", "demo", *TRAIN_ARGS])
    assert out.exit_code == 0, out.output
    wall, cpu = time.monotonic() - start, time.process_time() - cpu
    line = next((x[x.index("eval accuracy:") :] for x in out.output.splitlines() if "eval accuracy:" in x), "")
    print(
        f"\nvision acceptance run: {wall:.1f} s wall, {cpu:.1f} s CPU (demo, import, train, eval, save, reload); {line}"
    )
    return VisionRun(ws, ws.runs_dir / "demo", imported.output + out.output, wall, cpu)
