"""A training run → one full-precision HF model folder that every format is built from.

The adapter is merged into its base in fp32 by :func:`tadka.train.merge.merge_adapter` (a QLoRA run's
4-bit base is reloaded in full precision there) and saved as safetensors in the run's ``merged/``, which
later compress calls reuse. Everything a user can get wrong — no such run, a run without an adapter, a
corrupt safetensors file — is found here, before any model is loaded, and raised as one line.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tadka.errors import InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunSource:
    """What compress starts from: a run folder and what its card says about it."""

    root: Path
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.root.name

    adapter = property(lambda self: self.root / "adapter")
    merged = property(lambda self: self.root / "merged")

    @property
    def data_hash(self) -> str | None:
        return (self.card.get("dataset") or {}).get("data_hash")

    @property
    def dataset(self) -> str | None:
        return (self.card.get("dataset") or {}).get("path")

    @property
    def base(self) -> str | None:
        return (self.card.get("base") or {}).get("spec")

    def is_full_model(self) -> bool:
        """A full fine-tune (peft: none) saves the whole model where an adapter would be."""
        return (self.adapter / "config.json").is_file() and not (self.adapter / "adapter_config.json").is_file()


def find_run(spec: str | Path, runs_dir: Path | None = None, root: Path | None = None) -> RunSource:
    """A run by path (``runs/x``, absolute, or relative to the workspace) or by name under ``runs_dir``."""
    spec = str(spec)
    candidates = [Path(spec).expanduser()]
    if root is not None:
        candidates.append(root / spec)
    if runs_dir is not None:
        candidates.append(runs_dir / spec)
    folder = next((c for c in candidates if c.is_dir()), None)
    if folder is None:
        raise InputError(
            "no such run folder", file=spec, field="--run", hint="a folder under runs/ made by `tadka train`"
        )
    folder = folder.resolve()
    card: dict[str, Any] = {}
    card_file = folder / "run_card.json"
    if card_file.is_file():
        try:
            card = json.loads(card_file.read_text(encoding="utf-8"))
        except ValueError as e:
            raise InputError(
                f"run card is not valid JSON ({e.msg})", file=card_file, line=e.lineno, field="run_card"
            ) from None
    source = RunSource(folder, card)
    adapter = source.adapter
    if not (adapter / "adapter_config.json").is_file() and not source.is_full_model():
        if (source.merged / "config.json").is_file():
            return source  # merged/ alone (the adapter was deleted after merging) is still a model
        raise InputError(
            "run has no adapter (no adapter/adapter_config.json)",
            file=folder,
            field="--run",
            hint=f"the run did not finish; resume it with `tadka train --name {folder.name}`, or pick a finished run",
        )
    return source


def check_safetensors(folder: Path) -> list[Path]:
    """Open every ``*.safetensors`` header and tensor index in ``folder``; a damaged file is one InputError."""
    from safetensors import safe_open

    files = sorted(folder.glob("*.safetensors"))
    for path in files:
        try:
            with safe_open(str(path), framework="numpy") as f:
                keys = list(f.keys())
                if keys:
                    # the header can be intact while the data is cut short: read the last tensor too
                    f.get_slice(keys[-1])[...]
        except Exception as e:  # noqa: BLE001 — safetensors raises several types (SafetensorError, OSError, ValueError)
            reason = " ".join(str(e).split())[:160] or type(e).__name__
            raise InputError(
                f"corrupt safetensors file ({reason})",
                file=path,
                field="--run",
                hint="re-run training or re-download the model",
            ) from None
    return files


def _model_folder_ok(folder: Path) -> bool:
    return (folder / "config.json").is_file() and any(folder.glob("*.safetensors"))


def merged_model(source: RunSource, *, base: str | None = None) -> Path:
    """The run's fp32 merged model folder, merging the adapter now if no valid ``merged/`` exists yet."""
    if source.is_full_model():
        check_safetensors(source.adapter)
        return source.adapter
    if _model_folder_ok(source.merged):
        stale = (source.adapter / "adapter_config.json").is_file() and any(
            p.stat().st_mtime > (source.merged / "config.json").stat().st_mtime for p in source.adapter.glob("*")
        )
        if not stale:
            check_safetensors(source.merged)
            return source.merged
        log.warning("adapter is newer than %s: merging again", source.merged)
    check_safetensors(source.adapter)
    from tadka.compress.deps import require

    require("torch", "transformers", "peft", "safetensors")
    from tadka.train.merge import merge_adapter

    log.info("merging %s into its base (fp32)", source.adapter)
    merge_adapter(source.adapter, source.merged, base=base)
    check_safetensors(source.merged)
    return source.merged
