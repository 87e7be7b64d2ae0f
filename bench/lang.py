"""Benchmark of the Hinglish language core (tadka.lang): accuracy on real-style and shipped gold sets,
robustness to chat noise, and speed. Prints, against the targets of issues #3 and #13:

Development set in the real social-media style (corpora/eval/social_*, issue #13; see corpora/README.md):

* word-level LID on social_lid_{twitter,facebook,whatsapp}.conll, tagging the gold tokens: token
  accuracy over hi / en / univ with names counted as univ (the issue's measure; ≥ 0.92), per source,
  and on the quarter of the lines (every fourth) that was never looked at while building;
* Roman → Devanagari on social_translit.tsv: exact word, over every (Roman spelling, word) pair (≥ 0.70);
  and, to show what happens to words outside the frequency list, on 1,000 words of wordfreq's Hindi
  list withheld from the index (their habitual Roman spelling; the rest of the list as usual);
* Devanagari → Roman on social_translit.tsv: the output is one of the spellings people use (≥ 0.60);
* sentence ID on social_sentence_id.tsv: accuracy (≥ 0.95) and per language, Marathi ≥ 14/16 (0.875).

Shipped gold sets (issue #3; must stay ≥ 0.95): word LID on eval/lid_gold.conll (six tags), Devanagari →
Roman on eval/translit_deva_roman.tsv, sentence ID on eval/sentence_lid.tsv.

Robustness: word LID on eval/lid_gold.conll after each kind of noise social text has — Title Case,
ALL CAPS, aLtErNaTiNg case, and tadka's own ``vowels``, ``sms`` and ``elongate`` ops (issue #13's
error classes) — against the same gold tags (hi / en / univ, names as univ).

Speed, per CPU second of this process (the wall clock is printed too: on a shared machine it also
counts time spent waiting for a core):

* full ``analyze_batch`` (tokenize + LID + CMI + sentence ID) over sentences spliced from the LID
  training text, from a fresh analyzer whose models and tables are loaded (``Analyzer.warm``) but whose
  word memo and tokenizer cache are empty (≥ 50,000 sentences/s); word LID + CMI alone (≥ 20,000/s);
* Roman → Devanagari of the Roman Hindi tokens of the LID training text, from an empty word memo
  (≥ 20,000 words/s), and of distinct words only (every one computed).

The Tamil pack (issue #20; ``--pack ta`` runs only this part): Tanglish word LID on
eval/ta_social_lid_{youtube,twitter,whatsapp}.conll (ta / en / univ, names as univ; ≥ 0.93), Tamil script →
Roman on eval/ta_translit.tsv (an accepted spelling; ≥ 0.85), sentence ID across every pack
(tadka.lang.detect) on eval/ta_sentence_id.tsv (≥ 0.95; also on its odd rows, never looked at), and the
``ta`` analyze_batch speed (≥ 50,000 sentences/s per CPU second).

Only aggregate figures are printed: the gold and development sets are for measuring, never for tuning.

    python bench/lang.py            # everything
    python bench/lang.py --pack ta  # the Tamil pack's part only (--pack hi: the Hindi parts)
    python bench/lang.py --save     # also write bench/results/lang-YYYY-MM-DD.json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from tadka.lang import get_pack, resources
from tadka.lang.analyze import Analyzer, cmi_and_switches
from tadka.lang.hi.romanize import romanize_rules
from tadka.lang.tokenize import _CHUNKS, normalize, normalize_indic, tokenize
from tadka.lang.translit import romanize

TARGETS = {
    "dev_word_accuracy": (">=", 0.92),
    "dev_roman_to_deva_exact": (">=", 0.70),
    "dev_deva_to_roman_used": (">=", 0.60),
    "dev_sentence_accuracy": (">=", 0.95),
    "dev_sentence_marathi": (">=", 14 / 16),
    "gold_word_accuracy": (">=", 0.95),
    "gold_translit_exact": (">=", 0.95),
    "gold_sentence_accuracy": (">=", 0.95),
    "analyze_batch_cpu": (">=", 50000.0),
    "lid_cmi_cpu": (">=", 20000.0),
    "roman_to_deva_words_cpu": (">=", 20000.0),
    # the Tamil pack (issue #20)
    "ta_word_accuracy": (">=", 0.93),
    "ta_taml_to_roman_accepted": (">=", 0.85),
    "ta_sentence_accuracy": (">=", 0.95),
    "ta_analyze_batch_cpu": (">=", 50000.0),
}
SOURCES = ("twitter", "facebook", "whatsapp")


def _three(tag: str) -> str:
    """The issue's measure: hi / en / univ, names counted as univ."""
    return "univ" if tag == "ne" else tag


