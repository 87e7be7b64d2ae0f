"""Records/s of `tadka curate` on synthetic Hinglish chats, pinned to one core; peak memory per part.

Targets (issue #6): the default pipeline — all heuristics, language ID and CMI, PII and exact dedup —
above 5,000 records/s on one core; MinHash near dedup above 2,000 records/s over 100k records.
Each part runs in its own process so that its peak RSS is its own. Set-up (loading word lists and
the language-ID models) is timed apart from the throughput. Both wall-clock and CPU time of the
process are reported: on a shared machine the wall clock also counts time spent waiting for a core,
and records per CPU-second is the one-core figure. Run:

    python bench/curate.py                       # both parts
    python bench/curate.py --part default --n 20000
    python bench/curate.py --part ray --n 20000  # local Ray, 2 workers, vs the local engine
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_STEPS = ["length", "repetition", "language", "refusal", "profanity", "pii", "decontam", "judge", "dedup"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make(n: int):
    from tests.curate.synth import plant_near_dups, records

    recs, _ = plant_near_dups(records(n, seed=11), share=0.05, max_rate=0.10, seed=12)
    return recs[:n]  # exactly n: 5 % edited copies inserted at random places, the tail cut


def part_default(n: int, batch: int) -> dict:
    from tadka.curate.curate_config import CurateConfig
    from tadka.curate.pipeline import build_steps, curate_table
    from tadka.records import to_table

    table = to_table(make(n))
    t = time.perf_counter()
    steps = build_steps(CurateConfig(steps=DEFAULT_STEPS))
    curate_table(table.slice(0, 200), steps, batch_size=batch)  # loads lists and language-ID models
    setup = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    out = curate_table(table, steps, batch_size=batch)
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    return {"part": "default", "steps": DEFAULT_STEPS, "records": n, "seconds": round(secs, 2),
            "records_per_s": round(n / secs), "cpu_s": round(cpu, 2), "records_per_cpu_s": round(n / cpu),
            "setup_s": round(setup, 2), "kept": out.curated.num_rows,
            "peak_rss_mb": round(peak_mb()), "target": 5000,
            "per_step_flagged": {k: v["flagged"] for k, v in out.per_step.items()}}


def part_minhash(n: int, batch: int) -> dict:
    from tadka.curate.curate_config import CurateConfig
    from tadka.curate.pipeline import build_steps, curate_table
    from tadka.records import to_table

    table = to_table(make(n))
    steps = build_steps(CurateConfig(steps=["minhash"]))
    t, c = time.perf_counter(), time.process_time()
    out = curate_table(table, steps, batch_size=batch)
    secs, cpu = time.perf_counter() - t, time.process_time() - c
    return {"part": "minhash", "records": n, "seconds": round(secs, 2), "records_per_s": round(n / secs),
            "cpu_s": round(cpu, 2), "records_per_cpu_s": round(n / cpu),
            "signatures_s": round(out.timings["per_record"], 2), "cluster_s": round(out.timings["global"], 2),
            "near_dups_flagged": out.rejects.num_rows, "peak_rss_mb": round(peak_mb()), "target": 2000}


def part_ray(n: int, batch: int) -> dict:
    import ray

    from tadka.curate.curate_config import CurateConfig
    from tadka.curate.pipeline import curate_records

    recs = make(n)
    cfg = dict(steps=DEFAULT_STEPS + ["minhash"], batch_size=batch)
    t = time.perf_counter()
    local = curate_records(recs, CurateConfig(**cfg))
    local_s = time.perf_counter() - t
    t = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    start_s = time.perf_counter() - t
    t = time.perf_counter()
    on_ray = curate_records(recs, CurateConfig(engine="ray", workers=2, **cfg))
    ray_s = time.perf_counter() - t
    ray.shutdown()
    return {"part": "ray", "ray_version": ray.__version__, "records": n, "local_s": round(local_s, 2),
            "ray_start_s": round(start_s, 2), "ray_2_workers_s": round(ray_s, 2),
            "same_curated_ids": on_ray.curated["id"].to_pylist() == local.curated["id"].to_pylist(),
            "accounted": on_ray.curated.num_rows + on_ray.rejects.num_rows == len(recs), "peak_rss_mb": round(peak_mb())}


PARTS = {"default": part_default, "minhash": part_minhash, "ray": part_ray}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["all", *PARTS], default="all")
    ap.add_argument("--n", type=int, default=None, help="records (default: 20,000 for default, 100,000 for minhash)")
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU core")
    args = ap.parse_args()
    if args.part == "all":
        for part in ("default", "minhash"):
            cmd = [sys.executable, __file__, "--part", part, "--batch", str(args.batch)]
            if args.n:
                cmd += ["--n", str(args.n)]
            if args.no_pin:
                cmd.append("--no-pin")
            subprocess.run(cmd, check=True)
        return
    if not args.no_pin and args.part != "ray" and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    n = args.n or (100_000 if args.part == "minhash" else 20_000)
    result = PARTS[args.part](n, args.batch)
    result["cpu"] = os.cpu_count()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
