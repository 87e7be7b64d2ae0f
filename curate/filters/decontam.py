"""``decontam``: drop records that share a word 13-gram with any eval set (GPT-3's rule).

Eval sets: the shipped corpora/eval/ files, the workspace's eval/ folder, ``train.eval_files`` from
tadka.yaml, ``curate.decontam_paths`` and, when asked, exports/*/eval.*. Chat JSONL (every turn),
JSONL with a ``text`` field, TSV with a ``text`` (else ``deva``/first) column, CoNLL (first column,
one sentence per block) and plain text (one item per line) are read. Eval texts shorter than n
words but at least ``min_words`` long (a typical 8–12 word Hinglish question) are matched whole, so
a record that copies an eval question verbatim is caught even though it holds no 13-gram of it.

Texts are compared as lower-cased words (NFC, punctuation dropped); n-grams are kept as hash values,
so every worker holds a small set. Flag ``decontam:<eval file>``; score ``decontam``:
overlapping n-grams.
"""

from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import ClassVar, Iterable, Iterator, Sequence

from tadka.curate.filters.base import Filter, StepContext, Verdict, steps
from tadka.curate.filters.text import match_words

from tadka.config import Section, opt
from tadka.records import Record

logger = logging.getLogger(__name__)
SUFFIXES = (".jsonl", ".json", ".tsv", ".conll", ".txt")


def eval_texts(path: Path) -> Iterator[str]:
    """Every text (turn, line, sentence) of one eval file."""
    suffix = path.suffix.lower()
    with open(path, encoding="utf-8") as f:
        if suffix in (".jsonl", ".json"):
            for line in f:
                line = line.strip()
                if not line:
                    continue
                row = json.loads(line)
                if isinstance(row, dict) and isinstance(row.get("messages"), list):
                    yield from (m.get("content", "") for m in row["messages"] if isinstance(m, dict))
                elif isinstance(row, dict):
                    yield from (
                        v
                        for k, v in row.items()
                        if k in ("text", "instruction", "input", "output", "prompt", "response") and isinstance(v, str)
                    )
        elif suffix == ".tsv":
            reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            fields = reader.fieldnames or []
            col = "text" if "text" in fields else ("deva" if "deva" in fields else (fields[0] if fields else None))
            for row in reader:
                if col and row.get(col):
                    yield row[col]
        elif suffix == ".conll":
            sent: list[str] = []
            for line in f:
                if line.strip():
                    sent.append(line.split("\t")[0].strip())
                elif sent:
                    yield " ".join(sent)
                    sent = []
            if sent:
                yield " ".join(sent)
        else:
            yield from (line.rstrip("\n") for line in f)


def eval_files(
    root: Path | None,
    paths: Sequence[str] = (),
    corpora: bool = True,
    exports: bool = False,
    train_eval_files: Sequence[str] = (),
) -> list[Path]:
    """The eval files this workspace knows of (see the module docstring), sorted, without repeats."""
    found: list[Path] = []

    def add(p: Path) -> None:
        if p.is_dir():
            found.extend(q for q in sorted(p.rglob("*")) if q.is_file() and q.suffix.lower() in SUFFIXES)
        elif p.is_file():
            found.append(p)
        else:
            logger.warning("decontam: eval path %s does not exist; skipped", p)

    if corpora:
        folder = files("tadka.corpora").joinpath("eval")
        if folder.is_dir():
            add(Path(str(folder)))
    if root is not None:
        if (root / "eval").is_dir():
            add(root / "eval")
        if exports and (root / "exports").is_dir():
            found.extend(p for p in sorted((root / "exports").glob("*/eval.*")) if p.suffix in (".jsonl", ".parquet"))
    for p in [*train_eval_files, *paths]:
        add(Path(p) if Path(p).is_absolute() or root is None else root / p)
    seen: set[Path] = set()
    return [p for p in found if not (p.resolve() in seen or seen.add(p.resolve()))]


def _texts(path: Path) -> Iterable[str]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        from tadka.records import from_table

        return (m["content"] for r in from_table(pq.read_table(path)) for m in r.messages)
    return eval_texts(path)