# ---------------------------------------------------------------- development set (real style)
def bench_dev_word_lid(analyzer: Analyzer) -> dict:
    out: dict = {}
    total = Counter()
    for source in SOURCES:
        c = Counter()
        for k, sent in enumerate(resources.read_conll(f"eval/social_lid_{source}.conll")):
            pred = analyzer.tag_tokens([t for t, _ in sent])
            part = "sealed" if k % 4 == 3 else "open"
            for (_, gold), p in zip(sent, pred):
                ok = _three(gold) == _three(p)
                c["n"] += 1
                c["ok"] += ok
                c["ok6"] += gold == p
                c["n_" + part] += 1
                c["ok_" + part] += ok
                if not ok:
                    c[f"err {_three(gold)}->{_three(p)}"] += 1
        out[f"dev_word_accuracy_{source}"] = c["ok"] / c["n"]
        total.update(c)
    out["dev_word_tokens"] = total["n"]
    out["dev_word_accuracy"] = total["ok"] / total["n"]
    out["dev_word_accuracy_six_tags"] = total["ok6"] / total["n"]
    out["dev_word_accuracy_sealed_quarter"] = total["ok_sealed"] / total["n_sealed"]
    out["dev_word_errors"] = {k[4:]: v for k, v in sorted(total.items()) if k.startswith("err ")}
    return out


def bench_dev_translit() -> dict:
    pack = get_pack("hi")
    rows = resources.read_tsv("eval/social_translit.tsv")
    r2d = n = d2r = 0
    for row in rows:
        devas = [d.strip() for d in row["deva"].split("|") if d.strip()]
        romans = [r.strip() for r in row["roman"].split("|") if r.strip()]
        d2r += romanize(devas[0]) in romans
        for roman in romans:
            n += 1
            r2d += pack.native_word(roman) in devas
    return {
        "dev_translit_words": len(rows),
        "dev_translit_pairs": n,
        "dev_roman_to_deva_exact": r2d / n,
        "dev_deva_to_roman_used": d2r / len(rows),
    }


def bench_unlisted(n: int = 1000, seed: int = 13) -> dict:
    """Roman → Devanagari of words the frequency list would not have: ``n`` of its words are withheld
    from a second index (built here), and looked up by their habitual Roman spelling."""
    from tadka.lang.native_index import build_index

    pack = get_pack("hi")
    vocabulary = sorted(w for w, _ in pack.native_vocabulary())
    withheld = random.Random(seed).sample(vocabulary, n)
    index = build_index(pack, exclude=frozenset(withheld))
    ok = sum(index.transliterate(pack, pack.romanize_word(w)) == w for w in withheld)
    return {"unlisted_roman_to_deva_exact": ok / n, "unlisted_words": n}


def bench_dev_sentence(analyzer: Analyzer) -> dict:
    rows = resources.read_tsv("eval/social_sentence_id.tsv")
    results = analyzer.analyze_batch([r["text"] for r in rows])
    per = Counter()
    for row, a in zip(rows, results):
        per[row["lang"]] += 1
        per[row["lang"] + " ok"] += a.lang == row["label"]
    langs = sorted(k for k in per if not k.endswith(" ok"))
    return {
        "dev_sentence_rows": len(rows),
        "dev_sentence_accuracy": sum(a.lang == r["label"] for r, a in zip(rows, results)) / len(rows),
        "dev_sentence_marathi": per["mr ok"] / per["mr"],
        "dev_sentence_per_language": {k: f"{per[k + ' ok']}/{per[k]}" for k in langs},
    }


