"""Lineage over shards: each copy's parent row, lineage key and depth, as the local engine has them.

The same three results as :func:`tadka.curate.dedup.lineage.lineage_from_hashes`, in stages:

1. **parents** — a hash exchange on the id hash: every row sends (own id hash, row), every copy
   (parent hash, row); the partition that holds an id hash answers each copy with the *smallest*
   row holding its parent's id (the local engine's stable sort gives the first row), or -1;
2. **ancestors** — one round per generation: each shard looks up ``parent[anc]`` for its rows from
   the shards that own ``anc`` (:func:`exchange.lookup`), until no row has an ancestor left; rows
   still walking after 256 rounds (a parent_id cycle) stand alone, as locally;
3. **keys** — the root's key (own id hash; for a copy whose parent is absent, the parent's hash).

Per shard the result is a dict of arrays ``parent`` (global row or -1), ``key``, ``depth``, ``copy``.
"""

from __future__ import annotations

import numpy as np

from tadka.curate.sharded import exchange as ex

_U64 = np.uint64


def _ids_out(state: dict, lo: int, parts: int) -> list[dict]:
    n = len(state["own"])
    rows = np.arange(lo, lo + n, dtype=np.int64)
    want = np.flatnonzero(state["has"])
    h = np.concatenate([state["own"], state["phash"][want]])
    r = np.concatenate([rows, rows[want]])
    is_own = np.concatenate([np.ones(n, bool), np.zeros(len(want), bool)])
    return ex.split_by({"h": h, "r": r, "own": is_own}, (h % _U64(parts)).astype(np.int64), parts)


def _resolve(pieces: list[dict], offsets: np.ndarray) -> list[dict]:
    """Per copy in this partition: the smallest row holding its parent's id, or -1; split by owner shard."""
    d = ex.concat(pieces, ("h", "r", "own"), {"h": _U64, "r": np.int64, "own": bool})
    own_h, own_r = d["h"][d["own"]], d["r"][d["own"]]
    order = np.lexsort((own_r, own_h))
    sorted_h, sorted_r = own_h[order], own_r[order]
    child = d["r"][~d["own"]]
    want = d["h"][~d["own"]]
    pos = np.searchsorted(sorted_h, want)
    found = np.zeros(len(want), bool)
    ok = pos < len(sorted_h)
    found[ok] = sorted_h[pos[ok]] == want[ok]
    parent = np.full(len(want), -1, np.int64)
    parent[found] = sorted_r[pos[found]]
    parent[parent == child] = -1  # a record naming itself (malformed) stands alone
    shards = len(offsets) - 1
    return ex.split_by({"child": child, "parent": parent}, ex.owner_of(child, offsets), shards)


def _parents(pieces: list[dict], state: dict, lo: int) -> dict:
    n = len(state["own"])
    d = ex.concat(pieces, ("child", "parent"), {"child": np.int64, "parent": np.int64})
    parent = np.full(n, -1, np.int64)
    parent[d["child"] - lo] = d["parent"]
    basekey = np.where(state["has"] & (parent < 0), state["phash"], state["own"])
    return {"parent": parent, "basekey": basekey}


def _walk_start(links: dict, lo: int) -> tuple[dict, int]:
    n = len(links["parent"])
    walk = {
        "anc": links["parent"].copy(),
        "root": np.arange(lo, lo + n, dtype=np.int64),
        "depth": np.zeros(n, np.int32),
    }
    return walk, int((walk["anc"] >= 0).sum())


def _walk_step(walk: dict, link_refs: list, offsets: np.ndarray) -> tuple[dict, int]:
    """One generation: rows with an ancestor move their root up and look up the next ancestor."""
    anc, root, depth = walk["anc"].copy(), walk["root"].copy(), walk["depth"].copy()
    live = np.flatnonzero(anc >= 0)
    if len(live):
        root[live] = anc[live]
        depth[live] += 1
        anc[live] = ex.lookup(link_refs, offsets, anc[live], "parent")
    return {"anc": anc, "root": root, "depth": depth}, int((anc >= 0).sum())


def _finish(walk: dict, links: dict, state: dict, link_refs: list, offsets: np.ndarray, lo: int) -> dict:
    parent, root, depth = links["parent"].copy(), walk["root"].copy(), walk["depth"].copy()
    stuck = np.flatnonzero(walk["anc"] >= 0)  # a parent_id cycle: those rows stand alone
    parent[stuck], root[stuck], depth[stuck] = -1, lo + stuck, 0
    key = ex.lookup(link_refs, offsets, root, "basekey") if len(root) else np.empty(0, _U64)
    return {"parent": parent, "key": key.astype(_U64), "depth": depth, "copy": state["has"].copy()}


def _two(fn):
    """A task body returning two objects (a new state and a count)."""

    def call(pieces, *args):
        return list(fn(*args))

    return call


def lineage(states: list, offsets: np.ndarray, parts: int) -> list:
    """Per-shard lineage refs (dicts of ``parent``, ``key``, ``depth``, ``copy``) from per-shard state refs."""
    shards = len(states)
    routed = ex.scatter(_ids_out, [(s, int(offsets[i]), parts) for i, s in enumerate(states)], parts)
    resolved = [ex.reduce(_resolve, ex.column(routed, p), offsets, parts=shards) for p in range(parts)]
    links = [ex.reduce(_parents, ex.column(resolved, i), states[i], int(offsets[i])) for i in range(shards)]
    walks, counts = [], []
    for i in range(shards):
        w, c = ex.reduce(_two(_walk_start), [], links[i], int(offsets[i]), parts=2)
        walks.append(w), counts.append(c)
    for _ in range(256):
        if not sum(ex.get(counts)):
            break
        stepped = [ex.reduce(_two(_walk_step), [], walks[i], links, offsets, parts=2) for i in range(shards)]
        walks, counts = [s[0] for s in stepped], [s[1] for s in stepped]
    return [
        ex.reduce(lambda _p, *a: _finish(*a), [], walks[i], links[i], states[i], links, offsets, int(offsets[i]))
        for i in range(shards)
    ]
