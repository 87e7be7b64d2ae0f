"""train.* keys → TRL's SFTConfig / SFTTrainer (or a distillation trainer), and the run itself.

Heavy module: imported only when a run starts (the package and the CLI stay torch-free). The SFTConfig
is built by :func:`sft_kwargs` from our keys alone, so a test can pin TRL's field names: an upstream
rename then fails our CI instead of a user's run.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tadka.train.deps import require_bitsandbytes, require_training

require_training()

import torch  # noqa: E402

from tadka.errors import ConfigError  # noqa: E402
from tadka.train import adapters, templates  # noqa: E402
from tadka.train.config import TrainConfig, distill_method  # noqa: E402
from tadka.train.data import Splits, fit_completion, fit_length  # noqa: E402
from tadka.train.rundir import RunDir  # noqa: E402

log = logging.getLogger(__name__)


@dataclass
class Device:
    """Where and in which precision a run trains (what TRL needs set on CPU: use_cpu, no bf16)."""

    use_cpu: bool
    precision: str  # fp32 | bf16 | fp16

    @property
    def args(self) -> dict[str, Any]:
        return {"use_cpu": self.use_cpu, "bf16": self.precision == "bf16", "fp16": self.precision == "fp16"}

    @property
    def name(self) -> str:
        return "cpu" if self.use_cpu else torch.cuda.get_device_name(0)


def pick_device(cfg: TrainConfig) -> Device:
    cuda = torch.cuda.is_available()
    if cfg.device == "cuda" and not cuda:
        raise ConfigError("no CUDA device on this machine", field="train.device", hint="use device: auto or cpu")
    on_gpu = cuda and cfg.device != "cpu"
    precision = cfg.precision
    if precision == "auto":
        precision = ("bf16" if torch.cuda.is_bf16_supported() else "fp16") if on_gpu else "fp32"
    if precision == "fp16" and not on_gpu:
        raise ConfigError("fp16 training needs a CUDA device", field="train.precision", hint="use fp32 or bf16 on CPU")
    return Device(use_cpu=not on_gpu, precision=precision)


def _checkpointing(on: bool) -> dict[str, bool]:
    """transformers 5.2x renamed gradient_checkpointing to activation_checkpointing (the old name warns)."""
    import dataclasses

    from trl import SFTConfig

    names = {f.name for f in dataclasses.fields(SFTConfig)}
    return {"activation_checkpointing" if "activation_checkpointing" in names else "gradient_checkpointing": on}


def sft_kwargs(
    cfg: TrainConfig, output_dir: str | Path, *, seed: int, device: Device, eval_sets: list[str]
) -> dict[str, Any]:
    """SFTConfig keyword arguments for ``cfg``; ``eval_sets`` names the eval datasets (first is primary)."""
    has_eval = bool(eval_sets)
    eval_strategy = ("steps" if cfg.eval_every else "epoch") if has_eval else "no"
    kw: dict[str, Any] = dict(
        output_dir=str(output_dir),
        seed=seed,
        data_seed=seed,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        learning_rate=cfg.learning_rate,
        lr_scheduler_type=cfg.lr_scheduler,
        warmup_steps=cfg.warmup if cfg.warmup < 1 else int(cfg.warmup),
        weight_decay=cfg.weight_decay,
        logging_steps=cfg.log_every,
        save_strategy="steps",
        save_steps=cfg.save_every,
        save_total_limit=cfg.keep_checkpoints,
        eval_strategy=eval_strategy,
        eval_steps=cfg.eval_every or None,
        eval_on_start=has_eval and cfg.eval_at_start,
        **_checkpointing(cfg.gradient_checkpointing),
        max_length=cfg.max_length,
        packing=cfg.packing,
        assistant_only_loss=cfg.assistant_only_loss,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=0,
        **device.args,
    )
    if cfg.early_stopping:
        if not has_eval:
            raise ConfigError("early stopping needs an eval split or eval_files", field="train.early_stopping")
        # Trainer can only keep the best checkpoint when it saves at every evaluation.
        kw.update(
            save_strategy=eval_strategy,
            save_steps=cfg.eval_every or None,
            load_best_model_at_end=True,
            metric_for_best_model=f"eval_{eval_sets[0]}_loss",
            greater_is_better=False,
        )
    return kw


def load_tokenizer(path: str, cfg: TrainConfig):
    """The base's tokenizer with the training chat template set (renders the same text, adds the markers)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    template = templates.training_template(tokenizer, cfg.chat_template, cfg.assistant_only_loss)
    if template is not None:
        tokenizer.chat_template = template
    if cfg.assistant_only_loss and not templates.stop_token_trained(tokenizer, None):
        log.warning("the chat template leaves the end-of-turn token out of the loss: the model may not learn to stop")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_model(path: str, cfg: TrainConfig, device: Device, *, quantize: bool | None = None):
    """The base model: a 4-bit NF4 base for QLoRA, else fp32 (bf16 under a bf16 adapter run)."""
    from transformers import AutoModelForCausalLM

    quantize = cfg.peft == "qlora" if quantize is None else quantize
    compute = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(device.precision, torch.float32)
    kwargs: dict[str, Any] = {"dtype": compute if cfg.peft != "none" and device.precision == "bf16" else torch.float32}
    if quantize:
        require_bitsandbytes()
        from accelerate import PartialState
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=compute
        )
        kwargs["device_map"] = {"": "cpu" if device.use_cpu else PartialState().local_process_index}
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if quantize:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.gradient_checkpointing)
    return model


