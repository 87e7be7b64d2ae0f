"""fastText classifiers trained from corpora/ on first use and cached, never committed.

A model is named by a :class:`ModelSpec` (its name, the corpora files its training text comes
from, its fastText settings and a version for the code that builds the text). The cache key is a
hash of all of that, so editing a corpus file or a setting trains a new model and a stale one is
never loaded. The file is written to a temporary name and renamed, so a crash or two processes
training at once never leave a half-written model. Models are quantised (``.ftz``) keeping the
largest rows of the input matrix: well under a megabyte, at no measurable cost in accuracy here.

Why training runs in a child process: with ``thread=1`` (needed for a deterministic model)
fastText initialises only the first tenth of its input matrix (``DenseMatrix::uniform`` fills
``thread`` blocks of ``size / 10``) and, in fasttext-numpy2, the matrix lives in an aligned
buffer that is not zeroed. In a fresh process that buffer comes straight from the kernel as
zero pages, but a process that has freed large blocks before gets recycled heap memory: models
then differ from run to run and training stops at random with "Encountered NaN". A child process
started with ``MALLOC_MMAP_THRESHOLD_`` fixed (so glibc serves every large block with fresh
zero pages) always trains the same model; the parent only loads it.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from tadka import subproc
from tadka.lang import resources

logger = logging.getLogger(__name__)
# A hang guard: the shipped models train in seconds; a child still running after 30 minutes is stuck.
TRAIN_TIMEOUT_S = float(os.environ.get("TADKA_FASTTEXT_TIMEOUT_S", 1800))
_LOCK = threading.Lock()
_LOADED: dict[str, object] = {}


@dataclass(frozen=True)
class ModelSpec:
    """What a cached model is made of."""

    name: str
    sources: tuple[str, ...]
    params: tuple[tuple[str, object], ...] = field(default_factory=tuple)
    version: str = "1"
    #: keep this many rows of the input matrix when quantising (None: do not quantise)
    quantize_cutoff: int | None = 2000

    def key(self) -> str:
        return resources.digest(
            list(self.sources), self.name, self.version, repr(self.params), str(self.quantize_cutoff)
        )

    def path(self) -> str:
        ext = "ftz" if self.quantize_cutoff is not None else "bin"
        return str(resources.cache_dir() / f"{self.name}-{self.key()}.{ext}")


def _fasttext():
    import fasttext

    # fastText prints a warning on every load_model about the Python API's return type.
    fasttext.FastText.eprint = lambda *args, **kwargs: None
    return fasttext


def load_or_train(spec: ModelSpec, build_lines: Callable[[], list[str]]):
    """The fastText model for ``spec``: from memory, from the cache folder, or trained now.

    ``build_lines`` returns the training lines (``__label__x text``); it is only called when the
    model has to be trained.
    """
    path = spec.path()
    with _LOCK:
        if path in _LOADED:
            return _LOADED[path]
        if not os.path.exists(path):
            train_to(path, build_lines(), dict(spec.params), spec.quantize_cutoff, spec.name)
        model = _fasttext().load_model(path)
        _LOADED[path] = model
        return model


def train_to(path: str, lines: list[str], params: dict, quantize_cutoff: int | None, name: str = "model") -> None:
    """Train a supervised model on ``lines`` in a child process and write it atomically to ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    logger.info("training fastText model %s on %d lines", name, len(lines))
    fd, train_path = tempfile.mkstemp(prefix=f".{name}-", suffix=".txt", dir=folder)
    fd2, tmp_model = tempfile.mkstemp(prefix=f".{name}-", suffix=".part", dir=folder)
    os.close(fd2)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(line.replace("\n", " ") + "\n")
        params = {**params, "thread": 1, "seed": 0, "verbose": 0}
        # the child must import tadka exactly as this process does, wherever it was started from
        env = {
            **os.environ,
            "MALLOC_MMAP_THRESHOLD_": "131072",
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        }
        cmd = [
            sys.executable,
            "-m",
            "tadka.lang.ftmodel",
            train_path,
            tmp_model,
            json.dumps(params),
            json.dumps(quantize_cutoff),
        ]
        try:
            done = subproc.run(cmd, env=env, capture_output=True, text=True, timeout=TRAIN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"training fastText model {name} took over {TRAIN_TIMEOUT_S:g} s (killed)") from None
        if done.returncode != 0:
            raise RuntimeError(f"training fastText model {name} failed: {done.stderr.strip()[-2000:]}")
        os.chmod(tmp_model, 0o644)  # mkstemp makes it private; the cache may be shared
        os.replace(tmp_model, path)
    finally:
        os.unlink(train_path)
        if os.path.exists(tmp_model):
            os.unlink(tmp_model)


def _child(train_path: str, out_path: str, params_json: str, cutoff_json: str) -> None:
    ft = _fasttext()
    params = json.loads(params_json)
    cutoff = json.loads(cutoff_json)
    model = ft.train_supervised(input=train_path, **params)
    if cutoff is not None:
        model.quantize(input=train_path, qnorm=True, retrain=False, cutoff=cutoff, thread=1, verbose=0)
    model.save_model(out_path)


if __name__ == "__main__":
    _child(*sys.argv[1:5])
