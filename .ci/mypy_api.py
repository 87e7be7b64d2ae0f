"""Type-check each stage's public entry points (what users and the CLI call) over the tree as installed.

`mypy` alone checks the core (pyproject's ``files``); the stage packages live in curate/, augment/ …
and are mapped into ``tadka.*`` by setup.py, which mypy cannot follow from the checkout. Here mypy runs
on a view of the installed tree (.ci/installed_view.py) with pyproject's settings: the modules below are
reported in full, the rest of each package is read for its types (follow_imports = silent).
"""

from __future__ import annotations

import subprocess
import sys

from installed_view import ROOT, installed_view, tool

API_MODULES = (
    "tadka/curate/generate/config.py",
    "tadka/curate/generate/pipeline.py",
    "tadka/augment/augment_config.py",
    "tadka/augment/pipeline.py",
    "tadka/curate/config.py",
    "tadka/curate/pipeline.py",
    "tadka/train/config.py",
    "tadka/train/run.py",
    "tadka/compress/config.py",
    "tadka/compress/pipeline.py",
)


def main() -> int:
    with installed_view() as view:
        exe = tool("mypy", sys.executable)
        cmd = [exe, "--config-file", str(ROOT / "pyproject.toml"), *API_MODULES]
        return subprocess.run(cmd, cwd=view, timeout=600).returncode


if __name__ == "__main__":
    sys.exit(main())
