"""`tadka compress`: a training run → quantized/exported variants, an edge bench, and the best model
that fits a latency budget in exports/<name>/.

Importing this module registers the ``compress:`` section of tadka.yaml (dataclasses only); torch,
onnxruntime and llama.cpp are imported when the command runs.
"""

from __future__ import annotations

import json

import click

import tadka.compress.config  # noqa: F401  (registers compress:)


def _ints(value: str | None) -> list[int] | None:
    if value is None:
        return None
    from tadka.errors import ConfigError

    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"expected comma-separated integers, got {value!r}", field="--threads") from None


def _compress_vision(ws, run, formats, budget_ms, threads, select_threads, name, as_json) -> bool:
    """A vision run (runs/NAME/vision.yaml) goes to the camera track's ONNX pipeline; False otherwise."""
    from tadka.compress.vision.pipeline import compress_vision, is_vision_run

    run_dir = is_vision_run(ws, run)
    if run_dir is None:
        return False
    fmts = [f.strip() for f in formats.split(",") if f.strip()] if formats else None
    result = compress_vision(ws, run_dir, formats=fmts, budget_ms=budget_ms or 0.0, threads=_ints(threads) or [],
                             select_threads=select_threads or 0, name=name,
                             echo=(lambda line: None) if as_json else click.echo)
    if as_json:
        click.echo(json.dumps({"export": str(result.path), "variant": result.choice["name"],
                               "threads": result.threads, "variants": [{k: v for k, v in row.items() if k != "path"}
                                                                       for row in result.variants]}, indent=2))
    return True


@click.command("compress")
@click.option("-w", "--workspace", type=click.Path(file_okay=False), default=None,
              help="Workspace folder (default: the one containing the current folder).")
@click.option("--run", "run", default=None, help="Run folder (runs/NAME) or run name.")
@click.option("--formats", default=None, help="Comma-separated formats [compress.formats: torch:fp32,gguf:q8_0,gguf:q4_k_m,onnx:int8].")
@click.option("--budget-ms", type=float, default=None, help="Latency budget in ms; 0: none [compress.budget_ms: 0].")
@click.option("--latency", type=click.Choice(["per_token", "ttft"]), default=None,
              help="What the budget bounds [compress.latency: per_token].")
@click.option("--threads", default=None, help="Thread counts to bench, e.g. 4 or 1,2,4 [compress.threads: 1,2,4].")
@click.option("--select-threads", type=int, default=None, help="Thread count the budget is judged at [largest benched].")
@click.option("--prune", type=float, default=None, help="Share of parameters to prune, then heal; 0: off [compress.prune: 0].")
@click.option("--prune-kinds", default=None, help="Comma-separated: mlp, layers, heads [compress.prune_kinds: mlp,layers].")
@click.option("--heal-steps", type=int, default=None, help="Distillation steps after pruning [compress.heal_steps: 60].")
@click.option("--eval-file", default=None, help="Held-out chats [compress.eval_file: corpora/eval/hinglish_eval.jsonl].")
@click.option("--min-fidelity", type=float, default=None,
              help="Hinglish fidelity floor from the student eval (eval: settings); 0: none [compress.min_fidelity: 0].")
@click.option("--select-by", type=click.Choice(["ppl", "chrf"]), default=None,
              help="Rule among the variants within budget and floor: lowest ppl or best chrF [compress.select_by: ppl].")
@click.option("--evaluate/--no-evaluate", default=None,
              help="Run the student eval on every variant [compress.evaluate: off; on with a floor or chrf].")
@click.option("--name", default=None, help="Folder under exports/ (default: RUN-VARIANT).")
@click.option("--spin", is_flag=True, help="Let runtimes spin idle threads (faster on a dedicated machine).")
@click.option("--list-formats", is_flag=True, help="List the format names and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(workspace, run, formats, budget_ms, latency, threads, select_threads, prune, prune_kinds, heal_steps,
            eval_file, min_fidelity, select_by, evaluate, name, spin, list_formats, as_json) -> None:
    """Merge the run's adapter, build each format, bench it at batch 1 under edge-like thread counts, and
    export the lowest-perplexity variant within the latency budget, with a manifest, a model card and
    hil_bench.py to measure it on the device.

    \b
    Example:
      tadka compress --run runs/smollm2-lora --formats gguf:q4_k_m,onnx:int8 --budget-ms 200 --threads 4
      tadka compress --run smollm2-lora --formats gguf:q8_0,gguf:q4_k_m --prune 0.3 --latency ttft
      tadka compress --list-formats
    """
    import tadka.compress  # noqa: F401  (imports every format module)
    from tadka.compress.formats import formats as registry
    from tadka.compress.formats import parse_formats
    from tadka.errors import ConfigError

    if list_formats:
        for fmt_name in registry.names():
            click.echo(f"{fmt_name:<20} {registry.get(fmt_name).help}")
        return
    if not run:
        raise ConfigError("name the training run to compress", field="--run", hint="--run runs/NAME")
    from tadka.apps.cli import _workspace
    from tadka.compress.config import resolve
    from tadka.compress.pipeline import compress

    ws = _workspace(workspace)
    if _compress_vision(ws, run, formats, budget_ms, threads, select_threads, name, as_json):
        return
    flags = {"formats": [f for f in formats.split(",") if f.strip()] if formats else None, "budget_ms": budget_ms,
             "latency": latency, "threads": _ints(threads), "select_threads": select_threads, "prune": prune,
             "prune_kinds": [k for k in prune_kinds.split(",") if k.strip()] if prune_kinds else None,
             "heal_steps": heal_steps, "eval_file": eval_file, "min_fidelity": min_fidelity, "select_by": select_by,
             "evaluate": evaluate}
    cfg = resolve(ws.config["compress"], flags)
    parse_formats(cfg.formats)
    result = compress(ws, cfg, run, name=name, spin=spin, echo=(lambda line: None) if as_json else click.echo)
    c = result.choice
    if as_json:
        click.echo(json.dumps({"export": str(result.path), "variant": c.name, "latency_ms": c.latency_ms,
                               "threads": c.threads, "latency": c.kind, "ppl": c.row.get("ppl"),
                               "size_bytes": c.row["size_bytes"], "prune": result.prune, "rule": c.rule_text(),
                               "eval": c.row.get("eval"),
                               "runner_up": c.runner_up["name"] if c.runner_up else None}, indent=2))
        return
    from tadka.compress.select import describe

    budget = f"within {c.budget_ms:g} ms ({c.kind})" if c.budget_ms else "(no budget)"
    click.echo(f"chose {c.name} {budget}: {c.latency_ms:.1f} ms at {c.threads} thread(s), "
               f"perplexity {c.row.get('ppl')}, {c.row['size_bytes'] / 2**20:.1f} MiB -> {result.path}")
    click.echo(f"rule: {c.rule_text()}; runner-up: "
               + (describe(c.runner_up, c.runner_up_ms) if c.runner_up else "none (no other variant qualified)"))
