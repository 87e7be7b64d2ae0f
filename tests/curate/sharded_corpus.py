"""A corpus with every case the sharded engine must decide like the local one, written as shards.

Synthetic Hinglish chats (tests/curate/synth.py) plus: exact duplicates (case and punctuation), planted
near-duplicates with 1–6 character edits, noised copies (kind augment, parent_id) and copies of copies,
copies whose parent is absent, chains A~B~C where A and C are not similar, records a filter rejects
that would bridge two clusters, an empty answer and a near-duplicate of a rejected record — shuffled,
then cut into shards of uneven sizes.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow.parquet as pq

from tadka.records import Record, to_table

from tests.curate.synth import edit, edit_chars, plant_near_dups, records


def _copy(parent: Record, rng: random.Random, n_edits: int = 2) -> Record:
    turns = [dict(m) for m in parent.messages]
    turns[-1]["content"] = edit_chars(turns[-1]["content"], n_edits, rng)
    return Record(messages=turns, lang=parent.lang, source={"kind": "augment", "parent_id": parent.id}, ops=["typo"])


def _chain(rng: random.Random, base: Record) -> list[Record]:
    """A ~ B ~ C with A and C below the threshold: B takes half its words from each side."""
    a = base.messages[-1]["content"].split()
    b_words = a[: len(a) // 2] + records(1, seed=rng.randrange(1 << 30))[0].messages[-1]["content"].split()
    c_words = b_words[len(b_words) // 2 :] + records(1, seed=rng.randrange(1 << 30))[0].messages[-1]["content"].split()
    user = base.messages[0]["content"]
    return [
        Record(messages=[{"role": "user", "content": user}, {"role": "assistant", "content": " ".join(w)}])
        for w in (b_words, c_words)
    ]


def corpus(n: int, seed: int = 7) -> list[Record]:
    """About ``n`` records with every tricky case (module docstring), shuffled."""
    rng = random.Random(seed)
    base = records(max(10, int(n * 0.7)), seed=seed)
    out, _ = plant_near_dups(base, share=0.08, max_rate=0.03, seed=seed)
    extra: list[Record] = []
    for r in rng.sample(base, max(2, len(base) // 20)):  # exact duplicates, up to case and punctuation
        turns = [{"role": m["role"], "content": m["content"].upper() + "!"} for m in r.messages]
        extra.append(Record(messages=turns, source={"kind": "import"}))
    for r in rng.sample(base, max(2, len(base) // 8)):  # noised copies, some with a copy of their own
        c = _copy(r, rng)
        extra.append(c)
        if rng.random() < 0.3:
            extra.append(_copy(c, rng))
    for _ in range(max(2, len(base) // 50)):  # copies whose parent is not in the stage
        ghost = records(1, seed=rng.randrange(1 << 30))[0]
        extra += [_copy(ghost, rng), _copy(ghost, rng)]
    for r in rng.sample(base, max(2, len(base) // 40)):
        extra += _chain(rng, r)
    for r in rng.sample(base, max(2, len(base) // 40)):  # rejected (user turn too short) near-dups
        turns = [
            {"role": "user", "content": "k"},
            {"role": "assistant", "content": edit(r.messages[-1]["content"], 0.01, rng)},
        ]
        extra.append(Record(messages=turns))
    extra.append(Record(messages=[{"role": "user", "content": "Kuch batao?"}, {"role": "assistant", "content": ""}]))
    out += extra
    rng.shuffle(out)
    return out


def write_shards(recs: list[Record], folder: Path, sizes: list[int] | None = None, seed: int = 3) -> list[Path]:
    """The records as Parquet shards of uneven sizes (some tiny, one empty), in order."""
    rng = random.Random(seed)
    table = to_table(recs)
    folder.mkdir(parents=True, exist_ok=True)
    if sizes is None:
        sizes, left = [], table.num_rows
        while left > 0:
            sizes.append(min(left, rng.choice([1, 7, 60, 200, 450, 900])))
            left -= sizes[-1]
        sizes.insert(len(sizes) // 2, 0)
    paths, at = [], 0
    for i, size in enumerate(sizes):
        path = folder / f"shard-{i:04d}.parquet"
        pq.write_table(table.slice(at, size), path, row_group_size=max(1, size // 2 or 1))
        paths.append(path)
        at += size
    return paths
