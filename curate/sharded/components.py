"""Connected components by min-label propagation, then the keeper rule on each component.

The local engine decides keepers in one pass over the whole stage in keeper order
(:func:`tadka.curate.dedup.cluster.assign`). Its decisions inside one connected component of the
graph (confirmed pairs + links from a live copy to its live parent) depend only on that component,
so the distributed engine finds the components and runs the *same* ``assign`` on each:

1. **edges** — the confirmed pairs and the parent links, each sent both ways to the partition of
   its source row (``row % parts``); a partition holds its rows, their neighbours and a label each
   (initially the row itself);
2. **propagation** — each round every row sends its label to its neighbours' partitions and keeps
   the smallest label it hears; the driver sees only the number of labels that changed and stops at
   zero. The label is then the smallest row of the component;
3. **assign** — rows (with depth and live parent) and pairs go to the partition of their label;
   there ``assign`` runs over the union of whole components, whose rows sorted by global row give
   the local engine's keeper order. Claimed rows (state, keeper row, similarity) and the kept rows'
   cluster sizes go back to the shards that own them.
"""

from __future__ import annotations

import numpy as np

from tadka.curate.dedup.cluster import KEPT, assign
from tadka.curate.dedup.lineage import Lineage
from tadka.curate.sharded import exchange as ex

EDGE_TYPES = {"src": np.int64, "dst": np.int64}
DECISION_COLS = ("row", "state", "by", "sim", "count")
DECISION_TYPES = {"row": np.int64, "state": np.int8, "by": np.int64, "sim": np.float32, "count": np.int64}


def _parent_edges(state: dict, lin: dict, live_refs: list, offsets: np.ndarray, name: str, lo: int, parts: int):
    """Links from each live copy to its parent when the parent is live too (else the copy stands alone)."""
    live = state[f"ok_{name}"] & ~state["flagged"]
    child = np.flatnonzero(live & (lin["parent"] >= 0))
    parent = lin["parent"][child]
    if len(child):
        ok = ex.lookup(live_refs, offsets, parent, "live").astype(bool)
        child, parent = child[ok], parent[ok]
    return _both_ways(lo + child, parent, parts)


def _both_ways(a: np.ndarray, b: np.ndarray, parts: int) -> list[dict]:
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    return ex.split_by({"src": src, "dst": dst}, src % parts, parts)


def _pair_edges(pairs: dict, parts: int) -> list[dict]:
    return _both_ways(pairs["a"], pairs["b"], parts)


def _graph(pieces: list[dict]) -> dict:
    d = ex.concat(pieces, ("src", "dst"), EDGE_TYPES)
    nodes = np.unique(d["src"])
    return {"nodes": nodes, "label": nodes.copy(), "src": np.searchsorted(nodes, d["src"]), "dst": d["dst"]}


def _send(graph: dict, parts: int) -> list[dict]:
    label = graph["label"][graph["src"]]
    return ex.split_by({"node": graph["dst"], "label": label}, graph["dst"] % parts, parts)


def _receive(pieces: list[dict], graph: dict) -> list:
    d = ex.concat(pieces, ("node", "label"), {"node": np.int64, "label": np.int64})
    label = graph["label"].copy()
    np.minimum.at(label, np.searchsorted(graph["nodes"], d["node"]), d["label"])
    changed = int((label != graph["label"]).sum())
    return [{**graph, "label": label}, changed]


def _to_components(graph: dict, pairs: dict, lin_refs: list, offsets: np.ndarray, parts: int) -> list[dict]:
    """Rows (depth, live parent) and pairs, each sent to the partition of its component's label."""
    nodes, label = graph["nodes"], graph["label"]
    depth = ex.lookup(lin_refs, offsets, nodes, "depth") if len(nodes) else np.empty(0, np.int32)
    parent = ex.lookup(lin_refs, offsets, nodes, "parent") if len(nodes) else np.empty(0, np.int64)
    pair_label = label[np.searchsorted(nodes, pairs["a"])] if len(pairs["a"]) else np.empty(0, np.int64)
    node_parts = ex.split_by({"row": nodes, "depth": depth, "parent": parent}, label % parts, parts)
    pair_parts = ex.split_by(pairs, pair_label % parts, parts)
    return [{"nodes": n, "pairs": p} for n, p in zip(node_parts, pair_parts)]


