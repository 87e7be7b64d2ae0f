"""`tadka import` of labelled images: an image-folder tree, a CSV/JSONL of (path, label), or a saved HF
dataset with an image and a label column, into a stage of image-label Records.

The whole input is read and every image checked (:mod:`tadka.vision.images`) before the workspace is
touched. A table row that cannot be read at all (no path, no label, a label that is not a class name)
is a user mistake: one line naming the file, the line and the field, and nothing is written. An image
that is bad (missing, empty, corrupt, truncated, too large, blank …) is a per-record failure: it goes
to ``reports/import-<stage>-rejects.jsonl`` with its reason and the import goes on. Accepted images are
stored by content under ``media/images/`` (so the same photo twice is one file and one Record), then
the stage is swapped in atomically. Each Record's ``source`` is ``{kind: import, recipe: <where>}``, where is
the input path (or ``file:line``) it came from, so a reviewer can find the original file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from tadka.atomic import write_bytes, write_text
from tadka.errors import InputError
from tadka.progress import progress
from tadka.vision.images import ImageLimits, check_image
from tadka.vision.labels import check_label, class_counts, label_record, label_warnings

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"})
PATH_KEYS = ("path", "image", "file", "filename", "image_path")
LABEL_KEYS = ("label", "class", "category")
MEDIA_DIR = Path("media") / "images"


@dataclass
class Item:
    """One image to import: where its bytes come from, its label, and where it was named (for reports)."""

    label: str
    where: str
    path: Path | None = None
    data: bytes | None = None


@dataclass
class ImageImport:
    stage: str
    read: int
    added: int
    total: int
    rejected: Counter = field(default_factory=Counter)
    converted: int = 0
    classes: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    rejects_path: Path | None = None


def is_image_input(path: str | os.PathLike, fmt: str = "auto") -> bool:
    """True for inputs this importer reads: an image-folder tree, or ``fmt == "images"``."""
    p = Path(path)
    if fmt == "images":
        return True
    if fmt != "auto" or not p.is_dir():
        return False
    if (p / "dataset_info.json").is_file() or (p / "state.json").is_file():
        return False  # a saved HF dataset: chats unless --format images says otherwise
    return any(c.is_dir() and not c.name.startswith(".") for c in p.iterdir())


def folder_items(root: Path) -> Iterator[Item]:
    """``root/<class>/<image>``: every file in each class folder (hidden ones skipped), sorted."""
    classes = sorted(c for c in root.iterdir() if c.is_dir() and not c.name.startswith("."))
    if not classes:
        raise InputError("no class folders (expected ROOT/<class>/<image files>)", file=root, field="images")
    for folder in classes:
        label = check_label(folder.name)
        for f in sorted(folder.rglob("*")):
            if f.is_file() and not f.name.startswith("."):
                yield Item(label, str(f), path=f)


def _pick(row: dict, keys: tuple[str, ...], file: Path, line: int, what: str) -> object:
    for k in keys:
        if k in row and row[k] not in (None, ""):
            return row[k]
    raise InputError(f"no {what} (expected one of: {', '.join(keys)})", file=file, line=line, field=what)


def table_items(file: Path) -> Iterator[Item]:
    """Rows of a CSV or JSONL file with a path and a label; paths are relative to the file's folder."""
    rows: list[tuple[int, dict]]
    if file.suffix.lower() == ".csv":
        with file.open(encoding="utf-8-sig", newline="") as f:
            rows = list(enumerate(csv.DictReader(f), start=2))
    else:
        parsed = []
        with file.open(encoding="utf-8") as f:
            for n, text in enumerate(f, start=1):
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as e:
                    raise InputError(f"invalid JSON: {e.msg}", file=file, line=n, field="<json>") from None
                if not isinstance(row, dict):
                    raise InputError("expected an object with a path and a label", file=file, line=n, field="<json>")
                parsed.append((n, row))
        rows = parsed
    for line, row in rows:
        raw_path = str(_pick(row, PATH_KEYS, file, line, "path"))
        try:
            label = check_label(_pick(row, LABEL_KEYS, file, line, "label"))
        except InputError as e:
            raise e.located(file=file, line=line) from None
        path = Path(raw_path) if os.path.isabs(raw_path) else file.parent / raw_path
        yield Item(label, f"{file.name}:{line}", path=path)


