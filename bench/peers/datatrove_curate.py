"""datatrove's offline curation pipeline over a JSONL folder, on one core; prints timings as JSON.

Runs in datatrove's own venv (see bench/README.md). What runs — the FineWeb layout minus the steps
that cannot run here (LanguageFilter downloads fastText's lid.176.bin at run time):

0. JsonlReader → GopherRepetitionFilter → GopherQualityFilter → JsonlWriter (filtered copy)
1. JsonlReader(filtered) → MinhashDedupSignature
2. MinhashDedupBuckets
3. MinhashDedupCluster
4. JsonlReader(filtered) → MinhashDedupFilter → JsonlWriter (output)

GopherQualityFilter runs with ``min_doc_words=None`` and ``min_stop_words=None``: its English stop-word
rule and 50-word floor drop nearly every Hinglish chat (that is a finding, reported elsewhere), and a
pipeline that drops everything at step 0 would be timed on nothing. Every other threshold is
datatrove's default; MinhashConfig is its default (word 5-grams, 14 buckets × 8 hashes).

Usage: python datatrove_curate.py INPUT_FOLDER WORK_FOLDER
"""

import json
import os
import resource
import sys
import time


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    src, work = sys.argv[1], sys.argv[2]
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.filters import GopherQualityFilter, GopherRepetitionFilter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    cfg = MinhashConfig()
    filtered, out = f"{work}/filtered", f"{work}/output"
    stages = {
        "filters": [
            JsonlReader(src),
            GopherRepetitionFilter(),
            GopherQualityFilter(min_doc_words=None, min_stop_words=None),
            JsonlWriter(filtered),
        ],
        "signatures": [JsonlReader(filtered), MinhashDedupSignature(f"{work}/sigs", config=cfg)],
        "buckets": [MinhashDedupBuckets(f"{work}/sigs", f"{work}/buckets", config=cfg)],
        "clusters": [MinhashDedupCluster(f"{work}/buckets", f"{work}/remove", config=cfg)],
        "filter_dups": [JsonlReader(filtered), MinhashDedupFilter(f"{work}/remove"), JsonlWriter(out)],
    }
    timings = {}
    start = time.perf_counter()
    for name, pipeline in stages.items():
        t = time.perf_counter()
        tasks = cfg.num_buckets if name == "buckets" else 1
        LocalPipelineExecutor(
            pipeline, tasks=tasks, workers=1, logging_dir=f"{work}/logs/{name}", start_method="fork"
        ).run()
        timings[name] = round(time.perf_counter() - t, 2)
    kept = 0
    for root, _, names in os.walk(out):
        for n in names:
            import gzip

            with gzip.open(os.path.join(root, n), "rt") as f:
                kept += sum(1 for _ in f)
    self_usage = resource.getrusage(resource.RUSAGE_SELF)
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - start, 2),
                "stages": timings,
                "kept": kept,
                "cpu_s": round(self_usage.ru_utime + self_usage.ru_stime + child.ru_utime + child.ru_stime, 2),
                "peak_rss_mb": round(max(self_usage.ru_maxrss, child.ru_maxrss) / 1024),
            }
        )
    )


if __name__ == "__main__":
    main()
