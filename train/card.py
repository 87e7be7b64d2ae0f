"""The run card (run_card.json + README.md) and loss.png: what was trained, on what, with which
versions, and how it went — enough to reproduce the run or to tell two runs apart."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from tadka.atomic import save_png, write_text
from tadka.train.rundir import RunDir

PACKAGES = ("tadka", "torch", "transformers", "trl", "peft", "accelerate", "datasets", "bitsandbytes", "safetensors")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0


def plot_loss(run: RunDir) -> Path | None:
    """Train loss per step and eval loss per evaluation, from metrics.jsonl."""
    rows = run.metrics()
    train = [(r["step"], r["loss"]) for r in rows if r.get("loss") is not None]
    evals = [(r["step"], r["eval_loss"]) for r in rows if r.get("eval_loss") is not None]
    if not train and not evals:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if train:
        ax.plot(*zip(*train), label="train loss", linewidth=1.2)
    if evals:
        ax.plot(*zip(*evals), "o-", label="eval loss", linewidth=1.2)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(run.name)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return save_png(fig, run.loss_png)


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def write_card(run: RunDir, card: dict[str, Any]) -> None:
    """run_card.json (for tools) and README.md (for people)."""
    write_text(run.card_json, json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    m = card.get("metrics", {})
    lines = [
        f"# Run {run.name}",
        "",
        f"State: **{card['state']}** at step {m.get('step')} of {m.get('max_steps')}.",
        "",
        "| | |",
        "|---|---|",
        f"| base | `{card['base']['spec']}` ({card['base']['kind']}) |",
        f"| method | {card['config']['mode']} / {card['config']['peft']} |",
        f"| dataset | `{card['dataset']['path']}` |",
        f"| data hash | `{card['dataset']['data_hash']}` |",
        f"| chats | {card['dataset']['train']} train; eval: "
        f"{', '.join(f'{k} {v}' for k, v in card['dataset']['eval'].items()) or 'none'} |",
        f"| device | {card.get('device')} ({card.get('precision')}) |",
        "",
    ]
    before, after = m.get("eval_before", {}), m.get("eval_after", {})
    sets = sorted(
        {k[5:-4] for k in [*before, *after] if k.endswith("_ppl") and k.startswith("eval_") and k != "eval_ppl"}
    )
    if sets:
        lines += ["| eval set | ppl before | ppl after |", "|---|---|---|"]
        for name in sets:
            lines.append(
                f"| {name} | {_fmt(before.get(f'eval_{name}_ppl', '–'))} | {_fmt(after.get(f'eval_{name}_ppl', '–'))} |"
            )
        lines.append("")
    lines += eval_lines(card.get("eval"))
    lines += [
        "## Metrics",
        "",
        "```json",
        json.dumps(m, indent=2),
        "```",
        "",
        "## Resolved config",
        "",
        "```yaml",
        yaml.safe_dump(card["config"], sort_keys=False, allow_unicode=True),
        "```",
        "",
        "## Versions",
        "",
        "```json",
        json.dumps(card["versions"], indent=2),
        "```",
        "",
    ]
    write_text(run.card_md, "\n".join(lines))


EVAL_KEYS = (
    ("fidelity", "Hinglish fidelity", "{:.2f}"),
    ("script_consistency", "script consistency", "{:.2f}"),
    ("cmi_in_band", "CMI in training band", "{:.2f}"),
    ("repeat", "repeated 3-grams", "{:.3f}"),
    ("hit_limit", "hit token limit", "{:.2f}"),
    ("echo", "copies the prompt", "{:.2f}"),
    ("chrf", "chrF", "{:.1f}"),
    ("ref_ppl", "reference perplexity", "{:.2f}"),
    ("fidelity_change", "fidelity change under noise", "{:+.2f}"),
)


def eval_headline(report: dict[str, Any]) -> dict[str, Any]:
    """What the run card keeps of an eval report: the headline figures per variant, and where the rest is."""
    from tadka.train.evaluate.report import headline

    variants = {}
    for v in report.get("variants", []):
        if v.get("greedy"):
            h = headline(v)
            h.pop("answers", None)
            variants[v["name"]] = h
        elif v.get("error"):
            variants[v["name"]] = {"error": v["error"]}
    return {
        "created": report.get("created"),
        "prompts": len(report.get("prompts", [])),
        "max_new_tokens": (report.get("decoding", {}).get("greedy") or {}).get("max_new_tokens"),
        "report": "eval/eval.json",
        "variants": variants,
    }


def eval_lines(summary: dict[str, Any] | None) -> list[str]:
    """The README's evaluation table (headline figures per variant), empty when the run was not evaluated."""
    if not summary or not summary.get("variants"):
        return []
    keys = [k for k, _, _ in EVAL_KEYS]
    lines = [
        "## Evaluation",
        "",
        f"`tadka eval` on {summary.get('prompts')} held-out prompts, greedy, at most {summary.get('max_new_tokens')} "
        f"new tokens (definitions and sample answers: `{summary.get('report')}`, `eval/samples.html`).",
        "",
        "| variant | " + " | ".join(title for _, title, _ in EVAL_KEYS) + " |",
        "|---" * (len(keys) + 1) + "|",
    ]
    for name, h in summary["variants"].items():
        if "error" in h:
            lines.append(f"| {name} | failed: {h['error']} |" + " |" * (len(keys) - 1))
            continue
        lines.append(
            f"| {name} | " + " | ".join("–" if h.get(k) is None else fmt.format(h[k]) for k, _, fmt in EVAL_KEYS) + " |"
        )
    return lines + [""]


def add_eval(run: RunDir, report: dict[str, Any]) -> None:
    """Put an eval report's headline figures into the run card (run_card.json and README.md)."""
    try:
        card = json.loads(run.card_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    card["eval"] = eval_headline(report)
    write_card(run, card)
