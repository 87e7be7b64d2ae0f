"""One training run, start to end: resolve and check everything a user can get wrong, then train.

Order matters: the config, the QLoRA extra, the dataset and the base path are checked before torch is
even imported, and the tokenizer-dependent checks (template, max_length) before the model is loaded,
so a mistake costs a second and one line (a TadkaError), never a half-trained run.

Resuming: a run folder that already has config.yaml is continued with *that* config; only keys about how
long and how often (RESUMABLE_CHANGES) may differ, so a resumed run is the same run.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from tadka.atomic import write_text
from tadka.errors import ConfigError, TadkaError
from tadka.train import card as cards
from tadka.train.config import RESUMABLE_CHANGES, TrainConfig, config_file_values, resolve
from tadka.train.data import load_splits, locate
from tadka.train.deps import require_bitsandbytes, require_training
from tadka.train.models import Base, local_path, resolve_base
from tadka.train.rundir import RunDir, check_name

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    name: str
    path: Path
    state: str
    step: int
    max_steps: int
    metrics: dict[str, Any] = field(default_factory=dict)
    adapter: Path | None = None
    merged: Path | None = None


def saved_config(run: RunDir) -> TrainConfig | None:
    if not run.config.is_file():
        return None
    return resolve(TrainConfig(), yaml.safe_load(run.config.read_text(encoding="utf-8")) or {}, source=str(run.config))


def resolve_config(
    ws, *, name: str | None = None, config_file: str | None = None, flags: dict[str, Any] | None = None
) -> TrainConfig:
    """defaults < tadka.yaml < --config file < flags; an existing run's saved config replaces the first two."""
    file_values = config_file_values(config_file) if config_file else {}
    flags = flags or {}
    saved = saved_config(RunDir.of(ws.runs_dir, name)) if name else None
    if saved is None:
        return resolve(ws.config["train"], file_values, flags, source=config_file or "<command line>")
    cfg = resolve(saved, file_values, flags, source=config_file or "<command line>")
    changed = sorted(k for k, v in cfg.to_dict().items() if v != getattr(saved, k) and k not in RESUMABLE_CHANGES)
    if changed:
        raise ConfigError(
            f"run {name!r} exists with other settings for {', '.join(changed)}",
            field="--name",
            hint="resume it unchanged, or start a new run with another --name",
        )
    return cfg


def default_name(cfg: TrainConfig, base: Base) -> str:
    return f"{base.short_name}-{cfg.peft}-{time.strftime('%Y%m%d-%H%M%S')}"


def _agree(name: str, cfg: TrainConfig) -> str:
    """Under `accelerate launch`, every process must write to the folder that rank 0 named."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return name
    import torch
    from accelerate import PartialState
    from accelerate.utils import broadcast_object_list

    # The same `cpu` choice the trainer's arguments make later (PartialState is a process-wide singleton).
    PartialState(cpu=cfg.device == "cpu" or not torch.cuda.is_available())
    return broadcast_object_list([name])[0]


def is_main_process() -> bool:
    return int(os.environ.get("RANK", "0")) == 0


def _stop_event(stop: threading.Event | None) -> tuple[threading.Event, Callable[[], None]]:
    """SIGTERM (the Train page's Stop, or a scheduler) asks for a checkpoint and a clean exit."""
    event = stop or threading.Event()
    if threading.current_thread() is not threading.main_thread():
        return event, lambda: None
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: event.set())

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return event, restore


def train(
    ws,
    cfg: TrainConfig,
    *,
    name: str | None = None,
    echo: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
    callbacks: list | None = None,
) -> RunResult:
    """Run (or resume) the training run ``name`` in ``ws.runs_dir``; returns its final state."""
    echo = echo or (lambda line: print(line, flush=True))
    event, restore = _stop_event(stop)
    run = RunDir.of(ws.runs_dir, check_name(name)) if name else None
    main = is_main_process()
    if not main:
        echo = lambda line: None  # noqa: E731 - one console voice under accelerate launch
    try:
        return _checked_train(ws, cfg, run, echo, event, callbacks, main)
    except BaseException as e:
        if main and run is not None and run.root.is_dir():  # e.g. made by runs.start: say why it ended
            stopped = isinstance(e, KeyboardInterrupt) or event.is_set()
            run.write_status(state="stopped" if stopped else "failed", error=None if stopped else _one_line(e))
        raise
    finally:
        restore()


