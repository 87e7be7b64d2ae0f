"""A loopback OpenAI-compatible server for tests and bench/teacher.py (127.0.0.1 only, stdlib only).

It answers ``POST /v1/chat/completions`` and the Batch API (``/v1/files``, ``/v1/batches``,
``/v1/files/{id}/content``) and can misbehave on request. A chat whose first user message holds a
marker such as ``[[429]]`` gets that behaviour on its first attempt and a normal answer after;
``[[429*]]`` misbehaves on every attempt (JSON repair requests included). Markers: ``429`` (with Retry-After), ``500``, ``hang``
(sleeps past the client's timeout), ``badjson`` (a truncated HTTP body), ``length``,
``filter`` (content_filter), ``drop`` (closes the connection without answering), ``prose`` (the
JSON answer wrapped in chat and a trailing comma), ``garbage`` (no JSON at all).

Every request is counted by the same cache key the teachers use (:func:`tadka.teachercache.request_key`),
so a test can assert which requests reached the server and how often; ``prompts`` counts them by their
messages alone (the same prompt sent on another structured-output rung is the same prompt).

Server-wide faults: ``formats`` (the ``response_format`` types accepted; a refused one gets
``refusal_status`` with llama-cpp-python's message, "Input should be 'text' or 'json_object'") and
``fail_all`` (every chat request answered with that HTTP status: a dead backend).

Run it alone (for the benchmark): ``python tests/curate/loopback.py --latency 0.2`` prints the port.
"""

from __future__ import annotations

import argparse
import email.parser
import email.policy
import hashlib
import json
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from tadka.teachercache import request_key

MARKER = re.compile(r"\[\[(\w+)(\*?)\]\]")
WORDS = (
    "kya",
    "hai",
    "mandi",
    "rate",
    "check",
    "karo",
    "UPI",
    "PIN",
    "kabhi",
    "share",
    "mat",
    "train",
    "ticket",
    "booking",
    "kaise",
    "hota",
    "bank",
    "account",
    "form",
    "bharna",
    "school",
    "fees",
    "bijli",
    "bill",
    "online",
    "payment",
    "kisan",
    "scheme",
    "apply",
    "doctor",
    "appointment",
    "weather",
    "alert",
    "barish",
    "FIR",
    "thana",
)


