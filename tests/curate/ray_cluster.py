"""A real Ray cluster of two processes on loopback, for the sharded-engine tests and the bench.

``ray start --head`` and a second ``ray start --address=…`` (a worker node: its own raylet, object
store and workers), each with ``--block`` in its own process group, so that teardown kills exactly
the processes this module started (never ``ray stop``, which would stop every Ray on the machine).
Every port is picked free, and the head's temp dir is private, so parallel sessions do not collide.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

from tadka import subproc

PORT_FLAGS = (
    "--node-manager-port",
    "--object-manager-port",
    "--dashboard-agent-listen-port",
    "--dashboard-agent-grpc-port",
    "--runtime-env-agent-port",
    "--metrics-export-port",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    """Head + one worker node on 127.0.0.1; ``address`` for ``ray.init``; ``close()`` kills both groups."""

    def __init__(self, cpus_per_node: int = 1, object_store_mb: int = 400, start_timeout: float = 120.0) -> None:
        self.cpus, self.store = cpus_per_node, object_store_mb * 1024 * 1024
        self.timeout = start_timeout
        self.temp = Path(tempfile.mkdtemp(prefix="tkr-", dir="/tmp"))  # short: Ray's socket paths are limited
        self.procs: list[subprocess.Popen] = []
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"

    def _start(self, *args: str, log: str) -> None:
        cmd = [sys.executable, "-m", "ray.scripts.scripts", "start", "--block", "--disable-usage-stats"]
        cmd += ["--node-ip-address=127.0.0.1", f"--num-cpus={self.cpus}", f"--object-store-memory={self.store}"]
        for flag in PORT_FLAGS:
            cmd.append(f"{flag}={free_port()}")
        env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}  # loopback only
        env.pop("RAY_ADDRESS", None)
        out = open(self.temp / log, "wb")
        proc = subprocess.Popen([*cmd, *args], stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env)
        out.close()
        self.procs.append(proc)

    def start(self) -> "LocalCluster":
        try:
            self._start(
                "--head",
                f"--port={self.port}",
                f"--dashboard-port={free_port()}",
                "--include-dashboard=false",
                f"--temp-dir={self.temp}",
                log="head.log",
            )
            self._wait_for("head.log", "Ray runtime started")
            self._start(f"--address={self.address}", log="worker.log")
            self._wait_for("worker.log", "Ray runtime started")
        except BaseException:
            self.close()
            raise
        return self

    def _wait_for(self, log: str, text: str) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if text in (self.temp / log).read_text(errors="replace"):
                return
            for p in self.procs:
                if p.poll() is not None:
                    raise RuntimeError(f"ray start exited with {p.returncode}: {(self.temp / log).read_text()[-2000:]}")
            time.sleep(0.2)
        raise TimeoutError(f"Ray did not start within {self.timeout:.0f} s ({self.temp / log})")

    def wait_for_nodes(self, n: int = 2) -> None:
        """Block until ``n`` nodes are alive (call after ``ray.init(address=…)``)."""
        import ray

        deadline = time.monotonic() + self.timeout
        while sum(1 for node in ray.nodes() if node["Alive"]) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{n} Ray nodes did not come up within {self.timeout:.0f} s")
            time.sleep(0.2)

    def pids(self) -> list[int]:
        """Every live process of the two sessions: Ray's workers leave their parent's process group but
        stay in the session that ``start_new_session`` made for each ``ray start``."""
        sessions = {p.pid for p in self.procs}
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getsid(int(entry)) in sessions:
                        out.append(int(entry))
                except (ProcessLookupError, PermissionError):
                    continue
        return out

    def close(self) -> None:
        """Kill both process groups (worker node first), then any process left in their sessions, by id."""
        left = [pid for pid in self.pids() if pid not in {p.pid for p in self.procs}]
        for proc in reversed(self.procs):
            subproc.kill_group(proc)
        for pid in left:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.procs.clear()


@contextlib.contextmanager
def connected(cpus_per_node: int = 1) -> Iterator[LocalCluster]:
    """A started two-node cluster with this process connected to it as the driver; both torn down after.

    Ray Data's usage poller is a daemon thread that outlives the cluster and logs a failed Prometheus
    query every 10 s at DEBUG: it is quieted at the end, else every later failing test's report fills
    with them."""
    import logging

    import ray

    local = LocalCluster(cpus_per_node=cpus_per_node)
    try:
        local.start()
        ray.init(address=local.address, log_to_driver=False, configure_logging=False)
        local.wait_for_nodes(2)
        yield local
    finally:
        ray.shutdown()
        local.close()
        logging.getLogger("ray.data._internal.usage").setLevel(logging.WARNING)
