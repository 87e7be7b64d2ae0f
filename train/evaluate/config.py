"""The ``eval:`` section of tadka.yaml: which variants `tadka eval` answers with, on which prompts, how.

Importable without torch (`tadka init` renders it; the CLI builds ``--max-prompts`` … from it).
``tadka compress`` reads the same section when it evaluates its variants (``--min-fidelity``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tadka.config import Section, merge, opt, section
from tadka.errors import ConfigError

RUN_VARIANTS = ("base", "adapter", "merged")


@section(
    "eval",
    "`tadka eval`: answers of the base, trained and compressed models on held-out prompts, "
    "scored for Hinglish fidelity, code-mixing, degeneration, overlap and robustness.",
)
@dataclass
class EvalConfig(Section):
    """`tadka eval`: answers of the base, trained and compressed models on held-out prompts, scored."""

    variants: list[str] = opt(
        ["base", "adapter", "merged"],
        "Models that answer: base, adapter (base + unmerged adapter), merged, and any compress "
        "format (gguf:q8_0, gguf:q4_k_m, onnx:int8, torch:int8 …; built once, cached).",
    )
    split: bool = opt(True, "Use the eval split of the export the run trained on.")
    shipped: bool = opt(
        True,
        "Use the held-out chat files shipped in corpora/eval/ (hinglish_eval.jsonl, Roman; "
        "hindi_deva_eval.jsonl, Devanagari).",
    )
    files: list[str] = opt(
        [], "More held-out chat files (JSONL/Parquet of chats; the last assistant turn is the reference)."
    )
    max_prompts: int = opt(60, "Prompts evaluated, taken in turn from each source; 0: all.", ge=0)
    max_new_tokens: int = opt(
        96, "Most tokens per answer (an answer that reaches it counts as hitting the limit).", ge=1
    )
    sampling: bool = opt(True, "Also answer each prompt once by sampling with the run's settings (below).")
    temperature: float = opt(-1.0, "Sampling temperature; -1: the model's generation_config.json (0.7 if it has none).")
    top_p: float = opt(-1.0, "Nucleus sampling; -1: the model's generation_config.json (0.95 if it has none).")
    robustness: bool = opt(True, "Also answer (greedily) the prompts with typing noise and report the change.")
    noise: str = opt("phone-typing", "tadka.augment noise preset for the robustness prompts (user turns only).")
    noise_rate: float = opt(0.1, "Rate of the noise preset.", gt=0, le=1)
    band: list[float] = opt([0.1, 0.9], "Quantiles of the training answers' CMI that bound the training band.")
    ppl: bool = opt(True, "Measure the perplexity of the reference answers (one forward pass per prompt).")
    threads: int = opt(2, "CPU threads each runtime uses.", ge=1)
    samples: int = opt(10, "Prompts shown side by side, every variant's answer, in samples.html.", ge=0)
    judge: bool = opt(
        False,
        "Pairwise preference (trained vs base, each variant vs merged fp32) by the generate: "
        "teacher with the judge rubric, both answer orders; needs a model teacher.",
    )
    judge_prompts: int = opt(20, "Prompts the judge compares per pair of variants.", ge=1)
    seed: int = opt(-1, "Seed for sampling and noise; -1 uses project.seed.")

    def rules(self) -> None:
        """Rules across keys, raised before any model is loaded."""
        cfg = self
        if not cfg.variants:
            raise ConfigError("name at least one variant", field="eval.variants", hint="e.g. base,merged,gguf:q4_k_m")
        if len(cfg.band) != 2 or not 0 <= cfg.band[0] < cfg.band[1] <= 1:
            raise ConfigError(f"two quantiles 0 <= lo < hi <= 1, got {cfg.band}", field="eval.band")
        if cfg.temperature != -1 and cfg.temperature <= 0:
            raise ConfigError("must be positive (or -1: the model's own)", field="eval.temperature")
        if cfg.top_p != -1 and not 0 < cfg.top_p <= 1:
            raise ConfigError("must be in (0, 1] (or -1: the model's own)", field="eval.top_p")

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def resolve(base: EvalConfig, flags: dict[str, Any]) -> EvalConfig:
    """``base`` with the flags that were given (None = not given), checked."""
    return merge(base, flags).check()


def check(cfg: EvalConfig) -> None:
    """:meth:`EvalConfig.check` (the name callers used before every section had one)."""
    cfg.check()
