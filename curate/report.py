"""The curate report: what each step did and how the data changed, as one HTML page with PNGs.

Written to ``reports/curate/`` in the workspace, atomically (a temp folder swapped in), so the review
app never shows half a report: ``index.html``, ``steps.png``, ``cmi.png``, ``length.png``,
``language.png``, ``script.png`` and ``summary.json`` (the same figures for programs, plus the
resolved config). Before/after histograms are computed from the text of a deterministic sample of
at most ``sample`` records (every k-th row), before = all of them, after = those kept, so a 1M-row
run does not pay for a second full language-ID pass. Examples per reason show the processed text
(PII already redacted), never the raw input.
"""

from __future__ import annotations

import dataclasses
import html
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tadka.atomic import atomic_dir
from tadka.curate.dedup.settle import reason_of
from tadka.curate.outcome import Outcome
from tadka.curate.spill import sparse_take
from tadka.lang import scripts

CMI_BINS = [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 100]
LENGTH_BINS = [0, 50, 100, 200, 400, 800, 1600, 3200, 6400, 10**9]


def script_class(text: str) -> str:
    """Latn, Deva, Latn+Deva (both at least 5 % of the letters), other, or none (no letters)."""
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            counts[scripts.char_script(ch)] += 1
    total = sum(counts.values())
    if not total:
        return "none"
    latn, deva = counts[scripts.LATN] / total, counts[scripts.DEVA] / total
    if latn >= 0.05 and deva >= 0.05:
        return "Latn+Deva"
    if latn >= 0.5:
        return "Latn"
    if deva >= 0.5:
        return "Deva"
    return "other"


def _measure(chats: list[list[dict]], langs: list[str] | None = None) -> list[dict[str, Any]]:
    """Length, script, and (from batched language-ID passes, one per language pack that the
    records' ``langs`` name) CMI and sentence language per chat."""
    from tadka.lang.analyze import analyze_batch
    from tadka.lang.pack import pack_of

    texts = ["\n".join(m["content"] for m in msgs if m["role"] in ("user", "assistant")) for msgs in chats]
    answers = [
        "\n".join(m["content"] for m in msgs if m["role"] == "assistant") or text for msgs, text in zip(chats, texts)
    ]
    packs = [pack_of(lang) for lang in (langs or [""] * len(chats))]
    analyses: list = [None] * len(answers)
    for code in sorted(set(packs)):
        idx = [i for i, p in enumerate(packs) if p == code]
        for start in range(0, len(idx), 1000):
            part = idx[start : start + 1000]
            for i, a in zip(part, analyze_batch([answers[i] for i in part], code)):
                analyses[i] = a
    return [
        {"chars": len(text), "cmi": float(a.cmi), "language": a.lang, "script": script_class(text)}
        for text, a in zip(texts, analyses)
    ]


def _hist(values: list[float], bins: list[float]) -> list[int]:
    counts = [0] * (len(bins) - 1)
    for v in values:
        for i in range(len(bins) - 1):
            if bins[i] <= v < bins[i + 1] or (i == len(bins) - 2 and v >= bins[-1]):
                counts[i] += 1
                break
    return counts


