"""What the audio and image noise share: bad-media errors, where inputs are and outputs go.

A Record's media paths are relative to a root (the workspace, or the folder of an input file).
Noised media are new files under an output folder, named after the parent record, the copy and a
hash of the ops, written atomically; an output path that is an input's path is refused, so no
input is ever overwritten.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

#: Why a Record's media could not be noised (the reject reason is ``media:<reason>:<kind>``).
REASONS = ("missing", "corrupt", "empty", "too_large", "too_long", "unsupported", "overwrite")


class MediaError(Exception):
    """A media file that cannot be read or noised; the stage rejects the copy and goes on."""

    def __init__(self, reason: str, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind} {reason}: {detail}" if detail else f"{kind} {reason}")
        self.reason = reason
        self.kind = kind
        self.detail = detail

    @property
    def flag(self) -> str:
        return f"media:{self.reason}:{self.kind}"


def resolve(root: str | os.PathLike | None, path: str, kind: str) -> Path:
    """The file a media path names; MediaError("missing") when there is none."""
    full = Path(path) if root is None or os.path.isabs(path) else Path(root, path)
    if not full.is_file():
        raise MediaError("missing", kind, str(full))
    return full


def output_path(out_dir: str | os.PathLike, parent_id: str, copy: int, ops: list[str], ext: str) -> Path:
    """``<out_dir>/<parent id>-<copy>-<hash of ops>.<ext>``: stable for the same parent, copy and ops."""
    digest = hashlib.sha1("\n".join(ops).encode()).hexdigest()[:10]
    return Path(out_dir) / f"{parent_id}-{copy}-{digest}.{ext}"


def check_not_input(out: Path, inputs: list[Path], kind: str) -> None:
    """Refuse to write over an input file."""
    target = out.resolve()
    for src in inputs:
        if src.resolve() == target:
            raise MediaError("overwrite", kind, f"output {out} is an input")


def stored_path(root: str | os.PathLike | None, path: Path) -> str:
    """How a Record names a new media file: relative to the root when inside it."""
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return str(path)
