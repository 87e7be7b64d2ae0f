"""The Record: the one thing that flows from seed to training row.

A Record never mutates in place — an edit or an augmentation makes a new Record whose
``source.parent_id`` points back — so every Record can say how it was made. Validation reports the
first problem as a TadkaError naming the field (``messages[2].role``); the reader adds file and line.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tadka.errors import InputError

ROLES = ("system", "user", "assistant")
STATUSES = ("pending", "accepted", "rejected", "edited")
SOURCE_KINDS = ("seed", "teacher", "mixer", "import", "augment", "edit")
MEDIA_KINDS = ("image", "audio")
SOURCE_KEYS = ("kind", "teacher", "recipe", "parent_id", "seed_id")
FIELDS = ("id", "messages", "lang", "media", "source", "ops", "scores", "flags", "status")
DEFAULT_LANG = "hi-Latn+en"

# BCP-47-style tag of the intended mix: language[-Script] joined by "+", e.g. hi-Latn+en, hi-Deva, ta-Latn+en.
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(\+[a-z]{2,3}(-[A-Z][a-z]{3})?)*$")


@dataclass(slots=True)
class Record:
    """One chat sample with its provenance, scores and review status."""

    messages: list[dict[str, str]]
    lang: str = DEFAULT_LANG
    media: dict[str, str] = field(default_factory=dict)
    source: dict[str, str | None] = field(default_factory=lambda: {"kind": "import"})
    ops: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    status: str = "pending"
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = record_id(self.messages, self.media)

    # -- conversions -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict, fields in schema order (the JSONL and Arrow row shape)."""
        return {
            "id": self.id,
            "messages": [{"role": m["role"], "content": m["content"]} for m in self.messages],
            "lang": self.lang,
            "media": {k: self.media.get(k) for k in MEDIA_KINDS},
            "source": {k: self.source.get(k) for k in SOURCE_KEYS},
            "ops": list(self.ops),
            "scores": dict(self.scores),
            "flags": list(self.flags),
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, row: dict[str, Any], *, validate: bool = True) -> "Record":
        """Build a Record from a dict in the tadka shape (unknown keys are errors when validating)."""
        if validate:
            return validate_record(row)
        media = {k: v for k, v in (row.get("media") or {}).items() if v}
        source = {k: v for k, v in (row.get("source") or {}).items() if v is not None}
        scores = row.get("scores") or {}
        if isinstance(scores, str):
            scores = json.loads(scores)
        return cls(
            messages=list(row["messages"]),
            lang=row.get("lang") or DEFAULT_LANG,
            media=media,
            source=source or {"kind": "import"},
            ops=list(row.get("ops") or []),
            scores=dict(scores),
            flags=list(row.get("flags") or []),
            status=row.get("status") or "pending",
            id=row.get("id") or "",
        )

    def derive(self, **changes: Any) -> "Record":
        """A new Record made from this one (edit, augmentation): fresh id, ``source.parent_id`` → self."""
        data: dict[str, Any] = {
            "messages": [dict(m) for m in self.messages],
            "lang": self.lang,
            "media": dict(self.media),
            "source": {**self.source, "parent_id": self.id},
            "ops": list(self.ops),
            "scores": {},
            "flags": [],
            "status": "pending",
        }
        source = changes.pop("source", None)
        data.update(changes)
        if source:
            data["source"] = {**self.source, **source, "parent_id": self.id}
        return Record(**data)

    def text(self, roles: tuple[str, ...] = ("user", "assistant")) -> str:
        """The turns' contents joined by newlines — what length, LID and dedup look at."""
        return "\n".join(m["content"] for m in self.messages if m["role"] in roles)


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()


