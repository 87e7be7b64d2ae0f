"""The edge bench: every variant at batch 1, under each thread count, one subprocess per variant.

A subprocess per variant gives each its own peak RSS and thread settings, and lets GGUF and ONNX run
through hil_bench.py itself — the script the export ships to the device — so the workstation and the
device measure with the same code and print the same JSON. Torch variants run the same protocol in
:mod:`tadka.compress.torch_runner`. Agreement is computed here: the share of prompts whose first greedy
token matches the fp32 reference (``torch:fp32`` of the unpruned model, benched whether asked for or not).

Idle threads sleep instead of spinning (``--no-spin``) unless ``spin=True``: on a machine shared with
other work, spinning runtimes (OpenMP in llama.cpp and torch, onnxruntime's pool) slowed 2-thread decode
threefold here; on a dedicated device spinning is the runtimes' default and hil_bench.py leaves it on.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tadka import subproc
from tadka.atomic import save_png
from tadka.compress.formats import formats, size_bytes, slug

log = logging.getLogger(__name__)
HIL_BENCH = Path(__file__).with_name("hil_bench.py")
REFERENCE = "torch:fp32"
# A hang guard, not a target: a 7B torch variant scoring perplexity on every eval chat at 1 thread can take
# tens of minutes; a bench still running after an hour is stuck, and it is killed and reported as failed.
BENCH_TIMEOUT_S = float(os.environ.get("TADKA_BENCH_TIMEOUT_S", 3600))


@dataclass
class Variant:
    """One built model: ``name`` is what tables and --formats show (``gguf:q4_k_m+pruned30``)."""

    name: str
    format: str
    path: Path
    source: str = "merged"  # or prunedNN
    build_s: float | None = None
    requested: bool = True  # False for the reference benched only to compare against


def command(
    variant: Variant, inputs: Path, threads: list[int], out: Path, *, spin: bool = False, speed_only: bool = False
) -> list[str]:
    fmt = formats.get(variant.format)
    if fmt.family == "torch":
        cmd = [sys.executable, "-m", "tadka.compress.torch_runner"]
    else:
        # the copy beside bench_inputs.json, as the export ships it; running it from this package folder
        # would put compress/ first on sys.path, where select.py shadows the standard library's select
        script = inputs.parent / HIL_BENCH.name
        if not script.is_file() or script.read_bytes() != HIL_BENCH.read_bytes():
            shutil.copyfile(HIL_BENCH, script)
        cmd = [sys.executable, str(script)]
        if not spin:
            cmd.append("--no-spin")
    cmd += [
        "--model",
        str(variant.path),
        "--inputs",
        str(inputs),
        "--threads",
        ",".join(map(str, threads)),
        "--format",
        variant.name,
        "--out",
        str(out),
    ]
    if speed_only:
        cmd.append("--speed-only")
    return cmd


def run_variant(
    variant: Variant, inputs: Path, threads: list[int], work: Path, *, spin: bool = False, speed_only: bool = False
) -> dict[str, Any]:
    """hil_bench's JSON for one variant, plus its name, format, size and build time; ``error`` if it failed."""
    out = work / f"{slug(variant.name)}.json"
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    if not spin:
        env["OMP_WAIT_POLICY"] = "passive"
    started = time.monotonic()
    try:
        done = subproc.run(
            command(variant, inputs, threads, out, spin=spin, speed_only=speed_only),
            capture_output=True,
            text=True,
            env=env,
            timeout=BENCH_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        done = subprocess.CompletedProcess([], -9, "", f"timed out after {BENCH_TIMEOUT_S:g} s (killed)")
    row: dict[str, Any] = {
        "name": variant.name,
        "format": variant.format,
        "source": variant.source,
        "runtime_family": formats.get(variant.format).family,
        "requested": variant.requested,
        "size_bytes": size_bytes(variant.path),
        "build_s": variant.build_s,
        "path": str(variant.path),
        "bench_s": round(time.monotonic() - started, 1),
    }
    if done.returncode != 0 or not out.is_file():
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        row["error"] = (lines[-1] if lines else f"exit status {done.returncode}")[:300]
        log.warning("bench of %s failed: %s", variant.name, row["error"])
        return row
    result = json.loads(out.read_text(encoding="utf-8"))
    result.pop("format", None)
    return {**row, **result}


def agreement(row: dict[str, Any], reference: dict[str, Any] | None) -> float | None:
    ours, theirs = row.get("first_tokens"), (reference or {}).get("first_tokens")
    if not ours or not theirs or len(ours) != len(theirs):
        return None
    return round(sum(a == b for a, b in zip(ours, theirs)) / len(ours), 4)


def latency(row: dict[str, Any], threads: int, kind: str) -> float | None:
    """ms per token (``per_token``) or time to first token (``ttft``) at ``threads``."""
    for r in row.get("rows", []):
        if r["threads"] == threads:
            return r["ms_per_token"] if kind == "per_token" else r["ttft_ms"]
    return None


def bench(
    variants: list[Variant], inputs: Path, threads: list[int], work: Path, *, spin: bool = False, echo=None
) -> dict[str, Any]:
    """Bench every variant (the reference first) and return the bench.json content."""
    work.mkdir(parents=True, exist_ok=True)
    ordered = sorted(variants, key=lambda v: not (v.format == REFERENCE and v.source == "merged"))
    rows = []
    for v in ordered:
        if echo:
            echo(f"bench {v.name} ({', '.join(map(str, threads))} threads)")
        rows.append(run_variant(v, inputs, threads, work, spin=spin))
    reference = next(
        (r for r in rows if r["format"] == REFERENCE and r["source"] == "merged" and "error" not in r), None
    )
    for r in rows:
        r["agreement"] = agreement(r, reference)
        r.pop("flip_answers", None)  # token ids of every answer: kept in the per-variant JSON, not in bench.json
    return {
        "schema": 1,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "threads": threads,
        "reference": REFERENCE,
        "spin": spin,
        "machine": {
            "machine": platform.machine(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
            "system": platform.system(),
            "python": platform.python_version(),
        },
        "variants": rows,
    }


def table(report: dict[str, Any]) -> str:
    """format × threads: TTFT, tok/s, RSS, size, ppl, flip rate and agreement, one line each."""
    head = (
        f"{'variant':<26} {'thr':>3} {'TTFT ms':>9} {'tok/s':>7} {'ms/tok':>7} {'RSS MB':>7} {'size MiB':>8} "
        f"{'KV B/tok':>8} {'ppl':>8} {'flip':>5} {'agree':>5}"
    )
    lines = [head, "-" * len(head)]
    for v in report["variants"]:
        size = v["size_bytes"] / 2**20
        if "error" in v:
            lines.append(f"{v['name']:<26} failed: {v['error']}")
            continue
        for i, r in enumerate(v["rows"]):
            tail = ""
            if i == 0:
                ppl = f"{v['ppl']:.3f}" if v.get("ppl") is not None else "-"
                flip = f"{v['flip_rate']:.2f}" if v.get("flip_rate") is not None else "-"
                agree = f"{v['agreement']:.2f}" if v.get("agreement") is not None else "-"
                tail = (
                    f"{v.get('peak_rss_mb') or 0:>7.0f} {size:>8.1f} {v.get('kv_bytes_per_token') or 0:>8.0f} "
                    f"{ppl:>8} {flip:>5} {agree:>5}"
                )
            lines.append(
                f"{v['name'] if i == 0 else '':<26} {r['threads']:>3} {r['ttft_ms']:>9.1f} "
                f"{r['decode_tok_s']:>7.1f} {r['ms_per_token']:>7.1f} {tail}"
            )
    return "\n".join(lines)


def pareto_plot(report: dict[str, Any], path: Path, threads: int, kind: str = "per_token") -> Path | None:
    """Perplexity against latency at ``threads``, one point per variant, the Pareto front joined."""
    points = [
        (latency(v, threads, kind), v["ppl"], v["name"])
        for v in report["variants"]
        if "error" not in v and v.get("ppl") is not None and latency(v, threads, kind) is not None
    ]
    if not points:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    front, best = [], float("inf")
    for x, y, _name in sorted(points):
        if y < best:
            front.append((x, y))
            best = y
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    ax.scatter([p[0] for p in points], [p[1] for p in points], s=28, zorder=3)
    for x, y, name in points:
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=8)
    ax.plot([p[0] for p in front], [p[1] for p in front], "--", color="tab:orange", linewidth=1, label="Pareto front")
    ax.set_xlabel(f"{'ms per token' if kind == 'per_token' else 'time to first token (ms)'} at {threads} thread(s)")
    ax.set_ylabel("perplexity (held-out Hinglish)")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return save_png(fig, path)
