"""The edge bench of `tadka compress`: a table of format × threads (time to first token of a 128-token
Hinglish prompt, decode tok/s, peak RSS, file size, KV bytes per token, perplexity on the held-out
Hinglish set, first-token agreement with fp32, flip rate under phone-typing noise), and the variant
chosen for budgets of 20, 100 and 1,000 ms per token.

    python bench/compress.py --train-steps 30              # a demo workspace and a short LoRA run first
    python bench/compress.py -w /tmp/dws --run s30         # an existing run
    python bench/compress.py -w /tmp/dws --run s30 --prune 0.3 --heal-steps 60

Batch 1; 1, 2 and 4 threads stand in for edge CPUs (on a 2-core machine 4 threads oversubscribe it).
Writes bench/results/compress-DATE.json. The workstation row (fp16 on CUDA) is run only where torch sees
a CUDA device; it prints "not run" otherwise.
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

ALL = "torch:fp32,torch:int8,gguf:f16,gguf:q8_0,gguf:q4_k_m,onnx:fp32,onnx:int8,onnx:int8-dynamic"
BUDGETS = (20, 100, 1000)


def demo_run(root: Path, steps: int) -> tuple[object, str]:
    from tadka.train.config import TrainConfig
    from tadka.train.demo import demo_workspace
    from tadka.train.run import train

    ws = demo_workspace(root)
    cfg = TrainConfig(
        dataset="exports/demo",
        base="builtin:smollm2-135m",
        max_steps=steps,
        batch_size=8,
        max_length=256,
        eval_at_start=False,
        save_every=10_000,
    )
    train(ws, cfg, name="bench")
    return ws, "bench"


def cuda_row() -> str:
    try:
        import torch
    except ImportError:
        return "workstation (fp16 on CUDA): not run (torch is not installed)"
    if not torch.cuda.is_available():
        return "workstation (fp16 on CUDA): not run (no CUDA device on this machine)"
    return f"workstation (fp16 on CUDA): {torch.cuda.get_device_name(0)} present, but this script measures CPU runtimes only"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-w", "--workspace", default=None)
    parser.add_argument("--run", default=None)
    parser.add_argument("--train-steps", type=int, default=30, help="steps of the demo run when no --run is given")
    parser.add_argument("--formats", default=ALL)
    parser.add_argument("--threads", default="1,2,4")
    parser.add_argument("--ppl-chats", type=int, default=0, help="0: all 120 eval chats")
    parser.add_argument("--flip-prompts", type=int, default=40)
    parser.add_argument("--prune", type=float, default=0.0)
    parser.add_argument("--heal-steps", type=int, default=60)
    parser.add_argument("--spin", action="store_true", help="let runtimes spin idle threads")
    args = parser.parse_args()

    import tadka.compress  # noqa: F401
    from tadka.compress.config import resolve
    from tadka.compress.pipeline import compress
    from tadka.compress.select import BudgetError, choose
    from tadka.workspace import Workspace

    if args.run:
        ws, run = Workspace.find(args.workspace), args.run
    else:
        import tempfile

        root = Path(args.workspace or tempfile.mkdtemp(prefix="tadka-bench-compress-")) / "ws"
        print(f"training a {args.train_steps}-step demo run in {root} ...", flush=True)
        ws, run = demo_run(root, args.train_steps)
    cfg = resolve(
        ws.config["compress"],
        {
            "formats": args.formats.split(","),
            "threads": [int(t) for t in args.threads.split(",")],
            "ppl_chats": args.ppl_chats,
            "flip_prompts": args.flip_prompts,
            "prune": args.prune,
            "heal_steps": args.heal_steps,
            "budget_ms": 0,
        },
    )
    started = time.monotonic()
    result = compress(ws, cfg, run, name="bench-compress", spin=args.spin, echo=lambda line: print(line, flush=True))
    report = result.report
    print()
    threads = max(cfg.threads)
    chosen = {}
    for budget in BUDGETS:
        try:
            c = choose(report, budget, threads, "per_token")
            chosen[budget] = c.name
            print(
                f"budget {budget:>5} ms/token at {threads} threads: {c.name} ({c.latency_ms:.1f} ms, ppl {c.row['ppl']})"
            )
        except BudgetError as e:
            chosen[budget] = None
            print(f"budget {budget:>5} ms/token at {threads} threads: none ({e})")
    size = {v["name"]: v["size_bytes"] for v in report["variants"]}
    for a, b in (("gguf:q4_k_m", "gguf:f16"), ("onnx:int8", "onnx:fp32")):
        if a in size and b in size:
            print(f"size {a} / {b}: {size[a] / size[b]:.1%}")
    if result.prune:
        p = result.prune
        print(
            f"pruning {p['plan']['removed_fraction']:.0%}: perplexity {p['ppl_before']} before, "
            f"{p['ppl_pruned']} pruned, {p['ppl_healed']} healed ({p['heal']['steps']} steps)"
        )
    print(cuda_row())
    print(f"total {time.monotonic() - started:.0f} s")
    out = Path(__file__).parent / "results" / f"compress-{time.strftime('%Y-%m-%d')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"report": report, "chosen": chosen, "cuda": cuda_row()}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
