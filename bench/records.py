"""Records/s for validate, import and export of 100k synthetic Hinglish records (one process, one core).

Target: validation above 50k records/s on one core. Run: `python bench/records.py [--n 100000]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from tadka.config import ExportConfig, ImportConfig  # noqa: E402
from tadka.export import export  # noqa: E402
from tadka.importer import import_file  # noqa: E402
from tadka.records import validate_record  # noqa: E402
from tadka.workspace import Workspace  # noqa: E402

WORDS = (
    "mandi",
    "bhav",
    "aaj",
    "kya",
    "hai",
    "UPI",
    "PIN",
    "kabhi",
    "share",
    "mat",
    "karo",
    "train",
    "ka",
    "PNR",
    "status",
    "check",
    "karne",
    "ke",
    "liye",
    "app",
    "kholo",
    "bahut",
    "accha",
    "nahi",
    "weather",
)


def synthetic(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)

    def say(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k))

    rows = []
    for i in range(n):
        turns = [{"role": "user", "content": f"{i} {say(12)}?"}, {"role": "assistant", "content": say(40) + "."}]
        if i % 5 == 0:
            turns = [{"role": "system", "content": "Tum ek helpful assistant ho."}] + turns
        rows.append({"messages": turns, "lang": "hi-Latn+en"})
    return rows


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>10,.0f} records/s  ({seconds:.2f} s)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    rows = synthetic(args.n)
    print(f"tadka records bench: {args.n:,} synthetic records, pid {os.getpid()}")

    t = time.perf_counter()
    for row in rows:
        validate_record(row)
    print(f"validate          {rate(args.n, time.perf_counter() - t)}   target > 50,000 records/s")

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "in.jsonl")
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        ws = Workspace.init(Path(tmp, "ws"))
        t = time.perf_counter()
        import_file(ws, src, ImportConfig())
        print(f"import (jsonl)    {rate(args.n, time.perf_counter() - t)}   read + validate + atomic stage write")
        for fmt in ("jsonl", "parquet", "hf"):
            t = time.perf_counter()
            export(ws, ExportConfig(format=fmt), name=fmt)
            print(f"export ({fmt:<7})  {rate(args.n, time.perf_counter() - t)}")


if __name__ == "__main__":
    main()
