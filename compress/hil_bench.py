#!/usr/bin/env python3
"""hil_bench: measure a compressed model on the device itself (Raspberry Pi, Jetson, Android/Termux, a laptop).

Copy this file, the model and ``bench_inputs.json`` from a tadka export to the device and run

    python hil_bench.py --model model.gguf --threads 1,2,4 --out device.json        # llama-cpp-python
    python hil_bench.py --model onnx/model.onnx --threads 1,2,4 --out device.json   # onnxruntime + numpy

It prints (and writes) the same JSON that `tadka compress` wrote to bench.json for this variant, so the
figures can be compared line by line: time to first token of the bench prompt, decode tokens/s, peak
RSS, file size and KV-cache bytes per token at each thread count, and — unless ``--speed-only`` — the
perplexity on the held-out chats, the first greedy token of each agreement prompt, and the flip rate
(how often the greedy answer changes when the prompt has phone-typing noise).

The prompts are stored as token ids in bench_inputs.json, so no tokenizer is needed on the device and
every runtime sees exactly the same tokens. This file depends on nothing from tadka (only the standard
library, numpy and the runtime of the model), because it has to run where tadka is not installed;
`tadka compress` runs this very code for its own GGUF and ONNX measurements.

ONNX models must follow the tadka decoder contract: inputs ``input_ids`` [batch, seq], ``logits_to_keep``
(scalar) and ``past_key_values.N.key/value`` [batch, kv_heads, past, head_dim]; outputs ``logits`` and
``present.N.key/value``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

SCHEMA = 1


# -- runtimes --------------------------------------------------------------------------------------
class LlamaCppBackend:
    """llama.cpp through llama-cpp-python: the model is loaded once, threads are changed in place."""

    def __init__(self, path: str, threads: int, n_ctx: int) -> None:
        import llama_cpp

        self.lib = llama_cpp
        self.llm = llama_cpp.Llama(
            model_path=path,
            n_ctx=n_ctx,
            n_batch=n_ctx,
            n_ubatch=min(n_ctx, 512),
            n_threads=threads,
            n_threads_batch=threads,
            logits_all=False,
            verbose=False,
        )
        self.ctx = self.llm.ctx
        self.n_vocab = self.llm.n_vocab()
        self.n_ctx = n_ctx
        self.batch = llama_cpp.llama_batch_init(n_ctx, 0, 1)
        self.n_past = 0
        self.runtime = f"llama.cpp (llama-cpp-python {getattr(llama_cpp, '__version__', '?')})"

    def set_threads(self, threads: int) -> None:
        self.lib.llama_set_n_threads(self.ctx, threads, threads)

    def _clear(self) -> None:
        lib = self.lib
        if hasattr(lib, "llama_get_memory"):
            lib.llama_memory_clear(lib.llama_get_memory(self.ctx), True)
        elif hasattr(lib, "llama_kv_self_clear"):
            lib.llama_kv_self_clear(self.ctx)
        else:
            lib.llama_kv_cache_clear(self.ctx)
        self.n_past = 0

    def _decode(self, ids: list[int], all_logits: bool) -> np.ndarray:
        if self.n_past + len(ids) > self.n_ctx:
            raise ValueError(f"{self.n_past + len(ids)} tokens do not fit the context of {self.n_ctx}")
        b = self.batch
        b.n_tokens = len(ids)
        for i, tok in enumerate(ids):
            b.token[i] = int(tok)
            b.pos[i] = self.n_past + i
            b.n_seq_id[i] = 1
            b.seq_id[i][0] = 0
            b.logits[i] = all_logits or i == len(ids) - 1
        rc = self.lib.llama_decode(self.ctx, b)
        if rc != 0:
            raise RuntimeError(f"llama_decode returned {rc}")
        self.n_past += len(ids)
        rows = range(len(ids)) if all_logits else [len(ids) - 1]
        out = np.empty((len(rows), self.n_vocab), dtype=np.float32)
        for j, i in enumerate(rows):
            out[j] = np.ctypeslib.as_array(self.lib.llama_get_logits_ith(self.ctx, i), shape=(self.n_vocab,))
        return out

    def prefill(self, ids: list[int]) -> np.ndarray:
        self._clear()
        return self._decode(ids, False)[-1]

    def step(self, token: int) -> np.ndarray:
        return self._decode([token], False)[-1]

    def logits_all(self, ids: list[int]) -> np.ndarray:
        self._clear()
        return self._decode(ids, True)

    def state_bytes(self) -> int:
        return int(self.lib.llama_state_seq_get_size(self.ctx, 0))

    def close(self) -> None:
        self.lib.llama_batch_free(self.batch)
        self.llm.close()


class OnnxBackend:
    """onnxruntime on CPU; a session per thread count (intra-op threads are fixed when it is made)."""

    def __init__(self, path: str, threads: int, n_ctx: int) -> None:
        import onnxruntime as ort

        self.ort = ort
        self.path = path
        self.runtime = f"onnxruntime {ort.__version__}"
        self.session = None
        self.threads = 0
        self.set_threads(threads)
        inputs = {i.name: i for i in self.session.get_inputs()}
        self.past_names = [n for n in inputs if n.startswith("past_key_values.")]
        self.present_names = [o.name for o in self.session.get_outputs() if o.name.startswith("present.")]
        self.keep = "logits_to_keep" in inputs
        first = inputs[self.past_names[0]]
        self.kv_shape = [d if isinstance(d, int) else 0 for d in first.shape]  # [batch, heads, past, dim]
        self.kv_shape[0] = 1
        self.kv_dtype = np.float16 if "float16" in first.type else np.float32
        self.past: dict[str, np.ndarray] = {}

    def set_threads(self, threads: int) -> None:
        if threads == self.threads:
            return
        so = self.ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = self.ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = self.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if os.environ.get("OMP_WAIT_POLICY", "").lower() == "passive":  # --no-spin
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = None  # free the previous session's weights before loading again
        self.session = self.ort.InferenceSession(self.path, so, providers=["CPUExecutionProvider"])
        self.threads = threads

    def _run(self, ids: list[int], keep: int) -> np.ndarray:
        feed = {"input_ids": np.asarray([ids], dtype=np.int64), **self.past}
        if self.keep:
            feed["logits_to_keep"] = np.asarray(keep, dtype=np.int64)
        out = self.session.run(None, feed)
        self.past = dict(zip(self.past_names, out[1:]))
        logits = out[0][0]
        return logits[-keep:] if keep else logits

    def _clear(self) -> None:
        self.past = {n: np.zeros(self.kv_shape, dtype=self.kv_dtype) for n in self.past_names}

    def prefill(self, ids: list[int]) -> np.ndarray:
        self._clear()
        return self._run(ids, 1)[-1]

    def step(self, token: int) -> np.ndarray:
        return self._run([token], 1)[-1]

    def logits_all(self, ids: list[int]) -> np.ndarray:
        self._clear()
        return self._run(ids, len(ids))

    def state_bytes(self) -> int:
        return int(sum(a.nbytes for a in self.past.values()))

    def close(self) -> None:
        self.session = None


BACKENDS = {".gguf": LlamaCppBackend, ".onnx": OnnxBackend}


def open_backend(path: str, threads: int, n_ctx: int):
    suffix = Path(path).suffix.lower()
    if suffix not in BACKENDS:
        raise SystemExit(f"error: {path}: not a .gguf or .onnx model")
    return BACKENDS[suffix](path, threads, n_ctx)


# -- the protocol ----------------------------------------------------------------------------------
def greedy(backend, ids: list[int], n: int, eos: set[int]) -> list[int]:
    """The greedy answer: up to ``n`` tokens, stopping after an end-of-turn token."""
    logits = backend.prefill(ids)
    out: list[int] = []
    while len(out) < n:
        tok = int(np.argmax(logits))
        out.append(tok)
        if tok in eos or len(out) == n:
            break
        logits = backend.step(tok)
    return out


def nll_sum(logits: np.ndarray, ids: list[int], spans: list[list[int]]) -> tuple[float, int]:
    """Summed negative log-likelihood of the tokens in ``spans`` ([start, end) positions of ``ids``)."""
    total, count = 0.0, 0
    for start, end in spans:
        rows = logits[start - 1 : end - 1].astype(np.float64)
        peak = rows.max(axis=1, keepdims=True)
        logz = np.log(np.exp(rows - peak).sum(axis=1)) + peak[:, 0]
        target = rows[np.arange(end - start), ids[start:end]]
        total += float((logz - target).sum())
        count += end - start
    return total, count


def peak_rss_mb() -> float | None:
    """Peak resident memory of this process since it started.

    Linux/Android: VmHWM from /proc — getrusage's ru_maxrss survives exec, so a process spawned by a big
    parent reports the parent's peak. Elsewhere ru_maxrss.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (2**20 if sys.platform == "darwin" else 1024), 1)  # bytes on macOS, KiB elsewhere


