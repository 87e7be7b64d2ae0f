"""The `compress` extra is optional: every heavy package is imported here, inside a function, and a
missing one becomes a one-line MissingExtra naming the extra that installs it (never an ImportError)."""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType

from tadka.errors import MissingExtra

# package → (extra, what needs it). llama-cpp-python is source-only on PyPI: it has its own extra so
# that `tadka[compress]` installs without a C++ toolchain.
NEEDS = {
    "torch": ("compress", "merging, pruning and torch quantization"),
    "transformers": ("compress", "loading the merged model"),
    "peft": ("compress", "merging a LoRA adapter"),
    "safetensors": ("compress", "reading the merged weights"),
    "onnx": ("compress", "ONNX export"),
    "onnxruntime": ("compress", "running ONNX models"),
    "onnx_ir": ("compress", "8-bit block quantization of ONNX models (onnxruntime's MatMulNBitsQuantizer)"),
    "gguf": ("compress", "GGUF export"),
    "sentencepiece": ("compress", "GGUF conversion"),
    "llama_cpp": ("llama", "GGUF quantization and inference (llama-cpp-python)"),
}


def require(*names: str) -> list[ModuleType]:
    """Import each named package or raise MissingExtra for the first that is missing."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            extra, purpose = NEEDS.get(name, ("compress", "compression"))
            package = {"llama_cpp": "llama-cpp-python", "onnx_ir": "onnx-ir"}.get(name, name)
            raise MissingExtra(package, extra, purpose) from None
    return modules


def require_torch_stack() -> None:
    require("torch", "transformers", "safetensors")
