"""The shared back half of exact and near dedup: candidate pairs → keepers, with a deterministic rule.

Both dedup steps reduce to the same stages, each a plain function over numpy arrays so that a
distributed engine can run them as separate stages and get the same answer:

1. **keys** (per record, in the workers): a content hash (exact) or band hashes of a MinHash
   signature (near);
2. **candidate pairs** (:func:`pairs_from_keys`): records sharing a key, found by sorting the keys
   — a bucket never lives in a Python dict, so memory stays at a few bytes per record;
3. **confirmation**: near dedup keeps a pair only if the two signatures agree on at least the
   threshold (exact pairs are equal by construction); pairs inside one lineage are dropped here;
4. **components** (:func:`components`): confirmed pairs plus parent links, joined — the unit of
   work a distributed engine can hand to one worker;
5. **keepers** (:func:`assign`): within a component, records in *keeper order* — (depth, row):
   originals before copies, then input order — each either kept or claimed by an earlier **kept**
   record it is itself similar to. A record similar only to a record that was claimed is not
   pulled in: there are no transitive bridges (A~B, B~C does not remove C when A and C differ).
6. **flags**: claimed records get ``dup:<keeper>`` / ``near_dup:<keeper>``; a copy whose parent was
   claimed goes with it (``parent_dup:<keeper>``).

Records an earlier step rejected take no part (the caller passes only live rows): they can neither
be kept in place of a clean twin nor bridge two clusters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tadka.curate.dedup.lineage import Lineage

KEPT, DUP, PARENT = 0, 1, 2  # what assign() decided per row
#: Largest bucket whose members are all paired; past it, each member is paired with the bucket's
#: first members only (in keeper order) — a bucket that big is one cluster of near-identical records.
BUCKET_CAP = 64


def keeper_order(lineage: Lineage) -> np.ndarray:
    """Rank of each row in keeper order: (depth, row). Lower ranks are decided first."""
    n = len(lineage)
    order = np.lexsort((np.arange(n), lineage.depth))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    return rank


def pairs_from_keys(keys: np.ndarray, rank: np.ndarray, cap: int = BUCKET_CAP) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) row pairs of rows sharing a key, with rank[a] < rank[b].

    ``keys`` is one key per row: uint64, or rows × w uint64 for wider hashes. Sorting by
    (key, rank) puts every bucket in one run, in keeper order; a run of up to ``cap`` rows gives all
    its pairs, a longer one pairs every member with the run's first ``cap`` members.
    """
    n = len(keys)
    empty = np.empty(0, np.int64), np.empty(0, np.int64)
    if n < 2:
        return empty
    wide = keys.reshape(n, -1)
    order = np.lexsort((rank, *[wide[:, c] for c in range(wide.shape[1] - 1, -1, -1)]))
    k = wide[order]
    same = (k[1:] == k[:-1]).all(axis=1)
    if not same.any():
        return empty
    starts = np.flatnonzero(np.r_[True, ~same])
    sizes = np.diff(np.r_[starts, n])
    a_parts, b_parts = [], []
    small = (sizes > 1) & (sizes <= cap)
    if small.any():  # all pairs of small runs: one vectorised pass per distance d inside a run
        s_start, s_size = starts[small], sizes[small]
        members = _run_members(s_start, s_size)
        pos = members - np.repeat(s_start, s_size)
        for d in range(1, int(s_size.max())):
            keep = pos >= d  # members that have a partner d places earlier in their run
            members, pos = members[keep], pos[keep]
            if not len(members):
                break
            a_parts.append(order[members - d])
            b_parts.append(order[members])
    for st, sz in zip(starts[sizes > cap].tolist(), sizes[sizes > cap].tolist()):
        run = order[st : st + sz]
        for i in range(cap):
            a_parts.append(np.full(sz - i - 1, run[i]))
            b_parts.append(run[i + 1 :])
    if not a_parts:
        return empty
    return np.concatenate(a_parts).astype(np.int64), np.concatenate(b_parts).astype(np.int64)


def _run_members(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Positions st, st+1, …, st+size-1 of every run, concatenated (vectorised)."""
    offsets = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return np.repeat(starts, sizes) + offsets


def unique_pairs(a: np.ndarray, b: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs with duplicates removed (the same pair found in several buckets)."""
    if not len(a):
        return a, b
    code = np.unique(a.astype(np.int64) * n + b)
    return code // n, code % n


@dataclass
class Decisions:
    """Per row: what assign() decided, by whom, and how similar the two were."""

    state: np.ndarray  # int8: KEPT, DUP (claimed by a kept record), PARENT (its parent was claimed)
    by: np.ndarray  # int64: the kept row that holds this content (-1 when kept)
    sim: np.ndarray  # float32: similarity to `by` (1.0 for exact dedup)
    cluster: np.ndarray  # int64: members per keeper (1 for a record nobody claimed)


def assign(
    n: int, a: np.ndarray, b: np.ndarray, sim: np.ndarray, lineage: Lineage, rank: np.ndarray | None = None
) -> Decisions:
    """Decide keepers over confirmed pairs (``a`` before ``b`` in keeper order) and parent links.

    A row, in keeper order: if it is a copy whose parent was claimed, it goes with the parent;
    otherwise it is claimed by the most similar earlier row that was kept (ties: the earlier one),
    or kept. Only rows with a pair or a parent are visited; every other row is kept.
    """
    rank = keeper_order(lineage) if rank is None else rank
    state = np.zeros(n, np.int8)
    by = np.full(n, -1, np.int64)
    best = np.ones(n, np.float32)
    # incoming pairs per later row, most similar first, then earliest partner
    order = np.lexsort((rank[a], -sim, rank[b]))
    a, b, sim = a[order], b[order], sim[order]
    later = b
    starts = np.searchsorted(rank[later], rank, side="left") if len(later) else None
    visit = np.union1d(np.unique(later), np.flatnonzero(lineage.parent >= 0))
    visit = visit[np.argsort(rank[visit], kind="stable")]
    sorted_rank = rank[later] if len(later) else None
    parent = lineage.parent
    for x in visit.tolist():
        p = parent[x]
        if p >= 0 and state[p] != KEPT:
            state[x], by[x], best[x] = PARENT, by[p], best[p]
            continue
        if starts is None:
            continue
        i = starts[x]
        rx = rank[x]
        while i < len(later) and sorted_rank[i] == rx:
            y = a[i]
            if state[y] == KEPT:
                state[x], by[x], best[x] = DUP, y, sim[i]
                break
            i += 1
    cluster = np.ones(n, np.int64)
    held = by[state != KEPT]
    if len(held):
        np.add.at(cluster, held, 1)
    return Decisions(state, by, best, cluster)


def components(n: int, a: np.ndarray, b: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Component label per row over pairs and parent links (label = smallest row in it).

    assign() run on each component alone, in keeper order, gives the same decisions as on the whole
    stage — how a distributed engine splits the last stage (tests/curate/test_dedup.py checks it).
    """
    label = np.arange(n, dtype=np.int64)
    child = np.flatnonzero(parent >= 0)
    ea = np.concatenate([a, child]).astype(np.int64)
    eb = np.concatenate([b, parent[child]]).astype(np.int64)
    if not len(ea):
        return label
    while True:  # min-label propagation with pointer jumping; converges in O(log n) rounds
        low = np.minimum(label[ea], label[eb])
        new = label.copy()
        np.minimum.at(new, ea, low)
        np.minimum.at(new, eb, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new
