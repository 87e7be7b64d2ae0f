"""``curate_shards``: the whole sharded run — check, process, lineage, dedup stages, settle, commit.

The driver holds the shard list, per-shard object references and counts; never a record, a sketch
or a per-row array of the corpus. Output layout (``output`` appears only when the run completed)::

    output/curated/part-NNNNN.parquet   kept rows, stage schema, one part per input shard
    output/rejects/part-NNNNN.parquet   rejected input rows with every flag and score
    output/summary.json                 counts per step and reason, lineage rules, histograms, timings
    output/report/*.png                 the local report's charts (steps, CMI, length, language, script)
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from tadka.curate.config import CurateConfig
from tadka.curate.filters import GlobalStep, Step, StepContext
from tadka.curate.sharded import exchange as ex
from tadka.curate.sharded import histograms
from tadka.curate.sharded.components import decide
from tadka.curate.sharded.dedup import confirmed_pairs
from tadka.curate.sharded.lineage import lineage
from tadka.curate.sharded.process import part_name, process_shards
from tadka.curate.sharded.settle import merge, settle_shard
from tadka.curate.sharded.shards import OutputFolder, check_shards, filesystem, list_shards, read_arrow
from tadka.errors import InputError, MissingExtra, TadkaError
from tadka.executor import usable_cores

SCRATCH = "_scratch"
logger = logging.getLogger(__name__)


@dataclass
class ShardedResult:
    output: str
    shards: int
    rows_in: int
    summary: dict = field(default_factory=dict)


def _load(url: str, names: Sequence[str]) -> list:
    """A shard's meta file as (state, ids, one sketch matrix per global step)."""
    t = read_arrow(url)
    state: dict[str, Any] = {k: t.column(k).to_numpy() for k in ("own", "phash", "has", "flagged")}
    out: list = [state, {"id": t.column("id").combine_chunks()}]
    for name in names:
        state[f"ok_{name}"] = t.column(f"ok_{name}").to_numpy()
        col = t.column(f"sk_{name}").combine_chunks()
        width = col.type.byte_width
        data = np.frombuffer(col.buffers()[1], np.uint8)[col.offset * width : (col.offset + len(col)) * width]
        out.append({"sk": data.reshape(len(col), width).copy()})
    return out


def _apply(pieces: list, state: dict, decisions: dict, lo: int) -> dict:
    """The shard's state with the rows a global step (or the id guard) claimed now flagged."""
    flagged = state["flagged"].copy()
    rows = decisions["row"][decisions["state"] != 0] if "state" in decisions else decisions["row"]
    flagged[rows - lo] = True
    return {**state, "flagged": flagged}


def _guard_out(state: dict, ids: dict, lo: int, parts: int) -> list[dict]:
    from tadka.curate.dedup.lineage import id_hash

    live = np.flatnonzero(~state["flagged"])
    values = ids["id"].take(live).to_numpy(zero_copy_only=False)
    dest = np.fromiter((id_hash(v or "") % parts for v in values), np.int64, len(values))
    return ex.split_by({"id": values, "row": lo + live}, dest, parts)


def _guard(pieces: list[dict], offsets) -> list[dict]:
    """Ids seen twice among live rows: every row after the first of an id is flagged (the local guard)."""
    ids = np.concatenate([p["id"] for p in pieces]) if pieces else np.empty(0, object)
    rows = np.concatenate([p["row"] for p in pieces]) if pieces else np.empty(0, np.int64)
    order = np.argsort(rows, kind="stable")
    order = order[np.argsort(ids[order], kind="stable")]
    again = np.flatnonzero(ids[order][1:] == ids[order][:-1]) + 1
    hit = order[again]
    return ex.split_by({"id": ids[hit], "row": rows[hit]}, ex.owner_of(rows[hit], offsets), len(offsets) - 1)


def _write_summary(folder: OutputFolder, summary: dict, pngs: bool) -> None:
    """summary.json, and the report's PNGs under report/ (drawn locally, then copied to the folder)."""
    import tempfile
    from pathlib import Path

    fs, path = filesystem(folder.url("summary.json"))
    with fs.open(path, "w") as f:
        json.dump(summary, f, indent=2, ensure_ascii=False)
    if pngs:
        with tempfile.TemporaryDirectory(prefix="tadka-report-") as tmp:
            histograms.write_pngs(Path(tmp), summary["per_step"], summary["distributions"])
            fs.makedirs(filesystem(folder.url("report"))[1], exist_ok=True)
            for png in sorted(Path(tmp).glob("*.png")):
                fs.put(str(png), filesystem(folder.url("report", png.name))[1])


