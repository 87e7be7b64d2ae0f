"""What a set of Records costs in tokens under a given student tokenizer (`tadka stats --tokenizer PATH`).

Hinglish in Roman script is often 1.5–3× dearer per word than English under tokenizers trained
mostly on English, so a set's token count — not its record count — sizes a LoRA run (steps per
epoch, sequence length, time). Reported: total tokens, per-record percentiles, tokens per word
(overall and per ``lang`` tag), records longer than a ``max_length``, and a reference ratio measured
on the shipped seed tasks, which hold the same content in English and in Hinglish: the extra cost
of Hinglish under *this* tokenizer, independent of the user's data.

Tokenizers load from a local path only, lazily: a ``tokenizer.json`` (file or in a folder) through
the ``tokenizers`` library, which counts fast; with ``chat_template=True`` and a folder that has a
chat template, transformers' ``AutoTokenizer`` renders each chat exactly as training will see it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Iterable, Sequence

from tadka.curate.filters.text import lower_words
from tadka.errors import InputError, MissingExtra
from tadka.records import Record


@dataclass
class TokenBudget:
    tokenizer: str
    records: int = 0
    tokens: int = 0
    words: int = 0
    chars: int = 0
    per_record: dict[str, float] = field(default_factory=dict)
    by_lang: dict[str, dict[str, float]] = field(default_factory=dict)
    max_length: int | None = None
    over_max_length: int = 0
    chat_template: bool = False
    reference: dict[str, float] = field(default_factory=dict)

    @property
    def tokens_per_word(self) -> float:
        return self.tokens / self.words if self.words else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "tokens_per_word": round(self.tokens_per_word, 3)}

    def to_extra(self) -> dict[str, float]:
        """Flat figures for ``StageStats.extra["tokens"]`` (printed as ``tokens  total … p50 …``)."""
        out = {"total": float(self.tokens), **self.per_record, "per_word": round(self.tokens_per_word, 3)}
        if self.max_length:
            out[f"over_{self.max_length}"] = float(self.over_max_length)
        if self.reference:
            out["hinglish_vs_en"] = self.reference["ratio"]
        return out

    def format(self) -> str:
        lines = [
            f"tokens under {self.tokenizer}{' (chat template)' if self.chat_template else ''}: "
            f"{self.tokens:,} over {self.records:,} records, {self.tokens_per_word:.2f} per word"
        ]
        if self.per_record:
            lines.append("  per record " + "  ".join(f"{k} {v:g}" for k, v in self.per_record.items()))
        for lang, d in self.by_lang.items():
            lines.append(
                f"  {lang:<12} {int(d['records']):>7} records {int(d['tokens']):>10,} tokens "
                f"{d['tokens_per_word']:.2f} per word"
            )
        if self.max_length:
            lines.append(f"  {self.over_max_length} records longer than {self.max_length} tokens")
        if self.reference:
            r = self.reference
            lines.append(
                f"  same content (corpora/seeds): Hinglish {r['hinglish']:,.0f} vs English {r['english']:,.0f} "
                f"tokens → {r['ratio']:.2f}× "
            )
        return "\n".join(lines)


class _Counter:
    """Counts tokens of texts or chats with a local tokenizer."""

    def __init__(self, path: str | os.PathLike, chat_template: bool) -> None:
        path = Path(path)
        if not path.exists():
            raise InputError(
                "tokenizer not found",
                file=path,
                field="tokenizer",
                hint="a folder with tokenizer.json (e.g. a saved Hugging Face tokenizer) or the file itself",
            )
        tok_file = path if path.is_file() else path / "tokenizer.json"
        self.auto = None
        self.fast = None
        has_template = path.is_dir() and ((path / "chat_template.jinja").is_file() or _config_has_template(path))
        if (chat_template and has_template) or not tok_file.is_file():
            try:
                from transformers import AutoTokenizer
            except ImportError:
                raise MissingExtra("transformers", "train", "counting tokens with this tokenizer") from None
            self.auto = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            self.chat_template = bool(chat_template and getattr(self.auto, "chat_template", None))
        else:
            self.chat_template = False
        if tok_file.is_file():
            try:
                from tokenizers import Tokenizer
            except ImportError:
                raise MissingExtra("tokenizers", "train", "counting tokens") from None
            self.fast = Tokenizer.from_file(str(tok_file))

    def count(self, chats: Sequence[list[dict]], roles: Sequence[str]) -> list[int]:
        if self.chat_template:
            texts = [self.auto.apply_chat_template(c, tokenize=False) for c in chats]
            special = False  # the template already wrote the special tokens
        else:
            texts = ["\n".join(m["content"] for m in c if m["role"] in roles) for c in chats]
            special = True
        if self.fast is not None:
            return [len(e.ids) for e in self.fast.encode_batch(texts, add_special_tokens=special)]
        return [len(ids) for ids in self.auto(texts, add_special_tokens=special)["input_ids"]]


def _config_has_template(folder: Path) -> bool:
    cfg = folder / "tokenizer_config.json"
    if not cfg.is_file():
        return False
    try:
        return bool(json.loads(cfg.read_text(encoding="utf-8")).get("chat_template"))
    except json.JSONDecodeError:
        return False


def _percentiles(values: list[int]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(q * len(ordered)))])

    return {
        "p50": at(0.5),
        "p90": at(0.9),
        "p99": at(0.99),
        "max": float(ordered[-1]),
        "mean": round(sum(ordered) / len(ordered), 1),
    }


def _reference(counter: _Counter) -> dict[str, float]:
    """Tokens of the seed tasks' English and Hinglish sides (same tasks, same content)."""
    node = files("tadka.corpora").joinpath("seeds", "tasks.jsonl")
    if not node.is_file():
        return {}
    en, hi = [], []
    for line in node.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for side, out in (("en", en), ("hi_latn", hi)):
            out.append(
                [
                    {"role": "user", "content": row[side]["instruction"]},
                    {"role": "assistant", "content": row[side]["response"]},
                ]
            )
    roles = ("user", "assistant")
    n_en, n_hi = sum(counter.count(en, roles)), sum(counter.count(hi, roles))
    return {"english": float(n_en), "hinglish": float(n_hi), "ratio": round(n_hi / n_en, 3) if n_en else 0.0}


