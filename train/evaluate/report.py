"""The eval report: eval.json, a comparison table, bar charts (PNG) and samples.html — side by side, every
variant's answer to the same prompts — written atomically into one folder (``runs/<run>/eval/``).

Torch-free: the review app renders the same table from eval.json (:func:`table_rows`), and the run
card and the export's model card carry :func:`headline`.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from tadka.atomic import save_png, write_text

# (key in the headline, column title, format) — the table's columns, in order
COLUMNS = (
    ("fidelity", "fidelity", "{:.2f}"),
    ("script_consistency", "script", "{:.2f}"),
    ("cmi_mean", "CMI", "{:.1f}"),
    ("cmi_in_band", "in band", "{:.2f}"),
    ("cmi_distance", "CMI dist", "{:.2f}"),
    ("m_index", "M-index", "{:.2f}"),
    ("repeat", "repeat", "{:.3f}"),
    ("hit_limit", "at limit", "{:.2f}"),
    ("short", "short", "{:.2f}"),
    ("echo", "echo", "{:.2f}"),
    ("chrf", "chrF", "{:.1f}"),
    ("ref_ppl", "ref ppl", "{:.2f}"),
    ("noisy_fidelity", "noisy fid", "{:.2f}"),
    ("fidelity_change", "Δ fid", "{:+.2f}"),
    ("changed", "changed", "{:.2f}"),
    ("sampled_fidelity", "sampled fid", "{:.2f}"),
)
EXTRA_DEFINITIONS = {
    "noisy_fidelity": "fidelity on the same prompts with typing noise (the eval.noise preset, seeded)",
    "fidelity_change": "noisy fidelity minus clean fidelity",
    "sampled_fidelity": "fidelity of answers sampled with the run's temperature and top_p",
}


def headline(row: dict[str, Any]) -> dict[str, Any]:
    """The figures of one variant that tables and cards show (greedy answers to clean prompts first)."""
    greedy, noisy, sampled = row.get("greedy") or {}, row.get("noisy") or {}, row.get("sample") or {}
    out = {
        key: greedy.get(key)
        for key in (
            "fidelity",
            "script_consistency",
            "cmi_mean",
            "cmi_in_band",
            "cmi_distance",
            "m_index",
            "repeat",
            "hit_limit",
            "short",
            "echo",
            "chrf",
        )
    }
    out["ref_ppl"] = row.get("ref_ppl")
    out["noisy_fidelity"] = noisy.get("fidelity")
    out["fidelity_change"] = (row.get("robustness") or {}).get("fidelity")
    out["changed"] = (row.get("robustness") or {}).get("changed")
    out["sampled_fidelity"] = sampled.get("fidelity")
    out["answers"] = greedy.get("answers")
    return out


def _cell(value: Any, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def table_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One dict per variant (column title → formatted figure), for the app's dataframe and the text table."""
    rows = []
    for v in report["variants"]:
        h = headline(v)
        row = {"variant": v["name"]}
        if "error" in v and not h.get("answers"):
            row.update({title: "-" for _, title, _ in COLUMNS})
            row["note"] = v["error"]
        else:
            row.update({title: _cell(h.get(key), fmt) for key, title, fmt in COLUMNS})
            row["note"] = v.get("error", "")
        rows.append(row)
    return rows


def table(report: dict[str, Any]) -> str:
    """The comparison table as fixed-width text, one line per variant, then the definitions."""
    rows = table_rows(report)
    titles = ["variant"] + [t for _, t, _ in COLUMNS]
    widths = {t: max([len(t)] + [len(str(r[t])) for r in rows]) for t in titles}
    head = " ".join(f"{t:<{widths[t]}}" if t == "variant" else f"{t:>{widths[t]}}" for t in titles)
    lines = [head, "-" * len(head)]
    for r in rows:
        if r["note"] and all(r[t] == "-" for t in titles[1:]):
            lines.append(f"{r['variant']:<{widths['variant']}} failed: {r['note']}")
            continue
        line = " ".join(f"{r[t]:<{widths[t]}}" if t == "variant" else f"{r[t]:>{widths[t]}}" for t in titles)
        lines.append(line + (f"  ({r['note']})" if r["note"] else ""))
    lines += judge_lines(report.get("judge"))
    n = len(report.get("prompts", []))
    d = report.get("decoding", {}).get("greedy", {})
    lines.append(f"{n} prompts, greedy, at most {d.get('max_new_tokens')} new tokens; definitions:")
    defs = {**report.get("definitions", {}), **EXTRA_DEFINITIONS}
    for key, title, _ in COLUMNS:
        if key in defs:
            lines.append(f"  {title}: {defs[key]}")
    return "\n".join(lines)


def judge_lines(judge: dict[str, Any] | None) -> list[str]:
    """One line per judged pair, and the judge's cost."""
    if not judge:
        return []
    out = [f"judge ({judge.get('teacher')}), each prompt asked in both orders:"]
    for p in judge["pairs"]:
        pref = "-" if p["preference"] is None else f"{p['preference']:.2f}"
        cons = "-" if p["consistency"] is None else f"{p['consistency']:.2f}"
        out.append(
            f"  {p['x']} vs {p['y']}: preference {pref} ({p['wins']} wins, {p['losses']} losses, {p['ties']} ties, "
            f"{p['failed']} failed; consistency {cons})"
        )
    out.append(f"  cost: {judge['prompt_tokens'] + judge['completion_tokens']} tokens, ${judge['cost_usd']:.4f}")
    return out


