"""`bench/curate.py --engine ray --records N`: the sharded Ray engine against the local engine, same data.

Prints one JSON line:

* ``local`` — ``tadka curate`` (the workspace path) in a child pinned to one core: records per CPU
  second, peak RSS;
* ``ray`` — ``curate_shards`` on a 2-node local cluster (``ray start --head`` + a second node, one CPU
  each; tests/curate/ray_cluster.py): driver peak RSS (its own VmHWM, in a child process), the peak
  RSS of every cluster process (sampled every 0.25 s; the largest Ray worker and the Ray daemons
  listed apart), wall seconds, records per second per core (wall × 2 cores) and per cluster CPU
  second (CPU time of every cluster process: the fair figure on a machine shared with other work);
* ``same_ids`` — the Ray engine kept exactly the local engine's ids, in order;
* ``planted_recall`` — planted near-duplicate pairs (1–6 character edits on the seed tasks, an edit rate
  up to 3 % on the chats; tests/curate/synth.py) of which at most one record is kept;
  ``tasks_surviving`` — the 425 shipped seed tasks that keep a record (themselves or a copy).

Input: synthetic Hinglish chats (tests/curate/synth.py, a stand-in for the offline generator at this
size), the 425 seed tasks with planted copies, noised copies (kind augment, parent_id) of 10 % of
the chats, 5 % planted near-duplicates; written as Parquet shards and as a workspace stage.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def make(n: int, folder: Path, shard_rows: int) -> None:
    """Shards, a workspace stage with the same rows, and truth.json (planted copies, seed tasks)."""
    import pyarrow.parquet as pq

    from tadka.records import Record, to_table
    from tadka.workspace import Workspace
    from tests.curate.synth import edit_chars, plant_char_edits, plant_near_dups, records, seed_records

    seeds, origin = plant_char_edits(seed_records(), (1, 6), copies=1, seed=21)
    task_of = {r.id: r.source["seed_id"] for r in seed_records()}
    task_of.update({c: task_of[o] for c, o in origin.items()})
    rest = max(0, n - len(seeds))
    chats, planted = plant_near_dups(records(int(rest / 1.15), seed=11), share=0.05, max_rate=0.03, seed=12)
    rng = random.Random(13)
    copies = []
    for r in rng.sample(chats, min(len(chats), rest - len(chats))):
        turns = [dict(m) for m in r.messages]
        turns[-1]["content"] = edit_chars(turns[-1]["content"], 2, rng)
        copies.append(Record(messages=turns, source={"kind": "augment", "parent_id": r.id}, ops=["typo"]))
    recs = seeds + chats + copies
    rng.shuffle(recs)
    table = to_table(recs)
    (folder / "shards").mkdir(parents=True)
    for i, lo in enumerate(range(0, table.num_rows, shard_rows)):
        pq.write_table(table.slice(lo, shard_rows), folder / "shards" / f"shard-{i:05d}.parquet")
    Workspace.init(folder / "ws").write_stage("imported", recs)
    pairs = [sorted(p) for p in planted] + [[c, o] for c, o in origin.items()]
    (folder / "truth.json").write_text(json.dumps({"rows": len(recs), "task_of": task_of, "planted": pairs}))


def child_local(folder: Path) -> None:
    """The local engine on one core, over the workspace stage."""
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate
    from tadka.workspace import Workspace

    ws = Workspace(folder / "ws")
    t, c = time.perf_counter(), time.process_time()
    out = curate(ws, CurateConfig(report=False)).outcome
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    ids = ws.stage_table("curated")["id"].to_pylist()
    (folder / "local_ids.json").write_text(json.dumps(ids))
    print(
        json.dumps(
            {
                "seconds": round(secs, 2),
                "cpu_s": round(cpu, 2),
                "kept": len(ids),
                "peak_rss_mb": round(peak_mb()),
                "records_per_cpu_s": round(out.rows_in / cpu),
            }
        )
    )


def child_driver(folder: Path, address: str, workers: int) -> None:
    """The Ray engine's driver, alone in its process so that its peak RSS is its own."""
    import pyarrow.parquet as pq

    from tadka.curate.config import CurateConfig
    from tadka.curate.filters import StepContext
    from tadka.curate.sharded.run import curate_shards

    os.environ["RAY_ADDRESS"] = address  # curate_shards connects as `tadka curate --engine ray` does
    t = time.perf_counter()
    cfg = CurateConfig(report=False, workers=workers)
    res = curate_shards(str(folder / "shards"), str(folder / "out"), cfg, StepContext(root=folder / "ws"))
    secs = time.perf_counter() - t
    ids = [
        i
        for p in sorted((folder / "out" / "curated").glob("*.parquet"))
        for i in pq.read_table(p, columns=["id"])["id"].to_pylist()
    ]
    (folder / "ray_ids.json").write_text(json.dumps(ids))
    print(
        json.dumps(
            {
                "seconds": round(secs, 2),
                "kept": len(ids),
                "driver_peak_rss_mb": round(peak_mb()),
                "timings": res.summary["timings"],
                "shards": res.shards,
            }
        )
    )


