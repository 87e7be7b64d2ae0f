"""Figures for `tadka curate`: speed and memory (beside datatrove), dedup, junk, PII (beside Presidio), the tour.

Every part prints one JSON line. Peers run in their own venvs (bench/README.md says how to make them);
a part whose peer is missing says so and prints tadka's figures alone. Run:

    python bench/curate.py                      # every part
    python bench/curate.py --part speed --n 50000
    python bench/curate.py --part threshold     # near-dedup precision/recall by threshold
    python bench/curate.py --part seeds|tour|junk|pii|ray

Parts:
  speed      N synthetic Hinglish chats (5 % planted near-duplicates), written once as a workspace stage
             and as datatrove JSONL. In a fresh process pinned to one core: `curate()` on the workspace —
             the default pipeline (every step, MinHash included), the default without MinHash, and the
             steps datatrove also runs (length, repetition, minhash); records per CPU-second and peak RSS
             of that process. Then the default pipeline as `tadka curate` runs it (`workers: 0`, worker
             processes on every usable core): records per second of wall time, CPU of the parent and
             its workers, the parent's and the largest worker's peak RSS. Then datatrove's offline
             pipeline on the same records (bench/peers/).
  threshold  425 seed tasks + copies with 1–10 character edits; per threshold: copies removed (1–6 and
             7–10 edits), distinct related tasks (same domain) wrongly merged, tasks left without a record.
  seeds      the acceptance check: seeds + copies with 1–6 edits at the default threshold.
  tour       README tour: generate 300 → augment --preset phone-typing --copies 2 → curate → export.
  junk       junk kept / good shipped records dropped (bench/curate_junk.py, bench/junk_rounds.md).
  pii        tadka vs Presidio on the held-out labelled set (bench/curate_eval.py).
  ray        the local engine vs Ray with 2 workers on the same records.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from curate_eval import PEERS  # noqa: E402

NO_MINHASH = ["length", "repetition", "language", "refusal", "profanity", "pii", "decontam", "judge", "dedup"]
LIKE_DATATROVE = ["length", "repetition", "minhash"]


def peak_mb() -> float:
    """This process's own peak RSS. VmHWM, where Linux has it: ru_maxrss survives exec, so a child
    started by a large parent would report the parent's size (the bench parent once held the 50k
    input records, and every child then read 347 MB whatever it used)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def make(n: int):
    from tests.curate.synth import plant_near_dups, records

    recs, _ = plant_near_dups(records(n, seed=11), share=0.05, max_rate=0.05, seed=12)
    return recs[:n]  # exactly n: 5 % edited copies inserted at random places, the tail cut