@dataclass
class Prepared:
    """Everything a trainer needs, built before the first step so that user errors surface first."""

    cfg: TrainConfig
    device: Device
    tokenizer: Any
    splits: Splits
    model: Any = None
    peft_config: Any = None
    teacher: Any = None
    targets: list[str] = field(default_factory=list)

    @property
    def train_rows(self) -> list[dict]:
        return self.splits.train

    @property
    def eval_rows(self) -> dict[str, list[dict]]:
        return self.splits.eval


def preflight(cfg: TrainConfig, splits: Splits, base_path: str, teacher_path: str | None) -> Prepared:
    """The checks that need the tokenizer (template, max_length, teacher vocabulary): seconds, no model."""
    device = pick_device(cfg)
    tokenizer = load_tokenizer(base_path, cfg)
    splits = fit_length(splits, tokenizer, None, cfg.max_length)
    if cfg.mode == "distill" and distill_method(cfg) == "gkd":
        splits = fit_completion(splits, tokenizer, cfg.max_length)
    if teacher_path is not None:
        from transformers import AutoTokenizer

        if AutoTokenizer.from_pretrained(teacher_path).get_vocab() != tokenizer.get_vocab():
            raise ConfigError(
                "teacher and student tokenizers differ; distillation needs a shared vocabulary",
                field="train.teacher",
                hint="pick a teacher from the student's family",
            )
    return Prepared(cfg, device, tokenizer, splits)


def load_models(p: Prepared, base_path: str, teacher_path: str | None) -> Prepared:
    if p.cfg.threads:
        torch.set_num_threads(p.cfg.threads)
    if teacher_path is not None:
        p.teacher = load_model(teacher_path, p.cfg, p.device, quantize=False).eval()
    p.model = load_model(base_path, p.cfg, p.device)
    p.peft_config = adapters.for_model(p.cfg, p.model)
    p.targets = sorted(getattr(p.peft_config, "target_modules", None) or [])
    return p


def build_trainer(p: Prepared, run: RunDir, seed: int, callbacks: list, *, resuming: bool = False):
    """An SFTTrainer, GKDTrainer or logit-KD trainer over the prepared model and data."""
    from datasets import Dataset

    from tadka.progress import quiet_datasets

    train_ds = Dataset.from_list(p.train_rows)
    eval_ds = {name: Dataset.from_list(rows) for name, rows in p.eval_rows.items()} or None
    kw = sft_kwargs(p.cfg, run.checkpoints, seed=seed, device=p.device, eval_sets=list(p.eval_rows))
    if resuming:
        kw["eval_on_start"] = False  # the "before" evaluation is already in the checkpoint's history
    common = dict(
        model=p.model,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=p.tokenizer,
        peft_config=p.peft_config,
        callbacks=callbacks,
    )
    from transformers.trainer_callback import PrinterCallback

    with quiet_datasets():  # our RunLogger prints one line per log instead of the trainer's dicts and bars
        if p.cfg.mode == "sft":
            from trl import SFTConfig, SFTTrainer

            trainer = SFTTrainer(args=SFTConfig(**kw), **common)
        else:
            from tadka.train import distill

            make = distill.gkd_trainer if distill_method(p.cfg) == "gkd" else distill.logit_kd_trainer
            trainer = make(p.cfg, kw, p.teacher, common)
    trainer.remove_callback(PrinterCallback)
    return trainer


