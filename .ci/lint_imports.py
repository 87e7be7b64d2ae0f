"""Run lint-imports (the dependency rule in pyproject.toml) over the tree as it is installed.

setup.py maps curate/, augment/, train/, compress/, apps/ and corpora/ into the ``tadka`` package;
import-linter finds a package's modules by walking its folder, which holds only the core. So the
contracts are checked on a throw-away view: a ``tadka/`` folder of links to the core's files and to
the mapped folders, put first on PYTHONPATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("curate", "augment", "train", "compress", "apps", "corpora")  # as setup.py's MAPPED


def main() -> int:
    view = Path(tempfile.mkdtemp(prefix="tadka-lint-"))
    try:
        pkg = view / "tadka"
        pkg.mkdir()
        for entry in (ROOT / "tadka").iterdir():
            if entry.name != "__pycache__":
                (pkg / entry.name).symlink_to(entry)
        for name in MAPPED:
            (pkg / name).symlink_to(ROOT / name)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(view), os.environ.get("PYTHONPATH")]))}
        beside = Path(sys.executable).with_name("lint-imports")  # the venv's own, as pytest runs
        exe = str(beside) if beside.exists() else shutil.which("lint-imports") or "lint-imports"
        return subprocess.run([exe, str(ROOT / "pyproject.toml")], env=env, cwd=view, timeout=600).returncode
    finally:
        shutil.rmtree(view, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
