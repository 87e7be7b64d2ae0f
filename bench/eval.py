"""`tadka eval` on the CI SmolLM2 run: the comparison table for base, adapter, merged, gguf:q8_0, gguf:q4_k_m and
onnx:int8 (language fidelity, script consistency, code-mixing against the training set, degeneration, chrF,
reference perplexity, robustness to phone-typing noise, sampled fidelity), the two findings in words — did
fine-tuning raise Hinglish fidelity over the base, did q4_k_m lose fidelity against fp32 — and what it cost
in time per variant.

    python bench/eval.py                                  # recreate the CI run (32 LoRA steps) and its formats first
    python bench/eval.py -w /tmp/dws --run acceptance     # an existing run (formats built by compress are reused)
    python bench/eval.py -w /tmp/dws --run acceptance --max-prompts 40 --max-new-tokens 96

The CI run is tests/conftest.py's ``smollm2_run``: SmolLM2-135M-Instruct, LoRA r=8, 32 steps of 2 chats at
lr 5e-4 on the demo export, max_length 256. Answers are cached (runs/<run>/eval and cache/eval), so a
second call with the same settings only re-scores. Writes bench/results/eval-DATE.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

VARIANTS = "base,adapter,merged,gguf:q8_0,gguf:q4_k_m,onnx:int8"
HELD_OUT_CHATS = 20  # as tests/conftest.py


def ci_run(root: Path):
    """The CI SmolLM2 run, trained as tests/conftest.py trains it (about 3-5 minutes on 2 cores)."""
    from tadka.train.config import resolve
    from tadka.train.demo import demo_workspace, hinglish_eval_file
    from tadka.train.models import BUILTIN
    from tadka.train.run import train

    lines = [line for line in hinglish_eval_file().read_text(encoding="utf-8").splitlines() if line.strip()]
    held = root / "hinglish_eval.jsonl"
    root.mkdir(parents=True, exist_ok=True)
    held.write_text("\n".join(lines[:HELD_OUT_CHATS]) + "\n", encoding="utf-8")
    ws = demo_workspace(root / "demo", eval_fraction=0.0)
    cfg = resolve(
        ws.config["train"],
        {
            "base": BUILTIN,
            "max_length": 256,
            "max_steps": 32,
            "batch_size": 2,
            "learning_rate": 5e-4,
            "eval_files": [str(held)],
            "save_every": 1000,
            "merge": True,
        },
    )
    train(ws, cfg, name="acceptance", echo=lambda line: print(line, flush=True))
    return ws, "acceptance"


def fid(row: dict, target: str | None = None) -> float | None:
    f = row.get("greedy") or {}
    return f.get("fidelity") if target is None else (f.get("fidelity_by_target") or {}).get(target)


def findings(report: dict) -> list[str]:
    rows = {v["name"]: v for v in report["variants"] if v.get("greedy")}
    out = []
    trained = rows.get("adapter") or rows.get("merged")
    if "base" in rows and trained:
        b, t = rows["base"], trained
        parts = [f"all prompts {fid(b):.2f} -> {fid(t):.2f} ({fid(t) - fid(b):+.2f})"]
        for target in ("hi-Latn", "hi-Deva"):
            if fid(b, target) is not None and fid(t, target) is not None:
                parts.append(f"{target} prompts {fid(b, target):.2f} -> {fid(t, target):.2f}")
        out.append(
            f"fine-tuning ({t['name']} vs base): Hinglish fidelity {'; '.join(parts)}; repeated 3-grams "
            f"{b['greedy']['repeat']:.2f} -> {t['greedy']['repeat']:.2f}; echo {b['greedy']['echo']:.2f} -> "
            f"{t['greedy']['echo']:.2f}; CMI in training band {b['greedy'].get('cmi_in_band')} -> "
            f"{t['greedy'].get('cmi_in_band')}; reference perplexity {b['ref_ppl']:.1f} -> {t['ref_ppl']:.1f}"
        )
    if "gguf:q4_k_m" in rows and "merged" in rows:
        q, m = rows["gguf:q4_k_m"], rows["merged"]
        same = sum(q["answers"][p]["greedy"] == m["answers"][p]["greedy"] for p in m["answers"] if p in q["answers"])
        out.append(
            f"q4_k_m vs fp32 (merged): fidelity {fid(q):.2f} vs {fid(m):.2f} ({fid(q) - fid(m):+.2f}); chrF "
            f"{q['greedy']['chrf']:.1f} vs {m['greedy']['chrf']:.1f}; reference perplexity {q['ref_ppl']:.1f} vs "
            f"{m['ref_ppl']:.1f}; {same} of {len(m['answers'])} greedy answers identical"
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-w", "--workspace", default=None)
    parser.add_argument("--run", default=None)
    parser.add_argument("--variants", default=VARIANTS)
    parser.add_argument("--max-prompts", type=int, default=24)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--no-sampling", action="store_true")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import tadka.compress  # noqa: F401
    from tadka.compress.eval_run import evaluate
    from tadka.train.evaluate.config import resolve
    from tadka.workspace import Workspace

    started = time.monotonic()
    if args.run:
        ws, run = Workspace.find(args.workspace), args.run
    else:
        import tempfile

        root = Path(args.workspace or tempfile.mkdtemp(prefix="tadka-bench-eval-"))
        print(f"training the CI run (32 LoRA steps of SmolLM2-135M) in {root} ...", flush=True)
        ws, run = ci_run(root)
    trained_s = time.monotonic() - started
    cfg = resolve(
        ws.config["eval"],
        {
            "variants": args.variants.split(","),
            "max_prompts": args.max_prompts,
            "max_new_tokens": args.max_new_tokens,
            "sampling": not args.no_sampling,
            "threads": args.threads,
        },
    )
    t0 = time.monotonic()
    report = evaluate(ws, run, cfg, echo=lambda line: print(line, flush=True))
    eval_s = time.monotonic() - t0
    print()
    print(report["table"])
    print()
    for line in findings(report):
        print(line)
    print(
        "time per variant (load, answer, score; 0 computed = all cached): "
        + ", ".join(f"{v['name']} {v['seconds']:.0f} s ({v['computed']} computed)" for v in report["variants"])
    )
    print(
        f"eval total {eval_s:.0f} s" + (f"; training and building before it {trained_s:.0f} s" if not args.run else "")
    )
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    out = Path(__file__).parent / "results" / f"eval-{time.strftime('%Y-%m-%d')}.json"
    out.parent.mkdir(exist_ok=True)
    slim = {**report, "variants": [{k: v for k, v in row.items() if k != "answers"} for row in report["variants"]]}
    out.write_text(
        json.dumps(
            {"report": slim, "findings": findings(report), "eval_s": round(eval_s, 1), "settings": vars(args)},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