def timing(backend, prompt: list[int], threads: int, decode_tokens: int, repeats: int) -> dict:
    """Median time to first token of ``prompt`` and decode speed over ``decode_tokens`` greedy tokens."""
    backend.set_threads(threads)
    logits = backend.prefill(prompt[:8])  # warm-up: first-call allocations are not latency
    backend.step(int(np.argmax(logits)))
    firsts, rates = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        tok = int(np.argmax(backend.prefill(prompt)))
        firsts.append(time.perf_counter() - start)
        start = time.perf_counter()
        for _ in range(decode_tokens):
            tok = int(np.argmax(backend.step(tok)))
        rates.append(decode_tokens / (time.perf_counter() - start))
    tok_s = statistics.median(rates)
    return {
        "threads": threads,
        "ttft_ms": round(statistics.median(firsts) * 1000, 2),
        "decode_tok_s": round(tok_s, 2),
        "ms_per_token": round(1000 / tok_s, 2),
    }


def kv_bytes_per_token(backend, prompt: list[int]) -> float:
    """Measured, not computed: the runtime's cache size after two prompt lengths, per extra token."""
    half = max(1, len(prompt) // 2)
    backend.prefill(prompt[:half])
    small = backend.state_bytes()
    backend.prefill(prompt)
    return round((backend.state_bytes() - small) / (len(prompt) - half), 1)


def quality(backend, inputs: dict) -> dict:
    """Perplexity on the held-out chats, first greedy tokens of the agreement prompts, and the flip rate."""
    eos = set(inputs.get("eos", []))
    out: dict = {}
    total, count = 0.0, 0
    for chat in inputs.get("ppl", []):
        nll, n = nll_sum(backend.logits_all(chat["ids"]), chat["ids"], chat["spans"])
        total, count = total + nll, count + n
    out["ppl"] = round(float(np.exp(total / count)), 4) if count else None
    out["ppl_tokens"] = count
    out["first_tokens"] = [int(np.argmax(backend.prefill(ids))) for ids in inputs.get("agreement", [])]
    flips, answers = 0, []
    n = int(inputs.get("settings", {}).get("flip_tokens", 16))
    for pair in inputs.get("flip", []):
        clean, noisy = greedy(backend, pair["clean"], n, eos), greedy(backend, pair["noisy"], n, eos)
        flips += clean != noisy
        answers.append([clean, noisy])
    out["flip_pairs"] = len(answers)
    out["flip_rate"] = round(flips / len(answers), 4) if answers else None
    out["flip_answers"] = answers
    return out


def file_bytes(path: str) -> int:
    """The model's size on disk: an ONNX model counts its external-data files beside it."""
    p = Path(path)
    if p.is_dir():  # an HF folder (the torch formats)
        return sum(f.stat().st_size for f in p.iterdir() if f.is_file())
    if p.suffix.lower() == ".onnx":
        return sum(
            f.stat().st_size for f in p.parent.iterdir() if f.is_file() and (f == p or f.name.startswith(p.name))
        )
    return p.stat().st_size


def run(
    backend_factory, model: str, inputs: dict, threads: list[int], *, speed_only: bool = False, label: str = ""
) -> dict:
    """Every figure for one model; ``backend_factory(threads)`` opens the runtime (shared with tadka)."""
    settings = inputs.get("settings", {})
    prompt = inputs["prompt"]
    started = time.perf_counter()
    backend = backend_factory(threads[0])
    load_s = time.perf_counter() - started
    try:
        rows = [
            timing(backend, prompt, t, int(settings.get("decode_tokens", 32)), int(settings.get("repeats", 3)))
            for t in threads
        ]
        result = {
            "schema": SCHEMA,
            "tool": "hil_bench",
            "format": label or inputs.get("format", ""),
            "model": Path(model).name,
            "runtime": backend.runtime,
            "file_bytes": file_bytes(model),
            "load_s": round(load_s, 3),
            "rows": rows,
            "peak_rss_mb": peak_rss_mb(),
            "kv_bytes_per_token": kv_bytes_per_token(backend, prompt),
            "prompt_tokens": len(prompt),
            "device": {
                "machine": platform.machine(),
                "system": platform.system(),
                "release": platform.release(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
            },
        }
        if not speed_only:
            backend.set_threads(max(threads))
            result.update(quality(backend, inputs))
        return result
    finally:
        backend.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", required=True, help="model.gguf, or onnx/model.onnx")
    parser.add_argument("--inputs", default=None, help="bench_inputs.json (default: beside this script)")
    parser.add_argument("--threads", default="1,2,4", help="comma-separated thread counts (default 1,2,4)")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    parser.add_argument("--format", default="", help="label for the JSON (default: from bench_inputs.json)")
    parser.add_argument("--speed-only", action="store_true", help="skip perplexity, agreement and flip rate")
    parser.add_argument(
        "--no-spin",
        action="store_true",
        help="idle worker threads sleep instead of spinning (use on a machine shared with other work)",
    )
    args = parser.parse_args(argv)
    if args.no_spin:
        os.environ["OMP_WAIT_POLICY"] = "passive"  # read by OpenMP (llama.cpp) when the runtime is loaded
    inputs_path = Path(args.inputs) if args.inputs else Path(__file__).with_name("bench_inputs.json")
    inputs = json.loads(inputs_path.read_text(encoding="utf-8"))
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    n_ctx = int(inputs.get("n_ctx", 512))
    result = run(
        lambda t: open_backend(args.model, t, n_ctx),
        args.model,
        inputs,
        threads,
        speed_only=args.speed_only,
        label=args.format,
    )
    text = json.dumps(result, indent=2)
    if args.out:
        write_result(args.out, text + "\n")
    print(text)
    return 0


def write_result(path: str, text: str) -> None:
    """Write to a temp file beside ``path`` and rename it over: a killed bench leaves no half-written JSON.
    (Written out here, not with tadka.atomic: this script runs on devices where tadka is not installed.)"""
    target = Path(path)
    tmp = target.with_name(f".tmp-{target.name}.{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
