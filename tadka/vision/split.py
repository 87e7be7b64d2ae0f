"""The seeded, stratified train/eval split of image-label Records (used by `tadka export` and by a vision run
that trains on a stage): every class with 2+ images is in both splits, whatever its size."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from tadka.records import Record
from tadka.vision.labels import label_of


def stratified_split(records: list[Record], eval_fraction: float, seed: int) -> tuple[list[Record], list[Record]]:
    """Per class, ids in a seeded hash order; the first ``round(n × fraction)`` (at least 1 when the class has
    2+ images and the fraction is above 0) go to eval. Independent of input order; an id keeps its side as
    long as its class's size rounds the same way."""
    by_class: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_class[label_of(r) or ""].append(r)
    train, held = [], []
    for label in sorted(by_class):
        rows = sorted(by_class[label], key=lambda r: hashlib.sha1(f"{seed}\x1f{r.id}".encode()).hexdigest())
        k = max(1, round(len(rows) * eval_fraction)) if len(rows) >= 2 and eval_fraction > 0 else 0
        held += rows[:k]
        train += rows[k:]
    return train, held
