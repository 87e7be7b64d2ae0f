"""The models `tadka eval` compares, by name, each opened with the runtime that ships it.

``base`` (the run's base model), ``adapter`` (base + the trained adapter, not merged), ``merged`` (the
fp32 merged model) and every compress format (``gguf:q4_k_m``, ``onnx:int8``, ``torch:int8`` …). The
runtimes are the bench's own: :class:`~tadka.compress.torch_runner.TorchBackend` for transformers
models, hil_bench's ``LlamaCppBackend`` (llama-cpp-python) and ``OnnxBackend`` (onnxruntime) for the
exported files — so an answer here is what the device's runtime would produce. Formats are built by
the compress :class:`~tadka.compress.formats.Builder` into the same cache `tadka compress` uses, so a
model compress already built is reused, and one built here is reused by compress.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tadka.compress import hil_bench
from tadka.compress.formats import formats, model_files
from tadka.compress.torch_runner import TorchBackend  # torch itself is imported when a model is loaded
from tadka.errors import ConfigError
from tadka.train.evaluate.config import RUN_VARIANTS


@dataclass(frozen=True)
class EvalModel:
    """One model to answer with: ``kind`` is hf (a transformers folder), adapter, gguf or onnx."""

    name: str
    kind: str
    path: Path
    base: Path | None = None  # the base an adapter applies to
    error: str | None = None  # why it could not be made (built, found); it is reported, the others still run

    def fingerprint(self) -> str:
        """A content key: the runtime kind and every file's name, size and mtime (the base's too for an adapter).

        Not the variant's name: ``torch:fp32`` is the merged model's files linked into the compress cache, so
        `tadka compress` finds the answers `tadka eval` gave as ``merged``, and a rebuilt file is a new key."""
        h = hashlib.sha256(self.kind.encode())
        for root in [p for p in (self.path, self.base) if p is not None]:
            files = model_files(root) if root.exists() else []
            for f in files:
                if f.name != "built.json":
                    st = f.stat()
                    h.update(f"{f.name}:{st.st_size}:{int(st.st_mtime)}".encode())
        return h.hexdigest()[:16]

    def open(self, threads: int, n_ctx: int):
        """The runtime with the model loaded: ``prefill``, ``step``, ``logits_all``, ``close``."""
        if self.kind == "gguf":
            return hil_bench.LlamaCppBackend(str(self.path), threads, n_ctx)
        if self.kind == "onnx":
            return hil_bench.OnnxBackend(str(self.path), threads, n_ctx)
        if self.kind == "adapter":
            return AdapterBackend(self.base, self.path, threads)
        return TorchBackend(str(self.path), threads, n_ctx)


class AdapterBackend(TorchBackend):
    """TorchBackend over the base model with the PEFT adapter applied at run time (not merged)."""

    def __init__(self, base: Path, adapter: Path, threads: int) -> None:  # noqa: D107 — TorchBackend's protocol
        from tadka.compress.deps import require

        torch, _, peft = require("torch", "transformers", "peft")
        from transformers import AutoModelForCausalLM

        self.torch = torch
        torch.set_num_threads(threads)
        model = AutoModelForCausalLM.from_pretrained(str(base), dtype=torch.float32)
        self.model = peft.PeftModel.from_pretrained(model, str(adapter)).eval()
        self.cache = None
        self.runtime = f"torch {torch.__version__} + peft {peft.__version__}"


def check_names(names: list[str]) -> list[str]:
    """Variant names checked against the run variants and the format registry (before any model loads)."""
    out = []
    for name in names:
        name = name.strip().lower()
        if not name:
            continue
        if name not in RUN_VARIANTS:
            try:
                formats.get(name)
            except ConfigError as e:
                raise ConfigError(
                    f"unknown variant {name!r} (run variants: {', '.join(RUN_VARIANTS)}; formats: "
                    f"{', '.join(formats.names())})",
                    field="--variants",
                ) from e
        out.append(name)
    if not out:
        raise ConfigError("name at least one variant", field="--variants", hint="e.g. base,merged,gguf:q4_k_m")
    return list(dict.fromkeys(out))


def _one_line(e: BaseException) -> str:
    text = str(e) if getattr(e, "exit_code", None) is not None else f"{type(e).__name__}: {e}"
    return " ".join(text.split())[:300]


def resolve_models(ws, source, names: list[str], echo: Callable[[str], None]) -> list[EvalModel]:
    """An EvalModel per name; a run variant that is missing or a format whose build fails carries ``error``."""
    from tadka.compress.formats import Builder, model_key
    from tadka.compress.merge import merged_model
    from tadka.train.merge import adapter_base

    models: list[EvalModel] = []
    merged: Path | None = None
    merge_error: str | None = None
    if any(n != "base" and n != "adapter" for n in names):
        try:
            merged = merged_model(source)
        except Exception as e:  # noqa: BLE001 — reported as that variant's one line; base and adapter still run
            merge_error = f"no merged model: {_one_line(e)}"
    base: Path | None = None
    try:
        base = Path(adapter_base(source.adapter)) if (source.adapter / "adapter_config.json").is_file() else None
    except Exception as e:  # noqa: BLE001
        echo(f"base model not found: {_one_line(e)}")
    builder = None
    for name in names:
        if name == "base":
            models.append(
                EvalModel(name, "hf", base)
                if base
                else EvalModel(name, "hf", source.root, error="the run names no base model it adapted")
            )
        elif name == "adapter":
            ok = base is not None and (source.adapter / "adapter_config.json").is_file()
            models.append(
                EvalModel(name, "adapter", source.adapter, base)
                if ok
                else EvalModel(name, "adapter", source.adapter, error="the run has no PEFT adapter")
            )
        elif merged is None:
            models.append(EvalModel(name, "hf", source.merged, error=merge_error))
        elif name == "merged":
            models.append(EvalModel(name, "hf", merged))
        else:
            if builder is None:
                root = ws.root / "cache" / "compress" / f"{source.name}-{model_key(merged)}"
                builder = Builder(merged, root / "merged", threads=2)
            fmt = formats.get(name)
            try:
                if builder.cached(name) is None:
                    from tadka.compress.deps import require

                    require(*fmt.needs)
                    echo(f"build {name}")
                path = builder.build(name)
            except Exception as e:  # noqa: BLE001 — one format failing to build must not stop the others
                models.append(EvalModel(name, fmt.family, builder.folder(name), error=f"build failed: {_one_line(e)}"))
                continue
            kind = {"gguf": "gguf", "onnx": "onnx"}.get(fmt.family, "hf")
            models.append(EvalModel(name, kind, path))
    return models
