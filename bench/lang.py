"""Benchmark of the Hinglish language core (tadka.lang) on the held-out gold sets.

Prints, against the targets of issue #3:

* transliteration Devanagari → Roman on corpora/eval/translit_deva_roman.tsv: exact match with any
  accepted spelling (≥ 85 %) and character error rate against the closest one (≤ 5 %);
* word-level language ID on corpora/eval/lid_gold.conll, tagging the gold tokens
  (``tag_tokens``, so tokenizer differences do not count): token accuracy (≥ 93 %) and macro-F1
  over hi and en (≥ 0.92);
* sentence-level ID on corpora/eval/sentence_lid.tsv: accuracy (≥ 97 %);
* throughput of word LID + CMI over 100,000 sentences on one core (≥ 20,000 sentences/s),
  measured in CPU seconds of this process (the wall clock is printed too: on a shared machine
  it also counts time spent waiting for a core), from cold word and tokenizer caches. The
  sentences are spliced from the LID training text, so their vocabulary (about 10,000 words) is
  learnt early; a new word costs about 13 µs once (lexicon checks, then the fastText model in
  batches: some 75,000 new words/s), so text with a larger vocabulary runs slower at first.

Only aggregate figures are printed: the gold sets are for measuring, never for tuning.

    python bench/lang.py            # everything
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

from tadka.lang import resources
from tadka.lang.analyze import Analyzer, cmi_and_switches
from tadka.lang.hi.romanize import romanize_rules
from tadka.lang.tokenize import _CHUNKS, normalize, normalize_indic, tokenize
from tadka.lang.translit import romanize

TARGETS = {
    "translit_exact": (">=", 0.85),
    "translit_cer": ("<=", 0.05),
    "word_accuracy": (">=", 0.93),
    "word_macro_f1_hi_en": (">=", 0.92),
    "sentence_accuracy": (">=", 0.97),
    "throughput_cpu": (">=", 20000.0),
}


def _norm(s: str) -> str:
    return " ".join(s.lower().split())


def bench_translit() -> dict:
    """The full romaniser (word tables, lexicon, rules), and — for information — the rules alone,
    which is what words outside the tables get."""
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
    return {"translit_rows": len(rows), "translit_exact": exact / len(rows), "translit_cer": errors / chars,
            "translit_rules_only_exact": rules_exact / len(rows)}


def _f1(conf: Counter, label: str) -> float:
    tp = conf[(label, label)]
    fp = sum(v for (g, p), v in conf.items() if p == label and g != label)
    fn = sum(v for (g, p), v in conf.items() if g == label and p != label)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def bench_word_lid(analyzer: Analyzer) -> dict:
    sentences = resources.read_conll("eval/lid_gold.conll")
    conf: Counter = Counter()
    for sent in sentences:
        tokens = [t for t, _ in sent]
        for (_, gold), pred in zip(sent, analyzer.tag_tokens(tokens)):
            conf[(gold, pred)] += 1
    n = sum(conf.values())
    labels = sorted({g for g, _ in conf} | {p for _, p in conf})
    return {
        "word_tokens": n,
        "word_accuracy": sum(v for (g, p), v in conf.items() if g == p) / n,
        "word_macro_f1_hi_en": (_f1(conf, "hi") + _f1(conf, "en")) / 2,
        "word_f1": {label: round(_f1(conf, label), 4) for label in labels},
        "word_confusion": {f"{g}->{p}": v for (g, p), v in sorted(conf.items()) if g != p},
    }


def bench_sentence_lid(analyzer: Analyzer) -> dict:
    rows = resources.read_tsv("eval/sentence_lid.tsv")
    results = analyzer.analyze_batch([r["text"] for r in rows])
    conf = Counter((r["label"], a.lang) for r, a in zip(rows, results))
    return {
        "sentence_rows": len(rows),
        "sentence_accuracy": sum(v for (g, p), v in conf.items() if g == p) / len(rows),
        "sentence_confusion": {f"{g}->{p}": v for (g, p), v in sorted(conf.items()) if g != p},
    }


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
        out.append(" ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2:]))
    return out


def bench_throughput(n: int) -> dict:
    """Cold caches: a fresh analyzer (models loaded, word memo empty) and an empty tokenizer chunk
    cache, so the figures include learning the corpus's vocabulary."""
    texts = throughput_corpus(n)

    def fresh() -> Analyzer:
        analyzer = Analyzer("hi")
        _ = (analyzer.tagger.model, analyzer.sentences.model)  # load (or train) before the clock starts
        _CHUNKS.clear()
        return analyzer

    def timed(fn):
        c0, w0 = time.process_time(), time.perf_counter()
        fn()
        return time.process_time() - c0, time.perf_counter() - w0

    analyzer = fresh()
    token_lists: list[list[str]] = []
    cpu_tok, _ = timed(lambda: token_lists.extend(tokenize(t) for t in texts))

    def tag_and_cmi():
        for tags in analyzer.tagger.tag_batch(token_lists):
            cmi_and_switches(tags)

    cpu_lid, wall_lid = timed(tag_and_cmi)

    analyzer = fresh()

    def full():
        for i in range(0, len(texts), 4096):
            analyzer.analyze_batch(texts[i:i + 4096])

    cpu_all, wall_all = timed(full)
    return {
        "throughput_sentences": n,
        "throughput_tokens": sum(len(t) for t in token_lists),
        "throughput_cpu": n / cpu_lid,
        "throughput_wall": n / wall_lid,
        "tokenize_cpu": n / cpu_tok,
        "analyze_batch_cpu": n / cpu_all,
        "analyze_batch_wall": n / wall_all,
    }


