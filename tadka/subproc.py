"""Child processes with a deadline: on timeout the child and everything it started are killed.

``subprocess.run(timeout=...)`` kills only the direct child; a converter or ``pip download`` that started
its own children would leave them running. Here the child leads a new session (its own process group),
so a timeout, an error or Ctrl-C in the parent kills the whole group before the exception propagates.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from typing import Any, Sequence


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process group that ``proc`` leads, then reap ``proc`` (no zombie left behind)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    proc.wait(timeout=30)


def run(
    cmd: Sequence[str], *, timeout: float, input: str | bytes | None = None, **kwargs: Any
) -> subprocess.CompletedProcess:
    """Like ``subprocess.run(cmd, timeout=...)``, but a timeout kills the child's whole process group.

    Raises ``subprocess.TimeoutExpired`` (after the kill) like ``subprocess.run`` does; callers turn it into
    their own one-line error.
    """
    if kwargs.pop("capture_output", False):
        kwargs["stdout"] = kwargs["stderr"] = subprocess.PIPE
    with subprocess.Popen(
        cmd, start_new_session=True, stdin=subprocess.PIPE if input is not None else kwargs.pop("stdin", None), **kwargs
    ) as proc:
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except BaseException:  # the timeout, but also Ctrl-C or an error while reading: never leave it running
            kill_group(proc)
            raise
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def stop_child(proc: subprocess.Popen, grace: float = 10.0) -> int:
    """Ask a child to exit (SIGTERM), and kill it if it has not within ``grace`` seconds; its exit status."""
    proc.terminate()
    try:
        return proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(timeout=30)
