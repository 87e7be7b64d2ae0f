"""`tadka curate --input SHARDS --output FOLDER --engine ray`: curate Parquet shards on a Ray cluster.

Kept apart from :mod:`apps.commands.curate` (the workspace path): here no workspace is needed — its
tadka.yaml ``curate:`` section is used when there is one (``-w`` or the current folder), the
defaults otherwise — and the output is a folder, not a stage (:mod:`tadka.curate.sharded.run`).
"""

from __future__ import annotations

import json

import click


def _base_config(workspace):
    """(curate section, step context) from the workspace when there is one, else the defaults."""
    from pathlib import Path

    from tadka.curate.config import CurateConfig
    from tadka.curate.filters import StepContext
    from tadka.errors import WorkspaceError
    from tadka.workspace import open_workspace

    try:
        ws = open_workspace(workspace)
    except WorkspaceError:
        if workspace is not None:
            raise
        return CurateConfig(), StepContext(root=Path.cwd())
    return ws.config["curate"], StepContext(root=ws.root, config=ws.config)


def run_sharded(workspace, config_file, pattern, output, engine, workers, batch_size, steps, as_json) -> None:
    from tadka.config import config_file_section, override
    from tadka.curate.sharded.run import curate_shards
    from tadka.errors import ConfigError

    if engine != "ray":
        raise ConfigError(
            "--input curates shards on Ray",
            field="engine",
            hint="add --engine ray (one machine: tadka import the shards)",
        )
    if not output:
        raise ConfigError("--input needs --output FOLDER (a folder or URL for curated/ and rejects/)", field="output")
    base, ctx = _base_config(workspace)
    flags = {
        "engine": engine,
        "workers": workers,
        "batch_size": batch_size,
        "steps": [s.strip() for s in steps.split(",") if s.strip()] if steps else None,
    }
    recipe = config_file_section(config_file, "curate") if config_file else {}
    cfg = override(override(base, recipe, "curate"), flags, "curate").check()
    result = curate_shards(pattern, output, cfg, ctx)
    summary = result.summary
    if as_json:
        click.echo(json.dumps({"input_shards": pattern, "output": result.output, **summary}, indent=2))
        return
    click.echo(
        f"curated {result.shards} shards: {summary['input']} in, kept {summary['curated']}, "
        f"{summary['rejected']} rejected -> {result.output} ({summary['seconds']:.1f} s)"
    )
    for name, c in summary["per_step"].items():
        click.echo(f"  {name:<11} flagged {c['flagged']:>7}  first {c['first']:>7}")
    top = list(summary["reasons"].items())[:8]
    if top:
        click.echo("  reasons: " + ", ".join(f"{r} {n}" for r, n in top))
