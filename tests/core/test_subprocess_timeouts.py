"""Every child process in the repository has a deadline, and is killed when it passes it.

The rule this test enforces on the AST of every .py file (source, bench/, tests/):
1. ``subprocess.run/call/check_call/check_output`` (however imported) pass ``timeout=``; on a timeout the
   standard library kills the child. ``tadka.subproc.run`` takes ``timeout`` as a required keyword and kills
   the child's whole process group.
2. A module that creates a ``subprocess.Popen`` also waits for a child with a deadline
   (``.wait(timeout=…)``, ``.communicate(timeout=…)``, or an ``os.wait4(pid, os.WNOHANG)`` poll) and kills one
   (``.kill()``, ``.terminate()``, ``.send_signal()``, ``os.killpg``), or hands it to ``tadka.subproc.stop_child``
   / ``kill_group``, which do both. A Popen held by an object (a server a test starts) is stopped by that
   object's own code. The one exception is listed in ``DETACHED`` with its reason.
3. ``subprocess.getoutput/getstatusoutput``, ``os.system``, ``os.popen`` and asyncio's
   ``create_subprocess_*`` (no deadline of their own) are not used.
Rule 2 is per module, not per object: it cannot prove that every handle reaches the wait, only that the
module that starts children has the code that stops them.
"""

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tadka import subproc

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {"__pycache__", "build", "dist", "node_modules"}
RUN_LIKE = {"run", "call", "check_call", "check_output"}
# Children that are meant to outlive the call that started them, and how they end.
DETACHED = {
    "train/runs.py": "a training run started in the background from the review app (hours long, by design); "
    "`runs.stop` SIGTERMs its process group so it checkpoints and exits, and waits a bounded time"
}
FORBIDDEN = {
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
    ("os", "system"),
    ("os", "popen"),
    ("asyncio", "create_subprocess_exec"),
    ("asyncio", "create_subprocess_shell"),
}


def python_files() -> list[Path]:
    out = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS and not d.endswith(".egg-info")]
        out += [Path(folder, f) for f in files if f.endswith(".py")]
    return sorted(out)


def _target(func: ast.expr, imported: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(module, name) a call goes to: ``subprocess.run`` → (subprocess, run); ``run`` after ``from subprocess
    import run`` → the same."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return func.value.id, func.attr
    if isinstance(func, ast.Name) and func.id in imported:
        return imported[func.id]
    return None


def violations(source: str, name: str = "<source>") -> list[str]:
    tree = ast.parse(source, name)
    imported = {
        a.asname or a.name: (node.module, a.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("subprocess", "os", "asyncio")
        for a in node.names
    }
    found, popens, waits, kills = [], [], False, False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        keywords = {k.arg for k in node.keywords}
        target = _target(node.func, imported)
        if target in FORBIDDEN:
            found.append(f"{name}:{node.lineno}: {'.'.join(target)} has no timeout")
        elif (
            target
            and target[0] == "subprocess"
            and target[1] in RUN_LIKE
            and "timeout" not in keywords
            and None not in keywords
        ):  # **kwargs may carry it
            found.append(f"{name}:{node.lineno}: subprocess.{target[1]} without timeout=")
        elif target and target[0] == "subprocess" and target[1] == "Popen":
            popens.append(node.lineno)
        if isinstance(node.func, ast.Attribute):
            attr = node.func.attr
            waits |= attr in ("wait", "communicate") and "timeout" in keywords
            waits |= attr in ("wait4", "waitpid") and "WNOHANG" in ast.unparse(node)
            waits |= attr in ("stop_child", "kill_group")
            kills |= attr in ("kill", "terminate", "send_signal", "killpg", "stop_child", "kill_group")
    missing = [what for what, ok in (("waits for a child with timeout=", waits), ("kills a child", kills)) if not ok]
    found += [
        f"{name}:{line}: subprocess.Popen, but the module never {' and never '.join(missing)}"
        for line in popens
        if missing
    ]
    return found


def test_the_rule_catches_what_it_claims():
    bad = (
        "import subprocess\nfrom subprocess import check_output as co\nimport os\n"
        "subprocess.run(['x'])\nco(['x'])\nos.system('x')\np = subprocess.Popen(['x'])\np.wait()\n"
    )
    found = violations(bad)
    assert [f.split(":")[1] for f in found] == ["4", "5", "6", "7"], found
    good = (
        "import subprocess\nsubprocess.run(['x'], timeout=5)\np = subprocess.Popen(['x'])\n"
        "try:\n    p.wait(timeout=5)\nexcept subprocess.TimeoutExpired:\n    p.kill()\n"
    )
    assert violations(good) == []


def test_every_child_process_in_the_repository_has_a_deadline():
    files = python_files()
    assert any(p.name == "gguf_export.py" for p in files) and any(p.parts[-2] == "bench" for p in files)
    found = [
        v
        for p in files
        for v in violations(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT)))
        if v.split(":")[0] not in DETACHED or "Popen" not in v
    ]
    assert not found, "\n".join(found)


def test_a_timeout_kills_the_child_and_its_children(tmp_path):
    marker = tmp_path / "grandchild.pid"
    # the child starts a grandchild that would outlive it, then both sleep past the deadline
    code = (
        "import subprocess, sys, time\n"
        f"g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(marker)!r}, 'w').write(str(g.pid))\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        subproc.run([sys.executable, "-c", code], timeout=2, capture_output=True, text=True)
    assert time.monotonic() - started < 20
    grandchild = int(marker.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild), "the grandchild outlived the timeout"
    done = subproc.run([sys.executable, "-c", "print('ok')"], timeout=60, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout == "ok\n"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a killed process that nobody reaped yet is a zombie: dead for our purpose
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