@dataclass
class DecontamParams(Section):
    """The ``curate.decontam_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    n: int = opt(13, "Word n-gram length: a record sharing any such n-gram with an eval set is dropped.", ge=1)
    roles: list[str] = opt(["user", "assistant"], "Turns checked for overlap.")
    min_words: int = opt(
        8, "Eval texts shorter than n words but at least this long are matched whole (a copied eval question)."
    )
    corpora: bool = opt(True, "Check against the shipped eval sets in corpora/eval/.")
    paths: list[str] = opt(
        [],
        "More eval files or folders (relative to the workspace): chat JSONL, TSV with a `text` column, or plain text. "
        "The workspace's eval/ folder and train.eval_files are always included.",
    )
    exports: bool = opt(
        False,
        "Also check against exports/*/eval.* — off by default: those splits are drawn from this data, so "
        "every record of an earlier eval split would be dropped from the next curated set.",
    )


@steps.register("decontam")
class DecontamFilter(Filter):
    params: ClassVar[type] = DecontamParams
    name = "decontam"

    def __init__(
        self,
        n: int = 13,
        roles: Sequence[str] = ("user", "assistant"),
        min_words: int = 8,
        files: Sequence[str | Path] = (),
    ) -> None:
        self.n = n
        self.roles = tuple(roles)
        self.min_words = min_words
        self.files = [str(f) for f in files]

    @classmethod
    def from_config(cls, cfg, ctx: StepContext | None = None) -> "DecontamFilter":
        ctx = ctx or StepContext()
        train = ctx.config.sections.get("train") if ctx.config is not None else None
        found = eval_files(
            ctx.root,
            cfg.decontam_paths,
            cfg.decontam_corpora,
            cfg.decontam_exports,
            list(getattr(train, "eval_files", []) or []),
        )
        logger.info("decontam: %d eval files", len(found))
        return cls(n=cfg.decontam_n, roles=cfg.decontam_roles, min_words=cfg.decontam_min_words, files=found)

    def setup(self) -> None:
        # Python's own tuple hash: the tables are built in the process that uses them, so hash
        # randomisation across processes does not matter, and it is several times faster than
        # joining and hashing strings. Every match of k ≥ m words starts with an m-word match, so
        # records are scanned once with m-grams and only the rare anchor hits look further.
        m = self.anchor
        anchors: set[int] = set()
        grams: dict[int, int] = {}
        whole: dict[int, dict[int, int]] = {}  # length → hash → file index, for short eval texts
        for fi, name in enumerate(self.files):
            for text in _texts(Path(name)):
                ws = match_words(text)
                if len(ws) < m:
                    continue
                anchors.update(hash(ws[i : i + m]) for i in range(len(ws) - m + 1))
                if len(ws) >= self.n:
                    for i in range(len(ws) - self.n + 1):
                        grams.setdefault(hash(ws[i : i + self.n]), fi)
                else:
                    whole.setdefault(len(ws), {}).setdefault(hash(ws), fi)
        self.anchors_, self.grams_, self.whole_ = anchors, grams, whole

    @property
    def anchor(self) -> int:
        return min(self.min_words, self.n)

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        self.ensure_setup()
        m = self.anchor
        hits = 0
        first: int | None = None
        for turn in record.messages:
            if turn["role"] not in self.roles:
                continue
            ws = match_words(turn["content"])
            if len(ws) < m or self.anchors_.isdisjoint(map(hash, zip(*(ws[j:] for j in range(m))))):
                continue  # the common case, decided in C: no anchor at all
            for i in range(len(ws) - m + 1):
                if hash(ws[i : i + m]) not in self.anchors_:
                    continue
                tables = [(self.n, self.grams_), *self.whole_.items()]
                for k, table in tables:
                    if i + k <= len(ws):
                        fi = table.get(hash(ws[i : i + k]))
                        if fi is not None:
                            hits += 1
                            first = fi if first is None else first
        if not hits:
            return {}, True
        return {"decontam": float(hits)}, (False, f"decontam:{Path(self.files[first]).name}")

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]
