"""The `train` extra is optional: torch and friends are imported here, inside functions, and a missing
one becomes a one-line MissingExtra that says which extra installs it (never an ImportError trace)."""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType

from tadka.errors import MissingExtra

TRAIN_PACKAGES = ("torch", "transformers", "trl", "peft", "accelerate")


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


def require_bitsandbytes() -> ModuleType:
    """QLoRA's 4-bit base needs bitsandbytes (0.50 runs NF4 on CPU too)."""
    try:
        return importlib.import_module("bitsandbytes")
    except ImportError:
        raise MissingExtra("bitsandbytes", "qlora", "QLoRA (a 4-bit NF4 base)") from None