def schema_of(body: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON schema a body's response_format carries (json_schema, or json_object with a schema)."""
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return (fmt.get("json_schema") or {}).get("schema")
    if fmt.get("type") == "json_object":
        return fmt.get("schema")
    return None


def prompt_key(body: dict[str, Any]) -> str:
    """A hash of the messages alone: the same prompt whatever format or sampling it was sent with."""
    return hashlib.sha256(json.dumps(body.get("messages"), sort_keys=True).encode()).hexdigest()


def cache_key(body: dict[str, Any]) -> str:
    """The teacher-side cache key of a chat-completions body (schema read back from response_format)."""
    schema = schema_of(body)
    view = {
        "temperature": body.get("temperature"),
        "top_p": body.get("top_p"),
        "max_tokens": body.get("max_tokens", body.get("max_completion_tokens")),
        "stop": body.get("stop"),
        "json_schema": schema,
    }
    return request_key(body["model"], body["messages"], view, body.get("seed"))


def words_for(key: str, n: int) -> str:
    """Deterministic Hinglish-looking words for a key: different keys, different (novel) texts."""
    digest = hashlib.sha256(key.encode()).digest()
    return " ".join(
        WORDS[digest[i % len(digest)] % len(WORDS)] + (str(digest[i % len(digest)]) if i % 4 == 3 else "")
        for i in range(n)
    )


def fill_schema(schema: dict[str, Any], key: str) -> Any:
    """A value matching a (simple) JSON schema, made of key-seeded words."""
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {name: fill_schema(sub, f"{key}:{name}") for name, sub in (schema.get("properties") or {}).items()}
    if kind == "array":
        return [
            fill_schema(schema.get("items") or {"type": "string"}, f"{key}:{i}")
            for i in range(max(1, schema.get("minItems", 1)))
        ]
    if kind == "integer":
        return int(schema.get("minimum", 0)) + int(hashlib.sha256(key.encode()).hexdigest(), 16) % (
            int(schema.get("maximum", 5)) - int(schema.get("minimum", 0)) + 1
        )
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return words_for(key, 12)


def default_answer(body: dict[str, Any], key: str) -> str:
    """JSON for a response_format schema (or a schema quoted in the prompt, as a repair note does), else words."""
    schema = schema_of(body)
    if schema:
        return json.dumps(fill_schema(schema, key), ensure_ascii=False)
    last = (body.get("messages") or [{}])[-1].get("content") or ""
    quoted = re.search(r"JSON schema: (\{.*\})", last)
    if quoted:
        return json.dumps(fill_schema(json.loads(quoted.group(1)), key), ensure_ascii=False)
    return words_for(key, 16)


class Loopback:
    """The server and its counters; ``with Loopback() as srv:`` starts it on a free port."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        hang_s: float = 5.0,
        answer: Callable[[dict, str], str] | None = None,
        schema_support: bool = True,
        batch_polls: int = 1,
        count_keys: bool = True,
        formats: tuple[str, ...] = ("text", "json_object", "json_schema"),
        refusal_status: int = 400,
        fail_all: int | None = None,
    ) -> None:
        self.latency = latency
        self.hang_s = hang_s
        self.answer = answer or default_answer
        self.schema_support = schema_support
        self.batch_polls = batch_polls
        self.count_keys = count_keys
        self.formats = formats
        self.refusal_status = refusal_status
        self.fail_all = fail_all
        self.prompts: Counter[str] = Counter()  # prompt_key → attempts that reached the server
        self.formats_seen: Counter[str] = Counter()  # response_format type (or "text") → attempts
        self.counts: Counter[str] = Counter()  # cache key → attempts that reached the server
        self.answered: Counter[str] = Counter()  # cache key → normal answers given
        self.auth: Counter[str] = Counter()  # Authorization header values seen
        self.total = 0
        self.lock = threading.Lock()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.server = _Server(("127.0.0.1", 0), _handler(self))
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> "Loopback":
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- chat --------------------------------------------------------------------------------
    def behaviour(self, body: dict[str, Any], attempt: int) -> str:
        """The marker in the chat's first user message: on the first attempt only, or always with ``*``
        (a repair follow-up, which carries the original messages, gets it only with ``*``)."""
        user = [m.get("content") or "" for m in body.get("messages", []) if m.get("role") == "user"]
        match = MARKER.search(user[0]) if user else None
        if match is None:
            return "ok"
        name, always = match.group(1), bool(match.group(2))
        if always:
            return name
        return name if attempt == 0 and len(user) == 1 else "ok"

    def completion(self, body: dict[str, Any], key: str, mode: str) -> dict[str, Any]:
        text = self.answer(body, key)
        finish = "stop"
        if mode == "length":
            text, finish = text[: len(text) // 2], "length"
        elif mode == "filter":
            text, finish = "", "content_filter"
        elif mode == "prose":
            text = f"Zaroor! Yeh raha jawab:\n```json\n{text[:-1]},}}\n```\nAur kuch?"
        elif mode == "garbage":
            text = "maaf kijiye, main JSON nahi likh sakta"
        prompt_tokens = sum(len((m.get("content") or "").split()) for m in body.get("messages", []))
        return {
            "id": f"chatcmpl-{key[:12]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(text.split()),
                "total_tokens": prompt_tokens + len(text.split()),
            },
        }

    # -- batch -------------------------------------------------------------------------------
    def run_batch(self, batch: dict[str, Any]) -> None:
        out, err = [], []
        for line in self.files[batch["input_file_id"]].decode().splitlines():
            item = json.loads(line)
            body, cid = item["body"], item["custom_id"]
            key = cache_key(body)
            with self.lock:
                self.counts[key] += 1
                self.total += 1
            if self.behaviour(body, 0) == "500":
                err.append(
                    {
                        "id": f"r-{cid[:8]}",
                        "custom_id": cid,
                        "response": {"status_code": 500, "body": {"error": {"message": "server error"}}},
                        "error": None,
                    }
                )
                continue
            with self.lock:
                self.answered[key] += 1
            out.append(
                {
                    "id": f"r-{cid[:8]}",
                    "custom_id": cid,
                    "error": None,
                    "response": {"status_code": 200, "request_id": cid[:8], "body": self.completion(body, key, "ok")},
                }
            )
        batch["output_file_id"] = self._store_file("\n".join(json.dumps(o) for o in out).encode())
        if err:
            batch["error_file_id"] = self._store_file("\n".join(json.dumps(e) for e in err).encode())
        batch["request_counts"] = {"total": len(out) + len(err), "completed": len(out), "failed": len(err)}

    def _store_file(self, data: bytes) -> str:
        with self.lock:
            fid = f"file-{len(self.files) + 1}"
            self.files[fid] = data
        return fid


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 makes 64 clients connecting at once wait on SYN retries

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that was killed or timed out mid-request is expected here, not worth a traceback."""
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _handler(srv: Loopback) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else keep-alive requests wait on delayed ACKs (40 ms each)

        def log_message(self, *args: Any) -> None:
            pass

        def _send(
            self, code: int, payload: Any, headers: dict[str, str] | None = None, raw: bytes | None = None
        ) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self) -> None:
            srv.auth[self.headers.get("Authorization", "")] += 1
            if self.path.endswith("/chat/completions"):
                return self.chat(json.loads(self._body()))
            if self.path.endswith("/files"):
                return self.upload()
            if self.path.endswith("/batches"):
                req = json.loads(self._body())
                bid = f"batch_{len(srv.batches) + 1}"
                srv.batches[bid] = {
                    "id": bid,
                    "object": "batch",
                    "endpoint": req["endpoint"],
                    "errors": None,
                    "input_file_id": req["input_file_id"],
                    "completion_window": req["completion_window"],
                    "status": "validating",
                    "output_file_id": None,
                    "error_file_id": None,
                    "created_at": int(time.time()),
                    "polls": 0,
                }
                return self._send(200, _public(srv.batches[bid]))
            self._send(404, {"error": {"message": "not found"}})

        def do_GET(self) -> None:
            m = re.search(r"/batches/([\w-]+)$", self.path)
            if m and m.group(1) in srv.batches:
                batch = srv.batches[m.group(1)]
                batch["polls"] += 1
                if batch["status"] not in ("completed", "failed", "expired", "cancelled"):
                    if batch["polls"] >= srv.batch_polls:
                        srv.run_batch(batch)
                        batch["status"] = "completed"
                    else:
                        batch["status"] = "in_progress"
                return self._send(200, _public(batch))
            m = re.search(r"/files/([\w-]+)/content$", self.path)
            if m and m.group(1) in srv.files:
                data = srv.files[m.group(1)]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self._send(404, {"error": {"message": "not found"}})

        def upload(self) -> None:
            raw = self._body()
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(head + raw)
            data = next(p.get_payload(decode=True) for p in msg.iter_parts() if p.get_filename())
            fid = srv._store_file(data)
            self._send(
                200,
                {
                    "id": fid,
                    "object": "file",
                    "bytes": len(data),
                    "created_at": int(time.time()),
                    "filename": "batch.jsonl",
                    "purpose": "batch",
                    "status": "processed",
                },
            )

        def chat(self, body: dict[str, Any]) -> None:
            key = cache_key(body) if srv.count_keys else ""
            fmt = (body.get("response_format") or {}).get("type", "text")
            with srv.lock:
                attempt = srv.counts[key]
                srv.counts[key] += 1
                srv.total += 1
                srv.prompts[prompt_key(body)] += 1
                srv.formats_seen[fmt] += 1
            if srv.latency:
                time.sleep(srv.latency)
            if srv.fail_all:
                return self._send(srv.fail_all, {"error": {"message": "internal error", "type": "server_error"}})
            if "response_format" in body and not srv.schema_support:
                return self._send(
                    400,
                    {
                        "error": {
                            "message": "response_format json_schema is not supported by this server",
                            "type": "invalid_request_error",
                        }
                    },
                )
            if fmt not in srv.formats:  # worded as llama-cpp-python's server words it (a pydantic error)
                allowed = " or ".join(f"'{f}'" for f in srv.formats)
                return self._send(
                    srv.refusal_status,
                    {
                        "error": {
                            "message": f"1 validation error:\n  {{'type': 'literal_error', 'loc': ('body', 'response_format', "
                            f"'type'), 'msg': \"Input should be {allowed}\", 'input': '{fmt}'}}",
                            "type": "internal_server_error" if srv.refusal_status >= 500 else "invalid_request_error",
                        }
                    },
                )
            auth = self.headers.get("Authorization", "")
            if auth.endswith("wrong-key"):
                masked = auth.removeprefix("Bearer ")
                return self._send(
                    401,
                    {
                        "error": {
                            "message": f"Incorrect API key provided: {masked[:7]}***{masked[-4:]} (full: {masked})",
                            "code": "invalid_api_key",
                        }
                    },
                )
            mode = srv.behaviour(body, attempt)
            if mode == "429":
                return self._send(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": "0.2"})
            if mode == "500":
                return self._send(500, {"error": {"message": "internal error"}})
            if mode == "hang":
                time.sleep(srv.hang_s)
                self.close_connection = True
                return
            if mode == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if mode == "badjson":
                return self._send(
                    200, None, raw=b'{"id": "x", "object": "chat.completion", "choices": [{"index": 0, "mess'
                )
            with srv.lock:
                srv.answered[key] += 1
            self._send(200, srv.completion(body, key, mode))

    return Handler


def _public(batch: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in batch.items() if k != "polls"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latency", type=float, default=0.0, help="Seconds before each chat answer.")
    ap.add_argument("--no-keys", action="store_true", help="Do not hash requests (pure speed).")
    args = ap.parse_args()
    srv = Loopback(latency=args.latency, count_keys=not args.no_keys)
    print(srv.port, flush=True)
    try:
        srv.server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