def record_id(messages: list[dict[str, str]], media: dict[str, str] | None = None) -> str:
    """Stable content hash: sha1 over normalised (role, content) pairs and media digests.

    ``media`` values are content digests when the caller has them (readers hash the files), else
    paths; either way the same content gives the same id on every machine and in every run.
    """
    h = hashlib.sha1()
    for m in messages:
        h.update(m["role"].encode())
        h.update(b"\x1f")
        h.update(_normalise(m["content"]).encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    for kind in MEDIA_KINDS:
        if media and media.get(kind):
            h.update(f"{kind}\x1f{media[kind]}\x1e".encode())
    return h.hexdigest()[:16]


# -- validation ------------------------------------------------------------------------------
def validate_messages(messages: Any, where: str = "messages") -> list[dict[str, str]]:
    """Check roles and turn order: optional system first, then user/assistant alternating."""
    if not isinstance(messages, list):
        raise InputError(f"expected a list of turns, got {type(messages).__name__}", field=where)
    if not messages:
        raise InputError("no turns", field=where, hint="a record needs at least one user turn")
    out: list[dict[str, str]] = []
    previous = None
    for i, turn in enumerate(messages):
        f = f"{where}[{i}]"
        if not isinstance(turn, dict):
            raise InputError(f"expected an object with role and content, got {type(turn).__name__}", field=f)
        role, content = turn.get("role"), turn.get("content")
        if not isinstance(role, str):
            raise InputError("missing or non-string role", field=f"{f}.role")
        if role not in ROLES:
            close = difflib.get_close_matches(role, ROLES, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"roles are {', '.join(ROLES)}"
            raise InputError(f"unknown role {role!r}", field=f"{f}.role", hint=hint)
        if not isinstance(content, str):
            got = "missing" if content is None else type(content).__name__
            raise InputError(f"content must be a string, got {got}", field=f"{f}.content")
        if not content.strip():
            raise InputError(f"empty {role} message", field=f"{f}.content")
        if role == "system":
            if i != 0:
                raise InputError("a system turn may only come first", field=f"{f}.role")
        elif role == previous:
            raise InputError(f"two {role!r} turns in a row", field=f"{f}.role", hint="turns alternate user/assistant")
        elif role == "assistant" and previous in (None, "system"):
            raise InputError("the first turn after system must be 'user'", field=f"{f}.role")
        previous = role
        extra = set(turn) - {"role", "content"}
        if extra and not extra <= {"name", "weight"}:
            raise InputError(f"unknown key(s) {sorted(extra)}", field=f, hint="a turn has role and content")
        out.append({"role": role, "content": content})
    if previous == "system":
        raise InputError("only a system turn", field=where, hint="add a user turn")
    return out


def _check_str_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError("expected a list of strings", field=name)
    return list(value)


def validate_record(row: dict[str, Any], media_root: str | os.PathLike | None = None) -> Record:
    """A Record from a tadka-shaped dict, or an InputError naming the first bad field.

    The id is always recomputed from content: a stale or foreign ``id`` in the input is not trusted.
    """
    unknown = set(row) - set(FIELDS)
    if unknown:
        raise InputError(
            f"unknown field(s) {sorted(unknown)}", field=sorted(unknown)[0], hint=f"a record has {', '.join(FIELDS)}"
        )
    messages = validate_messages(row.get("messages"))
    lang = row.get("lang") or DEFAULT_LANG
    if not isinstance(lang, str) or not _LANG_RE.match(lang):
        raise InputError(f"invalid language tag {lang!r}", field="lang", hint="e.g. hi-Latn+en, hi-Deva, ta-Latn+en")
    media = row.get("media") or {}
    if not isinstance(media, dict):
        raise InputError("expected an object {image?, audio?}", field="media")
    for k, v in media.items():
        if k not in MEDIA_KINDS:
            raise InputError(f"unknown media kind {k!r}", field=f"media.{k}", hint="image or audio")
        if v is not None and not isinstance(v, str):
            raise InputError("expected a path string", field=f"media.{k}")
    media = {k: v for k, v in media.items() if v}
    source = row.get("source") or {"kind": "import"}
    if not isinstance(source, dict):
        raise InputError("expected an object", field="source")
    for k, v in source.items():
        if k not in SOURCE_KEYS:
            raise InputError(f"unknown key {k!r}", field=f"source.{k}", hint=f"source has {', '.join(SOURCE_KEYS)}")
        if v is not None and not isinstance(v, str):
            raise InputError("expected a string", field=f"source.{k}")
    kind = source.get("kind") or "import"
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r}", field="source.kind", hint=", ".join(SOURCE_KINDS))
    source = {k: v for k, v in source.items() if v is not None}
    source["kind"] = kind
    scores = row.get("scores") or {}
    if isinstance(scores, str):
        try:
            scores = json.loads(scores)
        except json.JSONDecodeError:
            raise InputError("not a JSON object", field="scores") from None
    if not isinstance(scores, dict):
        raise InputError("expected an object name → number", field="scores")
    for k, v in scores.items():
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise InputError(f"score must be a number, got {type(v).__name__}", field=f"scores.{k}")
    status = row.get("status") or "pending"
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r}", field="status", hint=", ".join(STATUSES))
    record = Record(
        messages=messages,
        lang=lang,
        media=media,
        source=source,
        ops=_check_str_list(row.get("ops"), "ops"),
        scores={k: float(v) for k, v in scores.items()},
        flags=_check_str_list(row.get("flags"), "flags"),
        status=status,
        id=record_id(messages, media_digests(media, media_root) if media else None),
    )
    return record


def media_digests(media: dict[str, str], root: str | os.PathLike | None) -> dict[str, str]:
    """sha1 of each media file's bytes (paths are relative to ``root``, the workspace or input folder).

    Hashing content, not paths, keeps an id stable when a workspace moves. Without a root the path
    itself stands in (records built in memory before their files exist).
    """
    if root is None:
        return dict(media)
    out = {}
    for kind, rel in media.items():
        path = Path(root, rel)
        try:
            digest = hashlib.sha1()
            with open(path, "rb") as f:  # a chunk at a time (hashlib.file_digest is Python 3.11+)
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    digest.update(chunk)
            out[kind] = digest.hexdigest()
        except FileNotFoundError:
            raise InputError(f"file not found: {path}", field=f"media.{kind}") from None
        except IsADirectoryError:
            raise InputError(f"is a directory: {path}", field=f"media.{kind}") from None
    return out
