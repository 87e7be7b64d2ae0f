"""A throw-away view of the tree as it is installed, for tools that find a package by walking its folder.

setup.py maps curate/, augment/, train/, compress/, apps/ and corpora/ into the ``tadka`` package, so the
``tadka/`` folder of the checkout holds only the core. The view is a ``tadka/`` folder of links to the
core's files and to the mapped folders; lint-imports and mypy run on it (.ci/lint_imports.py,
.ci/mypy_api.py).
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("curate", "augment", "train", "compress", "apps", "corpora")  # as setup.py's MAPPED


@contextlib.contextmanager
def installed_view() -> Iterator[Path]:
    """A folder holding ``tadka/`` as installed (links), removed afterwards."""
    view = Path(tempfile.mkdtemp(prefix="tadka-view-"))
    try:
        pkg = view / "tadka"
        pkg.mkdir()
        for entry in (ROOT / "tadka").iterdir():
            if entry.name != "__pycache__":
                (pkg / entry.name).symlink_to(entry)
        for name in MAPPED:
            (pkg / name).symlink_to(ROOT / name)
        yield view
    finally:
        shutil.rmtree(view, ignore_errors=True)


def tool(name: str, python: str) -> str:
    """The venv's own console script (as pytest runs), else the one on PATH."""
    beside = Path(python).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name) or name
