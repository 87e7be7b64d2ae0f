"""`tadka curate`: filter, dedup and score a stage into curated/ and rejects/, and write the report."""

from __future__ import annotations

import json

import click

from tadka.cli_options import config_option, recipe_option, workspace_option
from tadka.curate import config as _curate_config  # noqa: F401  (registers the `curate:` section)


@click.command("curate")
@workspace_option()
@recipe_option("curate", "configs/curate/strict.yaml")
@config_option("curate", "stage")
@config_option("curate", "output")
@config_option("curate", "rejects")
@config_option("curate", "steps", type=str, help="Comma-separated steps, in order.")
@config_option("curate", "engine", type=click.Choice(["local", "ray"]))
@config_option("curate", "workers")
@config_option("curate", "batch_size")
@config_option(
    "curate", "report", "--no-report", "no_report", is_flag=True, default=False, help="Skip reports/curate/."
)
@click.option("--dry-run", is_flag=True, help="Count what would be kept and dropped; write nothing.")
@click.option("--train-quality", is_flag=True, help="Retrain the quality classifier from review labels first.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option(
    "--input",
    "input_shards",
    default=None,
    help="Parquet shards to curate instead of a stage (a glob, a folder or an fsspec URL); with --engine ray. "
    "--output is then a folder (or URL) that gets curated/, rejects/ and summary.json.",
)
def command(
    workspace,
    config_file,
    stage,
    output,
    rejects,
    steps,
    engine,
    workers,
    batch_size,
    no_report,
    dry_run,
    train_quality,
    as_json,
    input_shards,
) -> None:
    """Run the configured filters and dedup over a stage; kept records go to curated/, the rest to
    rejects/ with every reason in `flags`; an HTML report with PNG histograms goes to reports/curate/.

    \b
    Example:
      tadka curate
      tadka curate --stage generated --workers 4
      tadka curate --engine ray --workers 8 --steps length,language,pii,dedup,minhash
      tadka curate --input 'shards/*.parquet' --output out/ --engine ray
    """
    from tadka.config import config_file_section, override
    from tadka.curate.pipeline import build_steps, curate, curate_table, input_stage
    from tadka.curate.filters import StepContext
    from tadka.workspace import open_workspace

    if input_shards:
        from tadka.apps.commands.curate_shards import run_sharded

        run_sharded(workspace, config_file, input_shards, output, engine, workers, batch_size, steps, as_json)
        return
    ws = open_workspace(workspace)
    flags = {
        "stage": stage,
        "output": output,
        "rejects": rejects,
        "engine": engine,
        "workers": workers,
        "batch_size": batch_size,
        "steps": [s.strip() for s in steps.split(",") if s.strip()] if steps else None,
        "report": False if no_report else None,
    }
    recipe = config_file_section(config_file, "curate") if config_file else {}
    cfg = override(override(ws.config["curate"], recipe, "curate"), flags, "curate").check()
    if train_quality:
        from tadka.curate.quality import ensure_model

        found = ensure_model(ws.root, ws.root / cfg.quality_model, cfg.quality_min_labels, force=True)
        click.echo(
            f"quality classifier: {found}"
            if found
            else f"quality classifier: not trained (needs {cfg.quality_min_labels} review labels)"
        )
    if cfg.engine == "ray" and not dry_run:  # the sharded engine: the driver never holds the stage
        from tadka.curate.sharded.stage import curate_stage

        run = curate_stage(ws, cfg)
        _print(run.stage, cfg, run, run.report, as_json)
        return
    if dry_run:
        src = input_stage(ws, cfg)
        outcome = curate_table(
            ws.table(src),
            build_steps(cfg, StepContext(ws.root, ws.config)),
            engine=cfg.engine,
            workers=cfg.workers,
            batch_size=cfg.batch_size,
        )
        _print(src, cfg, outcome, None, as_json, dry=True)
        return
    result = curate(ws, cfg)
    _print(result.stage, cfg, result.outcome, result.report, as_json)


def _print(stage, cfg, outcome, report, as_json: bool, dry: bool = False) -> None:
    summary = outcome.summary()
    if as_json:
        click.echo(
            json.dumps(
                {
                    "stage": stage,
                    "output": cfg.output,
                    "rejects": cfg.rejects,
                    "dry_run": dry,
                    "report": str(report) if report else None,
                    **summary,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    verb = "would keep" if dry else "kept"
    click.echo(
        f"curated '{stage}': {summary['input']} in, {verb} {summary['curated']} in '{cfg.output}', "
        f"{summary['rejected']} to '{cfg.rejects}' ({summary['seconds']:.1f} s)"
    )
    for name, c in summary["per_step"].items():
        click.echo(f"  {name:<11} flagged {c['flagged']:>7}  first {c['first']:>7}")
    top = list(summary["reasons"].items())[:8]
    if top:
        click.echo("  reasons: " + ", ".join(f"{r} {n}" for r, n in top))
    if summary.get("lineage"):
        click.echo("  copies:  " + ", ".join(f"{r} {n}" for r, n in summary["lineage"].items()))
    if report:
        click.echo(f"report: {report}")