# ---------------------------------------------------------------- shipped gold sets (issue #3)
def bench_gold_translit() -> dict:
    """The full romaniser (word tables, lexicon, rules), and — for information — the rules alone."""
    rows = resources.read_tsv("eval/translit_deva_roman.tsv")
    exact = rules_exact = 0
    errors = chars = 0
    for row in rows:
        alts = [_norm(a) for a in row["roman"].split("|") if a.strip()]
        pred = _norm(romanize(row["deva"]))
        exact += pred in alts
        best = min(alts, key=lambda a: Levenshtein.distance(pred, a))
        errors += Levenshtein.distance(pred, best)
        chars += len(best)
        rules = " ".join(romanize_rules(normalize_indic(w)) for w in normalize(row["deva"]).split())
        rules_exact += _norm(rules) in alts
    return {
        "gold_translit_rows": len(rows),
        "gold_translit_exact": exact / len(rows),
        "gold_translit_cer": errors / chars,
        "gold_translit_rules_only_exact": rules_exact / len(rows),
    }


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def bench_gold_word_lid(analyzer: Analyzer) -> dict:
    conf: Counter = Counter()
    for sent in resources.read_conll("eval/lid_gold.conll"):
        for (_, gold), pred in zip(sent, analyzer.tag_tokens([t for t, _ in sent])):
            conf[(gold, pred)] += 1
    n = sum(conf.values())
    return {
        "gold_word_tokens": n,
        "gold_word_accuracy": sum(v for (g, p), v in conf.items() if g == p) / n,
        "gold_word_errors": {f"{g}->{p}": v for (g, p), v in sorted(conf.items()) if g != p},
    }


def bench_gold_sentence(analyzer: Analyzer) -> dict:
    rows = resources.read_tsv("eval/sentence_lid.tsv")
    results = analyzer.analyze_batch([r["text"] for r in rows])
    conf = Counter((r["label"], a.lang) for r, a in zip(rows, results))
    return {
        "gold_sentence_rows": len(rows),
        "gold_sentence_accuracy": sum(v for (g, p), v in conf.items() if g == p) / len(rows),
        "gold_sentence_errors": {f"{g}->{p}": v for (g, p), v in sorted(conf.items()) if g != p},
    }


# ---------------------------------------------------------------- robustness to chat noise
def _alternate(word: str) -> str:
    return "".join(ch.upper() if i % 2 else ch.lower() for i, ch in enumerate(word))


def bench_noise(analyzer: Analyzer) -> dict:
    """Word LID on the shipped gold sentences after each kind of social-media noise."""
    from tadka.augment.text.elongation import Elongation
    from tadka.augment.text.sms import SmsShorthand
    from tadka.augment.text.tables import sms
    from tadka.augment.text.vowels import VowelDrop

    vowels, shorthand, stretch = VowelDrop(1.0), SmsShorthand(1.0), Elongation(1.0)
    table = sms()

    def latin_word(t: str) -> bool:
        return t.isascii() and t.isalpha()

    kinds = {
        "title_case": lambda t, r: t.capitalize() if latin_word(t) else t,
        "all_caps": lambda t, r: t.upper() if latin_word(t) else t,
        "alternating": lambda t, r: _alternate(t) if latin_word(t) and len(t) > 1 else t,
        "vowels": lambda t, r: (
            vowels.change(t, r)
            if latin_word(t) and len(t) >= 4 and r.random() < 0.5 and any(c in "aeiou" for c in t[1:-1])
            else t
        ),
        "sms": lambda t, r: shorthand.change(t, r) if t.lower() in table else t,
        "elongate": lambda t, r: stretch.change(t, r) if latin_word(t) and r.random() < 0.3 else t,
    }
    sentences = resources.read_conll("eval/lid_gold.conll")
    out = {}
    for name, noise in kinds.items():
        rng = random.Random(name)
        ok = n = 0
        for sent in sentences:
            tokens = [noise(t, rng) for t, _ in sent]
            for (_, gold), pred in zip(sent, analyzer.tag_tokens(tokens)):
                ok += _three(gold) == _three(pred)
                n += 1
        out[name] = ok / n
    return {"noise_word_accuracy": out}