def token_budget(
    records: Iterable[Record],
    tokenizer: str | os.PathLike,
    *,
    roles: Sequence[str] = ("system", "user", "assistant"),
    chat_template: bool = True,
    max_length: int | None = None,
    reference: bool = True,
    batch_size: int = 1000,
) -> TokenBudget:
    """Count the tokens of ``records`` under the tokenizer at ``tokenizer`` (a local folder or tokenizer.json)."""
    counter = _Counter(tokenizer, chat_template)
    out = TokenBudget(str(tokenizer), max_length=max_length, chat_template=counter.chat_template)
    per_record: list[int] = []
    by_lang: dict[str, list[int]] = {}

    def flush(batch: list[Record]) -> None:
        counts = counter.count([r.messages for r in batch], roles)
        for rec, n in zip(batch, counts):
            words = sum(len(lower_words(m["content"])) for m in rec.messages if m["role"] in roles)
            per_record.append(n)
            out.words += words
            out.chars += sum(len(m["content"]) for m in rec.messages if m["role"] in roles)
            d = by_lang.setdefault(rec.lang, [0, 0, 0])
            d[0] += 1
            d[1] += n
            d[2] += words
            if max_length and n > max_length:
                out.over_max_length += 1

    batch: list[Record] = []
    for rec in records:
        batch.append(rec)
        if len(batch) >= batch_size:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    out.records = len(per_record)
    out.tokens = sum(per_record)
    out.per_record = _percentiles(per_record)
    out.by_lang = {
        lang: {"records": float(r), "tokens": float(t), "tokens_per_word": round(t / w, 3) if w else 0.0}
        for lang, (r, t, w) in sorted(by_lang.items(), key=lambda kv: -kv[1][1])
    }
    if reference:
        out.reference = _reference(counter)
    return out
