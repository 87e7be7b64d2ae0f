"""Chats to train on: an export folder's train/eval splits (or one file), as TRL conversational rows.

Per-record problems never raise (a chat with no assistant turn, or whose prompt alone fills max_length,
is skipped and counted); a dataset left with nothing to learn from raises one InputError before any
model is loaded. Rows are ``{"messages": [...]}`` ending with an assistant turn, which is what TRL's
assistant-only masking and GKD's prompt/completion collator both expect.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from tadka.errors import ConfigError, InputError
from tadka.records import read_records

log = logging.getLogger(__name__)

SPLIT_NAMES = ("train", "eval")
SUFFIXES = (".jsonl", ".parquet", "")  # the export formats: jsonl, parquet, hf folder


@dataclass
class Splits:
    """What a run trains and evaluates on. ``eval`` maps a set's name to its rows ("split" is the export's)."""

    source: Path
    train: list[dict]
    eval: dict[str, list[dict]] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def data_hash(self) -> str:
        """sha256 of every row used, in order: the same data gives the same hash whatever its file format."""
        h = hashlib.sha256()
        for name, rows in [("train", self.train), *sorted(self.eval.items())]:
            h.update(name.encode())
            for row in rows:
                h.update(json.dumps(row["messages"], ensure_ascii=False, sort_keys=True).encode())
        return h.hexdigest()


def newest_export(exports_dir: Path) -> Path:
    found = [p for p in exports_dir.glob("*/manifest.json")] if exports_dir.is_dir() else []
    if not found:
        raise InputError(
            "no export to train on",
            file=exports_dir,
            field="train.dataset",
            hint="run `tadka export --name v1` first, or pass --dataset FILE",
        )
    return max(found, key=lambda p: p.stat().st_mtime).parent


def locate(spec: str, root: Path, exports_dir: Path) -> Path:
    """The dataset path: as given, else relative to the workspace, else exports/NAME; empty → newest export."""
    if not spec:
        return newest_export(exports_dir)
    for candidate in (Path(spec).expanduser(), root / spec, exports_dir / spec):
        if candidate.exists():
            return candidate.resolve()
    raise InputError("no such dataset (file, export folder or export name)", file=spec, field="train.dataset")


def _split_path(folder: Path, split: str) -> Path | None:
    for suffix in SUFFIXES:
        path = folder / f"{split}{suffix}"
        if path.exists():
            return path
    return None


def _empty_split(folder: Path, split: Path) -> bool:
    """An export with eval_fraction 0 writes an empty eval split, which the readers refuse to read."""
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))[split.name.split(".")[0]] == 0
    except (OSError, ValueError, KeyError, TypeError):
        return split.is_file() and split.stat().st_size == 0


def to_row(messages: list[dict]) -> dict | None:
    """A chat cut after its last assistant turn, or None when it has no assistant turn at all."""
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=None)
    if last is None:
        return None
    return {"messages": [{"role": m["role"], "content": m["content"]} for m in messages[: last + 1]]}


def _media_root(path: Path) -> Path | None:
    """Media paths in an export are relative to its workspace (exports/NAME/train.jsonl → the workspace)."""
    folder = path.parent
    if (folder / "manifest.json").is_file() and folder.parent.name == "exports":
        return folder.parent.parent
    return None


def read_chats(path: Path, skipped: dict[str, int]) -> list[dict]:
    rows = []
    for record in read_records(path, media_root=_media_root(path)):
        if any(record.media.values()):
            skipped["has_media"] = skipped.get("has_media", 0) + 1
            continue
        row = to_row(record.messages)
        if row is None:
            skipped["no_assistant_turn"] = skipped.get("no_assistant_turn", 0) + 1
            continue
        rows.append(row)
    return rows


def load_splits(path: Path, eval_files: list[str] | tuple[str, ...] = (), root: Path | None = None) -> Splits:
    """Read an export folder (train + eval splits) or a single file (all train), plus extra eval files."""
    skipped: dict[str, int] = {}
    if path.is_dir() and _split_path(path, "train") is not None:
        train = read_chats(_split_path(path, "train"), skipped)
        held = _split_path(path, "eval")
        evals = {} if held is None or _empty_split(path, held) else {"split": read_chats(held, skipped)}
    elif path.is_dir():
        raise InputError(
            "folder has no train split (train.jsonl, train.parquet or train/)",
            file=path,
            field="train.dataset",
            hint="point at an export folder made by `tadka export`",
        )
    else:
        train, evals = read_chats(path, skipped), {}
    if not train:
        raise InputError(
            "the dataset has no chat with an assistant turn: nothing to learn from",
            file=path,
            field="train.dataset",
            hint="SFT learns the assistant's replies; add them, or export accepted records",
        )
    for spec in eval_files:
        extra = Path(spec).expanduser()
        if not extra.is_file() and root is not None and (root / spec).is_file():
            extra = root / spec
        if not extra.is_file():
            raise InputError("no such eval file", file=spec, field="train.eval_files")
        name = extra.stem.replace(".", "_")
        evals[name] = read_chats(extra, skipped)
    evals = {name: rows for name, rows in evals.items() if rows}
    if skipped:
        log.warning("skipped chats: %s", ", ".join(f"{k}={v}" for k, v in sorted(skipped.items())))
    return Splits(path, train, evals, skipped)


def prompt_tokens(tokenizer, template: str | None, messages: list[dict]) -> int:
    """Tokens before the first assistant reply: if max_length cuts there, the chat has nothing to learn."""
    first = next(i for i, m in enumerate(messages) if m["role"] == "assistant")
    ids = tokenizer.apply_chat_template(
        messages[:first], chat_template=template, tokenize=True, add_generation_prompt=True, return_dict=True
    )["input_ids"]
    return len(ids)


def fit_length(splits: Splits, tokenizer, template: str | None, max_length: int) -> Splits:
    """Drop chats whose prompt alone fills max_length; raise when that would drop every train chat."""
    lengths = [prompt_tokens(tokenizer, template, row["messages"]) for row in splits.train]
    if min(lengths) >= max_length:
        raise ConfigError(
            f"max_length {max_length} is shorter than every prompt (shortest: {min(lengths)} tokens)",
            field="train.max_length",
            hint=f"raise it above {min(lengths)}",
        )
    keep = [row for row, n in zip(splits.train, lengths) if n < max_length]
    dropped = len(splits.train) - len(keep)
    evals = {}
    for name, rows in splits.eval.items():
        kept = [row for row in rows if prompt_tokens(tokenizer, template, row["messages"]) < max_length]
        dropped += len(rows) - len(kept)
        if kept:
            evals[name] = kept
    skipped = dict(splits.skipped)
    if dropped:
        skipped["prompt_longer_than_max_length"] = dropped
        log.warning("skipped %d chats whose prompt alone is max_length (%d) tokens or more", dropped, max_length)
    return Splits(splits.source, keep, evals, skipped)


def fit_completion(splits: Splits, tokenizer, max_length: int) -> Splits:
    """GKD keeps the *last* max_length tokens: drop chats whose final reply alone fills that window."""

    def fits(row: dict) -> bool:
        messages = row["messages"]
        whole = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"]
        prompt = tokenizer.apply_chat_template(
            messages[:-1], tokenize=True, add_generation_prompt=True, return_dict=True
        )["input_ids"]
        return len(whole) - len(prompt) < max_length

    train = [row for row in splits.train if fits(row)]
    if not train:
        raise ConfigError(
            f"max_length {max_length} is shorter than every final reply",
            field="train.max_length",
            hint="raise it, distillation keeps the reply and as much prompt as fits",
        )
    evals = {name: kept for name, rows in splits.eval.items() if (kept := [r for r in rows if fits(r)])}
    dropped = (
        len(splits.train) - len(train) + sum(len(r) for r in splits.eval.values()) - sum(len(r) for r in evals.values())
    )
    skipped = dict(splits.skipped)
    if dropped:
        skipped["reply_longer_than_max_length"] = dropped
        log.warning("skipped %d chats whose final reply alone is max_length (%d) tokens or more", dropped, max_length)
    return Splits(splits.source, train, evals, skipped)
