"""Synthetic Hinglish chat records for curate tests and bench/curate.py (seeded, no network).

Words are drawn from the unigram frequencies of the shipped seed and sample corpora (never the eval
sets), so character statistics — and therefore shingle overlap between unrelated records — look
like real Hinglish, while no two records share a sentence by accident. ``plant_near_dups`` adds
copies with a chosen rate of character edits and returns the planted (original, copy) id pairs.
"""

from __future__ import annotations

import json
import random
import re
import string
from collections import Counter
from functools import lru_cache
from importlib.resources import files

from tadka.records import Record

_WORD = re.compile(r"[A-Za-z']+|\d+")


@lru_cache(maxsize=1)
def vocabulary() -> tuple[list[str], list[int]]:
    """(words, counts) from corpora/seeds/tasks.jsonl (the Hinglish side) and corpora/samples."""
    counts: Counter[str] = Counter()
    root = files("tadka.corpora")
    for line in root.joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for side in ("hi_latn",):
            for key in ("instruction", "response"):
                counts.update(w.lower() for w in _WORD.findall(row[side][key]))
    for line in root.joinpath("samples", "hinglish_chat.jsonl").read_text(encoding="utf-8").splitlines():
        for m in json.loads(line)["messages"]:
            counts.update(w.lower() for w in _WORD.findall(m["content"]))
    words = sorted(counts)
    return words, [counts[w] for w in words]


def sentence(rng: random.Random, n_words: int) -> str:
    words, weights = vocabulary()
    picked = rng.choices(words, weights=weights, k=n_words)
    return " ".join(picked).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def make_record(rng: random.Random, i: int) -> Record:
    user = sentence(rng, rng.randint(6, 14))
    answer = " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))
    return Record(
        messages=[{"role": "user", "content": f"{user}"}, {"role": "assistant", "content": answer}],
        source={"kind": "teacher", "teacher": "synth", "seed_id": f"synth-{i}"},
    )


def records(n: int, seed: int = 0) -> list[Record]:
    rng = random.Random(seed)
    return [make_record(rng, i) for i in range(n)]


def edit(text: str, rate: float, rng: random.Random) -> str:
    """Substitute, delete or insert characters at ``rate`` edits per character (at least one edit)."""
    out = []
    alphabet = string.ascii_lowercase + " "
    n_edits = 0
    for ch in text:
        if rng.random() < rate:
            n_edits += 1
            op = rng.randrange(3)
            if op == 0:
                out.append(rng.choice(alphabet))
            elif op == 2:
                out.append(ch)
                out.append(rng.choice(alphabet))
        else:
            out.append(ch)
    if n_edits == 0:
        pos = rng.randrange(len(out))
        out[pos] = "x" if out[pos] != "x" else "y"
    return "".join(out)


def plant_near_dups(
    recs: list[Record], share: float, max_rate: float, seed: int = 1
) -> tuple[list[Record], set[frozenset]]:
    """Add ``share × len(recs)`` edited copies (edit rate uniform in (0, max_rate]) at random places."""
    rng = random.Random(seed)
    out = list(recs)
    pairs: set[frozenset] = set()
    for orig in rng.sample(recs, int(len(recs) * share)):
        rate = rng.uniform(0.005, max_rate)
        copy = Record(
            messages=[{"role": m["role"], "content": edit(m["content"], rate, rng)} for m in orig.messages],
            source={"kind": "teacher", "teacher": "synth"},
        )
        out.insert(rng.randrange(len(out) + 1), copy)
        pairs.add(frozenset((orig.id, copy.id)))
    return out, pairs


def chat(assistant: str, user: str = "Ek baat batao na?", lang: str = "hi-Latn+en", **kw) -> Record:
    """A two-turn Record for filter tests."""
    return Record(
        messages=[{"role": "user", "content": user}, {"role": "assistant", "content": assistant}], lang=lang, **kw
    )


def edit_chars(text: str, n_edits: int, rng: random.Random) -> str:
    """Exactly ``n_edits`` single-character edits (substitute, delete or insert) at random places."""
    chars = list(text)
    for _ in range(n_edits):
        op, pos = rng.randrange(3), rng.randrange(max(1, len(chars)))
        if op == 0 and chars:
            chars[pos] = rng.choice(string.ascii_lowercase.replace(chars[pos].lower(), "") or "x")
        elif op == 1 and len(chars) > 1:
            del chars[pos]
        else:
            chars.insert(pos, rng.choice(string.ascii_lowercase))
    return "".join(chars)


def seed_records(side: str = "hi_latn") -> list[Record]:
    """The 425 shipped seed tasks as two-turn Records (source.seed_id = the task id)."""
    out = []
    for line in files("tadka.corpora").joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.append(
            Record(
                messages=[
                    {"role": "user", "content": row[side]["instruction"]},
                    {"role": "assistant", "content": row[side]["response"]},
                ],
                lang="hi-Latn+en" if side == "hi_latn" else "en",
                source={"kind": "seed", "seed_id": row["id"], "recipe": row["domain"]},
            )
        )
    return out


def plant_char_edits(
    recs: list[Record], edits: tuple[int, int], copies: int = 1, seed: int = 1
) -> tuple[list[Record], dict[str, str]]:
    """Each record plus ``copies`` planted copies with ``edits[0]``–``edits[1]`` character edits spread
    over its turns, shuffled in; returns (records, copy id → original id). The copies are *not*
    lineage copies (kind import, no parent_id): they stand for a teacher repeating itself."""
    rng = random.Random(seed)
    out, origin = list(recs), {}
    for orig in recs:
        for _ in range(copies):
            n = rng.randint(*edits)
            turns = [dict(m) for m in orig.messages]
            for _ in range(n):
                t = rng.randrange(len(turns))
                turns[t]["content"] = edit_chars(turns[t]["content"], 1, rng)
            copy = Record(messages=turns, lang=orig.lang, source={"kind": "import"})
            if copy.id != orig.id:
                origin[copy.id] = orig.id
                out.append(copy)
    rng.shuffle(out)
    return out, origin
