"""`accelerate launch -m tadka.train` unchanged on two processes (CPU: they talk over gloo)."""

import json
import os
import shutil
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_two_processes_with_accelerate_launch(ws, tiny):
    if shutil.which("accelerate") is None:
        pytest.skip("needs the 'train' extra (accelerate): pip install 'tadka[train]'")
    launcher = [
        os.path.join(os.path.dirname(sys.executable), "accelerate"),
        "launch",
        "--multi_gpu",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
    ]
    argv = launcher + [
        "-m",
        "tadka.train",
        "-w",
        str(ws.root),
        "--dataset",
        "v1",
        "--base",
        str(tiny),
        "--max-steps",
        "3",
        "--max-length",
        "128",
        "--batch-size",
        "4",
        "--no-eval-at-start",
        "--threads",
        "1",
        "--device",
        "cpu",
    ]
    env = {**os.environ, "TADKA_NO_PROGRESS": "1", "MASTER_PORT": "29533"}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300, cwd=ws.root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("finished at step 3/3") == 1  # one console voice
    (run,) = [
        p
        for p in ws.runs_dir.iterdir()
        if (p / "run_card.json").is_file() and json.loads((p / "run_card.json").read_text())["processes"] == 2
    ]
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    train_rows = [r for r in rows if "loss" in r]
    assert [r["step"] for r in train_rows] == [1, 2, 3]
    # Two processes of 4 chats each per step: 3 steps cover 24 of the 35 train chats (one process: 12).
    assert train_rows[-1]["epoch"] > 0.5
    assert (run / "adapter" / "adapter_model.safetensors").is_file()
