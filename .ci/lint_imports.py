"""Run lint-imports (the dependency rule in pyproject.toml) over the tree as it is installed.

import-linter finds a package's modules by walking its folder, which in the checkout holds only the
core; the contracts are checked on a view (.ci/installed_view.py) put first on PYTHONPATH.
"""

from __future__ import annotations

import os
import subprocess
import sys

from installed_view import ROOT, installed_view, tool


def main() -> int:
    with installed_view() as view:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(view), os.environ.get("PYTHONPATH")]))}
        exe = tool("lint-imports", sys.executable)
        return subprocess.run([exe, str(ROOT / "pyproject.toml")], env=env, cwd=view, timeout=600).returncode


if __name__ == "__main__":
    sys.exit(main())