def _assign(pieces: list[dict], offsets: np.ndarray) -> list[dict]:
    """The local engine's keeper rule over whole components; decisions split by owner shard."""
    nodes = ex.concat(
        [p["nodes"] for p in pieces],
        ("row", "depth", "parent"),
        {"row": np.int64, "depth": np.int32, "parent": np.int64},
    )
    pairs = ex.concat(
        [p["pairs"] for p in pieces], ("a", "b", "sim"), {"a": np.int64, "b": np.int64, "sim": np.float32}
    )
    order = np.argsort(nodes["row"])
    rows, depth, parent = nodes["row"][order], nodes["depth"][order], nodes["parent"][order]
    m = len(rows)
    # a parent outside the component is not live (the edge was not made): the copy stands alone
    pos = np.searchsorted(rows, parent)
    inside = (parent >= 0) & (pos < m) & (rows[np.minimum(pos, max(m - 1, 0))] == parent) if m else parent >= 0
    local_parent = np.where(inside, pos, -1).astype(np.int64)
    lineage = Lineage(local_parent, np.zeros(m, np.uint64), depth.astype(np.int32), np.zeros(m, bool))
    dec = assign(m, np.searchsorted(rows, pairs["a"]), np.searchsorted(rows, pairs["b"]), pairs["sim"], lineage)
    claimed = dec.state != KEPT
    keep = claimed | (dec.cluster > 1)
    by = np.where(claimed, rows[np.maximum(dec.by, 0)], -1)
    out = {
        "row": rows[keep],
        "state": dec.state[keep],
        "by": by[keep],
        "sim": dec.sim[keep],
        "count": dec.cluster[keep],
    }
    return ex.split_by(out, ex.owner_of(out["row"], offsets), len(offsets) - 1)


def decide(step, states, lins, pair_refs, offsets: np.ndarray, parts: int) -> list:
    """Per shard, a ref to the decisions of ``step`` (rows claimed, and kept rows with a cluster)."""
    shards = len(states)
    live_refs = [ex.reduce(lambda _p, s, n: {"live": s[f"ok_{n}"] & ~s["flagged"]}, [], s, step.name) for s in states]
    inputs = [(states[i], lins[i], live_refs, offsets, step.name, int(offsets[i]), parts) for i in range(shards)]
    from_parents = ex.scatter(_parent_edges, inputs, parts)
    from_pairs = ex.scatter(_pair_edges, [(r, parts) for r in pair_refs], parts)
    graphs = [ex.reduce(_graph, ex.column(from_parents, p) + ex.column(from_pairs, p)) for p in range(parts)]
    for _ in range(10_000):  # rounds: the longest shortest path of a component, plus one
        sent = ex.scatter(_send, [(g, parts) for g in graphs], parts)
        rounds = [ex.reduce(_receive, ex.column(sent, p), graphs[p], parts=2) for p in range(parts)]
        graphs = [r[0] for r in rounds]
        if not sum(ex.get([r[1] for r in rounds])):
            break
    inputs = [(graphs[p], pair_refs[p], lins, offsets, parts) for p in range(parts)]
    grouped = ex.scatter(_to_components, inputs, parts)
    decided = [ex.reduce(_assign, ex.column(grouped, p), offsets, parts=shards) for p in range(parts)]
    return [
        ex.reduce(lambda pieces: ex.concat(pieces, DECISION_COLS, DECISION_TYPES), ex.column(decided, i))
        for i in range(shards)
    ]
