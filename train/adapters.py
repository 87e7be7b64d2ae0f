"""PEFT configs from train.* keys: LoRA, DoRA, QLoRA (LoRA on a 4-bit NF4 base), prefix tuning, IA3.

Target layers are found by looking at the loaded model (every ``nn.Linear`` inside the blocks, by leaf
name), so a new architecture needs no table here. IA3 also needs to know which of them are feed-forward
layers (it scales their input rather than their output): PEFT's own per-architecture table is used
where it knows the model type, else the MLP's output projection found by name.
"""

from __future__ import annotations

import re
from typing import Any

from tadka.errors import ConfigError

_FF_PARENT = re.compile(r"(^|\.)(mlp|ffn|feed_forward|block_sparse_moe)(\.|$)")
_FF_OUT = ("down_proj", "fc2", "c_proj", "w2", "dense_4h_to_h", "fc_out", "out_proj")


def linear_layers(model) -> dict[str, list[str]]:
    """Leaf name → full module paths of every Linear layer except the output head."""
    import torch

    head = model.get_output_embeddings()
    found: dict[str, list[str]] = {}
    for path, module in model.named_modules():
        if module is head or not isinstance(module, torch.nn.Linear):
            continue
        found.setdefault(path.rsplit(".", 1)[-1], []).append(path)
    return found


def find_targets(model, wanted: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The layers to adapt: ``wanted`` (checked against the model), or every linear layer of the blocks."""
    layers = linear_layers(model)
    if not wanted:
        if not layers:
            raise ConfigError("found no linear layers to adapt in this model", field="train.target_modules")
        return sorted(layers)
    missing = [name for name in wanted if name not in layers]
    if missing:
        raise ConfigError(
            f"no layer named {', '.join(missing)} in this model (it has: {', '.join(sorted(layers))})",
            field="train.target_modules",
        )
    return list(wanted)


def ia3_layers(model, wanted: list[str] | tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """IA3's (target, feed-forward) layer names for this model."""
    from peft.utils.constants import (
        TRANSFORMERS_MODELS_TO_IA3_FEEDFORWARD_MODULES_MAPPING as FEEDFORWARD,
        TRANSFORMERS_MODELS_TO_IA3_TARGET_MODULES_MAPPING as TARGETS,
    )

    model_type = getattr(model.config, "model_type", "")
    layers = linear_layers(model)
    if not wanted and model_type in TARGETS and model_type in FEEDFORWARD:
        return list(TARGETS[model_type]), list(FEEDFORWARD[model_type])
    targets = find_targets(model, wanted)
    feedforward = [name for name in targets if name in _FF_OUT and any(_FF_PARENT.search(p) for p in layers[name])]
    if not feedforward:
        raise ConfigError(
            f"cannot tell which layers of this {model_type or 'model'} are feed-forward, which IA3 needs",
            field="train.target_modules",
            hint="name them, with the MLP output layer among them",
        )
    return targets, feedforward


def peft_config(cfg, targets: list[str] | None = None, feedforward: list[str] | None = None) -> Any:
    """The PeftConfig for ``cfg.peft`` (None for a full fine-tune)."""
    from peft import IA3Config, LoraConfig, PrefixTuningConfig

    method = cfg.peft
    if method in ("lora", "dora", "qlora"):
        return LoraConfig(
            task_type="CAUSAL_LM",
            r=cfg.lora_r,
            lora_alpha=cfg.lora_alpha,
            lora_dropout=cfg.lora_dropout,
            target_modules=targets or "all-linear",
            bias="none",
            use_dora=method == "dora",
        )
    if method == "prefix":
        return PrefixTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=cfg.prefix_tokens)
    if method == "ia3":
        if not targets or not feedforward:
            raise ConfigError("IA3 needs target and feed-forward layers", field="train.target_modules")
        return IA3Config(task_type="CAUSAL_LM", target_modules=targets, feedforward_modules=feedforward)
    if method == "none":
        return None
    raise ConfigError(
        f"unknown PEFT method {method!r}",
        field="train.peft",
        hint=", ".join(("lora", "dora", "qlora", "prefix", "ia3", "none")),
    )


def for_model(cfg, model) -> Any:
    """peft_config with the layers looked up on ``model``."""
    if cfg.peft in ("lora", "dora", "qlora"):
        return peft_config(cfg, find_targets(model, cfg.target_modules))
    if cfg.peft == "ia3":
        return peft_config(cfg, *ia3_layers(model, cfg.target_modules))
    return peft_config(cfg)
