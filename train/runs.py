"""Background training runs for the review app's Train page (torch-free; the run is another process).

``start`` launches ``python -m tadka.train`` detached in its own session, so a Streamlit rerun, a page
reload or the app's restart neither blocks on it nor kills it; everything the page shows is read back
from the run folder (status.json, metrics.jsonl, train.log). ``stop`` sends SIGTERM to the run's process
group: the trainer saves a checkpoint at the end of the current step and exits, and the same name
resumes it later (``start(ws, name=NAME)``). Between the request and the exit the run reads
"stopping": it is still a process (finishing a step, an eval, the checkpoint), and it cannot be
resumed until it is gone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tadka.atomic import write_text
from tadka.errors import ConfigError
from tadka.train.rundir import RunDir, check_name

# Popen handles of the runs this process started: polling them reaps finished children (no zombies).
_CHILDREN: dict[int, subprocess.Popen] = {}


@dataclass
class RunInfo:
    name: str
    state: str  # starting | running | stopping | finished | failed | stopped
    step: int
    max_steps: int
    last_loss: float | None
    started_at: float | None
    error: str | None = None  # why a failed run ended, one line (status.json)


def _alive(pid: int | None) -> bool:
    """Whether ``pid`` is a live (not zombie) training process."""
    if not pid:
        return False
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc (macOS): trust kill(0)
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":
        return False
    return b"tadka" in cmdline  # the pid was not reused by an unrelated process


def _pid(run: RunDir) -> int | None:
    try:
        return int(run.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _state(run: RunDir, status: dict[str, Any]) -> str:
    written = status.get("state")
    if _alive(_pid(run)):
        # asked to stop: still finishing its step, its eval and the checkpoint
        return "stopping" if run.stop_file.exists() else "running"
    if written in ("finished", "failed", "stopped"):
        return written
    if run.stop_file.exists():
        return "stopped"
    if written == "starting" and time.time() - float(status.get("updated_at") or 0) < 30:
        return "starting"  # launched a moment ago: its pid file is being written
    return "failed"  # died without saying so (killed, out of memory)


def _info(run: RunDir) -> RunInfo:
    status = run.status()
    state = _state(run, status)
    return RunInfo(
        name=run.name,
        state=state,
        step=int(status.get("step") or 0),
        max_steps=int(status.get("max_steps") or 0),
        last_loss=status.get("last_loss"),
        started_at=status.get("started_at"),
        error=(status.get("error") or "the process ended without saying why (killed? out of memory?)")
        if state == "failed"
        else None,
    )


def start(ws, dataset: str | None = None, overrides: dict | None = None, name: str | None = None) -> str:
    """Launch a run (or resume run ``name``) in the background; returns its name at once.

    The settings are checked here first (defaults < tadka.yaml < overrides, or the run's own saved
    settings when resuming), so a bad key is a ConfigError in the page, not a failed run.
    """
    from tadka.train.config import check
    from tadka.train.run import resolve_config

    overrides = dict(overrides or {})
    if dataset:
        overrides["dataset"] = dataset
    name = check_name(name) if name else time.strftime("run-%Y%m%d-%H%M%S")
    run = RunDir.of(ws.runs_dir, name)
    if _alive(_pid(run)):
        raise ConfigError(f"run {name!r} is still running", file=run.root, field="name", hint="stop it first")
    cfg = resolve_config(ws, name=name, flags=overrides)
    check(cfg)  # the cross-key rules too: a bad value is an error here, not a run that fails at once
    if run.status().get("state") == "finished":
        raise ConfigError(f"run {name!r} already finished", file=run.root, field="name", hint="pick a new name")
    run.root.mkdir(parents=True, exist_ok=True)
    run.stop_file.unlink(missing_ok=True)
    run.pid_file.unlink(missing_ok=True)
    # Written before the launch: from then on the run itself is the only writer of its state.
    run.update_status(lambda s: {"state": "starting", "started_at": s.get("started_at") or time.time(), "error": None})
    given = {k: v for k, v in cfg.to_dict().items() if k in overrides}
    argv = [sys.executable, "-m", "tadka.train", "--workspace", str(ws.root), "--name", name]
    for key, value in given.items():
        argv += ["--set", f"{key}={json.dumps(value)}"]  # JSON is YAML: --set parses it back exactly
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TADKA_NO_PROGRESS": "1"}
    with open(run.log_file, "ab") as log:
        child = subprocess.Popen(
            argv,
            cwd=ws.root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    _CHILDREN[child.pid] = child
    run.write_pid(child.pid)
    return name


def list_runs(ws) -> list[RunInfo]:
    """Every run folder, newest first."""
    if not ws.runs_dir.is_dir():
        return []
    runs = [_info(RunDir(p)) for p in ws.runs_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted(runs, key=lambda r: r.started_at or 0, reverse=True)


def info(ws, name: str) -> RunInfo:
    return _info(RunDir.of(ws.runs_dir, name))


def metrics(ws, name: str) -> list[dict]:
    """Rows of metrics.jsonl: step, loss, eval_loss, eval_ppl, tokens_per_s, eta_s …"""
    return RunDir.of(ws.runs_dir, name).metrics()


def log_tail(ws, name: str, n: int = 200) -> str:
    """The last ``n`` lines of train.log (read from the end, so a long log costs nothing)."""
    path = RunDir.of(ws.runs_dir, name).log_file
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            chunk, data = 8192, b""
            while size > 0 and data.count(b"\n") <= n:
                step = min(chunk, size)
                size -= step
                f.seek(size)
                data = f.read(step) + data
    except OSError:
        return ""
    return "\n".join(data.decode("utf-8", errors="replace").splitlines()[-n:])


def stop(ws, name: str, wait: float = 10.0) -> None:
    """SIGTERM the run's process group; the run saves a checkpoint after its current step and exits.

    Waits up to ``wait`` seconds for that; the state reads "stopping" until the process has exited.
    """
    run = RunDir.of(ws.runs_dir, name)
    pid = _pid(run)
    write_text(run.stop_file, str(time.time()))
    if not _alive(pid):
        # decided under the status lock, so a run that wrote "finished" a moment ago stays finished
        run.update_status(lambda s: {"state": "stopped"} if s.get("state") in ("starting", "running") else None)
        return
    try:
        os.killpg(os.getpgid(pid), signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
