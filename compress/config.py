"""The ``compress:`` section of tadka.yaml: what `tadka compress` builds, measures and picks.

Importable without torch: `tadka init` renders it and the CLI builds its flags from it
(``--budget-ms`` mirrors ``compress.budget_ms``). :func:`check` holds the cross-key rules that a single
key's type cannot say; it runs before any model is loaded.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from tadka.config import Section, merge, opt, section
from tadka.errors import ConfigError

PRUNE_KINDS = ("mlp", "layers", "heads")


@section(
    "compress",
    "`tadka compress`: merge, quantize/export, prune, bench at batch 1 and pick a model for a latency budget.",
)
@dataclass
class CompressConfig(Section):
    """`tadka compress`: merge, quantize/export, prune, bench at batch 1 and pick a model for a latency budget."""

    formats: list[str] = opt(
        ["torch:fp32", "gguf:q8_0", "gguf:q4_k_m", "onnx:int8"],
        "Variants to build and bench (see `tadka compress --list-formats`): gguf:f16, gguf:q8_0, "
        "gguf:q4_k_m (and other llama.cpp types), onnx:fp32, onnx:int8, torch:fp32, torch:int8. "
        "torch:fp32 is the reference that agreement is measured against.",
    )
    budget_ms: float = opt(
        0.0,
        "Latency budget in milliseconds; the lowest-perplexity variant within it is exported. "
        "0: no budget (the lowest perplexity wins).",
        ge=0,
    )
    latency: Literal["per_token", "ttft"] = opt(
        "per_token",
        "Which latency the budget bounds: per_token (decode "
        "ms per token) or ttft (time to first token of the bench prompt).",
    )
    threads: list[int] = opt([1, 2, 4], "CPU thread counts to bench (they stand in for edge CPUs).")
    select_threads: int = opt(0, "Thread count at which the budget is judged; 0: the largest of threads.")
    prompt_tokens: int = opt(128, "Length of the Hinglish bench prompt (time to first token).", ge=1)
    decode_tokens: int = opt(32, "Tokens decoded greedily to measure decode speed.", ge=1)
    repeats: int = opt(3, "Timing repeats per thread count (the median is reported).", ge=1)
    eval_file: str = opt(
        "",
        "Held-out chats for perplexity, agreement and flip rate; empty: the shipped corpora/eval/hinglish_eval.jsonl.",
    )
    ppl_chats: int = opt(0, "Eval chats scored for perplexity (assistant tokens); 0: all of them.", ge=0)
    agreement_prompts: int = opt(50, "Eval prompts whose first greedy token is compared with torch:fp32.", ge=0)
    flip_prompts: int = opt(20, "Eval prompts answered greedily with and without noise (flip rate); 0: skip.", ge=0)
    flip_tokens: int = opt(16, "Length of each greedy answer compared for the flip rate.", ge=1)
    noise: str = opt("phone-typing", "tadka.augment noise preset applied to prompts for the flip rate.")
    noise_rate: float = opt(0.1, "Rate of the noise preset (its ops scale it by their weights).", gt=0, le=1)
    prune: float = opt(
        0.0,
        "Structured pruning: share of the model's parameters to remove (0: off). The pruned "
        "model is healed, then every format is also built from it (variant names end in +prunedNN).",
        ge=0,
        lt=0.9,
    )
    prune_kinds: list[str] = opt(
        ["mlp", "layers"],
        "What pruning removes: mlp (MLP channels), layers (whole blocks), heads (whole key/value head groups).",
    )
    calibration: str = opt("", "Chats that importance scores and the heal run on; empty: the run's training set.")
    calibration_chats: int = opt(64, "Calibration chats used (importance scores and heal).", ge=1)
    heal_steps: int = opt(60, "Distillation steps from the unpruned model after pruning (0: no heal).", ge=0)
    heal_lr: float = opt(5e-5, "Learning rate of the heal.", gt=0)
    heal_batch: int = opt(4, "Chats per heal step.", ge=1)
    max_length: int = opt(256, "Longest calibration/heal chat in tokens.", ge=1)
    seed: int = opt(-1, "Seed for sampling prompts, noise and the heal; -1 uses project.seed.")
    min_fidelity: float = opt(
        0.0,
        "Hinglish fidelity floor: only variants whose share of eval answers in the prompt's "
        "language (`tadka eval`, eval: settings) is at least this may be picked; 0: no floor.",
        ge=0,
        le=1,
    )
    select_by: Literal["ppl", "chrf"] = opt(
        "ppl",
        "Rule among the variants within budget and above the floor: ppl "
        "(lowest perplexity) or chrf (best chrF against the reference answers).",
    )
    evaluate: bool = opt(
        False,
        "Run the student eval (eval: settings) on every variant and show it in bench.json, the "
        "table and the model card; on whenever min_fidelity > 0 or select_by is chrf.",
    )

    def rules(self) -> None:
        """Rules across keys, raised before any model is loaded."""
        cfg = self
        if not cfg.formats:
            raise ConfigError("name at least one format", field="compress.formats", hint="e.g. gguf:q4_k_m,onnx:int8")
        if not cfg.threads or any(t < 1 for t in cfg.threads):
            raise ConfigError(f"thread counts must be at least 1, got {cfg.threads}", field="compress.threads")
        if cfg.select_threads and cfg.select_threads not in cfg.threads:
            raise ConfigError(
                f"{cfg.select_threads} is not among the benched thread counts {cfg.threads}",
                field="compress.select_threads",
                hint="add it to --threads",
            )
        bad = [k for k in cfg.prune_kinds if k not in PRUNE_KINDS]
        if bad or (cfg.prune and not cfg.prune_kinds):
            raise ConfigError(
                f"unknown or missing prune kinds {bad}", field="compress.prune_kinds", hint=", ".join(PRUNE_KINDS)
            )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def resolve(base: CompressConfig, flags: dict[str, Any]) -> CompressConfig:
    """``base`` with the CLI flags that were given (None = not given), checked."""
    return merge(base, flags).check()


def check(cfg: CompressConfig) -> None:
    """:meth:`CompressConfig.check` (the name callers used before every section had one)."""
    cfg.check()


def wants_eval(cfg: CompressConfig) -> bool:
    """Whether compress runs the student eval on its variants."""
    return cfg.evaluate or cfg.min_fidelity > 0 or cfg.select_by == "chrf"


def judged_threads(cfg: CompressConfig) -> int:
    return cfg.select_threads or max(cfg.threads)
