"""tokens/s and peak memory of `tadka train` against a plain TRL SFTTrainer script.

Same model (the cached fp32 SmolLM2-135M-Instruct copy, or --base), same data (the demo export's train
split), same chat template, LoRA r=8 on every linear layer, same SFTConfig settings; no evaluation and no
checkpoints inside the timed loop. Each side runs in its own process; tokens/s is the trainer's own count
of trained (non-pad) tokens over its train_runtime, tokens/CPU-s the same count over the CPU time of the
training loop (all threads; on a shared, busy machine wall time swings several-fold from minute to minute,
CPU time much less), and peak memory is that process's max RSS (from wait4).
Targets: ratio >= 0.95 and memory <= 1.05x.

    python bench/train.py                  # 12 steps each, batch 8, max_length 256
    python bench/train.py --steps 30 --repeat 2
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import shutil
import tempfile
import time
from pathlib import Path

# Each side of the comparison trains a few steps; one still running after an hour is stuck.
TIMEOUT_S = 3600

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TADKA_NO_PROGRESS", "1")


def plain_trl(args: argparse.Namespace) -> None:
    """What a user would write with TRL alone: the baseline (prints one JSON line)."""
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    tokenizer.chat_template = Path(args.template).read_text(encoding="utf-8")
    data = load_dataset("json", data_files=args.data, split="train").select_columns(["messages"])
    model = AutoModelForCausalLM.from_pretrained(args.model)
    config = SFTConfig(
        output_dir=args.out,
        max_steps=args.steps,
        per_device_train_batch_size=args.batch,
        max_length=args.max_length,
        learning_rate=2e-4,
        lr_scheduler_type="cosine",
        warmup_steps=0.03,
        logging_steps=1,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        bf16=False,
        gradient_checkpointing=False,
        assistant_only_loss=True,
        seed=0,
        data_seed=0,
        disable_tqdm=True,
        dataloader_num_workers=0,
    )
    peft = LoraConfig(task_type="CAUSAL_LM", r=8, lora_alpha=16, lora_dropout=0.05, target_modules="all-linear")
    trainer = SFTTrainer(model=model, args=config, train_dataset=data, processing_class=tokenizer, peft_config=peft)
    cpu = time.process_time()
    out = trainer.train()
    cpu = time.process_time() - cpu
    tokens = max(r.get("num_tokens", 0) for r in trainer.state.log_history)
    print(
        json.dumps(
            {
                "tokens_per_s": tokens / out.metrics["train_runtime"],
                "tokens_per_cpu_s": tokens / cpu,
                "num_tokens": tokens,
                "train_runtime": out.metrics["train_runtime"],
            }
        )
    )


def measured(argv: list[str], cwd: Path | None = None) -> tuple[str, float]:
    """Run a child process; return its stdout and its own peak RSS in MiB (from wait4, not the max of all children)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, cwd=cwd, start_new_session=True)
        # wait4 (not Popen.wait) for the child's own rusage, polled so that a hung side is killed at the deadline
        deadline = time.monotonic() + TIMEOUT_S
        while not (found := os.wait4(proc.pid, os.WNOHANG))[0]:
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                sys.exit(f"{' '.join(argv[:4])} took over {TIMEOUT_S:g} s (killed)")
            time.sleep(0.2)
        _, status, usage = found
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(argv[:4])} failed:\n{err.read()[-3000:]}")
        return out.read(), usage.ru_maxrss / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=12)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--max-length", type=int, default=256)
    p.add_argument("--base", default="builtin:smollm2-135m")
    p.add_argument("--repeat", type=int, default=1, help="alternate the two sides this many times; best of each")
    p.add_argument("--plain", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--model", help=argparse.SUPPRESS)
    p.add_argument("--template", help=argparse.SUPPRESS)
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.plain:
        plain_trl(args)
        return

    from tadka.train.demo import demo_workspace
    from tadka.train.models import local_path, resolve_base
    from tadka.train.templates import shipped

    tmp = Path(tempfile.mkdtemp(prefix="tadka-bench-train-"))
    try:
        report(args, tmp, demo_workspace(tmp / "ws"), local_path(resolve_base(args.base)), shipped()["smollm2"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(args: argparse.Namespace, tmp: Path, ws, model: str, template_text: str) -> None:
    data = ws.exports_dir / "demo" / "train.jsonl"
    template = tmp / "template.j2"
    template.write_text(template_text, encoding="utf-8")
    sides: dict[str, list[tuple[float, float, float]]] = {"trl": [], "tadka": []}  # tokens/s, tokens/CPU-s, MiB
    for i in range(args.repeat):
        out, rss = measured(
            [
                sys.executable,
                __file__,
                "--plain",
                "--model",
                model,
                "--template",
                str(template),
                "--data",
                str(data),
                "--out",
                str(tmp / f"plain{i}"),
                "--steps",
                str(args.steps),
                "--batch",
                str(args.batch),
                "--max-length",
                str(args.max_length),
            ]
        )
        plain = json.loads(out.strip().splitlines()[-1])
        sides["trl"].append((plain["tokens_per_s"], plain["tokens_per_cpu_s"], rss))
        name = f"bench{i}"
        _, rss = measured(
            [
                sys.executable,
                "-m",
                "tadka.train",
                "-w",
                str(ws.root),
                "--dataset",
                str(data),
                "--base",
                model,
                "--chat-template",
                str(template),
                "--max-steps",
                str(args.steps),
                "--batch-size",
                str(args.batch),
                "--max-length",
                str(args.max_length),
                "--save-every",
                "100000",
                "--name",
                name,
                "--learning-rate",
                "2e-4",
            ],
            cwd=ws.root,
        )
        m = json.loads((ws.runs_dir / name / "run_card.json").read_text())["metrics"]
        sides["tadka"].append((m["tokens_per_s"], m["num_tokens"] / m["train_cpu_s"], rss))
    best = {k: (max(r[0] for r in v), max(r[1] for r in v), min(r[2] for r in v)) for k, v in sides.items()}
    print(
        f"model {args.base}, {args.steps} steps x {args.repeat}, batch {args.batch}, max_length {args.max_length}, "
        f"LoRA r=8 all-linear, {os.cpu_count()} CPUs (best of each side)"
    )
    for side in ("trl", "tadka"):
        tps, cps, rss = best[side]
        print(f"  {side:6s} {tps:8.1f} tokens/s  {cps:8.1f} tokens/CPU-s   peak RSS {rss:7.0f} MiB")
    print(
        f"  tadka/trl: tokens/s {best['tadka'][0] / best['trl'][0]:.3f}, tokens/CPU-s "
        f"{best['tadka'][1] / best['trl'][1]:.3f} (target >= 0.95; on a shared machine trust the CPU-time "
        f"ratio), memory {best['tadka'][2] / best['trl'][2]:.3f} (target <= 1.05)"
    )


if __name__ == "__main__":
    main()
