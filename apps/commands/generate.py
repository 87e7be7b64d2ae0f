"""`tadka generate`: seed tasks (or a stage) → Hinglish instruction/response records in a stage.

Flags mirror the ``generate:`` keys of tadka.yaml (defaults < tadka.yaml < flags). With no model
configured the teacher is the offline ``mixer``, so the README's first run needs no network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

# Light (dataclasses only): registers the generate: section, so tadka.yaml may hold it and
# `tadka init` writes it.
import tadka.curate.generate.config  # noqa: F401
from tadka.cli_options import config_option, workspace_option

if TYPE_CHECKING:
    from tadka.curate.generate.pipeline import GenerateResult

SHOWN_PROMPTS = 3


@click.command("generate")
@workspace_option()
@config_option("generate", "teacher")
@config_option("generate", "model")
@config_option("generate", "base_url")
@config_option("generate", "recipe")
@config_option("generate", "n", "-n", "n")
@config_option("generate", "cmi")
@config_option("generate", "script")
@config_option("generate", "domains", type=str, help="Comma-separated seed domains, e.g. banking,health; empty: all.")
@config_option("generate", "input", "--input", "input_")
@config_option("generate", "stage")
@config_option("generate", "seed")
@config_option("generate", "chunk")
@config_option("generate", "concurrency")
@config_option(
    "generate",
    "cache",
    "--no-cache",
    "no_cache",
    is_flag=True,
    default=False,
    help="Do not reuse cached teacher answers.",
)
@config_option("generate", "batch_api", "--batch", "batch_api", is_flag=True, default=False)
@click.option(
    "--dry-run", is_flag=True, help="Print the prompts (and, for priced teachers, the cost estimate); generate nothing."
)
def command(
    workspace,
    teacher,
    model,
    base_url,
    recipe,
    n,
    cmi,
    script,
    domains,
    input_,
    stage,
    seed,
    chunk,
    concurrency,
    no_cache,
    batch_api,
    dry_run,
) -> None:
    """Generate Hinglish instruction/response records at a CMI band, script and domains.

    Without a model the offline mixer code-mixes the shipped seed tasks; with --model/--base-url a
    teacher model writes them. Each record's CMI is re-measured; one out of band is retried once,
    then kept and flagged cmi_out_of_band. Failures go to reports/generate-failures.jsonl.

    \b
    Example:
      tadka generate -n 500
      tadka generate -n 200 --cmi 10-30 --script deva --domains banking,health
      tadka generate --model gpt-4o-mini --recipe self-instruct -n 50 --dry-run
    """
    from tadka.config import override
    from tadka.workspace import open_workspace
    from tadka.curate.generate.pipeline import generate

    ws = open_workspace(workspace)
    flags = {
        "teacher": teacher,
        "model": model,
        "base_url": base_url,
        "recipe": recipe,
        "n": n,
        "cmi": cmi,
        "script": script,
        "input": input_,
        "stage": stage,
        "seed": seed,
        "chunk": chunk,
        "concurrency": concurrency,
        "cache": False if no_cache else None,
        "batch_api": True if batch_api else None,
        "domains": [d.strip() for d in domains.split(",") if d.strip()] if domains is not None else None,
    }
    cfg = override(ws.config["generate"], flags, "generate")
    result = generate(ws, cfg, dry_run=dry_run)
    if dry_run:
        _print_dry_run(result)
    else:
        _print_summary(result)


def _print_dry_run(result: GenerateResult) -> None:
    """The first few requests as they would be sent, then their count and the cost estimate."""
    for i, request in enumerate(result.dry_run[:SHOWN_PROMPTS]):
        click.echo(f"--- request {i + 1} of {len(result.dry_run)} ({result.recipe} -> {result.teacher})")
        for m in request.messages:
            click.echo(f"[{m['role']}]\n{m['content']}")
    cost = result.cost_estimate
    if cost is None:
        note = "cost: unknown (set generate.price_in / price_out to estimate it)"
    elif cost == 0:
        note = "cost: none (offline)" if result.teacher == "mixer" else "cost: $0.00 (unpriced or free)"
    else:
        note = f"estimated cost: ${cost:.2f} before retries"
    click.echo(f"dry run: {len(result.dry_run)} requests to '{result.teacher}' with recipe '{result.recipe}'; {note}")


def _print_summary(result: GenerateResult) -> None:
    """What a run wrote: counts, rate, CMI in band, and a note when the inputs ran out."""
    share = f"{100 * result.in_band / result.written:.0f}%" if result.written else "-"
    click.echo(
        f"generated {result.written} records into '{result.stage}' ({result.stage_total} in the stage) "
        f"in {result.seconds:.1f} s ({result.rate:.0f} rec/s); CMI in band: {share}, "
        f"flagged {result.flagged}, retried {result.retried}, duplicates skipped {result.duplicates}, "
        f"failures {result.failures}" + (f" (see {result.failures_path})" if result.failures else "")
    )
    if result.written < result.requested:
        click.echo(
            f"note: asked for {result.requested}; the inputs gave only {result.written} distinct valid records",
            err=True,
        )
