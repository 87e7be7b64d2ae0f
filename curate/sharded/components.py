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


def _parent_links(state: dict, lin: dict, name: str, lo: int, parts: int, offsets: np.ndarray) -> list[dict]:
    """Each live copy's link to its parent, sent to the parent's shard (which knows if it is live)."""
    live = state[f"ok_{name}"] & ~state["flagged"]
    child = np.flatnonzero(live & (lin["parent"] >= 0))
    parent = lin["parent"][child]
    return ex.by_owner({"child": lo + child, "parent": parent}, parent, offsets, parts)


def _live_parent_edges(name: str):
    """At the parent's shard: links whose parent is live too become edges (else the copy stands alone)."""

    def at_owner(pieces: list[dict], state: dict, lo: int, parts: int) -> list[dict]:
        d = ex.concat(pieces, ("child", "parent"), {"child": np.int64, "parent": np.int64})
        live = state[f"ok_{name}"] & ~state["flagged"]
        ok = live[d["parent"] - lo]
        return _both_ways(d["child"][ok], d["parent"][ok], parts)

    return at_owner


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


def _nodes_out(graph: dict, offsets: np.ndarray) -> list[dict]:
    nodes = {"row": graph["nodes"], "label": graph["label"]}
    return ex.split_by(nodes, ex.owner_of(graph["nodes"], offsets), len(offsets) - 1)


def _with_lineage(pieces: list[dict], lin: dict, lo: int, parts: int) -> list[dict]:
    """At the row's shard: its depth and parent attached; on to the partition of its component."""
    d = ex.concat(pieces, ("row", "label"), {"row": np.int64, "label": np.int64})
    d["depth"], d["parent"] = lin["depth"][d["row"] - lo], lin["parent"][d["row"] - lo]
    return ex.split_by(d, d["label"] % parts, parts)


def _pairs_out(graph: dict, pairs: dict, parts: int) -> list[dict]:
    label = graph["label"][np.searchsorted(graph["nodes"], pairs["a"])] if len(pairs["a"]) else pairs["a"]
    return ex.split_by(pairs, label % parts, parts)


def _assign(pieces: list[dict], n_node_pieces: int, offsets: np.ndarray) -> list[dict]:
    """The local engine's keeper rule over whole components; decisions split by the keeper's shard
    (which attaches the keeper's id)."""
    node_types = {"row": np.int64, "label": np.int64, "depth": np.int32, "parent": np.int64}
    nodes = ex.concat(pieces[:n_node_pieces], ("row", "depth", "parent"), node_types)
    pairs = ex.concat(pieces[n_node_pieces:], ("a", "b", "sim"), {"a": np.int64, "b": np.int64, "sim": np.float32})
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
    by = np.where(claimed, rows[np.maximum(dec.by, 0)], rows)  # a keeper routes to its own shard
    out = {
        "row": rows[keep],
        "state": dec.state[keep],
        "by": by[keep],
        "sim": dec.sim[keep],
        "count": dec.cluster[keep],
    }
    return ex.split_by(out, ex.owner_of(out["by"], offsets), len(offsets) - 1)


def _with_keeper_id(offsets: np.ndarray):
    """At the keeper's shard: the keeper's id attached; on to the shard of the decided row."""

    def at_owner(pieces: list[dict], ids: dict, lo: int, parts: int) -> list[dict]:
        d = ex.concat(pieces, DECISION_COLS, DECISION_TYPES)
        d["kid"] = ids["id"].take(d["by"] - lo).to_numpy(zero_copy_only=False).astype(object)
        return ex.by_owner(d, d["row"], offsets, parts)

    return at_owner


def decide(step, states, lins, ids, pair_refs, offsets: np.ndarray, parts: int) -> list:
    """Per shard, a ref to the decisions of ``step`` for its rows (claimed rows with their keeper's
    row and id; kept rows with a cluster)."""
    shards = len(states)
    inputs = [(states[i], lins[i], step.name, int(offsets[i]), parts, offsets) for i in range(shards)]
    links = ex.to_owners(ex.scatter(_parent_links, inputs, parts), "parent", offsets, parts)
    from_parents = ex.via_owners(links, states, offsets, _live_parent_edges(step.name), parts)
    from_pairs = ex.scatter(_pair_edges, [(r, parts) for r in pair_refs], parts)
    graphs = [ex.reduce(_graph, ex.column(from_parents, p) + ex.column(from_pairs, p)) for p in range(parts)]
    for _ in range(10_000):  # rounds: the longest shortest path of a component, plus one
        sent = ex.scatter(_send, [(g, parts) for g in graphs], parts)
        rounds = [ex.reduce(_receive, ex.column(sent, p), graphs[p], parts=2) for p in range(parts)]
        graphs = [r[0] for r in rounds]
        if not sum(ex.get([r[1] for r in rounds])):
            break
    by_owner = ex.scatter(_nodes_out, [(g, offsets) for g in graphs], shards)
    nodes = ex.via_owners(by_owner, lins, offsets, _with_lineage, parts)
    pairs = ex.scatter(_pairs_out, [(graphs[p], pair_refs[p], parts) for p in range(parts)], parts)
    decided = [
        ex.reduce(_assign, ex.column(nodes, q) + ex.column(pairs, q), shards, offsets, parts=shards)
        for q in range(parts)
    ]
    named = ex.to_owners(ex.via_owners(decided, ids, offsets, _with_keeper_id(offsets), parts), "row", offsets, parts)
    cols, types = (*DECISION_COLS, "kid"), {**DECISION_TYPES, "kid": object}
    return [ex.reduce(lambda pieces: ex.concat(pieces, cols, types), ex.column(named, i)) for i in range(shards)]
