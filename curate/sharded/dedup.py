"""Exact and near dedup as distributed stages, giving the local engine's pairs exactly.

Per global step, over the rows that are *live* (their sketch succeeded and no earlier step flagged
them — rejected records never take part, so they never bridge two clusters):

1. **keys** (one task per shard): exact dedup's 128-bit content hash, or near dedup's band keys
   (:meth:`MinHashDedup.band_key` over each band of the signature, ``bands × rows`` from
   :func:`lsh_params`), each sent with (row, depth, lineage key) to the partition of its
   (band, key) — every bucket lands whole in one partition;
2. **buckets → pairs** (one task per partition): per band, :func:`pairs_from_keys` — the local
   engine's own function — with the rank taken from keeper order (depth, row) inside the partition,
   which orders a bucket exactly as the global rank does (the same pairs, the same 64-member cap);
   pairs inside one lineage are dropped; the pairs go to the partition of their first row;
3. **confirm** (one task per partition): pairs found in several bands kept once; near dedup looks
   up both signatures from the shards that hold them and keeps a pair when the share of agreeing
   permutations reaches the threshold (the same float32 the local engine computes).

The result is, per partition, the confirmed pairs (a, b, sim) with a before b in keeper order —
the input of :mod:`tadka.curate.sharded.components`.
"""

from __future__ import annotations

import numpy as np

from tadka.curate.dedup.cluster import pairs_from_keys
from tadka.curate.dedup.minhash import MinHashDedup, lsh_params
from tadka.curate.sharded import exchange as ex

_U64 = np.uint64
_BAND_MIX = _U64(0xD6E8FEB86659FD93)
KEY_COLS = ("k0", "k1", "band", "row", "depth", "lkey")
KEY_TYPES = {"k0": _U64, "k1": _U64, "band": np.int32, "row": np.int64, "depth": np.int32, "lkey": _U64}
PAIR_COLS = ("a", "b", "sim")
PAIR_TYPES = {"a": np.int64, "b": np.int64, "sim": np.float32}


def is_near(step) -> bool:
    return isinstance(step, MinHashDedup)


def live_rows(state: dict, name: str) -> np.ndarray:
    return state[f"ok_{name}"] & ~state["flagged"]