def check(figures: dict) -> list[str]:
    lines = []
    for key, (op, target) in TARGETS.items():
        if key not in figures:
            continue
        value = figures[key]
        ok = value >= target if op == ">=" else value <= target
        lines.append(f"  {'PASS' if ok else 'MISS'}  {key} = {value:.4g} (target {op} {target:g})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=100_000, help="throughput corpus size")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--save", action="store_true", help="write bench/results/lang-DATE.json")
    args = parser.parse_args(argv)

    analyzer = Analyzer("hi")
    t0 = time.perf_counter()
    figures: dict = {}
    figures.update(bench_translit())
    print(f"transliteration  {figures['translit_rows']} rows: exact {figures['translit_exact']:.1%}, "
          f"CER {figures['translit_cer']:.2%} (rules alone, without the word tables: "
          f"exact {figures['translit_rules_only_exact']:.1%})")
    figures.update(bench_word_lid(analyzer))
    print(f"word LID         {figures['word_tokens']} tokens: accuracy {figures['word_accuracy']:.1%}, "
          f"macro-F1(hi,en) {figures['word_macro_f1_hi_en']:.3f}; F1 {figures['word_f1']}")
    print(f"                 errors gold->predicted: {figures['word_confusion']}")
    figures.update(bench_sentence_lid(analyzer))
    print(f"sentence ID      {figures['sentence_rows']} sentences: accuracy {figures['sentence_accuracy']:.1%}; "
          f"errors {figures['sentence_confusion']}")
    if not args.skip_throughput:
        figures.update(bench_throughput(args.sentences))
        print(f"throughput       {figures['throughput_sentences']:,} sentences ({figures['throughput_tokens']:,} tokens): "
              f"word LID + CMI {figures['throughput_cpu']:,.0f}/s per CPU second "
              f"({figures['throughput_wall']:,.0f}/s wall); tokenize {figures['tokenize_cpu']:,.0f}/s; "
              f"analyze_batch (tokenize + LID + CMI + sentence ID) {figures['analyze_batch_cpu']:,.0f}/s "
              f"({figures['analyze_batch_wall']:,.0f}/s wall)")
    print("targets:")
    print("\n".join(check(figures)))
    print(f"({time.perf_counter() - t0:.1f} s)")
    if args.save:
        out = Path(__file__).resolve().parent / "results" / f"lang-{dt.date.today().isoformat()}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(figures, f, indent=2, ensure_ascii=False)
        os.replace(tmp, out)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
