"""`tadka eval`: a trained run's base, adapter, merged and compressed models answer held-out prompts; the
answers are scored for Hinglish fidelity, code-mixing match, degeneration, reference overlap and
robustness to typing noise, and written to runs/<run>/eval/ (eval.json, table.txt, charts, samples.html).

Importing this module registers the ``eval:`` section of tadka.yaml (dataclasses only); torch and the
runtimes are imported when the command runs.
"""

from __future__ import annotations

import json

import click

import tadka.train.evaluate.config  # noqa: F401  (registers eval:)
from tadka.cli_options import config_option, workspace_option


def _list(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


@click.command("eval")
@workspace_option()
@click.option("--run", "run", default=None, help="Run folder (runs/NAME) or run name.")
@config_option("eval", "variants", type=str, help="Comma-separated: base, adapter, merged and compress formats.")
@config_option("eval", "max_prompts")
@config_option("eval", "max_new_tokens")
@config_option(
    "eval", "files", "--eval-file", "eval_files", multiple=True, help="More held-out chat files (repeatable)."
)
@config_option("eval", "split", "--split/--no-split", "split")
@config_option("eval", "shipped", "--shipped/--no-shipped", "shipped")
@config_option("eval", "sampling", "--sampling/--no-sampling", "sampling")
@config_option("eval", "robustness", "--robustness/--no-robustness", "robustness")
@config_option("eval", "judge", "--judge/--no-judge", "judge")
@config_option("eval", "threads")
@config_option("eval", "seed")
@click.option("--json", "as_json", is_flag=True, help="Print each variant's headline figures as JSON.")
def command(
    workspace,
    run,
    variants,
    max_prompts,
    max_new_tokens,
    eval_files,
    split,
    shipped,
    sampling,
    robustness,
    judge,
    threads,
    seed,
    as_json,
) -> None:
    """Answer the held-out prompts with each variant of a run (batch 1, its training chat template, greedy
    and sampled, clean and with typing noise; cached) and compare them: language fidelity, code-mixing
    against the training set, degeneration, chrF, reference perplexity, robustness, optional judge.

    \b
    Example:
      tadka eval --run runs/smollm2-lora
      tadka eval --run smollm2-lora --variants base,merged,gguf:q4_k_m,onnx:int8 --max-prompts 30
    """
    import os

    # Idle runtime threads sleep instead of spinning (as the compress bench's --no-spin): torch, llama.cpp
    # and onnxruntime take turns in this one process, often on a machine shared with other work.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    from tadka.compress.eval_run import evaluate
    from tadka.errors import ConfigError
    from tadka.train.evaluate.config import resolve
    from tadka.train.evaluate.report import headline

    if not run:
        raise ConfigError("name the training run to evaluate", field="--run", hint="--run runs/NAME")
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    flags = {
        "variants": _list(variants),
        "max_prompts": max_prompts,
        "max_new_tokens": max_new_tokens,
        "files": list(eval_files) or None,
        "split": split,
        "shipped": shipped,
        "sampling": sampling,
        "robustness": robustness,
        "judge": judge,
        "threads": threads,
        "seed": seed,
    }
    cfg = resolve(ws.config["eval"], flags)
    report = evaluate(ws, run, cfg, echo=(lambda line: None) if as_json else click.echo)
    if as_json:
        click.echo(
            json.dumps(
                {
                    v["name"]: ({"error": v["error"]} if "error" in v and not v.get("greedy") else headline(v))
                    for v in report["variants"]
                },
                indent=2,
            )
        )
        return
    click.echo(report["table"])
