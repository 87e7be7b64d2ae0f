"""Compression and edge export: merge, quantize/export (GGUF, ONNX, torch), prune, bench, choose, bundle.

The format modules are imported here so that every name (``gguf:q4_k_m``, ``onnx:int8`` …) is known
once the package is (docs/architecture.md: registries). Nothing here imports torch, onnxruntime or llama.cpp: they
are imported inside the functions that need them (:mod:`tadka.compress.deps`).
"""

from tadka.compress import config, gguf_export, onnx_export, torch_quant  # noqa: F401
from tadka.compress.formats import Builder, Format, formats, parse_formats

__all__ = ["Builder", "Format", "formats", "parse_formats"]
