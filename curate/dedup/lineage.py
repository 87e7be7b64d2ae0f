"""Lineages: which records of a stage are copies of which, so that dedup compares lineages.

A noised copy (``source.kind`` augment) or a reviewer's edit carries ``source.parent_id``. Such a
copy exists *because* it repeats its parent with a difference (typos, SMS spellings, a fixed
word); removing it as a duplicate of its parent or of a sibling would throw the augmentation away.
So dedup never compares records of the same lineage, and a copy goes only with its parent (when the
parent is dropped as a duplicate of another lineage) or when it duplicates another lineage itself.

Per row this computes, as compact numpy arrays (8 bytes a field; no Python object per record):

* ``parent`` — the row of the in-stage parent, or -1 (a record of another kind, or whose parent is
  not in this stage, stands on its own);
* ``key`` — the lineage: a 64-bit hash of the top ancestor's id. Copies whose parent is absent
  from the stage still share the parent's id as their key, so siblings are siblings either way;
* ``depth`` — in-stage ancestors (0 for an original). The dedup keeper rule orders records by
  (depth, row), so a parent's fate is always settled before its copies'.

Only kinds in ``kinds`` make lineages: a teacher's answer derived from a record (evol-instruct,
translate) is new content and is deduplicated like any other record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import xxhash

#: Source kinds whose parent_id makes a lineage (curate.lineage_kinds).
LINEAGE_KINDS = ("augment", "edit")


def id_hash(value: str) -> int:
    """The 64-bit key of a record id (xxh3; ids are already content hashes, any id string works)."""
    return xxhash.xxh3_64_intdigest(value.encode("utf-8", "surrogatepass"))


@dataclass
class Lineage:
    parent: np.ndarray  # int64, in-stage parent row or -1
    key: np.ndarray  # uint64, lineage key
    depth: np.ndarray  # int32, in-stage ancestors
    copy: np.ndarray  # bool, a copy (a lineage kind with a parent_id), its parent in the stage or not

    @classmethod
    def none(cls, n: int) -> "Lineage":
        """Every row its own lineage (no copies): the plain dedup of a stage without provenance."""
        return cls(np.full(n, -1, np.int64), np.arange(n, dtype=np.uint64), np.zeros(n, np.int32), np.zeros(n, bool))

    def __len__(self) -> int:
        return len(self.parent)

    def take(self, rows: np.ndarray) -> "Lineage":
        """The lineage of a subset of rows (parents outside the subset become -1)."""
        where = np.full(len(self.parent), -1, np.int64)
        where[rows] = np.arange(len(rows))
        parent = self.parent[rows]
        parent = np.where(parent >= 0, where[np.maximum(parent, 0)], -1)
        return Lineage(parent, self.key[rows], self.depth[rows], self.copy[rows])


def lineage_hashes(
    ids: Sequence[str | None],
    parent_ids: Sequence[str | None],
    kinds: Sequence[str | None],
    lineage_kinds: Sequence[str] = LINEAGE_KINDS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(own id key, parent id key, has a lineage parent) per row: what :func:`lineage_from_hashes`
    needs, computed a batch at a time so that a stage never becomes one list of Python strings."""
    n = len(ids)
    own = np.fromiter((id_hash(i or "") for i in ids), np.uint64, n)
    wanted = frozenset(lineage_kinds)
    has_parent = np.fromiter((bool(p) and k in wanted for p, k in zip(parent_ids, kinds)), bool, n)
    phash = np.zeros(n, np.uint64)
    rows = np.flatnonzero(has_parent)
    if len(rows):
        phash[rows] = np.fromiter((id_hash(parent_ids[i]) for i in rows), np.uint64, len(rows))
    return own, phash, has_parent


def build_lineage(
    ids: Sequence[str],
    parent_ids: Sequence[str | None],
    kinds: Sequence[str | None],
    lineage_kinds: Sequence[str] = LINEAGE_KINDS,
) -> Lineage:
    """Parent rows, lineage keys and depths for one stage's rows (in row order)."""
    return lineage_from_hashes(*lineage_hashes(ids, parent_ids, kinds, lineage_kinds))


def lineage_from_hashes(own: np.ndarray, phash: np.ndarray, has_parent: np.ndarray) -> Lineage:
    """The :class:`Lineage` of rows given their id keys, parent id keys and lineage-parent mask."""
    n = len(own)
    rows = np.flatnonzero(has_parent)
    # parent rows by binary search over the sorted id keys (the first row holding an id wins)
    order = np.argsort(own, kind="stable")
    sorted_own = own[order]
    parent = np.full(n, -1, np.int64)
    if len(rows):
        pos = np.searchsorted(sorted_own, phash[rows])
        pos_ok = pos < n
        found = np.zeros(len(rows), bool)
        found[pos_ok] = sorted_own[pos[pos_ok]] == phash[rows][pos_ok]
        parent[rows[found]] = order[pos[found]]
        parent[parent == np.arange(n)] = -1  # a record naming itself (malformed) stands alone
    # key: an absent parent's id for orphaned copies, else the record's own id; then the root's key
    key = np.where(has_parent & (parent < 0), phash, own)
    depth = np.zeros(n, np.int32)
    anc = parent.copy()
    root = np.arange(n, dtype=np.int64)
    for _ in range(256):  # pointer walk, one generation per pass; copies of copies are rare
        live = anc >= 0
        if not live.any():
            break
        root[live] = anc[live]
        depth[live] += 1
        anc[live] = parent[anc[live]]
    else:  # a parent_id cycle (only malformed input can have one): those rows stand alone
        stuck = anc >= 0
        parent[stuck], root[stuck], depth[stuck] = -1, np.flatnonzero(stuck), 0
    return Lineage(parent, key[root], depth, has_parent)
