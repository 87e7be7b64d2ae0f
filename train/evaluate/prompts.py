"""The held-out prompts a student is evaluated on, each with its reference answer, target language and
a typing-noised copy.

Sources, in this order: the eval split of the export the run trained on, the chat files shipped in
``corpora/eval/`` (hinglish_eval.jsonl …), then ``eval.files``. A chat's last assistant turn is the
reference; the turns before it are the prompt. Prompts seen twice (same turns) are kept once. The
noisy copy comes from :func:`tadka.augment.pipeline.noisy_eval` with the configured preset (user turns
only, deterministic in the seed), so robustness is measured on the same prompts, typed the way
people type on a phone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from tadka.errors import InputError
from tadka.records import Record, read_records
from tadka.train.evaluate.figures import target_of


@dataclass(frozen=True)
class EvalPrompt:
    """One held-out prompt: the turns before the reference answer, and what the answer should be in."""

    id: str
    set: str
    messages: list[dict[str, str]]
    reference: str
    lang: str
    target: str | None
    noisy: list[dict[str, str]] = field(default_factory=list)  # the same turns with typing noise

    @property
    def user(self) -> str:
        return next((m["content"] for m in reversed(self.messages) if m["role"] == "user"), "")

    @property
    def noisy_user(self) -> str:
        return next((m["content"] for m in reversed(self.noisy) if m["role"] == "user"), "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "set": self.set,
            "messages": self.messages,
            "reference": self.reference,
            "lang": self.lang,
            "target": self.target,
            "noisy": self.noisy,
        }


def shipped_files() -> list[Path]:
    """Chat files in corpora/eval/ (JSONL with ``messages``); the TSV/CoNLL language-ID sets are not chats."""
    folder = resources.files("tadka.corpora") / "eval"
    return [Path(str(p)) for p in sorted(folder.iterdir(), key=lambda p: p.name) if p.name.endswith(".jsonl")]


def split_file(dataset: str | None) -> Path | None:
    """The eval split of an export folder (None for a single-file dataset or an empty split)."""
    if not dataset:
        return None
    folder = Path(dataset)
    if not folder.is_dir():
        return None
    for name in ("eval.jsonl", "eval.parquet", "eval"):
        path = folder / name
        if path.exists() and not (path.is_file() and path.stat().st_size == 0):
            return path
    return None


def _prompt_of(record: Record, set_name: str) -> EvalPrompt | None:
    if any(record.media.values()):
        return None
    last = max((i for i, m in enumerate(record.messages) if m["role"] == "assistant"), default=None)
    if last is None or not any(m["role"] == "user" for m in record.messages[:last]):
        return None
    turns = [{"role": m["role"], "content": m["content"]} for m in record.messages[:last]]
    key = json.dumps(turns, ensure_ascii=False, sort_keys=True)
    pid = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
    return EvalPrompt(pid, set_name, turns, record.messages[last]["content"], record.lang, None)


def _read(path: Path, set_name: str, field_name: str) -> list[EvalPrompt]:
    if not path.exists():
        raise InputError("no such eval file", file=path, field=field_name)
    return [p for r in read_records(path) if (p := _prompt_of(r, set_name)) is not None]


def _interleave(groups: list[list[EvalPrompt]], limit: int) -> list[EvalPrompt]:
    """Round-robin over the sets (so a small cap still samples each), duplicates dropped, first ``limit``."""
    out: list[EvalPrompt] = []
    seen: set[str] = set()
    for i in range(max((len(g) for g in groups), default=0)):
        for group in groups:
            if i < len(group) and group[i].id not in seen:
                seen.add(group[i].id)
                out.append(group[i])
    return out[:limit] if limit else out


def with_targets(prompts: list[EvalPrompt]) -> list[EvalPrompt]:
    """Each prompt's target: its record's lang tag when that names a script, else its user turn's sentence ID."""
    from tadka.lang import analyze_batch

    found = analyze_batch([p.user for p in prompts])
    return [
        EvalPrompt(p.id, p.set, p.messages, p.reference, p.lang, target_of(p.lang, a.lang), p.noisy)
        for p, a in zip(prompts, found)
    ]


def with_noise(prompts: list[EvalPrompt], preset: str, rate: float, seed: int) -> list[EvalPrompt]:
    """Each prompt with its noisy copy (the clean turns where the preset changed nothing)."""
    from tadka.augment.pipeline import noisy_eval

    records = [
        Record(
            messages=[*p.messages, {"role": "assistant", "content": p.reference or "-"}], lang=p.lang or "hi-Latn+en"
        )
        for p in prompts
    ]
    pairs = noisy_eval(records, preset=preset, rate=rate, seed=seed)
    out = []
    for p, (_, noisy) in zip(prompts, pairs):
        turns = [{"role": m["role"], "content": m["content"]} for m in noisy.messages[: len(p.messages)]]
        out.append(EvalPrompt(p.id, p.set, p.messages, p.reference, p.lang, p.target, turns))
    return out


def gather(
    dataset: str | None, *, split: bool, shipped: bool, files: list[str], root: Path | None, limit: int
) -> list[EvalPrompt]:
    """The prompts of every configured source, interleaved and capped; InputError when there are none."""
    groups: list[list[EvalPrompt]] = []
    sources: list[str] = []
    held = split_file(dataset) if split else None
    if held is not None:
        groups.append(_read(held, "split", "eval.split"))
        sources.append(str(held))
    for path in shipped_files() if shipped else []:
        groups.append(_read(path, path.stem, "eval.shipped"))
        sources.append(f"corpora/eval/{path.name}")
    for spec in files:
        path = Path(spec).expanduser()
        if not path.exists() and root is not None and (root / spec).exists():
            path = root / spec
        groups.append(_read(path, path.stem, "eval.files"))
        sources.append(str(path))
    prompts = _interleave(groups, limit)
    if not prompts:
        looked = ", ".join(sources) or "nothing (no eval split, eval.shipped off, no eval.files)"
        raise InputError(
            f"no eval prompts: looked in {looked}",
            file=dataset or None,
            field="eval",
            hint="export with an eval split, set eval.shipped: true, or pass --eval-file",
        )
    return prompts