def hf_items(folder: Path, image_column: str = "image", label_column: str = "label") -> Iterator[Item]:
    """A dataset saved with ``save_to_disk``: an Image column (bytes or path) and a label (ClassLabel or text)."""
    import datasets

    ds = datasets.load_from_disk(str(folder))
    if isinstance(ds, datasets.DatasetDict):
        ds = datasets.concatenate_datasets(list(ds.values()))
    for col in (image_column, label_column):
        if col not in ds.column_names:
            raise InputError(f"no column {col!r} (columns: {', '.join(ds.column_names)})", file=folder, field=col)
    names = getattr(ds.features[label_column], "names", None)
    ds = ds.cast_column(image_column, datasets.Image(decode=False))
    for i, row in enumerate(ds):
        value = row[label_column]
        label = check_label(names[value] if names is not None and isinstance(value, int) else value)
        img = row[image_column] or {}
        where = f"{folder.name}[{i}]"
        if img.get("bytes"):
            yield Item(label, where, data=img["bytes"])
        else:
            yield Item(label, where, path=Path(img["path"]) if img.get("path") else None)


def items_of(path: Path) -> Iterator[Item]:
    if not path.exists():
        raise InputError("no such file or folder", file=path, field="import")
    if path.is_dir():
        if (path / "dataset_info.json").is_file() or (path / "state.json").is_file():
            return hf_items(path)
        return folder_items(path)
    if path.suffix.lower() in (".csv", ".jsonl", ".json"):
        return table_items(path)
    raise InputError(
        "expected an image-folder tree, a .csv/.jsonl of (path, label) or a saved HF dataset", file=path, field="import"
    )


def _read(item: Item) -> bytes | str:
    """The item's bytes, or a reject reason (``missing``/``unreadable``)."""
    if item.data is not None:
        return item.data
    if item.path is None or not item.path.is_file():
        return "missing"
    try:
        return item.path.read_bytes()
    except OSError:
        return "unreadable"


def import_images(
    ws, path: str | os.PathLike, *, stage: str = "imported", mode: str = "append", limits: ImageLimits | None = None
) -> ImageImport:
    """Check every image, store the good ones by content, write the stage and the rejects report."""
    path = Path(path)
    items = list(items_of(path))  # table errors (a missing label …) surface here, before anything is written
    if not items:
        raise InputError("no images found", file=path, field="import")
    records, rejects, converted = [], [], 0
    pending: dict[str, bytes] = {}
    for item in progress(items, desc=f"import {path.name}", unit="img"):
        raw = _read(item)
        checked = check_image(raw, limits or ImageLimits()) if isinstance(raw, bytes) else None
        if checked is None or not checked.ok:
            reason = raw if checked is None else checked.reason
            rejects.append(
                {
                    "where": item.where,
                    "label": item.label,
                    "outcome": "rejected",
                    "reason": reason,
                    "detail": "" if checked is None else checked.detail,
                }
            )
            continue
        assert checked.data is not None  # an accepted image always carries its bytes
        digest = hashlib.sha1(checked.data).hexdigest()
        rel = (MEDIA_DIR / digest[:2] / f"{digest}.{checked.ext}").as_posix()
        pending[rel] = checked.data
        if checked.notes:
            converted += 1
            rejects.append(
                {
                    "where": item.where,
                    "label": item.label,
                    "outcome": "converted",
                    "reason": "",
                    "detail": "; ".join(checked.notes),
                }
            )
        records.append(label_record(rel, item.label, digest, source={"kind": "import", "recipe": item.where[:200]}))
    known = class_counts(ws.records(stage)) if mode == "append" and ws.has_stage(stage) else Counter()
    counts = class_counts(records)
    warnings = label_warnings(counts + known, known)
    for rel, data in pending.items():  # media first: a stage never names a file that is not there
        target = ws.root / rel
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, data)
    report = ws.root / "reports" / f"import-{stage}-rejects.jsonl"
    report.parent.mkdir(parents=True, exist_ok=True)
    write_text(report, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rejects))
    before = ws.dataset(stage).num_rows if ws.has_stage(stage) and mode == "append" else 0
    total = (
        ws.write_stage(stage, records, mode=mode, meta={"source_file": str(path.resolve()), "kind": "images"})
        if records
        else before
    )
    return ImageImport(
        stage,
        len(items),
        total - before,
        total,
        Counter(r["reason"] for r in rejects if r["outcome"] == "rejected"),
        converted,
        counts,
        warnings,
        report,
    )