def _keys_out(state: dict, lin: dict, sk: dict, step, lo: int, parts: int, band_range: tuple[int, int]) -> list[dict]:
    live = np.flatnonzero(live_rows(state, step.name))
    rows, depth, lkey = lo + live, lin["depth"][live], lin["key"][live]
    if not is_near(step):
        k = np.ascontiguousarray(sk["sk"][live]).view(_U64).reshape(len(live), sk["sk"].shape[1] // 8)
        cols = {"k0": k[:, 0], "k1": k[:, 1], "band": np.zeros(len(live), np.int32)}
        cols.update(row=rows, depth=depth, lkey=lkey)
        return ex.split_by(cols, (cols["k0"] % _U64(parts)).astype(np.int64), parts)
    bands, per = lsh_params(step.threshold, step.num_perm)
    sig = np.ascontiguousarray(sk["sk"][live]).view(np.uint32).reshape(len(live), step.num_perm)
    first, last = band_range
    k0 = np.concatenate([MinHashDedup.band_key(sig[:, b * per : (b + 1) * per]) for b in range(first, last)])
    band = np.repeat(np.arange(first, last, dtype=np.int32), len(live))
    cols = {"k0": k0, "k1": np.zeros(len(k0), _U64), "band": band}
    n = last - first
    cols.update(row=np.tile(rows, n), depth=np.tile(depth, n), lkey=np.tile(lkey, n))
    dest = ((k0 ^ (band.astype(_U64) * _BAND_MIX)) % _U64(parts)).astype(np.int64)
    return ex.split_by(cols, dest, parts)


def _bucket_pairs(pieces: list[dict], exact: bool, offsets: np.ndarray) -> list[dict]:
    """Pairs of every (band, key) bucket in this partition, in keeper order; split by the shard of the first row."""
    d = ex.concat(pieces, KEY_COLS, KEY_TYPES)
    a_parts, b_parts = [], []
    for band in np.unique(d["band"]).tolist():
        sel = np.flatnonzero(d["band"] == band)
        row, depth, lkey = d["row"][sel], d["depth"][sel], d["lkey"][sel]
        order = np.lexsort((row, depth))  # keeper order: (depth, row)
        rank = np.empty(len(sel), np.int64)
        rank[order] = np.arange(len(sel))
        keys = np.stack([d["k0"][sel], d["k1"][sel]], axis=1) if exact else d["k0"][sel]
        a, b = pairs_from_keys(keys, rank)
        other = lkey[a] != lkey[b]  # a copy is never its parent's or sibling's duplicate
        a_parts.append(row[a[other]]), b_parts.append(row[b[other]])
    a = np.concatenate(a_parts) if a_parts else np.empty(0, np.int64)
    b = np.concatenate(b_parts) if b_parts else np.empty(0, np.int64)
    return ex.split_by({"a": a, "b": b}, ex.owner_of(a, offsets), len(offsets) - 1)


def _with_first(step, offsets: np.ndarray):
    """At the shard of ``a``: pairs found in several bands kept once, ``a``'s signature attached;
    on to the shard of ``b`` (exact pairs need no signature: straight to their partition)."""

    def at_owner(pieces: list[dict], sk: dict, lo: int, parts: int) -> list[dict]:
        d = ex.concat(pieces, ("a", "b"), {"a": np.int64, "b": np.int64})
        total = int(offsets[-1])
        code = np.unique(d["a"] * total + d["b"])
        a, b = code // total, code % total
        if not is_near(step):
            return ex.split_by({"a": a, "b": b, "sim": np.ones(len(a), np.float32)}, a % parts, parts)
        return ex.by_owner({"a": a, "b": b, "sig_a": sk["sk"][a - lo]}, b, offsets, parts)

    return at_owner


def _compare(step):
    """At the shard of ``b``: the share of agreeing permutations (the local engine's float32); pairs
    at or above the threshold go on to the partition of ``a``."""

    def at_owner(pieces: list[dict], sk: dict, lo: int, parts: int) -> list[dict]:
        a = np.concatenate([p["a"] for p in pieces]) if pieces else np.empty(0, np.int64)
        b = np.concatenate([p["b"] for p in pieces]) if pieces else np.empty(0, np.int64)
        width = sk["sk"].shape[1]
        sig_a = np.concatenate([p["sig_a"] for p in pieces]) if pieces else np.empty((0, width), np.uint8)
        sig_b = np.ascontiguousarray(sk["sk"][b - lo])
        agree = (sig_a.view(np.uint32) == sig_b.view(np.uint32)).sum(axis=1).astype(np.int32)
        sim = (agree / step.num_perm).astype(np.float32)
        keep = sim >= step.threshold
        return ex.split_by({"a": a[keep], "b": b[keep], "sim": sim[keep]}, a[keep] % parts, parts)

    return at_owner


#: Bytes of band keys in flight per round (40 bytes per live row and band): past it, near dedup runs
#: its bands in rounds, so the bucket exchange never holds more than this across the cluster.
KEYS_IN_FLIGHT = 4 << 30


def band_rounds(step, rows: int) -> list[tuple[int, int]]:
    """The band ranges handled one round at a time (one round, all bands, up to ~25M rows)."""
    if not is_near(step):
        return [(0, 1)]
    bands, _ = lsh_params(step.threshold, step.num_perm)
    rounds = max(1, min(bands, -(-rows * bands * 40 // KEYS_IN_FLIGHT)))
    return [(int(g[0]), int(g[-1]) + 1) for g in np.array_split(np.arange(bands), rounds)]


def _unique_pairs(pieces: list[dict]) -> dict:
    """The confirmed pairs of one partition, each once (rounds of bands may confirm a pair twice)."""
    d = ex.concat(pieces, PAIR_COLS, PAIR_TYPES)
    if not len(d["a"]):
        return d
    span = int(max(d["a"].max(), d["b"].max())) + 1
    _, first = np.unique(d["a"] * span + d["b"], return_index=True)
    return {k: v[first] for k, v in d.items()}


def confirmed_pairs(step, states: list, lins: list, sks: list, offsets: np.ndarray, parts: int) -> list:
    """Per partition (``a % parts``), a ref to the confirmed pairs of ``step`` among the live rows.

    Signatures never travel to the pairs in bulk: pairs go to the shard of ``a`` (which attaches
    ``a``'s signature), then to the shard of ``b`` (which compares), so each shard's signature
    matrix is read by one task per stage and round."""
    shards = len(states)
    exact = not is_near(step)
    rounds = []
    for band_range in band_rounds(step, int(offsets[-1])):
        inputs = [(states[i], lins[i], sks[i], step, int(offsets[i]), parts, band_range) for i in range(shards)]
        keyed = ex.scatter(_keys_out, inputs, parts)
        buckets = [ex.reduce(_bucket_pairs, ex.column(keyed, p), exact, offsets, parts=shards) for p in range(parts)]
        if exact:
            rounds.append(ex.via_owners(buckets, sks, offsets, _with_first(step, offsets), parts))
        else:
            at_b = ex.to_owners(
                ex.via_owners(buckets, sks, offsets, _with_first(step, offsets), parts), "b", offsets, parts
            )
            rounds.append(ex.via_owners(at_b, sks, offsets, _compare(step), parts))
    return [ex.reduce(_unique_pairs, [piece for r in rounds for piece in ex.column(r, p)]) for p in range(parts)]
