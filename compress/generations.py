"""Answers of one model to the eval prompts at batch 1 — greedy and sampled — and the perplexity of the
reference answers, cached per (variant, prompt, settings).

Everything runs on the bench's runtimes (prefill / step / logits_all, see :mod:`tadka.compress.hil_bench`)
from token ids, so a GGUF, an ONNX graph and a transformers model are fed exactly the same tokens; the
greedy loop is hil_bench's own. Sampling draws from a ``numpy`` generator seeded by (seed, prompt), so a
sampled answer is reproducible and cacheable too.

The cache is one JSONL file per model (``<fingerprint>.jsonl``: the same files under two variant names
share it), a line per answer, keyed by the sha256 of (the model's content fingerprint, the prompt's token
ids, the decoding settings). Lines are appended
whole, one ``write`` each, so an interrupted eval resumes where it stopped and a reader tolerates a
half-written last line. A variant whose every answer is cached is never loaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from tadka.compress import hil_bench

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decoding:
    """How an answer is decoded: greedy (temperature 0) or sampled with temperature and top_p."""

    mode: str  # greedy | sample
    max_new_tokens: int
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Job:
    """One thing to compute for one prompt: an answer (``decoding`` set) or a reference NLL (``spans`` set)."""

    prompt_id: str
    tag: str  # greedy | noisy | sample | ppl
    ids: list[int]
    decoding: Decoding | None = None
    spans: list[list[int]] | None = None
    key: str = ""


@dataclass
class VariantRun:
    """What one variant produced: results by (prompt id, tag), or the one-line reason it failed."""

    name: str
    results: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    computed: int = 0
    seconds: float = 0.0
    runtime: str = ""


def job_key(fingerprint: str, job: Job) -> str:
    settings = job.decoding.to_dict() if job.decoding else {"ppl": job.spans}
    blob = json.dumps([fingerprint, job.ids, settings], separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


class AnswerCache:
    """The per-variant JSONL cache (see the module docstring)."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.path = Path(folder) / f"{fingerprint}.jsonl"
        self.rows: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    row = json.loads(line)
                except ValueError:
                    continue  # a line cut short by an interrupted run
                self.rows[row["key"]] = row

    def get(self, key: str) -> dict[str, Any] | None:
        return self.rows.get(key)

    def put(self, key: str, value: dict[str, Any]) -> None:
        row = {"key": key, **value}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(row) + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        self.rows[key] = row


def nucleus(logits: np.ndarray, rng: np.random.Generator, temperature: float, top_p: float) -> int:
    """One token from softmax(logits / temperature), restricted to the smallest set with mass >= top_p."""
    z = logits.astype(np.float64) / temperature
    z -= z.max()
    p = np.exp(z)
    p /= p.sum()
    order = np.argsort(-p)
    cut = int(np.searchsorted(np.cumsum(p[order]), top_p)) + 1
    keep = order[:cut]
    return int(rng.choice(keep, p=p[keep] / p[keep].sum()))


def sample(backend, ids: list[int], d: Decoding, eos: set[int], rng: np.random.Generator) -> list[int]:
    """A sampled answer: up to ``max_new_tokens``, stopping after an end-of-turn token."""
    logits = backend.prefill(ids)
    out: list[int] = []
    while len(out) < d.max_new_tokens:
        tok = nucleus(logits, rng, d.temperature, d.top_p)
        out.append(tok)
        if tok in eos or len(out) == d.max_new_tokens:
            break
        logits = backend.step(tok)
    return out


def compute(backend, job: Job, eos: set[int], prompt_seed: int) -> dict[str, Any]:
    """The cached value of one job: answer token ids and whether it hit the limit, or the reference NLL."""
    if job.spans is not None:
        nll, n = hil_bench.nll_sum(backend.logits_all(job.ids), job.ids, job.spans)
        return {"nll": nll, "n": n}
    d = job.decoding
    if d.mode == "greedy":
        tokens = hil_bench.greedy(backend, job.ids, d.max_new_tokens, eos)
    else:
        tokens = sample(backend, job.ids, d, eos, np.random.default_rng([d.seed, prompt_seed]))
    hit = bool(tokens) and tokens[-1] not in eos and len(tokens) >= d.max_new_tokens
    return {"tokens": tokens, "hit_limit": hit}


def _one_line(e: BaseException) -> str:
    text = str(e) if getattr(e, "exit_code", None) is not None else f"{type(e).__name__}: {e}"
    return " ".join(text.split())[:300] or type(e).__name__


def run_variant(
    model,
    jobs: list[Job],
    cache_dir: Path,
    *,
    threads: int,
    n_ctx: int,
    eos: set[int],
    echo: Callable[[str], None] | None = None,
) -> VariantRun:
    """Every job of one variant: cached ones read back, the rest computed (the model loaded only then).

    A model that fails to load, or a runtime error mid-way, ends this variant with ``error`` (one line);
    what was computed before it stays cached.
    """
    from tadka.progress import progress

    out = VariantRun(model.name)
    if model.error:
        out.error = model.error
        return out
    started = time.monotonic()
    fingerprint = model.fingerprint()
    cache = AnswerCache(cache_dir, fingerprint)
    todo = []
    for job in jobs:
        job.key = job_key(fingerprint, job)
        hit = cache.get(job.key)
        if hit is not None:
            out.results[(job.prompt_id, job.tag)] = hit
        else:
            todo.append(job)
    if not todo:
        return out
    if echo:
        echo(f"eval {model.name}: {len(todo)} of {len(jobs)} answers to compute ({len(jobs) - len(todo)} cached)")
    try:
        backend = model.open(threads, n_ctx)
    except Exception as e:  # noqa: BLE001 — any runtime's load error becomes this variant's one line
        out.error = f"failed to load: {_one_line(e)}"
        return out
    out.runtime = getattr(backend, "runtime", "")
    try:
        for job in progress(todo, desc=f"eval {model.name}", unit="answer"):
            if cache.get(job.key) is None:  # a noisy prompt the noise left unchanged is the clean one
                cache.put(job.key, compute(backend, job, eos, int(job.prompt_id[:8], 16)))
                out.computed += 1
            out.results[(job.prompt_id, job.tag)] = cache.get(job.key)
    except Exception as e:  # noqa: BLE001 — the answers so far are cached; the other variants still run
        out.error = f"failed while answering: {_one_line(e)}"
    finally:
        backend.close()
    out.seconds = round(time.monotonic() - started, 1)
    return out
