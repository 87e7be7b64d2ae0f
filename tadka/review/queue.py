"""The review queue: which record a reviewer sees next.

The ordered candidate rows are computed once per filter change (from the stage index and a snapshot
of review.db); each "next" then checks only a small batch ahead of the reviewer's cursor against the
live database — so records that other reviewers decided or hold a moment ago are passed over, and
the cost per accept stays flat at 100k records.

A record is due for a reviewer when its status is one the reviewer asked for and no other reviewer
holds it on screen (a claim, see ``review.claim_minutes``), or — for the shared overlap records that
agreement is measured on — when fewer than ``overlap_reviewers`` reviewers labelled it and this
reviewer has not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tadka.review.config import ReviewConfig
from tadka.review.index import Filters, StageIndex, is_overlap
from tadka.review.store import Item, ReviewStore


@dataclass
class Slot:
    """The record on screen: its place in the queue and the item version the reviewer's view is based on."""

    pos: int
    row: int
    record_id: str
    item: Item
    overlap: bool = False
    opened: bool = False  # opened directly (link, Browse, undo): acting on it does not move the cursor


@dataclass
class Queue:
    index: StageIndex
    store: ReviewStore
    reviewer: str
    cfg: ReviewConfig
    seed: int = 0
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cursor: int = 0
    skipped: set[str] = field(default_factory=set)
    wanted: tuple[str, ...] = ("pending",)

    def overlap(self, record_id: str) -> bool:
        return is_overlap(record_id, self.cfg.overlap, self.seed)

    def build(self, filters: Filters, order: str) -> None:
        """Candidate rows for ``filters`` in ``order``, less those already decided at this moment."""
        statuses = self.store.statuses()
        wanted = filters.statuses or ("pending",)
        tagged = self.store.ids_tagged(filters.tags) if filters.tags else None
        static = Filters(**{**filters.__dict__, "statuses": ()})
        rows = self.index.filter_rows(static, tagged=tagged)
        due = self.index.status_vector(statuses).to_numpy()[rows]
        keep = np.isin(due, wanted)
        if self.cfg.overlap > 0 and "pending" in wanted:
            ids = self.index.frame["id"].to_numpy()
            keep |= np.fromiter((self.overlap(ids[r]) for r in rows), dtype=bool, count=len(rows))
        self.rows = self.index.order(rows[keep], order, seed=f"{self.seed}:{self.reviewer}")
        self.cursor = 0
        self.wanted = tuple(wanted)

    def __len__(self) -> int:
        return len(self.rows)

    def next(self, start: int | None = None) -> Slot | None:
        """The first due record at or after ``start`` (default: the cursor), claimed for this reviewer."""
        pos = self.cursor if start is None else start
        ids = self.index.frame["id"].to_numpy()
        batch = 16  # usually the first candidate is due; grow the look-ahead when it is not
        while pos < len(self.rows):
            part = [int(r) for r in self.rows[pos : pos + batch]]
            rids = [ids[r] for r in part]
            items = self.store.items(rids)
            shared = [rid for rid in rids if self.overlap(rid)] if "pending" in self.wanted else []
            labelers = self.store.labelers(shared) if shared else {}
            held = self.store.claimed_by_others(rids, self.reviewer) if self.cfg.claim_minutes > 0 else set()
            for offset, (row, rid) in enumerate(zip(part, rids)):
                if rid in self.skipped:
                    continue
                if rid in shared:
                    who = labelers.get(rid, set())
                    if self.reviewer not in who and len(who) < self.cfg.overlap_reviewers:
                        return Slot(pos + offset, row, rid, items[rid], overlap=True)
                    continue
                if items[rid].status not in self.wanted or rid in held:
                    continue
                if self.cfg.claim_minutes > 0 and not self.store.claim(rid, self.reviewer, self.cfg.claim_minutes * 60):
                    continue
                return Slot(pos + offset, row, rid, items[rid])
            pos += len(part)
            batch = min(batch * 4, 1024)
        return None

    def slot_for(self, record_id: str) -> Slot | None:
        """A record opened directly (a link, Browse, undo), due or not."""
        row = self.index.row_of.get(record_id)
        if row is None:
            return None
        hits = np.flatnonzero(self.rows == row)
        pos = int(hits[0]) if len(hits) else self.cursor
        return Slot(pos, row, record_id, self.store.item(record_id), overlap=self.overlap(record_id), opened=True)