def default_parts(rows: int, workers: int) -> int:
    """Hash partitions of the global stages: two per worker, and at least one per 250k rows (a bucket
    partition holds ``bands`` keys per row: 32 × 40 bytes, so 250k rows is ~320 MB of keys)."""
    return max(2, 2 * workers, -(-rows // 250_000))


def _connect(workers: int) -> bool:
    """Use a running Ray (``ray.init()`` done, or ``RAY_ADDRESS``); else start a local one. True if started."""
    import ray

    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
    if not os.environ.get("RAY_ADDRESS"):
        kwargs["num_cpus"] = workers or usable_cores()
    ray.init(**kwargs)
    return True


def _workers(cfg: CurateConfig) -> CurateConfig:
    """``workers: 0`` (the default) made concrete once Ray is up: every CPU of the cluster."""
    if cfg.workers:
        return cfg
    import ray

    return dataclasses.replace(cfg, workers=max(1, int(ray.cluster_resources().get("CPU", 1))))


def _tadka_error(exc: BaseException) -> TadkaError | None:
    """The TadkaError a Ray task raised, however deeply Ray wrapped it."""
    from ray.exceptions import RayError

    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, TadkaError) and not isinstance(exc, RayError):
            return exc
        exc = getattr(exc, "cause", None) or exc.__cause__  # type: ignore[assignment]
        seen += 1
    return None


def curate_shards(
    pattern: str, output: str, cfg: CurateConfig, ctx: StepContext | None = None, *, parts: int | None = None
) -> ShardedResult:
    """Curate the Parquet shards ``pattern`` names into the folder ``output`` on Ray (module docstring)."""
    from tadka.curate.pipeline import build_steps
    from tadka.executor import ray_available

    if not ray_available():
        raise MissingExtra("ray", "ray", "curating shards (--input)")
    step_list = build_steps(cfg, ctx)
    urls = list_shards(pattern)
    rows = check_shards(urls)  # a bad shard stops the run here, before anything is written
    offsets = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
    folder = OutputFolder.create(output)
    started = False
    try:
        started = _connect(cfg.workers)
        cfg = _workers(cfg)
        summary = _run(urls, offsets, step_list, cfg, folder, parts or default_parts(int(offsets[-1]), cfg.workers))
        _write_summary(folder, summary, cfg.report)
        folder.commit(SCRATCH)
    except BaseException as exc:
        folder.abort()
        found = _tadka_error(exc)
        if found is not None and found is not exc:
            raise found from None
        raise
    finally:
        if started:
            import ray

            ray.shutdown()
    return ShardedResult(folder.final, len(urls), int(offsets[-1]), summary)


def _run(urls, offsets, step_list: Sequence[Step], cfg: CurateConfig, folder: OutputFolder, parts: int) -> dict:
    start = time.perf_counter()
    scratch = folder.url(SCRATCH)
    globals_ = [s for s in step_list if isinstance(s, GlobalStep)]
    done = process_shards(
        urls,
        offsets,
        step_list,
        scratch,
        workers=cfg.workers,
        batch_size=cfg.batch_size,
        lineage_kinds=cfg.lineage_kinds,
    )
    for i, url in enumerate(urls):
        if done[i] != offsets[i + 1] - offsets[i]:
            raise InputError(f"read {done[i]} rows, the footer says {offsets[i + 1] - offsets[i]}", file=url)
    mapped = time.perf_counter()
    names = [g.name for g in globals_]
    load = ex.remote(_load, 2 + len(names))
    loaded = [load.remote(f"{scratch}/meta/{part_name(i, 'arrow')}", names) for i in range(len(urls))]
    states, id_refs = [lo[0] for lo in loaded], [lo[1] for lo in loaded]
    lins = lineage(states, offsets, parts)
    decisions: list[list] = []
    for k, g in enumerate(globals_):
        sks = [lo[2 + k] for lo in loaded]
        pairs = confirmed_pairs(g, states, lins, sks, offsets, parts)
        dec = decide(g, states, lins, id_refs, pairs, offsets, parts)
        states = [ex.reduce(_apply, [], states[i], dec[i], int(offsets[i])) for i in range(len(urls))]
        decisions.append(dec)
    routed = ex.scatter(_guard_out, [(states[i], id_refs[i], int(offsets[i]), parts) for i in range(len(urls))], parts)
    guards = [ex.reduce(_guard, ex.column(routed, p), offsets, parts=len(urls)) for p in range(parts)]
    guard = [
        ex.reduce(
            lambda pieces: {
                "id": np.concatenate([p["id"] for p in pieces]),
                "row": np.concatenate([p["row"] for p in pieces]),
            },
            ex.column(guards, i),
        )
        for i in range(len(urls))
    ]
    states = [ex.reduce(_apply, [], states[i], guard[i], int(offsets[i])) for i in range(len(urls))]
    settle = ex.remote(settle_shard)
    refs = {"ids": id_refs, "states": states}
    partials = ex.get(
        [
            settle.remote(
                i,
                urls[i],
                scratch,
                folder.work,
                [s.name for s in step_list],
                [(g.name, g.flag) for g in globals_],
                states[i],
                lins[i],
                [d[i] for d in decisions],
                guard[i],
                refs,
                offsets,
                cfg.batch_size,
            )
            for i in range(len(urls))
        ]
    )
    summary = merge(partials)
    summary["distributions"] = histograms.merge([p["histograms"] for p in partials])
    summary.update(input=int(offsets[-1]), shards=len(urls), partitions=parts)
    summary["timings"] = {"per_record": round(mapped - start, 3), "total": round(time.perf_counter() - start, 3)}
    summary["seconds"] = summary["timings"]["total"]
    return summary