def _checked_train(
    ws,
    cfg: TrainConfig,
    run: RunDir | None,
    echo: Callable[[str], None],
    stop: threading.Event,
    callbacks: list | None,
    main: bool,
) -> RunResult:
    cfg.check()
    if cfg.peft == "qlora":
        require_bitsandbytes()
    require_training()
    splits = load_splits(locate(cfg.dataset, ws.root, ws.exports_dir), cfg.eval_files, ws.root)
    cfg = resolve(cfg, {"dataset": str(splits.source)})
    base = resolve_base(cfg.base)
    teacher = resolve_base(cfg.teacher) if cfg.mode == "distill" else None
    seed = cfg.seed if cfg.seed >= 0 else ws.config.project.seed
    from tadka.train import trainer as tr

    prepared = tr.preflight(cfg, splits, local_path(base), local_path(teacher) if teacher else None)
    run = run or RunDir.of(ws.runs_dir, _agree(default_name(cfg, base), cfg))
    status = run.status()
    if status.get("state") == "finished":
        raise ConfigError(
            f"run {run.name!r} already finished",
            file=run.root,
            field="--name",
            hint="start a new run with another --name",
        )
    if run.config.is_file() and not cfg.resume:
        raise ConfigError(
            f"run {run.name!r} exists and resume is off",
            file=run.root,
            field="--name",
            hint="use another --name, or resume: true",
        )
    if main:
        run.root.mkdir(parents=True, exist_ok=True)
        write_text(run.config, yaml.safe_dump(cfg.to_dict(), sort_keys=False, allow_unicode=True))
        run.write_pid(os.getpid())
        run.update_status(
            lambda s: {
                "state": "running",
                "pid": os.getpid(),
                "error": None,
                "started_at": s.get("started_at", time.time()),
                "step": s.get("step", 0),
                "max_steps": s.get("max_steps", cfg.max_steps),
            }
        )
    try:
        return _train(run, prepared, base, teacher, seed, echo, stop, callbacks, main)
    except BaseException as e:
        if main:
            stopped = isinstance(e, KeyboardInterrupt) or stop.is_set()
            run.write_status(state="stopped" if stopped else "failed", error=None if stopped else _one_line(e))
        raise


def _one_line(e: BaseException) -> str:
    text = str(e) if isinstance(e, TadkaError) else f"{type(e).__name__}: {e}"
    return " ".join(text.split())[:500]


def _train(
    run: RunDir,
    prepared,
    base: Base,
    teacher: Base | None,
    seed: int,
    echo: Callable[[str], None],
    stop: threading.Event,
    callbacks: list | None,
    main: bool,
) -> RunResult:
    from tadka.train import trainer as tr

    cfg, splits = prepared.cfg, prepared.splits
    echo(
        f"run {run.name}: {cfg.mode}/{cfg.peft} on {base.spec}, {len(splits.train)} train chats, "
        f"eval sets: {', '.join(f'{k} ({len(v)})' for k, v in splits.eval.items()) or 'none'}"
    )
    tr.load_models(prepared, local_path(base), local_path(teacher) if teacher else None)
    if stop.is_set():  # asked to stop while the model was loading: nothing trained, nothing to save
        if main:
            run.write_status(state="stopped")
        return RunResult(run.name, run.root, "stopped", run.status().get("step", 0), cfg.max_steps)
    outcome = tr.run_training(prepared, run, seed=seed, echo=echo, stop=stop, extra_callbacks=callbacks)
    result = RunResult(run.name, run.root, outcome.state, outcome.step, outcome.max_steps)
    if not main:
        return result
    if outcome.state == "finished" and cfg.merge and cfg.peft != "none":
        from tadka.train.merge import merge_adapter

        result.merged = merge_adapter(run.adapter, run.merged, base=local_path(base))
    if outcome.state == "finished":
        result.adapter = run.adapter
    metrics = {
        "step": outcome.step,
        "max_steps": outcome.max_steps,
        "train_loss": outcome.train_loss,
        "train_runtime_s": round(outcome.train_runtime, 2),
        "num_tokens": outcome.num_tokens,
        "tokens_per_s": round(tr.tokens_per_second(outcome), 1),
        "train_cpu_s": round(outcome.cpu_seconds, 2),
        "peak_memory_mb": outcome.peak_memory_mb,
        "eval_before": outcome.eval_before,
        "eval_after": outcome.eval_after,
        "adapter_bytes": cards.folder_size(run.adapter),
    }
    result.metrics = metrics
    cards.plot_loss(run)
    cards.write_card(run, _card_data(run, prepared, outcome, base, teacher, seed, metrics))
    run.write_status(
        state=outcome.state, step=outcome.step, max_steps=outcome.max_steps, finished_at=time.time(), error=None
    )
    before, after = outcome.eval_before.get("eval_ppl"), outcome.eval_after.get("eval_ppl")
    summary = f"{outcome.state} at step {outcome.step}/{outcome.max_steps}"
    if before is not None and after is not None:
        summary += f"; eval perplexity {before:.2f} -> {after:.2f}"
    echo(f"{summary}; {metrics['tokens_per_s']:,.0f} tok/s; run folder {run.root}")
    return result


def _card_data(run: RunDir, prepared, outcome, base: Base, teacher: Base | None, seed: int, metrics: dict) -> dict:
    """What the run card records: config, models, data, device, versions and the metrics."""
    cfg, splits = prepared.cfg, prepared.splits
    return {
        "name": run.name,
        "state": outcome.state,
        "config": cfg.to_dict(),
        "base": {"spec": base.spec, "kind": base.kind, "path": base.path},
        "teacher": {"spec": teacher.spec, "kind": teacher.kind} if teacher else None,
        "dataset": {
            "path": str(splits.source),
            "data_hash": splits.data_hash,
            "train": len(prepared.train_rows),
            "eval": {k: len(v) for k, v in prepared.eval_rows.items()},
            "skipped": splits.skipped,
        },
        "device": prepared.device.name,
        "precision": prepared.device.precision,
        "processes": int(os.environ.get("WORLD_SIZE", "1")),
        "target_modules": prepared.targets,
        "chat_template": prepared.tokenizer.chat_template,
        "seed": seed,
        "versions": cards.versions(),
        "metrics": metrics,
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