def distributions(outcome: Outcome, sample: int = 5000) -> dict[str, dict[str, Any]]:
    """Before/after histograms of CMI, length, language and script over a deterministic sample."""
    rows = outcome.rows
    step = max(1, rows.num_rows // sample) if sample else 1
    indices = list(range(0, rows.num_rows, step))
    kept = [not flags for flags in sparse_take(rows["flags"], indices)] if indices else []
    langs = sparse_take(rows["lang"], indices) if indices and "lang" in rows.column_names else None
    measured = list(zip(_measure(outcome.messages(indices), langs), kept))
    out: dict[str, dict[str, Any]] = {}
    for name, bins in (("cmi", CMI_BINS), ("chars", LENGTH_BINS)):
        before = [m[name] for m, _ in measured]
        after = [m[name] for m, kept in measured if kept]
        out[name] = {"bins": bins, "before": _hist(before, bins), "after": _hist(after, bins)}
    for name in ("language", "script"):
        before = Counter(m[name] for m, _ in measured)
        after = Counter(m[name] for m, kept in measured if kept)
        labels = [k for k, _ in before.most_common()]
        out[name] = {"labels": labels, "before": [before[k] for k in labels], "after": [after[k] for k in labels]}
    out["_sample"] = {"rows": len(measured), "every": step}
    return out


def examples(outcome: Outcome, per_reason: int = 3, top: int = 20) -> dict[str, list[dict]]:
    """Up to ``per_reason`` rejected records for each of the ``top`` most common reasons.

    Reads the flagged rows a slice at a time and stops once every reason has its examples, so a
    large stage is never turned into Python objects as a whole."""
    wanted = [r for r, _ in outcome.reasons.most_common(top)]
    out: dict[str, list[dict]] = {r: [] for r in wanted}
    if outcome.processed_rejects is None:
        return out
    rows = outcome.processed_rejects.select(["id", "messages", "flags"])
    for start in range(0, rows.num_rows, 1000):
        part = rows.slice(start, 1000)
        for rid, msgs, flags in zip(part["id"].to_pylist(), part["messages"].to_pylist(), part["flags"].to_pylist()):
            for reason in dict.fromkeys(reason_of(f) for f in flags):
                bucket = out.get(reason)
                if bucket is not None and len(bucket) < per_reason:
                    answer = next(
                        (m["content"] for m in reversed(msgs) if m["role"] == "assistant"), msgs[-1]["content"]
                    )
                    bucket.append({"id": rid, "flags": flags, "text": answer[:300]})
        if all(len(b) >= per_reason for b in out.values()):
            break
    return out


def _bar_png(path: Path, title: str, labels: list[str], series: dict[str, list[int]]) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.2), dpi=100)
    ax = fig.add_subplot()
    width = 0.8 / max(1, len(series))
    for k, (name, values) in enumerate(series.items()):
        ax.bar([i + k * width for i in range(len(labels))], values, width=width, label=name)
    ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(labels))])
    ax.set_xticklabels(
        labels, rotation=30 if max((len(x) for x in labels), default=0) > 6 else 0, ha="right", fontsize=8
    )
    ax.set_title(title)
    ax.set_ylabel("records")
    if len(series) > 1:
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def _bin_labels(bins: list[float]) -> list[str]:
    return [f"{bins[i]}–{bins[i + 1]}" if bins[i + 1] < 10**9 else f"{bins[i]}+" for i in range(len(bins) - 1)]


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(summary: dict) -> str:
    n = summary["counts"]
    remaining = n["input"]
    funnel = []
    for name, c in summary["per_step"].items():
        remaining -= c["first"]
        funnel.append([name, c["flagged"], c["first"], remaining])
    reasons = [[r, c] for r, c in summary["reasons"].items()]
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>tadka curate report</title><style>"
        "body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
        ".ex{font-size:90%;color:#444;margin:0 0 .5em 1em}img{max-width:100%}</style></head><body>",
        f"<h1>Curate report: {html.escape(summary['stage'])}</h1>",
        f"<p>{n['input']} records in, {n['curated']} kept in <b>{html.escape(summary['output'])}</b>, "
        f"{n['rejected']} in <b>{html.escape(summary['rejects'])}</b> ({summary['seconds']:.1f} s, "
        f"engine {html.escape(summary['engine'])}). {html.escape(time.ctime(summary['written_at']))}</p>",
        "<h2>Steps</h2><p>flagged: records the step flagged; first: records it was the first to flag; "
        "left: records no step so far has flagged.</p>",
        _table(["step", "flagged", "first", "left"], funnel),
        "<img src='steps.png' alt='records flagged per step'>",
        "<h2>Before and after</h2>",
        f"<p>Histograms over a sample of {summary['distributions']['_sample']['rows']} records.</p>",
        *(f"<img src='{name}.png' alt='{name}'>" for name in ("cmi", "length", "language", "script")),
        "<h2>Reasons</h2>",
        _table(["reason", "records"], reasons),
        "<h2>Noised copies and edits</h2><p>Dedup compares lineages: a copy (source.parent_id) is never a "
        "duplicate of its own parent or siblings. The rule that kept or dropped each copy:</p>",
        _table(["rule", "copies"], [[r, c] for r, c in summary.get("lineage", {}).items()])
        if summary.get("lineage")
        else "<p>No copies in this stage.</p>",
    ]
    for reason, exs in summary["examples"].items():
        parts.append(f"<h3>{html.escape(reason)}</h3>")
        for e in exs:
            parts.append(
                f"<p class='ex'><code>{html.escape(e['id'])}</code> "
                f"[{html.escape(', '.join(e['flags']))}]<br>{html.escape(e['text'])}</p>"
            )
    parts.append("</body></html>")
    return "\n".join(parts)


def report_page(
    stage: str,
    cfg: dict,
    *,
    engine: str,
    seconds: float,
    counts: dict,
    per_step: dict,
    reasons: dict,
    lineage: dict,
    examples: dict,
    distributions: dict,
) -> dict:
    """What summary.json holds and index.html shows, for either engine (the sharded one has no examples)."""
    return {
        "stage": stage,
        "output": cfg.get("output", "curated"),
        "rejects": cfg.get("rejects", "rejects"),
        "engine": engine,
        "written_at": time.time(),
        "seconds": seconds,
        "counts": counts,
        "per_step": per_step,
        "reasons": reasons,
        "lineage": lineage,
        "examples": examples,
        "distributions": distributions,
        "config": cfg,
    }


def write_report(
    folder: Path,
    outcome: Outcome,
    *,
    stage: str,
    config: Any = None,
    examples_per_reason: int = 3,
    sample: int = 5000,
    engine: str | None = None,
) -> Path:
    """Write the report folder atomically; returns the path of index.html."""
    dist = distributions(outcome, sample)
    cfg = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else (config or {})
    summary = report_page(
        stage,
        cfg,
        engine=engine or cfg.get("engine", "local"),
        seconds=outcome.seconds,
        counts={
            "input": outcome.rows.num_rows,
            "curated": outcome.curated.num_rows,
            "rejected": outcome.rejects.num_rows,
        },
        per_step=outcome.per_step,
        reasons=dict(outcome.reasons.most_common()),
        lineage=outcome.lineage,
        examples=examples(outcome, examples_per_reason),
        distributions=dist,
    )
    folder = Path(folder)
    with atomic_dir(folder) as tmp:
        steps = list(outcome.per_step)
        _bar_png(
            tmp / "steps.png",
            "records flagged per step",
            steps,
            {
                "flagged": [outcome.per_step[s]["flagged"] for s in steps],
                "first": [outcome.per_step[s]["first"] for s in steps],
            },
        )
        for name, file, title in (
            ("cmi", "cmi", "Code-Mixing Index (assistant turns)"),
            ("chars", "length", "characters per record"),
        ):
            d = dist[name]
            _bar_png(tmp / f"{file}.png", title, _bin_labels(d["bins"]), {"before": d["before"], "after": d["after"]})
        for name, title in (("language", "sentence language (assistant turns)"), ("script", "script")):
            d = dist[name]
            _bar_png(tmp / f"{name}.png", title, d["labels"], {"before": d["before"], "after": d["after"]})
        (tmp / "summary.json").write_text(
            json.dumps(summary, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
        (tmp / "index.html").write_text(render_html(summary), encoding="utf-8")
    return folder / "index.html"
