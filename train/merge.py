"""Merge a run's adapter into its base, always in full precision.

A QLoRA run trains against a 4-bit base, but merging into 4-bit weights would round the update away
(and bake the quantisation error into every later export), so the base is reloaded in fp32 first.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from tadka.atomic import atomic_dir
from tadka.errors import ConfigError, InputError

log = logging.getLogger(__name__)


def adapter_base(adapter_dir: Path) -> str:
    """The base the adapter was trained on: the run card's resolved base, else adapter_config.json's."""
    card = adapter_dir.parent / "run_card.json"
    if card.is_file():
        from tadka.train.models import local_path, resolve_base

        spec = json.loads(card.read_text(encoding="utf-8"))["base"]["spec"]
        return local_path(resolve_base(spec))
    config = adapter_dir / "adapter_config.json"
    if not config.is_file():
        raise InputError("no adapter_config.json: not a PEFT adapter folder", file=adapter_dir, field="adapter")
    return json.loads(config.read_text(encoding="utf-8"))["base_model_name_or_path"]


def merge_adapter(adapter_dir: str | Path, out_dir: str | Path, base: str | None = None) -> Path:
    """Load the base in fp32, apply the adapter, merge it into the weights and save model + tokenizer."""
    from tadka.train.deps import require_merge

    require_merge()
    import torch
    from peft import PeftConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter_dir, out_dir = Path(adapter_dir), Path(out_dir)
    peft_type = str(PeftConfig.from_pretrained(str(adapter_dir)).peft_type)
    if "PREFIX" in peft_type.upper():
        raise ConfigError(
            "a prefix-tuning adapter cannot be merged into the weights",
            file=adapter_dir,
            field="merge",
            hint="load it with peft.PeftModel.from_pretrained instead",
        )
    base = base or adapter_base(adapter_dir)
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32)  # never a quantized base
    merged = PeftModel.from_pretrained(model, str(adapter_dir)).merge_and_unload()
    tokenizer = AutoTokenizer.from_pretrained(str(adapter_dir))
    with atomic_dir(out_dir) as tmp:
        merged.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    log.info("merged %s into %s -> %s", adapter_dir, base, out_dir)
    return out_dir
