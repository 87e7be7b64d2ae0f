"""What a run shows while it trains: loss, tokens/s and ETA on the console, a row per log in
metrics.jsonl, status.json for the Train page, and a clean stop (checkpoint, then exit) on request.

Imported only once training starts (it subclasses transformers' TrainerCallback).
"""

from __future__ import annotations

import math
import threading
import time
from datetime import timedelta
from typing import Callable

from tadka.train.deps import require_training

require_training()

from transformers import TrainerCallback  # noqa: E402

from tadka.train.rundir import RunDir  # noqa: E402


def perplexity(loss: float) -> float:
    return math.exp(loss) if loss < 50 else float("inf")


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=int(max(seconds, 0))))


def eval_metrics(logs: dict, primary: str | None) -> dict:
    """eval_<set>_loss keys (Trainer's names for a dict of eval sets) → loss and perplexity per set."""
    out: dict = {}
    for key, value in logs.items():
        if key.startswith("eval_") and key.endswith("_loss") and key.count("_") >= 2:
            name = key[len("eval_") : -len("_loss")]
            out[f"eval_{name}_loss"] = value
            out[f"eval_{name}_ppl"] = perplexity(value)
    if primary and f"eval_{primary}_loss" in out:
        out["eval_loss"] = out[f"eval_{primary}_loss"]
        out["eval_ppl"] = out[f"eval_{primary}_ppl"]
    return out


class RunLogger(TrainerCallback):
    """Writes metrics.jsonl and status.json and prints one line per log, on the main process only."""

    def __init__(
        self, run: RunDir, *, echo: Callable[[str], None], stop: threading.Event, primary_eval: str | None
    ) -> None:
        self.run = run
        self.echo = echo
        self.stop = stop
        self.primary = primary_eval
        self.stopped = False
        self.train_tokens = 0
        self.last_loss: float | None = None

    def on_train_begin(self, args, state, control, **kwargs):
        now = time.monotonic()
        self.started, self.first_step = now, state.global_step
        self.mark, self.mark_tokens, self.eval_seconds = now, 0, 0.0
        if state.is_world_process_zero:
            self.run.write_status(state="running", step=state.global_step, max_steps=state.max_steps)

    def on_step_end(self, args, state, control, **kwargs):
        if self._stop_requested(args) and not self.stopped:
            self.stopped = True
            control.should_save = True  # the checkpoint a resumed run continues from
            control.should_training_stop = True

    def _stop_requested(self, args) -> bool:
        """Under several processes, all must stop after the same step (or the collectives would hang)."""
        import torch
        import torch.distributed as dist

        if not (dist.is_available() and dist.is_initialized()):
            return self.stop.is_set()
        flag = torch.tensor([1 if self.stop.is_set() else 0], device=args.device)
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        now = time.monotonic()
        row: dict = {
            "step": state.global_step,
            "max_steps": state.max_steps,
            "epoch": round(state.epoch or 0.0, 4),
            "time": round(time.time(), 3),
        }
        if "loss" in logs:
            tokens = int(logs.get("num_tokens", 0))
            spent = max(now - self.mark - self.eval_seconds, 1e-9)
            rate = max(tokens - self.mark_tokens, 0) / spent
            self.mark, self.mark_tokens, self.eval_seconds = now, tokens, 0.0
            self.train_tokens = tokens
            self.last_loss = float(logs["loss"])
            row.update(
                loss=self.last_loss,
                learning_rate=logs.get("learning_rate"),
                grad_norm=logs.get("grad_norm"),
                tokens_per_s=round(rate, 1),
            )
        evals = eval_metrics(logs, self.primary)
        row.update(evals)
        if evals:
            self.eval_seconds += sum(v for k, v in logs.items() if k.endswith("_runtime") and k.startswith("eval_"))
        if "loss" not in row and not evals:
            return  # the trainer's end-of-training summary: the run card keeps it
        done = state.global_step - self.first_step
        elapsed = now - self.started
        eta = elapsed / done * (state.max_steps - state.global_step) if done > 0 else None
        row.update(elapsed_s=round(elapsed, 2), eta_s=None if eta is None else round(eta, 1))
        self.run.append_metrics(row)
        self.run.write_status(step=state.global_step, max_steps=state.max_steps, last_loss=self.last_loss)
        self.echo(self._line(row))

    def _line(self, row: dict) -> str:
        width = len(str(row["max_steps"]))
        head = f"step {row['step']:>{width}}/{row['max_steps']}"
        parts = []
        if "loss" in row:
            parts += [
                f"loss {row['loss']:.4f}",
                f"lr {row['learning_rate'] or 0:.2e}",
                f"{row['tokens_per_s']:,.0f} tok/s",
            ]
        for key, value in row.items():
            if key.startswith("eval_") and key.endswith("_loss") and key != "eval_loss":
                name = key[len("eval_") : -len("_loss")]
                parts.append(f"eval {name}: loss {value:.4f} ppl {row[f'eval_{name}_ppl']:.2f}")
        parts.append(f"{_clock(row['elapsed_s'])} elapsed")
        if row.get("eta_s") is not None:
            parts.append(f"ETA {_clock(row['eta_s'])}")
        return " | ".join([head, *parts])
