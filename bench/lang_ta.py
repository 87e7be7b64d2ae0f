"""The Tamil pack's part of bench/lang.py (issue #20): Tanglish word LID, Tamil ↔ Roman, sentence ID across
every pack, noise robustness and speed. Run through ``python bench/lang.py --pack ta``; kept apart so each
file holds one pack's benches.
"""

from __future__ import annotations

import random
from collections import Counter

from lang import _three, _timed  # bench/ is on sys.path: bench/lang.py runs this file

from tadka.lang import get_pack, resources
from tadka.lang.analyze import Analyzer
from tadka.lang.tokenize import _CHUNKS, normalize_indic

# ---------------------------------------------------------------- the Tamil pack (issue #20)
TA_SOURCES = ("youtube", "twitter", "whatsapp")
TA_SENTENCE_LABELS = ("en", "ta-Taml", "ta-Latn", "hi-Latn", "hi-Deva", "other")


def bench_ta_word_lid(analyzer: Analyzer) -> dict:
    """Tanglish word LID on eval/ta_social_lid_*.conll: ta / en / univ, names counted as univ."""
    total: Counter = Counter()
    out: dict = {}
    for source in TA_SOURCES:
        c: Counter = Counter()
        for sent in resources.read_conll(f"eval/ta_social_lid_{source}.conll"):
            for (_, gold), p in zip(sent, analyzer.tag_tokens([t for t, _ in sent])):
                c["n"] += 1
                c["ok"] += _three(gold) == _three(p)
                c["ok6"] += gold == p
                if _three(gold) != _three(p):
                    c[f"err {_three(gold)}->{_three(p)}"] += 1
        out[f"ta_word_accuracy_{source}"] = c["ok"] / c["n"]
        total.update(c)
    out["ta_word_tokens"] = total["n"]
    out["ta_word_accuracy"] = total["ok"] / total["n"]
    out["ta_word_accuracy_six_tags"] = total["ok6"] / total["n"]
    out["ta_word_errors"] = {k[4:]: v for k, v in sorted(total.items()) if k.startswith("err ")}
    return out


def bench_ta_translit() -> dict:
    """Tamil script → Roman on eval/ta_translit.tsv (the output is one of the accepted spellings),
    and Roman → Tamil of every accepted spelling (for information: no target)."""
    pack = get_pack("ta")
    rows = resources.read_tsv("eval/ta_translit.tsv")
    to_roman = to_taml = pairs = 0
    for row in rows:
        romans = [r.strip().lower() for r in row["roman"].split("|") if r.strip()]
        to_roman += pack.romanize(row["taml"]).lower() in romans
        for roman in romans:
            pairs += 1
            to_taml += pack.native_word(roman) == normalize_indic(row["taml"])
    return {
        "ta_translit_words": len(rows),
        "ta_taml_to_roman_accepted": to_roman / len(rows),
        "ta_translit_pairs": pairs,
        "ta_roman_to_taml_exact": to_taml / pairs,
    }


def bench_ta_sentence() -> dict:
    """Sentence ID across every pack (tadka.lang.detect) on eval/ta_sentence_id.tsv. Its even rows
    were looked at while building tadka.lang.detect (a development half); the odd rows never were."""
    from tadka.lang.detect import identify_batch

    rows = resources.read_tsv("eval/ta_sentence_id.tsv")
    found = identify_batch([r["text"] for r in rows])
    per: Counter = Counter()
    for k, (row, lang) in enumerate(zip(rows, found)):
        ok = lang == row["label"]
        per[row["label"]] += 1
        per[row["label"] + " ok"] += ok
        per["sealed" if k % 2 else "dev"] += 1
        per[("sealed" if k % 2 else "dev") + " ok"] += ok
        if not ok:
            per[f"err {row['label']}->{lang}"] += 1
    return {
        "ta_sentence_rows": len(rows),
        "ta_sentence_accuracy": sum(per[x + " ok"] for x in TA_SENTENCE_LABELS) / len(rows),
        "ta_sentence_accuracy_sealed_half": per["sealed ok"] / per["sealed"],
        "ta_sentence_per_label": {x: f"{per[x + ' ok']}/{per[x]}" for x in TA_SENTENCE_LABELS if per[x]},
        "ta_sentence_errors": {k[4:]: v for k, v in sorted(per.items()) if k.startswith("err ")},
    }


