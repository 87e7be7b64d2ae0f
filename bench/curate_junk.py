"""Junk-gate figures for `tadka curate`, printed by bench/curate.py (part ``junk``): junk kept and good
records dropped, on the bench's junk sets (built from the shipped seeds and the phrases of
corpora/junk/junk_parts.tsv) and on the held-out rounds (corpora/junk/good_heldout*.jsonl). Which
rounds were tuned on and each round's first run: bench/junk_rounds.md.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

EXPLAIN_ASKS = [
    " Step by step samjhao.",
    " Detail mein explain karo.",
    " Iska process samjhaiye.",
    " Poora tarika batao step by step.",
    " Please explain in detail.",
    " Kaise hota hai, samjha do.",
    " विस्तार से समझाइए।",
    " Farak bhi samjhao.",
]


def _junk_parts(which: str) -> dict[str, list[str]]:
    """Short replies and boilerplate phrases of corpora/junk/junk_parts.tsv: ``which`` is a set
    (``train``, ``test``) or a round (``round0`` … ``round5``). The rounds' story: bench/junk_rounds.md."""
    parts: dict[str, list[str]] = {}
    lines = (ROOT / "corpora" / "junk" / "junk_parts.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        part_set, rnd, kind, text = line.split("\t", 3)
        if which in (part_set, f"round{rnd}"):
            parts.setdefault(kind, []).append(text)
    return parts


def junk_records(n_each: int = 150, seed: int = 3, which: str = "test"):
    """(Record, junk kind) for three kinds of junk built from the shipped seeds: short answers to
    explain prompts, short looping answers (< 40 words), and answers wrapped in or replaced by AI
    boilerplate."""
    import random

    from tadka.records import Record
    from tests.curate.synth import seed_records

    rng = random.Random(seed)
    seeds = seed_records()
    parts = _junk_parts(which)
    for phrases in parts.values():
        rng.shuffle(phrases)

    def turn(kind: str, i: int) -> str:  # each phrase in turn, so every phrase weighs the same
        return parts[kind][i % len(parts[kind])]

    out = []
    for i, r in enumerate(rng.sample(seeds, n_each)):
        user = r.messages[0]["content"] + rng.choice(EXPLAIN_ASKS)
        out.append(
            (
                Record(
                    messages=[
                        {"role": "user", "content": user},
                        {"role": "assistant", "content": turn("short_reply", i)},
                    ],
                    source={"kind": "import"},
                ),
                "short_answer_to_explain",
            )
        )
    for r in rng.sample(seeds, n_each):
        words = re.findall(r"\S+", r.messages[1]["content"])
        k = rng.randint(3, 7)
        start = rng.randrange(max(1, len(words) - k))
        phrase = " ".join(words[start : start + k]).rstrip(",.;")
        reps = rng.randint(2, max(2, min(5, 38 // k)))
        sep = rng.choice([". ", ", ", " ", "\n", "! "])
        text = sep.join([phrase] * reps) + rng.choice([".", "", "!"])
        out.append(
            (
                Record(messages=[r.messages[0], {"role": "assistant", "content": text}], source={"kind": "import"}),
                "short_loop",
            )
        )
    for i, r in enumerate(rng.sample(seeds, n_each)):
        answer = r.messages[1]["content"]
        how = i % 3
        text = (
            f"{turn('boilerplate_prefix', i // 3)} {answer}"
            if how == 0
            else f"{answer} {turn('boilerplate_suffix', i // 3)}"
            if how == 1
            else turn("boilerplate_whole", i // 3)
        )
        out.append(
            (
                Record(messages=[r.messages[0], {"role": "assistant", "content": text}], source={"kind": "import"}),
                "ai_boilerplate",
            )
        )
    return out


GOOD_HELDOUT = {
    7: "good_heldout.jsonl",
    8: "good_heldout8.jsonl",
    9: "good_heldout9.jsonl",
    10: "good_heldout10.jsonl",
    11: "good_heldout11.jsonl",
    12: "good_heldout12.jsonl",
    13: "good_heldout13.jsonl",
    14: "good_heldout14.jsonl",
    15: "good_heldout15.jsonl",
    16: "good_heldout16.jsonl",
    17: "good_heldout17.jsonl",
    18: "good_heldout18.jsonl",
    19: "good_heldout19.jsonl",
    20: "good_heldout20.jsonl",
    21: "good_heldout21.jsonl",
    22: "good_heldout22.jsonl",
    23: "good_heldout23.jsonl",
    24: "good_heldout24.jsonl",
    25: "good_heldout25.jsonl",
    26: "good_heldout26.jsonl",
    27: "good_heldout27.jsonl",
    28: "good_heldout28.jsonl",
    29: "good_heldout29.jsonl",
    30: "good_heldout30.jsonl",
    31: "good_heldout31.jsonl",
    32: "good_heldout32.jsonl",
    33: "good_heldout33.jsonl",
    34: "good_heldout34.jsonl",
    35: "good_heldout35.jsonl",
    36: "good_heldout36.jsonl",
    37: "good_heldout37.jsonl",
    38: "good_heldout38.jsonl",
    39: "good_heldout39.jsonl",
    40: "good_heldout40.jsonl",
    41: "good_heldout41.jsonl",
    42: "good_heldout42.jsonl",
    43: "good_heldout43.jsonl",
    44: "good_heldout44.jsonl",
    45: "good_heldout45.jsonl",
    46: "good_heldout46.jsonl",
    47: "good_heldout47.jsonl",
    48: "good_heldout48.jsonl",
    49: "good_heldout49.jsonl",
    50: "good_heldout50.jsonl",
    51: "good_heldout51.jsonl",
    52: "good_heldout52.jsonl",
    53: "good_heldout53.jsonl",
    54: "good_heldout54.jsonl",
    55: "good_heldout55.jsonl",
    56: "good_heldout56.jsonl",
    57: "good_heldout57.jsonl",
    58: "good_heldout58.jsonl",
    59: "good_heldout59.jsonl",
}


def heldout_records(round_no: int = 7):
    """A held-out round (set ``heldout``): every junk phrase of the round used once — short replies to
    explain prompts, boilerplate openers and closings around a seed answer, whole boilerplate
    answers — and the good answers of corpora/junk/good_heldout*.jsonl (short replies, polite
    openers and greetings, sign-offs, drafted letters, first-person replies to requests, long answers
    in messy styles, some Devanagari).

    How each round came about, which were tuned on and each one's first run: bench/junk_rounds.md."""
    import random

    from tadka.records import Record
    from tests.curate.synth import seed_records

    rng = random.Random(round_no)
    seeds = seed_records()
    parts = _junk_parts(f"round{round_no}")
    asks = [f" {a}" for a in parts.pop("explain_ask", [])] or EXPLAIN_ASKS  # round 11 has its own wordings
    junk = []
    picked = rng.sample(seeds, sum(map(len, parts.values())))
    at = 0
    for kind, phrases in sorted(parts.items()):
        for phrase in phrases:
            r = picked[at]
            at += 1
            user, answer = r.messages[0]["content"], r.messages[1]["content"]
            if kind == "short_reply":
                user, text = user + rng.choice(asks), phrase
            else:
                text = {
                    "boilerplate_prefix": f"{phrase} {answer}",
                    "boilerplate_suffix": f"{answer} {phrase}",
                    "boilerplate_whole": phrase,
                    "short_loop": phrase,
                }[kind]
            junk.append(
                (
                    Record(
                        messages=[{"role": "user", "content": user}, {"role": "assistant", "content": text}],
                        source={"kind": "import"},
                    ),
                    kind,
                )
            )
    good = []
    for line in (ROOT / "corpora" / "junk" / GOOD_HELDOUT[round_no]).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        good.append((Record(messages=row["messages"], lang=row["lang"], source={"kind": "import"}), row["kind"]))
    return junk, good


_JUNK_FLAGS = (
    "too_",
    "off_topic",
    "turn_too",
    "repetition",
    "refusal",
    "ai_identity",
    "boilerplate",
    "closing",
    "meta_talk",
)


def _gate(flag: str) -> str:
    """Which kind of step a flag comes from: the junk gates (length, repetition, refusal and
    meta-talk) or another step (language ID, decontamination …)."""
    return "junk" if flag.startswith(_JUNK_FLAGS) else "other"


def part_heldout(round_no: int = 7, cfg=None) -> dict:
    """Junk kept and good records dropped on a held-out round (see :func:`heldout_records`)."""
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate_records

    cfg = cfg or CurateConfig()
    junk, good = heldout_records(round_no)
    res_j = curate_records([r for r, _ in junk], cfg)
    res_g = curate_records([r for r, _ in good], cfg)
    kept_j = [not f for f in res_j.rows["flags"].to_pylist()]
    dropped_g = [bool(f) for f in res_g.rows["flags"].to_pylist()]
    n_j, n_g = len(junk), len(good)
    return {
        "junk_kept": f"{sum(kept_j)}/{n_j} ({sum(kept_j) / n_j:.1%})",
        "junk_kept_by_kind": dict(Counter(k for (_, k), kept in zip(junk, kept_j) if kept)),
        "junk_kept_texts": [
            (r.messages[1]["content"][-90:] if k == "boilerplate_suffix" else r.messages[1]["content"][:90])
            for (r, k), kept in zip(junk, kept_j)
            if kept
        ],
        "good_dropped": f"{sum(dropped_g)}/{n_g} ({sum(dropped_g) / n_g:.1%})",
        "good_dropped_by_junk_gates": sum(
            any(_gate(f) == "junk" for f in fs) for fs in res_g.rows["flags"].to_pylist()
        ),
        "good_dropped_by_kind": dict(Counter(k for (_, k), d in zip(good, dropped_g) if d)),
        "good_dropped_texts": [
            f"{r.messages[1]['content'][:70]} ← {f}"
            for (r, _), d, f in zip(good, dropped_g, res_g.rows["flags"].to_pylist())
            if d
        ],
    }


def good_records():
    """(Record, set) for the good records shipped in corpora/: seed tasks (Hinglish side), the sample
    chats, and the short good answers (corpora/samples/short_answers.jsonl)."""
    from tadka.records import Record
    from tests.curate.synth import seed_records

    out = [(r, "seeds") for r in seed_records()]
    for name in ("hinglish_chat", "short_answers"):
        for line in (ROOT / "corpora" / "samples" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            out.append(
                (Record(messages=row["messages"], lang=row.get("lang", "hi-Latn+en"), source={"kind": "import"}), name)
            )
    return out


#: Which held-out rounds are tuned on, and each one's first run (bench/junk_rounds.md tells how each came about).
ROUND_STATUS = {
    7: "tuned on (after its first run)",
    8: "tuned on (after its first run)",
    9: "tuned on (after its first run: junk 6/60 kept, good 2/50 dropped)",
    10: "tuned on (grammar v3, 2026-12-06; before: its leaks guided the i14c trials)",
    11: "tuned on after its one held-out run (dad3118: junk 12/127 kept, good 3/104 dropped)",
    12: "tuned on by grammar v3 after its one held-out run (679b18a: junk 15/123 kept, good 10/105 dropped)",
    13: "tuned on (after its first run: junk 14/115 kept, good 8/108 dropped)",
    14: "tuned on (after its first run: junk 22/115 kept, good 12/109 dropped)",
    15: "tuned on (after its first run: junk 24/115 kept, good 10/114 dropped)",
    16: "tuned on (after its first run: junk 31/115 kept, good 13/100 dropped)",
    17: "tuned on (after its first run: junk 35/115 kept, good 10/105 dropped)",
    18: "tuned on (after its first run: junk 38/115 kept, good 16/107 dropped; second run on b178961: 32/115, 17/107)",
    19: "tuned on (after its first run: junk 31/115 kept, good 21/107 dropped; new styles, as rounds 13-18)",
    20: "tuned on (after its first run: junk 8/115 kept, good 41/107 dropped; typical teacher-model junk)",
    21: "tuned on (after its first run: junk 5/115 kept, good 8/100 dropped; typical teacher-model junk)",
    22: "tuned on (after its first run: junk 8/115 kept, good 12/102 dropped; typical teacher-model junk)",
    23: "tuned on (after its first run: junk 6/115 kept, good 8/102 dropped; typical teacher-model junk)",
    24: "tuned on (after its first run: junk 7/115 kept, good 13/102 dropped; typical teacher-model junk)",
    25: "tuned on (after its first run: junk 8/115 kept, good 12/102 dropped; typical teacher-model junk)",
    26: "tuned on (after its first run: junk 7/115 kept, good 13/102 dropped; typical teacher-model junk)",
    27: "tuned on (after its first run: junk 2/115 kept, good 11/102 dropped; typical teacher-model junk)",
    28: "tuned on (after its first run: junk 4/115 kept, good 9/102 dropped; typical teacher-model junk)",
    29: "tuned on (after its first run: junk 3/115 kept, good 7/102 dropped; typical teacher-model junk)",
    30: "tuned on (after its first run: junk 6/115 kept, good 10/102 dropped; typical teacher-model junk)",
    31: "tuned on (after its first run: junk 3/115 kept, good 10/102 dropped; typical teacher-model junk)",
    32: "tuned on (after its first run: junk 3/115 kept, good 4/102 dropped; typical teacher-model junk)",
    33: "tuned on (after its first run: junk 6/115 kept, good 7/102 dropped; typical teacher-model junk)",
    34: "tuned on (after its first run: junk 2/115 kept, good 8/102 dropped; typical teacher-model junk)",
    35: "tuned on (after its first run: junk 5/115 kept, good 10/102 dropped; typical teacher-model junk)",
    36: "tuned on (after its first run: junk 3/115 kept, good 6/102 dropped; typical teacher-model junk)",
    37: "tuned on (after its first run: junk 8/115 kept, good 10/102 dropped; typical teacher-model junk)",
    38: "tuned on (after its first run: junk 3/115 kept, good 9/102 dropped; typical teacher-model junk)",
    39: "tuned on (after its first run: junk 4/115 kept, good 10/102 dropped; typical teacher-model junk)",
    40: "tuned on (after its first run: junk 2/115 kept, good 12/102 dropped; typical teacher-model junk)",
    41: "tuned on (after its first run: junk 5/115 kept, good 8/102 dropped; typical teacher-model junk)",
    42: "tuned on (after its first run: junk 8/115 kept, good 6/102 dropped; typical teacher-model junk)",
    43: "tuned on (after its first run: junk 2/115 kept, good 13/102 dropped; typical teacher-model junk)",
    44: "tuned on (after its first run: junk 4/115 kept, good 6/102 dropped; typical teacher-model junk)",
    45: "tuned on (after its first run: junk 2/115 kept, good 13/102 dropped; typical teacher-model junk)",
    46: "tuned on (after its first run: junk 5/115 kept, good 8/102 dropped; typical teacher-model junk)",
    47: "tuned on (after its first run: junk 4/115 kept, good 8/102 dropped; typical teacher-model junk)",
    48: "tuned on (after its first run: junk 1/115 kept, good 11/102 dropped; typical teacher-model junk)",
    49: "tuned on (after its first run: junk 2/115 kept, good 13/102 dropped; typical teacher-model junk)",
    50: "tuned on (after its first run: junk 4/115 kept, good 12/102 dropped; typical teacher-model junk)",
    51: "tuned on (after its first run: junk 4/115 kept, good 14/102 dropped; typical teacher-model junk)",
    52: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    53: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    54: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    55: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    56: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    57: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    58: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
    59: "run once on the final code, not tuned on (typical teacher-model junk: a general assistant on an ordinary day)",
}


def part_junk() -> dict:
    """Junk kept and good records dropped by the default pipeline, with the new gates and without."""
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate_records

    junk, good = junk_records(which="test"), good_records()
    tune = junk_records(which="round0", seed=4)
    earlier = {w: junk_records(which=f"round{w}", seed=3) for w in (1, 2, 3, 4, 5)}
    off = {
        "length_min_words_detail": 0,
        "length_min_words_how": 0,
        "length_max_words_off_topic": 0,
        "repetition_dup_sentence_char_frac": 1.0,
        "repetition_short_loop_frac": 1.0,
    }
    out: dict = {
        "junk": f"{len(junk)} (phrases of set test (round 6), written after every change; corpora/junk/junk_parts.tsv)",
        "good": f"{len(good)} (corpora seeds hi_latn, samples/hinglish_chat, samples/short_answers)",
    }
    res_t = curate_records([r for r, _ in tune], CurateConfig())
    out["junk_kept_tune_phrases"] = f"{sum(not f for f in res_t.rows['flags'].to_pylist())}/{len(tune)}"
    for w, recs in earlier.items():
        res = curate_records([r for r, _ in recs], CurateConfig())
        out[f"junk_kept_round{w}_phrases_now_tuned"] = (
            f"{sum(not f for f in res.rows['flags'].to_pylist())}/{len(recs)}"
        )
    status = ROUND_STATUS
    out["heldout_rounds"] = {f"round{r}": {"status": s, **part_heldout(r)} for r, s in status.items()}
    lists_only = [c for c in CurateConfig().refusal_categories if c != "meta_talk"]
    for label, cfg in (
        ("gates_on", CurateConfig()),
        ("gates_on_without_meta_talk_model", CurateConfig(refusal_categories=lists_only)),
        ("gates_off", CurateConfig(**off)),
    ):
        res_j = curate_records([r for r, _ in junk], cfg)
        res_g = curate_records([r for r, _ in good], cfg)
        kept_j = [not f for f in res_j.rows["flags"].to_pylist()]
        dropped_g = [bool(f) for f in res_g.rows["flags"].to_pylist()]
        per_kind = Counter(k for (_, k), kept in zip(junk, kept_j) if kept)
        per_set = Counter(k for (_, k), dropped in zip(good, dropped_g) if dropped)
        out[label] = {
            "junk_kept": f"{sum(kept_j)}/{len(junk)} ({sum(kept_j) / len(junk):.1%})",
            "junk_kept_by_kind": {
                k: per_kind.get(k, 0) for k in ("short_answer_to_explain", "short_loop", "ai_boilerplate")
            },
            "good_dropped": f"{sum(dropped_g)}/{len(good)} ({sum(dropped_g) / len(good):.1%})",
            "good_dropped_by_set": dict(per_set),
            "good_drop_reasons": dict(res_g.reasons),
        }
    return out
