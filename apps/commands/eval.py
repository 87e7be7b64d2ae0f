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


def _list(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


@click.command("eval")
@click.option("-w", "--workspace", type=click.Path(file_okay=False), default=None,
              help="Workspace folder (default: the one containing the current folder).")
@click.option("--run", "run", default=None, help="Run folder (runs/NAME) or run name.")
@click.option("--variants", default=None,
              help="Comma-separated: base, adapter, merged and compress formats [eval.variants: base,adapter,merged].")
@click.option("--max-prompts", type=int, default=None, help="Prompts evaluated; 0: all [eval.max_prompts: 60].")
@click.option("--max-new-tokens", type=int, default=None, help="Most tokens per answer [eval.max_new_tokens: 96].")
@click.option("--eval-file", "eval_files", multiple=True, help="More held-out chat files [eval.files].")
@click.option("--split/--no-split", default=None, help="Use the export's eval split [eval.split: on].")
@click.option("--shipped/--no-shipped", default=None, help="Use corpora/eval/ chat files [eval.shipped: on].")
@click.option("--sampling/--no-sampling", default=None, help="Also sample one answer per prompt [eval.sampling: on].")
@click.option("--robustness/--no-robustness", default=None, help="Also answer noisy prompts [eval.robustness: on].")
@click.option("--judge/--no-judge", default=None, help="Pairwise judge with the generate: teacher [eval.judge: off].")
@click.option("--threads", type=int, default=None, help="CPU threads per runtime [eval.threads: 2].")
@click.option("--seed", type=int, default=None, help="Seed of sampling and noise; -1: project.seed [eval.seed: -1].")
@click.option("--json", "as_json", is_flag=True, help="Print each variant's headline figures as JSON.")
def command(workspace, run, variants, max_prompts, max_new_tokens, eval_files, split, shipped, sampling, robustness,
            judge, threads, seed, as_json) -> None:
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
    from tadka.apps.cli import _workspace
    from tadka.compress.eval_run import evaluate
    from tadka.errors import ConfigError
    from tadka.train.evaluate.config import resolve
    from tadka.train.evaluate.report import headline

    if not run:
        raise ConfigError("name the training run to evaluate", field="--run", hint="--run runs/NAME")
    ws = _workspace(workspace)
    flags = {"variants": _list(variants), "max_prompts": max_prompts, "max_new_tokens": max_new_tokens,
             "files": list(eval_files) or None, "split": split, "shipped": shipped, "sampling": sampling,
             "robustness": robustness, "judge": judge, "threads": threads, "seed": seed}
    cfg = resolve(ws.config["eval"], flags)
    report = evaluate(ws, run, cfg, echo=(lambda line: None) if as_json else click.echo)
    if as_json:
        click.echo(json.dumps({v["name"]: ({"error": v["error"]} if "error" in v and not v.get("greedy")
                                           else headline(v)) for v in report["variants"]}, indent=2))
        return
    click.echo(report["table"])
