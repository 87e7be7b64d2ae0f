"""Benchmark of `tadka generate` with the offline mixer: the README's first run, and the band hit rate.

1. Times ``tadka init demo && cd demo && tadka generate -n 500 && tadka stats`` in a fresh folder
   with an empty model cache (so the fastText language-ID models are trained, as on a fresh
   machine). The issue asks for under a minute.
2. Generates 1,000 records per (band, script) in process and re-measures every record's CMI with
   tadka.lang's language ID: the share inside the band, and records/s.

Usage: python bench/generate.py [--n 1000] [--skip-cli]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def readme_run(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TADKA_CACHE_DIR": str(Path(tmp) / "cache"),
            "TADKA_NO_PROGRESS": "1",
            "HF_DATASETS_OFFLINE": "1",
            "HF_HUB_OFFLINE": "1",
        }
        steps = [
            (["tadka", "init", "demo"], tmp),
            (["tadka", "generate", "-n", str(n)], f"{tmp}/demo"),
            (["tadka", "stats"], f"{tmp}/demo"),
        ]
        times = {}
        start = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        for argv, cwd in steps:
            t0 = time.perf_counter()
            proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600)
            times[argv[1]] = time.perf_counter() - t0
            if proc.returncode:
                sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
            if argv[1] == "generate":
                print("   ", proc.stdout.strip())
        times["total"] = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        times["cpu"] = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        return times


def band_rate(n: int, band: str, script: str) -> tuple[float, float, float]:
    from tadka.curate.generate.mixer.codemixer import default_tagger
    from tadka.ops import in_band, parse_band
    from tadka.curate.generate.config import GenerateConfig
    from tadka.curate.generate.pipeline import generate, measure_cmi

    t0 = time.perf_counter()
    result = generate(None, GenerateConfig(n=n, cmi=band, script=script), project_seed=0)
    seconds = time.perf_counter() - t0
    scores = measure_cmi(result.records, default_tagger())
    inside = sum(in_band(s, parse_band(band)) for s in scores)
    return inside / max(len(scores), 1), result.written / seconds, result.retried / max(result.written, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--readme-n", type=int, default=500)
    parser.add_argument("--skip-cli", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TADKA_NO_PROGRESS", "1")
    if not args.skip_cli:
        times = readme_run(args.readme_n)
        print(
            f"README run (fresh model cache): init {times['init']:.1f} s, generate -n {args.readme_n} "
            f"{times['generate']:.1f} s, stats {times['stats']:.1f} s; total {times['total']:.1f} s wall, "
            f"{times['cpu']:.1f} s CPU (load average {os.getloadavg()[0]:.1f})"
        )
    for band, script in (
        ("20-40", "latn"),
        ("20-40", "deva"),
        ("20-40", "mixed"),
        ("10-30", "latn"),
        ("30-45", "latn"),
    ):
        share, rate, retried = band_rate(args.n, band, script)
        print(
            f"cmi {band} script {script}: {share:.1%} of {args.n} in band (tadka.lang), "
            f"{rate:.0f} rec/s, {retried:.1%} retried"
        )


if __name__ == "__main__":
    main()