def _kind(argv: list[str], name: str) -> str:
    """What a cluster process is: a Ray worker (task or actor), or which daemon."""
    line = " ".join(argv)
    if argv and argv[0].rsplit("/", 1)[-1] == "raylet":  # its command line names default_worker.py too
        return "raylet"
    if argv and argv[0].startswith("ray::") and "Agent" not in argv[0]:
        return "worker"
    if "default_worker.py" in line:
        return "worker"
    for daemon in ("ray.scripts.scripts", "log_monitor", "monitor.py", "dashboard.py"):
        if daemon in line:
            return daemon
    return argv[0].rsplit("/", 1)[-1] if argv and argv[0].startswith("ray::") is False else name


class Sampler(threading.Thread):
    """Peak RSS and last CPU time of every process of the cluster, every 0.25 s."""

    def __init__(self, cluster) -> None:
        super().__init__(daemon=True)
        self.cluster, self.peak, self.cpu, self.names = cluster, {}, {}, {}
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            for pid in self.cluster.pids():
                try:
                    p = psutil.Process(pid)
                    rss, cpu = p.memory_info().rss, p.cpu_times()
                    if self.names.get(pid, "python") == "python":  # a worker takes its title (ray::…) late
                        self.names[pid] = _kind(p.cmdline(), p.name())
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
                self.cpu[pid] = cpu.user + cpu.system
            time.sleep(0.25)


def _child(*args: str, timeout: float) -> dict:
    from tadka import subproc

    proc = subproc.run([sys.executable, __file__, *args], timeout=timeout, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(records: int, workers: int = 2, shard_rows: int = 0, timeout: float = 7200) -> dict:
    from tests.curate.ray_cluster import LocalCluster

    shard_rows = shard_rows or max(25_000, records // 40)
    with tempfile.TemporaryDirectory(prefix="tadka-bench-ray-") as tmp:
        folder = Path(tmp)
        _child("--make", str(folder), "--records", str(records), "--shard-rows", str(shard_rows), timeout=timeout)
        truth = json.loads((folder / "truth.json").read_text())
        out: dict = {"part": "ray", "records": truth["rows"], "shard_rows": shard_rows, "cpu": os.cpu_count()}
        out["local"] = _child("--local", str(folder), timeout=timeout)
        cluster = LocalCluster(cpus_per_node=1, object_store_mb=2000).start()
        sampler = Sampler(cluster)
        try:
            sampler.start()
            before = dict(sampler.cpu)
            ray = _child(
                "--driver", str(folder), "--address", cluster.address, "--workers", str(workers), timeout=timeout
            )
        finally:
            sampler.stop.set()
            sampler.join()
            cluster.close()
        cluster_cpu = sum(sampler.cpu.values()) - sum(before.values())
        workers_rss = {pid: rss for pid, rss in sampler.peak.items() if sampler.names[pid] == "worker"}
        ray["per_worker_peak_rss_mb"] = sorted((round(v / 2**20) for v in workers_rss.values()), reverse=True)[:8]
        by_name: dict = {}
        for pid, rss in sampler.peak.items():
            slot = by_name.setdefault(sampler.names[pid], [0, 0.0, 0])
            slot[0], slot[1], slot[2] = (
                max(slot[0], round(rss / 2**20)),
                slot[1] + sampler.cpu.get(pid, 0.0),
                slot[2] + 1,
            )
        # per process kind: [peak RSS MB of the largest, CPU seconds of all, how many]
        ray["processes"] = {
            k: [v[0], round(v[1], 1), v[2]] for k, v in sorted(by_name.items(), key=lambda kv: -kv[1][1])
        }
        ray["cluster_cpu_s"] = round(cluster_cpu, 1)
        ray["records_per_core_s"] = round(truth["rows"] / ray["seconds"] / 2)
        ray["records_per_cluster_cpu_s"] = round(truth["rows"] / cluster_cpu) if cluster_cpu else None
        out["ray"] = ray
        local_ids = json.loads((folder / "local_ids.json").read_text())
        ray_ids = json.loads((folder / "ray_ids.json").read_text())
        out["same_ids"] = local_ids == ray_ids
        kept = set(ray_ids)
        planted = truth["planted"]
        # a planted pair is caught when the two are not both kept (either may be the one kept)
        out["planted_recall"] = round(sum(not (a in kept and b in kept) for a, b in planted) / max(1, len(planted)), 4)
        tasks = {t for i, t in truth["task_of"].items() if i in kept}
        out["tasks_surviving"] = f"{len(tasks)}/{len(set(truth['task_of'].values()))}"
        out["ray_vs_local_per_core"] = {
            "wall": round(ray["records_per_core_s"] / out["local"]["records_per_cpu_s"], 3),
            "cpu": round((ray["records_per_cluster_cpu_s"] or 0) / out["local"]["records_per_cpu_s"], 3),
        }
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shard-rows", type=int, default=0)
    ap.add_argument("--engine", default="ray", help=argparse.SUPPRESS)
    ap.add_argument("--make", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--local", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--driver", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--address", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make:
        make(args.records, Path(args.make), args.shard_rows)
        print(json.dumps({"made": args.make}))
    elif args.local:
        child_local(Path(args.local))
    elif args.driver:
        child_driver(Path(args.driver), args.address, args.workers)
    else:
        print(json.dumps(run(args.records, args.workers, args.shard_rows)), flush=True)


if __name__ == "__main__":
    main()
