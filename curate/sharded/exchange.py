"""The data movements every distributed stage is made of, on plain Ray tasks.

* :func:`scatter` — run ``fn`` once per input; each call returns ``parts`` pieces (a hash exchange:
  piece ``p`` holds what partition ``p`` must see). :func:`column` hands partition ``p`` its piece
  from every input; the reduce side is the next :func:`scatter` or :func:`reduce`.
* :func:`lookup` — inside a task, per-row values (a parent row, a liveness bit, a signature) of rows
  held by other shards: the rows are grouped by owner shard and each owner's array is fetched from
  the object store once, one owner at a time, so a task holds at most two shards' arrays.
* :func:`to_owners` / :func:`via_owners` — rows sent to the shard that owns them, through ``parts``
  partitions (never shards × shards pieces), and worked on there beside that shard's arrays.

Why Ray tasks rather than Ray Data's ``groupby``/``join`` for the global stages: the pieces are
numpy arrays of a few bytes per row, and a stage is a handful of tasks per partition with no actor
pool to start, so a stage costs milliseconds of scheduling on a small cluster; the order inside a
partition is fixed by sorting, never by arrival, which keeps the answer identical to the local
engine's. Objects returned by a task are owned by the driver, so they outlive the task.

Every task here runs with ``RAY_max_direct_call_object_size=0`` (:data:`RUNTIME_ENV`): its results go to
the object store, whatever their size. By default Ray returns a result under 100 KiB inline to its owner
— the driver — which then holds it and serves it to every task that reads it: with 40 shards of 5k rows
the per-shard arrays (lineage links, states) are just under that limit, every settle and lineage task
read all 40 of them through the driver, and the driver grew to 684 MB (flat at ~270 MB now, measured
in docs/scale.md).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np


#: Merged by Ray with the job's own runtime env (a task's ``env_vars`` add to the job's).
RUNTIME_ENV = {"env_vars": {"RAY_max_direct_call_object_size": "0"}}


def remote(fn: Callable, num_returns: int = 1):
    """``fn`` as a Ray task (one CPU) returning ``num_returns`` objects, all in the object store."""
    import ray

    return ray.remote(num_cpus=1, num_returns=num_returns, max_retries=1, runtime_env=RUNTIME_ENV)(fn)


def _call(fn: Callable, parts: int | None, n_pieces: int, *args: Any):
    """``fn`` over (pieces resolved into a list, when ``n_pieces``) and the other arguments; with
    ``parts`` set, ``fn`` returns that many pieces (one object when 1)."""
    out = fn(list(args[:n_pieces]), *args[n_pieces:]) if n_pieces >= 0 else fn(*args)
    if parts is None:
        return out
    return out[0] if parts == 1 else tuple(out)


def scatter(fn: Callable, inputs: Sequence[tuple], parts: int) -> list[list]:
    """``fn(*args)`` for each args tuple as a task returning ``parts`` pieces: refs[input][part]."""
    task = remote(_call, parts)
    refs = [task.remote(fn, parts, -1, *args) for args in inputs]
    return [[r] if parts == 1 else list(r) for r in refs]


def column(refs: list[list], part: int) -> list:
    """The pieces for partition ``part`` from every input of a :func:`scatter`."""
    return [row[part] for row in refs]


def reduce(fn: Callable, pieces: list, *extra: Any, parts: int | None = None):
    """``fn(pieces, *extra)`` as one task (the pieces, refs, resolved into a list first): one
    object, or with ``parts`` a list of that many pieces for the next exchange."""
    task = remote(_call, parts or 1)
    out = task.remote(fn, parts, len(pieces), *pieces, *extra)
    if parts is None:
        return out
    return [out] if parts == 1 else list(out)


def get(refs):
    import ray

    return ray.get(refs)


def owner_of(rows: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """The shard holding each global row (``offsets``: first row of every shard, plus the total)."""
    return np.searchsorted(offsets, rows, side="right") - 1


def split_by(values: dict[str, np.ndarray], dest: np.ndarray, parts: int) -> list[dict[str, np.ndarray]]:
    """Rows of a column dict split into ``parts`` dicts by destination (order inside kept)."""
    order = np.argsort(dest, kind="stable")
    bounds = np.searchsorted(dest[order], np.arange(parts + 1))
    return [{k: v[order[bounds[p] : bounds[p + 1]]] for k, v in values.items()} for p in range(parts)]


def concat(pieces: list[dict[str, np.ndarray]], keys: Sequence[str], dtypes: dict[str, Any]) -> dict[str, np.ndarray]:
    """Pieces of a column dict joined into one (empty columns of the right type when none)."""
    return {k: np.concatenate([p[k] for p in pieces]) if pieces else np.empty(0, dtypes[k]) for k in keys}


def lookup(refs: Sequence, offsets: np.ndarray, rows: np.ndarray, field: str) -> np.ndarray:
    """``field`` of each global row in ``rows``, from the per-shard objects ``refs`` (dicts of
    arrays with ``field`` indexed by the row's position in its shard), one owner shard at a time."""
    import ray

    rows = np.asarray(rows, np.int64)
    owner = owner_of(rows, offsets)
    out = None
    for j in np.unique(owner).tolist():
        sel = np.flatnonzero(owner == j)
        values = ray.get(refs[j])[field]
        local = rows[sel] - offsets[j]
        got = values[local] if isinstance(values, np.ndarray) else values.take(local).to_numpy(zero_copy_only=False)
        if out is None:
            out = np.empty((len(rows), *got.shape[1:]), got.dtype)
        out[sel] = got
        del values
    if out is None:
        return np.empty(0, np.int64)
    return out


def _regroup(pieces: list[dict], key: str, offsets: np.ndarray, parts: int, first: int) -> list[dict]:
    """Partition ``first`` of a shard-to-shard exchange: its pieces joined (in sender order) and split
    by owner shard — the shards ``first``, ``first + parts``, … that it serves."""
    d = {k: np.concatenate([p[k] for p in pieces]) for k in pieces[0]}
    owners = len(range(first, len(offsets) - 1, parts))
    return split_by(d, owner_of(d[key], offsets) // parts, owners)


def to_owners(routed: list[list], key: str, offsets: np.ndarray, parts: int) -> list[list]:
    """Rows sent to the shards that own them (``key``: their global row), in two hops: ``routed`` is a
    scatter's refs split by ``owner % parts`` (:func:`by_owner`); one task per partition splits its
    rows by owner. The result has :func:`scatter`'s shape (one row, one piece per owner shard), for
    :func:`column` and :func:`via_owners`.

    Why two hops: splitting every shard's rows straight by owner makes shards × shards objects per
    exchange (1M at 1,000 shards, nearly all empty, each with its entry on the driver); through
    ``parts`` partitions it is shards × parts + shards, and the rows of each owner keep the sender
    order they had."""
    shards = len(offsets) - 1
    out: list = [None] * shards
    for p in range(min(parts, shards)):
        mine = list(range(p, shards, parts))
        refs = reduce(_regroup, column(routed, p), key, offsets, parts, p, parts=len(mine))
        for j, i in enumerate(mine):
            out[i] = refs[j]
    return [out]


def by_owner(values: dict[str, np.ndarray], rows: np.ndarray, offsets: np.ndarray, parts: int) -> list[dict]:
    """The sending half of :func:`to_owners`: rows split by ``owner shard % parts``."""
    return split_by(values, owner_of(rows, offsets) % parts, parts)


def _at_owner(pieces: list[dict], owned: Any, lo: int, fn: Callable, parts: int) -> list[dict]:
    return fn(pieces, owned, lo, parts)


def via_owners(routed: list[list], owned: Sequence, offsets: np.ndarray, fn: Callable, parts: int) -> list[list]:
    """Bring rows to the shard that owns them instead of fetching the shard's arrays: ``routed`` is
    a scatter's refs split by owner shard; owner ``i`` runs ``fn(its pieces, owned[i], first row,
    parts)`` once, which returns ``parts`` pieces for the next exchange. Each owner's arrays (a
    signature matrix, the ids) are read by one task, however many partitions asked."""
    return [
        reduce(_at_owner, column(routed, i), owned[i], int(offsets[i]), fn, parts, parts=parts)
        for i in range(len(owned))
    ]