# ---------------------------------------------------------------- speed
def throughput_corpus(n: int, seed: int = 0) -> list[str]:
    """n distinct-ish sentences from the LID training text (never the gold sets): each joins the
    first half of one line to the second half of another, so lines rarely repeat."""
    lines: list[str] = []
    for rel in ("lid/hi_latn.txt", "lid/en.txt", "lid/hi_deva.txt", "lid/other.txt"):
        lines += resources.read_lines(rel)
    lines += [" ".join(t for t, _ in s) for s in resources.read_conll("lid/mixed_tagged.conll")]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.choice(lines).split(), rng.choice(lines).split()
        out.append(" ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :]))
    return out


def _timed(fn) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def bench_throughput(n: int) -> dict:
    """Cold word memo and tokenizer cache (models and tables loaded), so the figures include
    learning the corpus's vocabulary."""
    texts = throughput_corpus(n)

    def fresh() -> Analyzer:
        analyzer = Analyzer("hi").warm()
        _CHUNKS.clear()
        return analyzer

    analyzer = fresh()
    token_lists: list[list[str]] = []
    cpu_tok, _ = _timed(lambda: token_lists.extend(tokenize(t) for t in texts))

    def tag_and_cmi():
        for tags in analyzer.tagger.tag_batch(token_lists):
            cmi_and_switches(tags)

    cpu_lid, wall_lid = _timed(tag_and_cmi)
    analyzer = fresh()

    def full():
        for i in range(0, len(texts), 4096):
            analyzer.analyze_batch(texts[i : i + 4096])

    cpu_all, wall_all = _timed(full)
    return {
        "throughput_sentences": n,
        "throughput_tokens": sum(len(t) for t in token_lists),
        "lid_cmi_cpu": n / cpu_lid,
        "lid_cmi_wall": n / wall_lid,
        "tokenize_cpu": n / cpu_tok,
        "analyze_batch_cpu": n / cpu_all,
        "analyze_batch_wall": n / wall_all,
    }


def bench_roman_to_deva_speed() -> dict:
    """Roman → Devanagari of every Roman token tagged Hindi in the LID training text (its own lines
    and their noised copies), from an empty memo; and of its distinct words, each computed."""
    pack = get_pack("hi")
    _ = pack.native_index  # loaded, not timed
    texts = resources.read_lines("lid/hi_latn.txt") + [r["text"] for r in resources.read_tsv("lid/noised_lines.tsv")]
    words = [
        tok
        for a in Analyzer("hi").analyze_batch(texts)
        for tok, tag in zip(a.tokens, a.tags)
        if tag == "hi" and tok.isascii() and tok.isalpha()
    ]
    distinct = list(dict.fromkeys(words))
    pack._to_native.clear()
    cpu_stream, _ = _timed(lambda: [pack.native_word(w) for w in words])
    pack._to_native.clear()
    cpu_distinct, _ = _timed(lambda: [pack.native_word(w) for w in distinct])
    return {
        "roman_to_deva_words": len(words),
        "roman_to_deva_words_cpu": len(words) / cpu_stream,
        "roman_to_deva_distinct": len(distinct),
        "roman_to_deva_distinct_cpu": len(distinct) / cpu_distinct,
    }


# ---------------------------------------------------------------- report
def check(figures: dict) -> list[str]:
    lines = []
    for key, (op, target) in TARGETS.items():
        if key not in figures:
            continue
        value = figures[key]
        ok = value >= target if op == ">=" else value <= target
        lines.append(f"  {'PASS' if ok else 'MISS'}  {key} = {value:.4g} (target {op} {target:.4g})")
    return lines


def run_hi(args, f: dict) -> None:
    analyzer = Analyzer("hi").warm()
    f.update(bench_dev_word_lid(analyzer))
    print(
        f"dev word LID      {f['dev_word_tokens']} tokens (hi/en/univ, names as univ): "
        f"{f['dev_word_accuracy']:.1%}; "
        + ", ".join(f"{s} {f['dev_word_accuracy_' + s]:.1%}" for s in SOURCES)
        + f"; sealed quarter {f['dev_word_accuracy_sealed_quarter']:.1%}; six tags {f['dev_word_accuracy_six_tags']:.1%}"
    )
    print(f"                  errors gold->predicted: {f['dev_word_errors']}")
    f.update(bench_dev_translit())
    f.update(bench_unlisted())
    print(
        f"dev translit      {f['dev_translit_pairs']} Roman→Devanagari pairs: exact {f['dev_roman_to_deva_exact']:.1%}"
        f" (words withheld from the frequency list: {f['unlisted_roman_to_deva_exact']:.1%} of {f['unlisted_words']}); "
        f"{f['dev_translit_words']} Devanagari→Roman words: a spelling people use {f['dev_deva_to_roman_used']:.1%}"
    )
    f.update(bench_dev_sentence(analyzer))
    print(
        f"dev sentence ID   {f['dev_sentence_rows']} lines: {f['dev_sentence_accuracy']:.1%}; "
        f"per language {f['dev_sentence_per_language']}"
    )
    f.update(bench_gold_word_lid(analyzer))
    f.update(bench_gold_translit())
    f.update(bench_gold_sentence(analyzer))
    print(
        f"gold sets         word LID {f['gold_word_accuracy']:.1%} of {f['gold_word_tokens']} tokens "
        f"(errors {f['gold_word_errors']}); Devanagari→Roman exact {f['gold_translit_exact']:.1%} of "
        f"{f['gold_translit_rows']}, CER {f['gold_translit_cer']:.2%} (rules alone {f['gold_translit_rules_only_exact']:.1%}); "
        f"sentence ID {f['gold_sentence_accuracy']:.1%} of {f['gold_sentence_rows']} (errors {f['gold_sentence_errors']})"
    )
    f.update(bench_noise(analyzer))
    print(
        "noise robustness  word LID on the gold sentences after: "
        + ", ".join(f"{k} {v:.1%}" for k, v in f["noise_word_accuracy"].items())
    )
    if not args.skip_throughput:
        f.update(bench_throughput(args.sentences))
        print(
            f"throughput        {f['throughput_sentences']:,} sentences ({f['throughput_tokens']:,} tokens): "
            f"analyze_batch (tokenize + LID + CMI + sentence ID) {f['analyze_batch_cpu']:,.0f}/s per CPU second "
            f"({f['analyze_batch_wall']:,.0f}/s wall); word LID + CMI {f['lid_cmi_cpu']:,.0f}/s "
            f"({f['lid_cmi_wall']:,.0f}/s wall); tokenize {f['tokenize_cpu']:,.0f}/s"
        )
        f.update(bench_roman_to_deva_speed())
        print(
            f"Roman→Devanagari  {f['roman_to_deva_words']:,} Roman Hindi tokens: {f['roman_to_deva_words_cpu']:,.0f} words/s "
            f"per CPU second; {f['roman_to_deva_distinct']:,} distinct words, each computed: "
            f"{f['roman_to_deva_distinct_cpu']:,.0f} words/s"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=100_000, help="throughput corpus size")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--save", action="store_true", help="write bench/results/lang-DATE.json")
    parser.add_argument("--pack", choices=("all", "hi", "ta"), default="all", help="which pack's parts to run")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    f: dict = {}
    if args.pack in ("all", "hi"):
        run_hi(args, f)
    if args.pack in ("all", "ta"):
        from lang_ta import run_ta  # bench/ is on sys.path when this file runs

        run_ta(args, f)
    print("targets:")
    print("\n".join(check(f)))
    print(f"({time.perf_counter() - t0:.1f} s)")
    if args.save:
        out = Path(__file__).resolve().parent / "results" / f"lang-{dt.date.today().isoformat()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(f, fh, indent=2, ensure_ascii=False)
        os.replace(tmp, out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
