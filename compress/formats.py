"""Export formats by name (``gguf:q4_k_m``, ``onnx:int8``, ``torch:int8`` …) and the builder that makes them.

Each format module registers its formats in :data:`formats`; a format's ``build(builder, folder)`` writes
its model into ``folder`` and returns the path a runtime loads. The :class:`Builder` keeps one folder
per format under a cache keyed by the source model's content, so a second `tadka compress` over the same
run rebuilds nothing, and a format may ask for another as its input (``gguf:q4_k_m`` quantizes the
``gguf:f16`` file; ``onnx:int8`` quantizes the ``onnx:fp32`` graph) without building it twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tadka.atomic import atomic_dir
from tadka.errors import ConfigError
from tadka.registry import Registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Format:
    """One way to ship the model: how to build it, and which runtime benches it."""

    name: str
    family: str  # gguf | onnx | torch
    build: Callable[["Builder", Path], Path]
    help: str
    needs: tuple[str, ...] = ()  # importable packages the build and the runtime need
    version: int = 1  # bump when the build changes, so cached builds of the old kind are rebuilt

    @property
    def runtime(self) -> str:
        return {"gguf": "llama.cpp", "onnx": "onnxruntime", "torch": "torch"}[self.family]


formats: Registry[Format] = Registry("format")


def register(fmt: Format) -> Format:
    return formats.register(fmt.name)(fmt)


def slug(name: str) -> str:
    """A folder name for a variant: ``gguf:q4_k_m+pruned30`` → ``gguf-q4_k_m+pruned30``."""
    return re.sub(r"[^A-Za-z0-9_.+-]", "-", name)


def parse_formats(spec: str | list[str]) -> list[str]:
    """A comma-separated list (or a list) of format names, each checked against the registry."""
    names = [s.strip().lower() for s in (spec.split(",") if isinstance(spec, str) else spec) if s.strip()]
    if not names:
        raise ConfigError("name at least one format", field="--formats", hint=", ".join(formats.names()))
    for name in names:
        try:
            formats.get(name)
        except ConfigError as e:
            raise e.located(field="--formats") from None
    return list(dict.fromkeys(names))


def model_key(folder: Path) -> str:
    """A short content key of an HF model folder: config plus the size and mtime of every weight file."""
    h = hashlib.sha256((folder / "config.json").read_bytes())
    for path in sorted(folder.glob("*.safetensors")):
        st = path.stat()
        h.update(f"{path.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:12]


def sha256_file(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def model_files(path: Path) -> list[Path]:
    """The files that make up a built model: the file itself, its ONNX external data, or an HF folder's files."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file())
    return sorted(p for p in path.parent.iterdir() if p.is_file() and (p == path or p.name.startswith(path.name + ".")))


def size_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in model_files(path))


class Builder:
    """Builds variants of one HF model folder into ``root/<slug>/``, each at most once."""

    MARK = "built.json"

    def __init__(self, source: Path, root: Path, *, threads: int = 2, tag: str = "") -> None:
        self.source = Path(source)
        self.root = Path(root)
        self.threads = threads
        self.tag = tag  # appended to variant names (``+pruned30``)
        self._done: dict[str, Path] = {}

    def folder(self, name: str) -> Path:
        return self.root / slug(name)

    def cached(self, name: str) -> Path | None:
        mark = self.folder(name) / self.MARK
        if not mark.is_file():
            return None
        try:
            info = json.loads(mark.read_text(encoding="utf-8"))
        except ValueError:
            return None
        path = self.folder(name) / info.get("path", "")
        current = info.get("format") == name and info.get("version", 1) == formats.get(name).version
        return path if current and path.exists() else None

    def build(self, name: str) -> Path:
        """The model file (or folder) of format ``name``, built now unless it already is."""
        if name in self._done:
            return self._done[name]
        fmt = formats.get(name)
        found = self.cached(name)
        if found is None:
            started = time.monotonic()
            target = self.folder(name)
            with atomic_dir(target) as tmp:
                built = fmt.build(self, tmp)
                rel = built.relative_to(tmp)
                (tmp / self.MARK).write_text(
                    json.dumps(
                        {
                            "format": name,
                            "version": fmt.version,
                            "path": str(rel),
                            "seconds": round(time.monotonic() - started, 1),
                        }
                    )
                )
            found = target / rel
            log.debug("built %s in %.0f s: %s", name, time.monotonic() - started, found)
        self._done[name] = found
        return found

    def build_seconds(self, name: str) -> float | None:
        mark = self.folder(name) / self.MARK
        try:
            return json.loads(mark.read_text(encoding="utf-8")).get("seconds")
        except (OSError, ValueError):
            return None

    def clean(self, keep: set[str]) -> None:
        """Remove built variants not in ``keep`` (and their intermediates)."""
        for folder in self.root.iterdir() if self.root.is_dir() else []:
            if folder.is_dir() and folder.name not in {slug(k) for k in keep}:
                shutil.rmtree(folder, ignore_errors=True)