def peak_memory_mb(device: Device) -> float:
    import resource

    if not device.use_cpu:
        return torch.cuda.max_memory_allocated() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Outcome:
    state: str  # finished | stopped
    step: int
    max_steps: int
    train_runtime: float
    num_tokens: int
    cpu_seconds: float
    peak_memory_mb: float
    eval_before: dict[str, float]
    eval_after: dict[str, float]
    train_loss: float | None
    trainer: Any = None


def _evals(history: list[dict], step_filter: Callable[[int], bool], primary: str | None) -> dict[str, float]:
    from tadka.train.callbacks import eval_metrics

    found: dict[str, float] = {}
    for row in history:
        if step_filter(row.get("step", -1)):
            found.update(eval_metrics(row, primary))
    return found


def run_training(
    p: Prepared,
    run: RunDir,
    *,
    seed: int,
    echo: Callable[[str], None],
    stop: threading.Event,
    extra_callbacks: list | None = None,
) -> Outcome:
    """Train (resuming from the run's last checkpoint), evaluate at the end, save the adapter."""
    from transformers import EarlyStoppingCallback

    from tadka.train.callbacks import RunLogger

    primary = next(iter(p.eval_rows), None)
    logger = RunLogger(run, echo=echo, stop=stop, primary_eval=primary)
    callbacks: list = [*(extra_callbacks or []), logger]  # the logger last: it sees what the others decided
    if p.cfg.early_stopping:
        callbacks.append(EarlyStoppingCallback(early_stopping_patience=p.cfg.early_stopping))
    resume = run.last_checkpoint() if p.cfg.resume else None
    trainer = build_trainer(p, run, seed, callbacks, resuming=resume is not None)
    if resume is not None:
        echo(f"resuming from {resume.name}")
    started, cpu_started = time.monotonic(), time.process_time()
    result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    cpu_seconds = time.process_time() - cpu_started  # all threads: robust to a busy shared machine
    state = trainer.state
    stopped = logger.stopped and state.global_step < state.max_steps
    history = state.log_history
    if (
        p.eval_rows
        and not stopped
        and not any(r.get("step") == state.global_step and any(k.startswith("eval_") for k in r) for r in history)
    ):
        trainer.evaluate()  # the run ended between evaluations: measure where it stopped
    first = min((r["step"] for r in history if any(k.startswith("eval_") for k in r)), default=None)
    outcome = Outcome(
        state="stopped" if stopped else "finished",
        step=state.global_step,
        max_steps=state.max_steps,
        train_runtime=float(result.metrics.get("train_runtime", time.monotonic() - started)),
        num_tokens=logger.train_tokens,
        cpu_seconds=cpu_seconds,
        peak_memory_mb=round(peak_memory_mb(p.device), 1),
        eval_before=_evals(history, lambda s: s == first == 0, primary),
        eval_after=_evals(history, lambda s: s == state.global_step, primary) if not stopped else {},
        train_loss=result.metrics.get("train_loss"),
        trainer=trainer,
    )
    if not stopped:
        trainer.save_model(str(run.adapter))  # every process: ZeRO-3 and FSDP gather the weights collectively
        if trainer.is_world_process_zero():
            p.tokenizer.save_pretrained(str(run.adapter))
    return outcome


def tokens_per_second(outcome: Outcome) -> float:
    return outcome.num_tokens / outcome.train_runtime if outcome.train_runtime > 0 else math.nan