CHARTS = {
    "fidelity.png": (
        "Language fidelity",
        [
            ("fidelity", "clean"),
            ("noisy_fidelity", "noisy prompt"),
            ("sampled_fidelity", "sampled"),
            ("script_consistency", "script consistent"),
        ],
    ),
    "codemix.png": (
        "Code-mixing match",
        [("cmi_in_band", "CMI in training band"), ("cmi_distance", "CMI hist. distance"), ("m_index", "M-index")],
    ),
    "degeneration.png": (
        "Degeneration",
        [
            ("repeat", "repeated 3-gram share"),
            ("hit_limit", "hit token limit"),
            ("short", "empty / one word"),
            ("echo", "copies the prompt"),
        ],
    ),
    "overlap.png": ("Reference overlap", [("chrf", "chrF / 100"), ("ref_ppl_scaled", "ref. perplexity / max")]),
}


def _bar_chart(title: str, series: list[tuple[str, str]], rows: list[tuple[str, dict]], path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [name for name, _ in rows]
    if not names:
        return None
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(names) + 2), 3.8), dpi=100)
    width = 0.8 / len(series)
    for i, (key, label) in enumerate(series):
        values = [h.get(key) if h.get(key) is not None else 0.0 for _, h in rows]
        ax.bar([x + (i - (len(series) - 1) / 2) * width for x in range(len(names))], values, width, label=label)
    ax.set_xticks(range(len(names)), names, rotation=20, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return save_png(fig, path)


def charts(report: dict[str, Any], folder: Path) -> list[Path]:
    """One bar chart per group of figures, a bar per variant and figure (shares on a 0-1 scale)."""
    rows = [(v["name"], headline(v)) for v in report["variants"] if v.get("greedy")]
    top = max([h["ref_ppl"] for _, h in rows if h.get("ref_ppl")], default=None)
    for _, h in rows:
        h["chrf"] = h["chrf"] / 100 if h.get("chrf") is not None else None
        h["ref_ppl_scaled"] = h["ref_ppl"] / top if top and h.get("ref_ppl") else None
    out = []
    for name, (title, series) in CHARTS.items():
        made = _bar_chart(title, series, rows, folder / name)
        if made:
            out.append(made)
    return out


def samples_html(report: dict[str, Any], n: int) -> str:
    """A page with the first ``n`` prompts, each with the reference and every variant's greedy answer."""
    esc = html.escape
    variants = [v for v in report["variants"] if v.get("answers")]
    parts = [
        "<!doctype html><meta charset='utf-8'><title>tadka eval: " + esc(report["run"]) + "</title>",
        "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:6px;vertical-align:top;font-size:14px}th{background:#f4f4f4}"
        ".tag{color:#666;font-size:12px}.bad{color:#b00}</style>",
        f"<h1>Sample answers: run {esc(report['run'])}</h1>",
        "<p>Greedy answers to the same held-out prompts, side by side. The tag under each answer is its sentence "
        "language (tadka.lang); red when it is not the prompt's target.</p>",
    ]
    from tadka.lang import analyze_batch

    for p in report["prompts"][:n]:
        texts = [(v["name"], v["answers"].get(p["id"], {})) for v in variants]
        langs = analyze_batch([a.get("greedy", "") for _, a in texts])
        noisy = next((m["content"] for m in reversed(p.get("noisy") or []) if m["role"] == "user"), "")
        user = next((m["content"] for m in reversed(p["messages"]) if m["role"] == "user"), "")
        parts.append(
            f"<h3>{esc(user)}</h3><p class='tag'>set {esc(p['set'])} · target {esc(str(p['target']))}"
            + (f" · noisy: {esc(noisy)}" if noisy and noisy != user else "")
            + "</p>"
        )
        parts.append("<table><tr><th>reference</th>" + "".join(f"<th>{esc(name)}</th>" for name, _ in texts) + "</tr>")
        cells = [f"<td>{esc(p['reference'])}</td>"]
        for (_name, a), found in zip(texts, langs):
            bad = " bad" if found.lang != p["target"] else ""
            limit = " · hit the token limit" if a.get("greedy_hit_limit") else ""
            cells.append(
                f"<td>{esc(a.get('greedy', '')) or '<i>(empty)</i>'}"
                f"<div class='tag{bad}'>{esc(found.lang)}{limit}</div></td>"
            )
        parts.append("<tr>" + "".join(cells) + "</tr></table>")
    return "\n".join(parts) + "\n"


def write_report(report: dict[str, Any], folder: Path) -> Path:
    """eval.json, table.txt, the charts and samples.html into ``folder`` (each file replaced atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = int(report.get("settings", {}).get("samples", 10))
    text = table(report)
    report["table"] = text
    report["charts"] = [p.name for p in charts(report, folder)]
    write_text(folder / "table.txt", text + "\n")
    write_text(folder / "samples.html", samples_html(report, samples))
    write_text(folder / "eval.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return folder


def read_report(folder: Path) -> dict[str, Any] | None:
    """eval.json from ``folder`` (None when there is none or it cannot be read)."""
    try:
        return json.loads((Path(folder) / "eval.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
