"""Speed work must not change what curation decides: a fixed input, curated by the default pipeline,
gives the stored decisions (tests/curate/curate_guard.json: the flags of every dropped record and a
hash of the kept ids).

The input mixes what the steps see in use: the shipped seed tasks with planted copies (1–6 edits),
synthetic chats with near-duplicates, the shipped sample chats and short answers, and junk built
from the seeds (3-word answers to explain prompts, short loops, boilerplate openers and closings).
When a change is *meant* to alter decisions (a retrained meta-talk model, a new rule), regenerate
the file with ``TADKA_UPDATE_GUARD=1 pytest tests/curate/test_curate_guard.py`` and say so in the
commit message.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from importlib.resources import files
from pathlib import Path

from tadka.curate.config import CurateConfig
from tadka.curate.pipeline import curate_records
from tadka.records import Record
from tests.curate.synth import plant_char_edits, plant_near_dups, records, seed_records

GUARD = Path(__file__).with_name("curate_guard.json")


def guard_input() -> list[Record]:
    rng = random.Random(14)
    seeds = seed_records()
    mixed, _ = plant_char_edits(seeds, (1, 6), copies=1, seed=7)
    synth, _ = plant_near_dups(records(600, seed=31), share=0.05, max_rate=0.05, seed=32)
    out = mixed + synth
    for name in ("hinglish_chat", "short_answers"):
        for line in (
            files("tadka.corpora").joinpath("samples", f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        ):
            row = json.loads(line)
            out.append(Record(messages=row["messages"], lang=row.get("lang", "hi-Latn+en"), source={"kind": "import"}))
    for r in rng.sample(seeds, 120):
        user, answer = r.messages[0]["content"], r.messages[1]["content"]
        words = answer.split()
        junk = [
            (user + " Step by step samjhao.", " ".join(words[:3])),
            (user, ". ".join([" ".join(words[2:6])] * 4) + "."),
            (user, f"Great question! Main aapko samjhata hoon. {answer}"),
            (user, f"{answer} Umeed hai yeh jaankari aapke kaam aayegi!"),
        ][rng.randrange(4)]
        out.append(
            Record(
                messages=[{"role": "user", "content": junk[0]}, {"role": "assistant", "content": junk[1]}],
                source={"kind": "import"},
            )
        )
    return out


def decisions() -> dict:
    res = curate_records(guard_input(), CurateConfig(report=False))
    rows = res.rows
    dropped = {rid: flags for rid, flags in zip(rows["id"].to_pylist(), rows["flags"].to_pylist()) if flags}
    kept = sorted(res.curated["id"].to_pylist())
    return {
        "records": rows.num_rows,
        "kept": len(kept),
        "kept_ids_sha256": hashlib.sha256("\n".join(kept).encode()).hexdigest(),
        "dropped": dict(sorted(dropped.items())),
    }


def test_curation_decisions_unchanged():
    got = decisions()
    if os.environ.get("TADKA_UPDATE_GUARD"):
        GUARD.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(GUARD.read_text(encoding="utf-8"))
    changed = {
        k: (want["dropped"].get(k), got["dropped"].get(k))
        for k in set(want["dropped"]) | set(got["dropped"])
        if want["dropped"].get(k) != got["dropped"].get(k)
    }
    assert not changed, f"{len(changed)} records decided differently (stored, now): {list(changed.items())[:5]}"
    assert (got["records"], got["kept"], got["kept_ids_sha256"]) == (
        want["records"],
        want["kept"],
        want["kept_ids_sha256"],
    )
