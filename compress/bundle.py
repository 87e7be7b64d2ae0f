"""exports/<name>/: the chosen model, manifest.json, a model card, bench.json, pareto.png and the
hardware-in-the-loop kit (hil_bench.py + bench_inputs.json) to copy to the device.

The manifest records what a reader needs to trust or reproduce the file: sha256 and size of every
file, the figures the choice was made on, the source run (its base, dataset path and dataset hash) and
the resolved compress config. ``kind: "model"`` tells it apart from a dataset export's manifest.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from tadka import __version__
from tadka.atomic import atomic_dir
from tadka.compress.bench import HIL_BENCH, latency
from tadka.compress.formats import formats, model_files, sha256_file
from tadka.compress.select import Choice, describe


def _copy_model(row: dict[str, Any], dest: Path) -> Path:
    """The chosen model into ``dest``: model.gguf, onnx/model.onnx (+ data), or model/ (an HF folder)."""
    src = Path(row["path"])
    family = formats.get(row["format"]).family
    if family == "gguf":
        target = dest / "model.gguf"
        shutil.copyfile(src, target)
        return target
    if family == "onnx":
        (dest / "onnx").mkdir()
        for f in model_files(src):
            shutil.copyfile(f, dest / "onnx" / f.name)
        return dest / "onnx" / src.name
    target = dest / "model"
    target.mkdir()
    for f in model_files(src):
        if f.name != "built.json":
            shutil.copyfile(f.resolve(), target / f.name)
    return target


def _files(root: Path) -> list[dict[str, Any]]:
    return [
        {"path": str(p.relative_to(root)), "bytes": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    ]


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    keep = (
        "name",
        "format",
        "source",
        "size_bytes",
        "ppl",
        "agreement",
        "flip_rate",
        "peak_rss_mb",
        "kv_bytes_per_token",
        "rows",
        "error",
        "build_s",
        "eval",
    )
    return {k: row[k] for k in keep if k in row}


def _usage(family: str, model_rel: str, threads: int) -> list[str]:
    """The card's how-to sections: load the model in its runtime, measure it on the device, and its limits."""
    run_snippet = {
        "gguf": [
            "from llama_cpp import Llama",
            f"llm = Llama('{model_rel}', n_ctx=2048, n_threads={threads})",
            "out = llm.create_chat_completion([{'role': 'user', 'content': 'Kal mandi kab khulegi?'}])",
            "print(out['choices'][0]['message']['content'])",
        ],
        "onnx": [
            "# a decoder with a KV cache: see hil_bench.py (OnnxBackend) for the feed/fetch loop",
            "import onnxruntime as ort",
            f"session = ort.InferenceSession('{model_rel}')",
        ],
        "torch": ["from tadka.compress.torch_quant import load", f"model = load('{model_rel}')"],
    }[family]
    return [
        "## Use",
        "",
        "```python",
        *run_snippet,
        "```",
        "",
        "## Measure it on the device",
        "",
        "Copy this folder (or just the model, `hil_bench.py` and `bench_inputs.json`) to the device, then:",
        "",
        "```sh",
        f"python hil_bench.py --model {model_rel} --threads 1,2,4 --out device.json",
        "```",
        "",
        "It needs only numpy and the runtime (`llama-cpp-python` or `onnxruntime`) and prints the same JSON "
        "as bench.json's entry for this variant.",
        "",
        "## Limits",
        "",
        "A 135M-parameter model answers simple Hinglish questions; it is not a source of facts. Perplexity "
        "and agreement are measured on the held-out set named in manifest.json, not on your users' data.",
        "",
    ]