def bench_ta_noise(analyzer: Analyzer) -> dict:
    """Tanglish word LID on the gold sentences after each kind of social-media noise (the Tamil pack's
    SMS table joined to the shared one), against the same gold tags."""
    from tadka.augment.text.elongation import Elongation
    from tadka.augment.text.sms import SmsShorthand
    from tadka.augment.text.tables import sms_for
    from tadka.augment.text.vowels import VowelDrop

    vowels, stretch = VowelDrop(1.0), Elongation(1.0)
    table = sms_for("ta")
    short = SmsShorthand(1.0)

    def latin_word(t: str) -> bool:
        return t.isascii() and t.isalpha()

    def sms(t: str, r: random.Random) -> str:
        options = table.get(t.lower())
        return short.change(t, r) if options is None else options[0] if r.random() < 0.5 else r.choice(options)

    kinds = {
        "title_case": lambda t, r: t.capitalize() if latin_word(t) else t,
        "all_caps": lambda t, r: t.upper() if latin_word(t) else t,
        "vowels": lambda t, r: (
            vowels.change(t, r)
            if latin_word(t) and len(t) >= 4 and r.random() < 0.5 and any(c in "aeiou" for c in t[1:-1])
            else t
        ),
        "sms": lambda t, r: sms(t, r) if t.lower() in table else t,
        "elongate": lambda t, r: stretch.change(t, r) if latin_word(t) and r.random() < 0.3 else t,
    }
    sentences = [s for src in TA_SOURCES for s in resources.read_conll(f"eval/ta_social_lid_{src}.conll")]
    out = {}
    for name, noise in kinds.items():
        rng = random.Random(name)
        ok = n = 0
        for sent in sentences:
            for (_, gold), pred in zip(sent, analyzer.tag_tokens([noise(t, rng) for t, _ in sent])):
                ok += _three(gold) == _three(pred)
                n += 1
        out[name] = ok / n
    return {"ta_noise_word_accuracy": out}


def ta_throughput_corpus(n: int, seed: int = 0) -> list[str]:
    """n sentences spliced from the Tamil pack's LID training text (never the gold sets)."""
    pack = get_pack("ta")
    lines: list[str] = []
    for rel in (pack.lid.roman, pack.lid.english, pack.lid.native, pack.lid.other):
        lines += resources.read_lines(rel)
    lines += [" ".join(t for t, _ in s) for s in resources.read_conll(pack.lid.tagged)]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.choice(lines).split(), rng.choice(lines).split()
        out.append(" ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :]))
    return out


def bench_ta_throughput(n: int) -> dict:
    """The Tamil pack's analyze_batch from a fresh analyzer (models loaded, memos empty)."""
    texts = ta_throughput_corpus(n)
    analyzer = Analyzer("ta").warm()
    _CHUNKS.clear()

    def full():
        for i in range(0, len(texts), 4096):
            analyzer.analyze_batch(texts[i : i + 4096])

    cpu, wall = _timed(full)
    return {"ta_throughput_sentences": n, "ta_analyze_batch_cpu": n / cpu, "ta_analyze_batch_wall": n / wall}


def run_ta(args, f: dict) -> None:
    analyzer = Analyzer("ta").warm()
    f.update(bench_ta_word_lid(analyzer))
    print(
        f"ta word LID       {f['ta_word_tokens']} tokens (ta/en/univ, names as univ): {f['ta_word_accuracy']:.1%}; "
        + ", ".join(f"{s} {f['ta_word_accuracy_' + s]:.1%}" for s in TA_SOURCES)
        + f"; six tags {f['ta_word_accuracy_six_tags']:.1%}"
    )
    print(f"                  errors gold->predicted: {f['ta_word_errors']}")
    f.update(bench_ta_translit())
    print(
        f"ta translit       {f['ta_translit_words']} Tamil words → Roman: an accepted spelling "
        f"{f['ta_taml_to_roman_accepted']:.1%}; {f['ta_translit_pairs']} Roman → Tamil pairs: exact "
        f"{f['ta_roman_to_taml_exact']:.1%}"
    )
    f.update(bench_ta_sentence())
    print(
        f"ta sentence ID    {f['ta_sentence_rows']} lines (all packs): {f['ta_sentence_accuracy']:.1%} "
        f"(never-looked-at half {f['ta_sentence_accuracy_sealed_half']:.1%}); per label {f['ta_sentence_per_label']}; "
        f"errors {f['ta_sentence_errors']}"
    )
    f.update(bench_ta_noise(analyzer))
    print(
        "ta noise          word LID on the gold sentences after: "
        + ", ".join(f"{k} {v:.1%}" for k, v in f["ta_noise_word_accuracy"].items())
    )
    if not args.skip_throughput:
        f.update(bench_ta_throughput(args.sentences))
        print(
            f"ta throughput     {f['ta_throughput_sentences']:,} sentences: analyze_batch "
            f"{f['ta_analyze_batch_cpu']:,.0f}/s per CPU second ({f['ta_analyze_batch_wall']:,.0f}/s wall)"
        )