# -- speed and memory ----------------------------------------------------------------------------
def write_inputs(n: int, folder: Path) -> None:
    """The same n records as a workspace stage (tadka) and as JSONL documents (datatrove)."""
    from tadka.workspace import Workspace

    recs = make(n)
    ws = Workspace.init(folder / "ws")
    ws.write_stage("imported", recs)
    (folder / "docs").mkdir()
    with open(folder / "docs" / "docs.jsonl", "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps({"id": r.id, "text": r.text()}, ensure_ascii=False) + "\n")


class PssPeak:
    """The largest sum of PSS over this process and its children (psutil), sampled every 0.2 s: what a
    forked worker shares with its parent is counted once (split between them), unlike RSS."""

    def __init__(self) -> None:
        import threading

        self.peak, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.wait(0.2):
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_full_info().pss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
            self.peak = max(self.peak, total / 2**20)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def child_curate(ws_path: str, steps: list[str], workers: int = 1, report: bool = False) -> None:
    """In a fresh process: `curate()` over the workspace; prints the figures. One worker: pinned to one
    core (the per-core figure); 0: the default, worker processes on every usable core. ``report``: also
    write the curate report (PNG plots from a sample), as `tadka curate` does by default."""
    if workers == 1:
        pin()
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate
    from tadka.executor import usable_cores
    from tadka.workspace import Workspace

    ws = Workspace(Path(ws_path))
    n = json.loads((ws.stage_path("imported") / "tadka_stage.json").read_text())["rows"]  # (no datasets import)
    pss = PssPeak() if workers != 1 and Path("/proc/self/smaps_rollup").exists() else None
    t, c = time.perf_counter(), time.process_time()
    result = curate(ws, CurateConfig(steps=steps, report=report, workers=workers))
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    pss_peak = pss.stop() if pss else None
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes, reaped when their pool closed
    cpu += kids.ru_utime + kids.ru_stime
    out = result.outcome
    figures = {
        "steps": steps,
        "records": n,
        "workers": workers or usable_cores(),
        "seconds": round(secs, 2),
        "records_per_s": round(n / secs),
        "cpu_s": round(cpu, 2),
        "records_per_cpu_s": round(n / cpu),
        "kept": out.curated.num_rows,
        "peak_rss_mb": round(peak_mb()),
        "timings": out.timings,
    }
    if workers != 1:  # each worker's RSS counts the pages it shares with the parent it was forked from
        figures["largest_worker_peak_rss_mb"] = round(kids.ru_maxrss / 1024)
        if pss_peak is not None:
            figures["peak_pss_all_processes_mb"] = round(pss_peak)
    print(json.dumps(figures))


def _run_child(ws: Path, steps: list[str], workers: int = 1, report: bool = False) -> dict:
    args = [
        "--child",
        str(ws),
        "--steps",
        ",".join(steps),
        "--workers",
        str(workers),
        *(["--report"] if report else []),
    ]
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=3600)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def part_speed(n: int) -> dict:
    from tadka.curate.config import CurateConfig

    with tempfile.TemporaryDirectory(prefix="tadka-bench-") as tmp:
        tmp = Path(tmp)
        # in a child, so that this process stays small: a peer's ru_maxrss starts from the size of
        # the process that started it (see peak_mb)
        subprocess.run([sys.executable, __file__, "--write-inputs", str(tmp), "--n", str(n)], check=True, timeout=3600)
        out: dict = {
            "part": "speed",
            "records": n,
            "cpu": os.cpu_count(),
            "input": "synthetic Hinglish chats, 5 % planted near-duplicates (tests/curate/synth.py)",
        }
        out["tadka_default"] = _run_child(tmp / "ws", CurateConfig().steps)
        out["tadka_default_every_core"] = _run_child(tmp / "ws", CurateConfig().steps, workers=0)
        # `tadka curate` as users run it: every core, and the report with its plots
        out["tadka_curate_command"] = _run_child(tmp / "ws", CurateConfig().steps, workers=0, report=True)
        out["tadka_default_without_minhash"] = _run_child(tmp / "ws", NO_MINHASH)
        out["tadka_like_datatrove"] = _run_child(tmp / "ws", LIKE_DATATROVE)
        python = PEERS / "datatrove" / "bin" / "python"
        if not python.exists():
            out["datatrove"] = f"not run: {python} missing (bench/README.md)"
            return out
        proc = subprocess.run(
            [str(python), str(ROOT / "bench" / "peers" / "datatrove_curate.py"), str(tmp / "docs"), str(tmp / "dt")],
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if proc.returncode:
            out["datatrove"] = f"failed: {proc.stderr[-1500:]}"
            return out
        dt = json.loads(proc.stdout.strip().splitlines()[-1])
        dt["records_per_cpu_s"] = round(n / dt["cpu_s"])
        out["datatrove"] = dt
        out["ratio_per_core"] = {
            k: round(out[k]["records_per_cpu_s"] / dt["records_per_cpu_s"], 2)
            for k in ("tadka_default", "tadka_like_datatrove")
        }
    return out


# -- dedup ---------------------------------------------------------------------------------------
def part_threshold() -> dict:
    """Precision/recall of near dedup by threshold: the seed tasks, one copy each with 1–10 character
    edits, and the distinct-but-related pairs (two different tasks of one domain)."""
    import difflib
    import itertools

    import numpy as np

    from tadka.curate.config import CurateConfig
    from tadka.curate.dedup.minhash import MinHashDedup
    from tadka.curate.pipeline import curate_records
    from tests.curate.synth import plant_char_edits, seed_records

    seeds = seed_records()
    mixed, origin = plant_char_edits(seeds, (1, 10), copies=1, seed=21)
    by_id = {r.id: r for r in mixed}
    edits = {}  # copy → character edits actually made (an insertion next to a deletion can cancel)
    for cid, oid in origin.items():
        ops = difflib.SequenceMatcher(None, by_id[oid].text(), by_id[cid].text(), autojunk=False).get_opcodes()
        edits[cid] = sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal")
    task_of = {r.id: r.id for r in seeds} | origin
    domain = {r.id: r.source["recipe"] for r in seeds}
    sigs = MinHashDedup().signatures([r.text() for r in seeds])
    related = np.array(
        [
            (sigs[i] == sigs[j]).mean()
            for i, j in itertools.combinations(range(len(seeds)), 2)
            if domain[seeds[i].id] == domain[seeds[j].id]
        ]
    )
    rows = []
    for th in (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8):
        out = curate_records(mixed, CurateConfig(steps=["minhash"], minhash_threshold=th))
        per_task: dict[str, int] = {}
        for k in out.curated["id"].to_pylist():
            per_task[task_of[k]] = per_task.get(task_of[k], 0) + 1
        flags = [(rid, f) for rid, fs in zip(out.rows["id"].to_pylist(), out.rows["flags"].to_pylist()) for f in fs]
        wrong = sum(task_of[f.split(":", 1)[1]] != task_of[rid] for rid, f in flags)

        def removed(lo: int, hi: int, per_task: dict = per_task) -> float:
            mine = [cid for cid, e in edits.items() if lo <= e <= hi]
            return round(sum(per_task.get(origin[c], 0) == 1 for c in mine) / max(1, len(mine)), 4)

        rows.append(
            {
                "threshold": th,
                "copies_removed_1_6_edits": removed(1, 6),
                "copies_removed_7_10_edits": removed(7, 10),
                "precision": round(1 - wrong / max(1, len(flags)), 4),
                "related_pairs_at_or_above": int((related >= th).sum()),
                "tasks_without_a_record": len(seeds) - len(per_task),
            }
        )
    return {
        "part": "threshold",
        "tasks": len(seeds),
        "copies": len(origin),
        "related_pairs": len(related),
        "related_max_similarity": round(float(related.max()), 3),
        "default": CurateConfig().minhash_threshold,
        "curve": rows,
    }


def part_seeds() -> dict:
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate_records
    from tests.curate.synth import plant_char_edits, seed_records

    seeds = seed_records()
    mixed, origin = plant_char_edits(seeds, (1, 6), copies=2, seed=5)
    out = curate_records(mixed, CurateConfig(steps=["dedup", "minhash"]))
    task_of = {r.id: r.id for r in seeds} | origin
    kept = out.curated["id"].to_pylist()
    tasks = {task_of[k] for k in kept}
    return {
        "part": "seeds",
        "tasks": len(seeds),
        "planted_copies": len(origin),
        "tasks_with_a_record": len(tasks),
        "planted_removed": round(1 - (len(kept) - len(tasks)) / len(origin), 4),
        "threshold": CurateConfig().minhash_threshold,
    }


def part_tour() -> dict:
    """The README tour through the CLI in a fresh workspace: generate, augment, curate, export."""
    with tempfile.TemporaryDirectory(prefix="tadka-tour-") as tmp:
        env = {**os.environ, "TADKA_NO_PROGRESS": "1"}
        tadka = [sys.executable, "-m", "tadka.apps.cli"]
        ws = Path(tmp) / "tour"

        def run(*args: str) -> str:
            proc = subprocess.run(
                [*tadka, *args], cwd=ws if ws.exists() else tmp, env=env, capture_output=True, text=True, timeout=1200
            )
            if proc.returncode:
                raise RuntimeError(f"tadka {' '.join(args)}: {proc.stderr[-2000:]}")
            return proc.stdout

        run("init", str(ws))
        run("generate", "-n", "300")
        run("augment", "--preset", "phone-typing", "--copies", "2")
        summary = json.loads(run("curate", "--json"))
        run("export", "--name", "v1")
        from tadka.workspace import Workspace

        w = Workspace(ws)
        rows = w.table("augmented").to_pylist()
        kept = set(w.table("curated")["id"].to_pylist())
        rejected = {r["id"] for r in w.table("rejects").to_pylist()}
        ids = {r["id"] for r in rows}
        copies = [r for r in rows if r["source"]["kind"] == "augment" and r["source"]["parent_id"] in ids]
        parent_kept = [c for c in copies if c["source"]["parent_id"] not in rejected]
        copy_kept = [c for c in parent_kept if c["id"] not in rejected]
        exported = []
        for name in ("train.jsonl", "eval.jsonl"):
            exported += [json.loads(line) for line in (ws / "exports" / "v1" / name).read_text().splitlines()]
        exported_ids = {r["id"] for r in exported}
        # a kept copy can be exported under a new id when PII was redacted; count by content id or parent link
        in_export = [c for c in copy_kept if c["id"] in exported_ids or c["id"] in kept]
    return {
        "part": "tour",
        "input": summary["input"],
        "curated": summary["curated"],
        "copies": len(copies),
        "copies_whose_parent_is_kept": len(parent_kept),
        "of_those_kept": len(copy_kept),
        "kept_share": round(len(copy_kept) / max(1, len(parent_kept)), 4),
        "kept_copies_in_export": len([c for c in copy_kept if c["id"] in exported_ids]),
        "export_records": len(exported),
        "lineage_rules": summary.get("lineage"),
        "reasons": summary["reasons"],
        "accounted": len(in_export) == len(copy_kept),
    }


# -- quality (bench/curate_eval.py) and Ray ------------------------------------------------------
def part_junk() -> dict:
    from curate_junk import part_junk as run

    return {"part": "junk", **run()}


def part_pii() -> dict:
    from curate_eval import part_pii as run

    return {"part": "pii", **run()}


def part_ray(n: int) -> dict:
    import ray

    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate_records

    recs = make(n)
    t = time.perf_counter()
    local = curate_records(recs, CurateConfig())
    local_s = time.perf_counter() - t
    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    on_ray = curate_records(recs, CurateConfig(engine="ray", workers=2))
    ray_s = time.perf_counter() - t
    ray.shutdown()
    return {
        "part": "ray",
        "ray_version": ray.__version__,
        "records": n,
        "local_s": round(local_s, 2),
        "ray_start_s": round(start_s, 2),
        "ray_2_workers_s": round(ray_s, 2),
        "same_curated_ids": on_ray.curated["id"].to_pylist() == local.curated["id"].to_pylist(),
        "same_lineage_rules": on_ray.lineage == local.lineage,
        "accounted": on_ray.curated.num_rows + on_ray.rejects.num_rows == len(recs),
        "peak_rss_mb": round(peak_mb()),
    }


PARTS = ("speed", "threshold", "seeds", "tour", "junk", "pii", "ray")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["all", *PARTS], default="all")
    ap.add_argument("--n", type=int, default=None, help="records for speed (50,000) and ray (20,000)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--steps", default="", help=argparse.SUPPRESS)
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--report", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--write-inputs", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--engine", choices=["local", "ray"], default="local", help="ray: bench/curate_ray.py (sharded)")
    ap.add_argument("--records", type=int, default=None, help="records for --engine ray (100,000)")
    args = ap.parse_args()
    if args.engine == "ray":  # the sharded engine on a 2-node local cluster vs the local engine
        from curate_ray import run as run_sharded

        print(json.dumps(run_sharded(args.records or 100_000), ensure_ascii=False), flush=True)
        return
    if args.write_inputs:
        write_inputs(args.n, Path(args.write_inputs))
        return
    if args.child:
        child_curate(args.child, args.steps.split(","), args.workers, args.report)
        return
    parts = PARTS if args.part == "all" else (args.part,)
    for part in parts:
        if part == "speed":
            result = part_speed(args.n or 50_000)
        elif part == "ray":
            result = part_ray(args.n or 20_000)
        else:
            result = globals()[f"part_{part}"]()
        print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
