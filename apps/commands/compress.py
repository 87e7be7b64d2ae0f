"""`tadka compress`: a training run → quantized/exported variants, an edge bench, and the best model
that fits a latency budget in exports/<name>/.

Importing this module registers the ``compress:`` section of tadka.yaml (dataclasses only); torch,
onnxruntime and llama.cpp are imported when the command runs.
"""

from __future__ import annotations

import json

import click

import tadka.compress.config  # noqa: F401  (registers compress:)
from tadka.cli_options import config_option, recipe_option, workspace_option


def _ints(value: str | None) -> list[int] | None:
    if value is None:
        return None
    from tadka.errors import ConfigError

    try:
        return [int(v) for v in value.split(",") if v.strip()]
    except ValueError:
        raise ConfigError(f"expected comma-separated integers, got {value!r}", field="--threads") from None


@click.command("compress")
@workspace_option()
@recipe_option("compress", "configs/compress/phone-edge.yaml")
@click.option("--run", "run", default=None, help="Run folder (runs/NAME) or run name.")
@config_option("compress", "formats", type=str, help="Comma-separated formats (see --list-formats).")
@config_option("compress", "budget_ms")
@config_option("compress", "latency")
@config_option("compress", "threads", type=str, help="Thread counts to bench, e.g. 4 or 1,2,4.")
@config_option("compress", "select_threads")
@config_option("compress", "prune")
@config_option("compress", "prune_kinds", type=str, help="Comma-separated: mlp, layers, heads.")
@config_option("compress", "heal_steps")
@config_option("compress", "eval_file")
@config_option("compress", "min_fidelity")
@config_option("compress", "select_by")
@config_option("compress", "evaluate", "--evaluate/--no-evaluate", "evaluate")
@click.option("--name", default=None, help="Folder under exports/ (default: RUN-VARIANT).")
@click.option("--spin", is_flag=True, help="Let runtimes spin idle threads (faster on a dedicated machine).")
@click.option("--list-formats", is_flag=True, help="List the format names and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(
    workspace,
    config_file,
    run,
    formats,
    budget_ms,
    latency,
    threads,
    select_threads,
    prune,
    prune_kinds,
    heal_steps,
    eval_file,
    min_fidelity,
    select_by,
    evaluate,
    name,
    spin,
    list_formats,
    as_json,
) -> None:
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
    from tadka.compress.config import resolve
    from tadka.compress.pipeline import compress

    from tadka.apps.commands.vision import compress_vision_run
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    if compress_vision_run(ws, run, formats, _ints(threads), budget_ms, select_threads, name, as_json):
        return
    flags = {
        "formats": [f for f in formats.split(",") if f.strip()] if formats else None,
        "budget_ms": budget_ms,
        "latency": latency,
        "threads": _ints(threads),
        "select_threads": select_threads,
        "prune": prune,
        "prune_kinds": [k for k in prune_kinds.split(",") if k.strip()] if prune_kinds else None,
        "heal_steps": heal_steps,
        "eval_file": eval_file,
        "min_fidelity": min_fidelity,
        "select_by": select_by,
        "evaluate": evaluate,
    }
    if config_file:
        from tadka.config import config_file_section

        flags = {**config_file_section(config_file, "compress"), **{k: v for k, v in flags.items() if v is not None}}
    cfg = resolve(ws.config["compress"], flags)
    parse_formats(cfg.formats)
    result = compress(ws, cfg, run, name=name, spin=spin, echo=(lambda line: None) if as_json else click.echo)
    if as_json:
        click.echo(json.dumps(_result_summary(result), indent=2))
        return
    _echo_choice(result)


def _result_summary(result) -> dict:
    """What ``--json`` prints: the export folder and the chosen variant's figures."""
    c = result.choice
    return {
        "export": str(result.path),
        "variant": c.name,
        "latency_ms": c.latency_ms,
        "threads": c.threads,
        "latency": c.kind,
        "ppl": c.row.get("ppl"),
        "size_bytes": c.row["size_bytes"],
        "prune": result.prune,
        "rule": c.rule_text(),
        "eval": c.row.get("eval"),
        "runner_up": c.runner_up["name"] if c.runner_up else None,
    }


def _echo_choice(result) -> None:
    """The two lines a person reads: what was chosen, by which rule, and the runner-up."""

    c = result.choice
    budget = f"within {c.budget_ms:g} ms ({c.kind})" if c.budget_ms else "(no budget)"
    click.echo(
        f"chose {c.name} {budget}: {c.latency_ms:.1f} ms at {c.threads} thread(s), "
        f"perplexity {c.row.get('ppl')}, {c.row['size_bytes'] / 2**20:.1f} MiB -> {result.path}"
    )
    click.echo(f"rule: {c.rule_text()}; runner-up: " + _runner_up(result))


def _runner_up(result) -> str:
    """The runner-up, or why there is none: a reference benched for comparison is not a candidate."""
    from tadka.compress.select import describe

    c = result.choice
    if c.runner_up:
        return describe(c.runner_up, c.runner_up_ms)
    refs = [v["name"] for v in result.report.get("variants", []) if not v.get("requested", True)]
    if refs:
        return f"none among the formats asked for ({', '.join(refs)} benched as the reference, not a candidate)"
    return "none (no other variant qualified)"
