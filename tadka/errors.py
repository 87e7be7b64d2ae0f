"""The TadkaError family: user mistakes reported as one line that says where and what.

A user error is raised before any work starts and is printed by the CLI as
``error: FILE:LINE: FIELD: what is wrong (hint)`` with exit status 2. Per-record failures inside a
running stage never raise: the record goes to rejects with a reason instead.
"""

from __future__ import annotations

import os
from typing import Any


class TadkaError(Exception):
    """A mistake the user can fix: bad input, bad config, a busy workspace, a missing extra."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        file: str | os.PathLike | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = os.fspath(file) if file is not None else None
        self.line = line
        self.field = field
        self.hint = hint

    def located(self, *, file=None, line=None, field=None) -> "TadkaError":
        """Fill in the location where the raiser did not know it (returns self for `raise … from`)."""
        if self.file is None and file is not None:
            self.file = os.fspath(file)
        if self.line is None and line is not None:
            self.line = line
        if self.field is None and field is not None:
            self.field = field
        return self

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        if self.field:
            where += f"{self.field}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        # One line, always: a message with a newline would break log parsers and the CLI contract.
        return " ".join(text.split("\n"))


class InputError(TadkaError):
    """A file or record the user gave us is malformed."""


class ConfigError(TadkaError):
    """tadka.yaml or a CLI flag names an unknown key or an invalid value."""


class WorkspaceError(TadkaError):
    """The workspace is missing, or a stage does not exist."""


class WorkspaceBusy(WorkspaceError):
    """Another process holds the write lock on a stage."""


class MissingExtra(TadkaError):
    """An optional dependency is needed; the message names the extra that installs it."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{package}' package, which is not installed", hint=f"pip install 'tadka[{extra}]'"
        )
        self.package = package
        self.extra = extra


class ConflictError(TadkaError):
    """A write was based on a stale version of a record (optimistic concurrency)."""

    merge: Any = None  # the three-way merge of an edit, when one was tried (tadka.review.merge.Merge)
    changed_by: str | None = None  # who wrote the version that won
    current: Any = None  # that version (tadka.review.store's item row)