def card(
    name: str,
    choice: Choice,
    report: dict[str, Any],
    source: dict[str, Any],
    model_rel: str,
    prune: dict[str, Any] | None,
) -> str:
    row = choice.row
    picked = f"`{row['name']}` — {formats.get(row['format']).help} — picked by `tadka compress`: {choice.rule_text()}"
    if not choice.budget_ms:
        picked += " (no latency budget)"
    if choice.runner_up is not None:
        picked += f"; runner-up {describe(choice.runner_up, choice.runner_up_ms)}"
    lines = [
        f"# {name}",
        "",
        picked + ".",
        "",
        "| | |",
        "|---|---|",
        f"| source run | `{source.get('run')}` |",
        f"| base model | `{source.get('base')}` |",
        f"| dataset | `{source.get('dataset')}` (sha256 of its rows `{source.get('data_hash')}`) |",
        f"| file | `{model_rel}`, {row['size_bytes'] / 2**20:.1f} MiB |",
        f"| perplexity (held-out Hinglish) | {row.get('ppl')} |",
        f"| first-token agreement with fp32 | {row.get('agreement')} |",
        f"| flip rate under `{source.get('noise')}` noise | {row.get('flip_rate')} |",
        f"| peak RSS | {row.get('peak_rss_mb')} MB |",
        f"| KV cache | {row.get('kv_bytes_per_token')} bytes per token |",
        *eval_rows(row.get("eval")),
        "",
        "| threads | time to first token (ms) | decode tok/s |",
        "|---|---|---|",
        *[f"| {r['threads']} | {r['ttft_ms']} | {r['decode_tok_s']} |" for r in row["rows"]],
        "",
        f"Measured on {report['machine']['cpus']} CPU(s) ({report['machine']['machine']}) with batch 1; "
        f"the bench prompt is {row.get('prompt_tokens')} tokens. bench.json and pareto.png compare every variant.",
        "",
    ]
    if prune:
        lines += [
            "## Pruning",
            "",
            f"{prune['plan']['removed_fraction']:.0%} of the parameters removed ({', '.join(prune['kinds'])}); "
            f"perplexity {prune['ppl_before']} before, {prune['ppl_pruned']} after pruning, "
            f"{prune['ppl_healed']} after a {prune['heal']['steps']}-step distillation heal.",
            "",
        ]
    lines += _usage(formats.get(row["format"]).family, model_rel, choice.threads)
    return "\n".join(lines)


EVAL_ROWS = (
    ("fidelity", "Hinglish fidelity (answers in the prompt's language)", "{:.2f}"),
    ("script_consistency", "script consistency", "{:.2f}"),
    ("cmi_in_band", "answers inside the training CMI band", "{:.2f}"),
    ("repeat", "repeated 3-gram share", "{:.3f}"),
    ("hit_limit", "answers that hit the token limit", "{:.2f}"),
    ("chrf", "chrF against the reference answers", "{:.1f}"),
    ("fidelity_change", "fidelity change under typing noise", "{:+.2f}"),
)


def eval_rows(figures: dict[str, Any] | None) -> list[str]:
    """The model card's rows for the student eval's headline figures (see eval/eval.json for definitions)."""
    if not figures:
        return []
    if "error" in figures:
        return [f"| student eval | failed: {figures['error']} |"]
    return [
        f"| {title} | {'–' if figures.get(key) is None else fmt.format(figures[key])} |"
        for key, title, fmt in EVAL_ROWS
    ]


def write_bundle(
    dest: Path,
    name: str,
    choice: Choice,
    report: dict[str, Any],
    inputs: Path,
    source: dict[str, Any],
    cfg: dict[str, Any],
    pareto: Path | None,
    prune: dict[str, Any] | None,
    eval_dir: Path | None = None,
) -> Path:
    """Write the export folder atomically; returns it."""
    with atomic_dir(dest) as tmp:
        if eval_dir is not None and (eval_dir / "eval.json").is_file():
            (tmp / "eval").mkdir()
            for f in eval_dir.iterdir():
                if f.is_file() and not f.name.startswith("."):
                    shutil.copyfile(f, tmp / "eval" / f.name)
        model = _copy_model(choice.row, tmp)
        model_rel = str(model.relative_to(tmp))
        shutil.copyfile(HIL_BENCH, tmp / "hil_bench.py")
        shutil.copyfile(inputs, tmp / "bench_inputs.json")
        (tmp / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        if pareto is not None and pareto.is_file():
            shutil.copyfile(pareto, tmp / "pareto.png")
        (tmp / "README.md").write_text(card(name, choice, report, source, model_rel, prune), encoding="utf-8")
        row = choice.row
        manifest = {
            "kind": "model",
            "name": name,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "tadka": __version__,
            "model": model_rel,
            "variant": row["name"],
            "format": row["format"],
            "runtime": formats.get(row["format"]).runtime,
            "selection": {
                "budget_ms": choice.budget_ms,
                "latency": choice.kind,
                "threads": choice.threads,
                "latency_ms": choice.latency_ms,
                "min_fidelity": choice.min_fidelity,
                "rule": choice.rule_text(),
                "runner_up": choice.runner_up["name"] if choice.runner_up else None,
            },
            "figures": {
                **_summary(row),
                "ttft_ms": latency(row, choice.threads, "ttft"),
                "ms_per_token": latency(row, choice.threads, "per_token"),
            },
            "source": source,
            "eval": {"file": report.get("eval_file"), "sha256": report.get("eval_sha256")},
            "prune": prune,
            "variants": [_summary(v) for v in report["variants"]],
            "config": cfg,
            "files": _files(tmp),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return dest
