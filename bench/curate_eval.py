"""Quality figures for `tadka curate`, printed by bench/curate.py: PII (beside Presidio), near-dedup
threshold curve, junk gates, lineage in the README tour.

Every figure is computed on data shipped in corpora/ or generated here with a fixed seed; peers run in
their own venvs (bench/README.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = Path(os.environ.get("TADKA_PEERS", "/tmp/tadka-peers"))
MARK = re.compile(r"\{\{(\w+):(.*?)\}\}")
# Presidio entity → tadka kind (Presidio has no UPI, IFSC or driving-licence recogniser for India)
PRESIDIO_KINDS = {
    "IN_AADHAAR": "aadhaar",
    "IN_PAN": "pan",
    "IN_PASSPORT": "passport",
    "IN_VOTER": "voter",
    "IN_VEHICLE_REGISTRATION": "vehicle",
    "IN_GSTIN": "gstin",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "CREDIT_CARD": "card",
}


# -- PII ------------------------------------------------------------------------------------------
def load_pii_set(name: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, gold spans) per line of the tuning set (corpora/pii/pii_tune.tsv), the held-out set
    (corpora/eval/pii_heldout.tsv) or the stress set (corpora/eval/pii_stress.tsv); ``{{kind:value}}``
    marks a span."""
    rows = []
    folder = "pii" if name == "tune" else "eval"
    lines = (ROOT / "corpora" / folder / f"pii_{name}.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        _, marked = line.split("\t", 1)
        parts, spans, at = [], [], 0
        for m in MARK.finditer(marked):
            parts.append(marked[at : m.start()])
            start = sum(map(len, parts))
            parts.append(m.group(2))
            spans.append((start, start + len(m.group(2)), m.group(1)))
            at = m.end()
        parts.append(marked[at:])
        rows.append(("".join(parts), spans))
    return rows


def score_spans(rows, predicted) -> dict:
    """Span-level P/R: a prediction is right when it overlaps a gold span of the same kind."""
    tp, fp, fn = Counter(), Counter(), Counter()
    native = [0, 0]  # gold spans written with non-ASCII digits: found, total
    for (text, gold), pred in zip(rows, predicted):
        used = set()
        for g in gold:
            hit = next((p for p in pred if p[2] == g[2] and p[0] < g[1] and g[0] < p[1] and p not in used), None)
            non_ascii = any(unicodedata.category(c) == "Nd" and not c.isascii() for c in text[g[0] : g[1]])
            native[1] += non_ascii
            if hit:
                used.add(hit)
                tp[g[2]] += 1
                native[0] += non_ascii
            else:
                fn[g[2]] += 1
        for p in pred:
            if p not in used:
                fp[p[2]] += 1
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    kinds = sorted(set(tp) | set(fp) | set(fn))
    return {
        "precision": round(t / max(1, t + f), 3),
        "recall": round(t / max(1, t + n), 3),
        "tp": t,
        "fp": f,
        "fn": n,
        "native_digits_found": f"{native[0]}/{native[1]}",
        "per_kind": {
            k: {"recall": round(tp[k] / max(1, tp[k] + fn[k]), 3), "gold": tp[k] + fn[k], "fp": fp[k]} for k in kinds
        },
    }


def tadka_spans(rows) -> list[list[tuple[int, int, str]]]:
    from tadka.curate.filters.pii import detect

    return [[(s.start, s.end, s.kind) for s in detect(text)] for text, _ in rows]


def presidio_spans(rows, python: Path) -> tuple[str, list[list[tuple[int, int, str, float]]]]:
    """Presidio's spans (kind-mapped, with scores), run in its own venv; raises when it is missing."""
    if not python.exists():
        raise FileNotFoundError(f"{python} (make the Presidio venv: bench/README.md)")
    proc = subprocess.run(
        [str(python), str(ROOT / "bench" / "peers" / "presidio_pii.py")],
        input=json.dumps({"texts": [t for t, _ in rows]}),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    data = json.loads(proc.stdout)
    spans = [
        [(s, e, PRESIDIO_KINDS[k], score) for s, e, k, score in text_spans if k in PRESIDIO_KINDS]
        for text_spans in data["spans"]
    ]
    return data["presidio"], spans


def _at(spans, threshold: float):
    return [[(s, e, k) for s, e, k, score in text if score >= threshold] for text in spans]


def only_kinds(rows, predicted, kinds):
    rows = [(t, [g for g in gold if g[2] in kinds]) for t, gold in rows]
    return rows, [[p for p in pred if p[2] in kinds] for pred in predicted]


def part_pii(presidio_python: Path | None = None) -> dict:
    """tadka vs Presidio on the held-out set; Presidio's score threshold picked on the tuning set.

    Both labelled sets share one generator of identifier formats (7 phone layouts, 5 Aadhaar
    layouts …), so ``stress`` (corpora/eval/pii_stress.tsv, 44 lines typed by hand after every rule
    was fixed: dotted and double-spaced Aadhaar, "(+91)" and 4-3-3 phones, Gujarati digits, spelled-out
    e-mails, masked Aadhaar, spaced OTPs, PF and enrolment numbers) is scored too, for both. Its
    first run: tadka P 1.000 R 0.923 (a dotted and a double-spaced Aadhaar missed), Presidio P 0.750
    R 0.577; the Aadhaar separators were then widened, so tadka's figure on it is tuned now."""
    tune, held, stress = load_pii_set("tune"), load_pii_set("heldout"), load_pii_set("stress")
    out: dict = {
        "set": "corpora/eval/pii_heldout.tsv (never tuned on)",
        "lines": len(held),
        "negative_lines": sum(1 for _, g in held if not g),
        "gold_spans": sum(len(g) for _, g in held),
        "tadka": score_spans(held, tadka_spans(held)),
        "tadka_on_tuning_set": score_spans(tune, tadka_spans(tune)),
        "tadka_on_stress_set": score_spans(stress, tadka_spans(stress)),
    }
    python = presidio_python or PEERS / "presidio" / "bin" / "python"
    try:
        version, p_tune = presidio_spans(tune, python)
        _, p_held = presidio_spans(held, python)
        _, p_stress = presidio_spans(stress, python)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as e:
        out["presidio"] = f"not run: {e}"
        return out
    grid = sorted({0.0, *(s for text in p_tune for *_, s in text)})

    def f1(r):
        return 2 * r["precision"] * r["recall"] / max(1e-9, r["precision"] + r["recall"])

    best = max(grid, key=lambda th: f1(score_spans(tune, _at(p_tune, th))))
    covered = set(PRESIDIO_KINDS.values())
    out["presidio"] = {
        "version": version,
        "default_threshold_0": score_spans(held, _at(p_held, 0.0)),
        f"threshold_{best:g}_best_f1_on_tuning_set": score_spans(held, _at(p_held, best)),
        "on_stress_set": score_spans(stress, _at(p_stress, best)),
    }
    out["kinds_both_cover"] = {
        "kinds": sorted(covered),
        "tadka": score_spans(*only_kinds(held, tadka_spans(held), covered)),
        "presidio": score_spans(*only_kinds(held, _at(p_held, best), covered)),
    }
    return out


# -- junk gates -----------------------------------------------------------------------------------
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
    (``train``, ``test``) or a round (``round0`` … ``round5``).

    How the rounds came about (each written before the rules it then changed): round 0 — the rules
    and phrase lists were checked against it. Round 1 — first run kept 19/450 (3 of 17 phrases
    missed) → two more general patterns. Round 2 — 36/450 kept (4 of 15 missed) → looser "here's your
    … answer", "hope this helps", "let me know if you need", "umeed hai … kaam aayegi". Round 3 —
    54/450 (5 of 15 missed) → shape rules (first person + a word about helping/answering/AI, "great
    question", Hinglish closings). Round 4 — 82/450 (25 of 36 missed): phrase lists do not carry over
    to new wordings. Round 5 (set ``test``, 43 phrases): against it the phrase lists alone kept
    81/450, which led to the meta-talk classifier (:mod:`tadka.curate.filters.meta_talk`, trained on
    rounds 0–4, set ``train``) and to reading a short opener with the sentence after it; with both,
    round 5 kept 25/450. Round 5 is set ``dev`` (looked at, never trained on). Round 6 (set ``test``,
    42 phrases) was written after every change and run once: the acceptance figure."""
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
}


def heldout_records(round_no: int = 7):
    """A held-out round (set ``heldout``): every junk phrase of the round used once — short replies to
    explain prompts, boilerplate openers and closings around a seed answer, whole boilerplate
    answers — and the good answers of corpora/junk/good_heldout*.jsonl (short replies, polite
    openers and greetings, sign-offs, drafted letters, first-person replies to requests, long answers
    in messy styles, some Devanagari).

    Round 7 was written before any change of the second pass at the junk gates. First run on the
    gates as the first pass left them (main at fb2c7bd): junk kept 57/175 (32.6 %: 25 openers, 23
    closings, 9 whole answers), good dropped 7/117 (6.0 %). First run of the grammar-trained
    meta-talk model (commit 8b7499d): junk kept 4/175 (2.3 %), good dropped 17/117 (14.5 %: 11 by
    meta_talk — greetings such as "Hello! …", "Namaskar! …", sign-offs such as "Apna khayal
    rakhna!", Devanagari answers, a follow-up offer). From then on round 7 was looked at and tuned on:
    meta-talk v2.1 (greetings and Hindi sentences as negatives), then v2.2 (a pair of a short
    sentence and its neighbour is not labelled when the short one alone is; colon lead-ins up to 12
    words; grammar slots for "This response is based on…", feedback requests, AI limits, drafted
    letters with an offer and a sign-off; threshold 0.8 from round 7 and rounds 5/6), the language
    rule for short replies and English-led mixed turns, and the closing list no longer ending on a
    bare "mujhe": round 7 then junk kept 0/175, good dropped 2/117 (a decontamination hit and
    "India jeeta, 6 wicket se." read as another language).

    Round 8 (170 junk phrases, 108 good answers) was written after that run and before any change
    it could have informed. Its first run, on v2.2 (commit 891be06): junk kept 10/170 (5.9 %: 2
    openers, 7 closings, 1 whole answer), good dropped 4/108 (3.7 %: "Good morning! Chai ready hai."
    read as English, a leave application flagged refusal, a rhyme without function words, three
    names read as another language). From then on round 8 was looked at and tuned on: grammar slots
    for Hinglish offers of more help without a pronoun ("Kuch bhi aur chahiye ho toh bina jhijhak
    bataiye"), explain-openers without "main aapko", English and Devanagari refusals, AI sign-offs
    and bye-closings, summary labels ("TL;DR:"), letters with a promise and a sign-off; the
    Hinglish "asamarth" refusal pattern now wants a first-person singular subject and a word of
    answering or helping (a family's letter "hum fees bharne mein asamarth hain" matched it).
    Round 8 then: junk kept 4/170 (2.4 %; three of them phrases the grammar now produces word for
    word, which training leaves out because they are evaluation phrases), good dropped 3/108
    (all by language ID: "Good morning! Chai ready hai.", a rhyme with one function word, three
    names).

    Round 9 (60 junk phrases, 50 good answers, corpora/junk/good_heldout9.jsonl) was written in a
    new style — SMS spellings ("u", "plz", "h"), Title Case, Roman Urdu ("maazrat", "tafseel"),
    emoji, markdown labels ("**Jawab:**") — after round 8's first run and before any change it
    informed, and was run once, on v2.3 (commit 1cd6b13): the held-out figure. Junk kept 6/60
    (10 %: five openers that run into the answer with no sentence end between — "**Jawab:**",
    "… bata deta hu -", "… chaliye dekhte hain Pehle …", "Here we go 🚀 Shuru …" — and one
    closing "Note: ye jaankari meri training ke hisaab se hai …"), good dropped 2/50 (4 %: "Mera
    naam Ayaan hai, main class 4 mein padhta hoon." read as meta-talk; an English translation the
    user asked for, flagged by the language step). Then tuned on (v2.4: the model's sentences
    are also cut at a spaced dash and after an emoji, markdown emphasis dropped; lead-ins ending
    in " -" or an emoji in the grammar): round 9 junk kept 2/60, good dropped 2/50; round 8
    5/170 and 3/108; round 7 0/175 and 3/117.

    Round 10 (40 junk phrases, 30 good answers, corpora/junk/good_heldout10.jsonl) was written
    after round 9's run and before any change it informed, in yet another style (customer-care
    and formal Hindi registers, ALL CAPS, point-wise, parenthesised notes), and was run once, on
    v2.4 (commit b1f6f3f): junk kept 7/40 (17.5 %: an ALL-CAPS greeting-and-role opener, a
    customer-care "aapki query note kar li gayi hai" opener, five closings — "THANK YOU FOR
    CHATTING WITH US!", a thumbs-up request, "phir milenge", "Disclaimer: AI se bana content …",
    "agle sawaal ka intezaar rahega"), good dropped 0/30. Each new style has kept new wordings
    the model had not generalised to: the held-out figure is not yet under 2 %.

    Round 11 (127 junk, 104 good answers, corpora/junk/good_heldout11.jsonl) was written by the
    i14c pass before any change of that pass was run on it, in another style again: WhatsApp and
    Gen-Z slang ("ngl", "lowkey", "fam", "yo"), Title Case, SMS spellings, Roman Urdu ("janab",
    "khidmat", "maazrat"), Devanagari and Devanagari-Roman mixed inside a sentence. It is the first
    round with all three junk kinds: 40 short replies to explain prompts written in its own
    wordings (kind ``explain_ask``), 25 short looping answers written by hand (kind
    ``short_loop``), and 62 boilerplate openers, closings and whole answers. Its first and only
    held-out run, on v2.4 (commit dad3118; the model retrained only because the round's phrases
    joined the never-trained-on list): junk kept 12/127 (9.4 %: all 40 short replies and all 25
    loops caught; 6 openers — slang praise "kya mast sawaal phenka hai", informal "tumhe … samjhata
    hu:", "जवाब हाज़िर है:", "Suno suno! … solution ready hai" — and 6 closings — "catch u later ✌️",
    "Is chat ko rate karna mat bhoolna!", "Agli baar bhi yaad karna apne AI dost ko!"), good
    dropped 3/104 (2.9 %: two explain-openers of long answers read as meta-talk, "Chal step by
    step dekhte hain." and "Sabse zaroori baat:", and one answer by the trigram rule). After that
    run three class-level changes to the model were tried and measured on rounds 7–11 together
    (English glosses of Hindi words from corpora/lexicon as extra tokens; word dropout in
    training; the grammar rewritten into the informal register): none moved the total (26/572
    junk kept, 11/409 good dropped, on v2.4) by more than two records either way, so none was
    kept. The boilerplate of a new style is still where the junk gates leak.

    Round 12 (123 junk: 36 short replies to explain prompts in its own wordings, 25 short loops,
    62 boilerplate; 105 good answers, corpora/junk/good_heldout12.jsonl) was written after the
    meta-talk-about-the-exchange rule (:mod:`tadka.curate.filters.meta_exchange`) was tuned on
    rounds 7–11, and committed before any filter ran on it, in another style again: Indian-English
    office idiom ("do the needful", "kindly revert", "do one thing"), Bhojpuri and Haryanvi
    flavour ("ka ho", "thaare", "ee sawaal"), shuddh-Hindi service register ("jigyasa", "prastut",
    "samadhan"), YouTube-teacher closings, Title Case, SMS spellings, Devanagari and mixed. Its
    first and only run (commit 679b18a), the held-out figure of the i14c pass: junk kept 15/123
    (12.2 %: all 36 short replies and all 25 loops caught; 5 openers — "Greetings of the day!
    Kindly find the requested details below.", "Pranaam! Aapke prashn ka samadhan prastut hai.",
    "Dear Learner, aaj hum …", "Namaskaar! Aap ki jigyasa ka uttar is prakaar hai:", "Hello
    friends, aaj ke answer mein dekhte hain ki" —, 7 closings — "Aapka din shubh ho, pranaam!",
    "Agle video mein milte hain …", "Share this answer with your friends and family!", "Aap humein
    comment mein bata sakte hain ki yeh kaisa laga.", "Dhanyavaad aapke dhairya ke liye …", "Bas
    itna hi kehna tha …", "Koi aur seva ho to batayiye …" — and 3 Bhojpuri or impersonal refusals);
    good dropped 10/105 (9.5 %): 4 by the junk gates (a "Good question," opener by the boilerplate
    list, two first-person replies by meta-talk, one long answer by the 4-gram rule), 6 by other
    steps (3 short replies by language ID, "katwa denge" by the profanity list as a slur, one
    decontamination hit, an English e-mail the user asked for)."""
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


_JUNK_FLAGS = ("too_", "turn_too", "repetition", "refusal", "ai_identity", "boilerplate", "closing", "meta_talk")


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
    status = {
        7: "tuned on (after its first run)",
        8: "tuned on (after its first run)",
        9: "tuned on (after its first run: junk 6/60 kept, good 2/50 dropped)",
        10: "written after round 9's run; never tuned on, but seen (its leaks guided the i14c trials)",
        11: "tuned on after its one held-out run (dad3118: junk 12/127 kept, good 3/104 dropped)",
        12: "held out: written and committed before any filter ran on it; never tuned on",
    }
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
