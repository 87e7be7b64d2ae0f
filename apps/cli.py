"""The `tadka` command line.

Each subcommand is a screen or less and imports what it needs inside, so `tadka --help` is instant.
User mistakes (TadkaError) print one line, ``error: FILE:LINE: FIELD: what (hint)``, and exit 2;
a traceback is shown only with ``--debug``. Larger areas live in ``apps/commands/<area>.py``.
"""

from __future__ import annotations

import importlib
import json
import logging
import sys

import click

from tadka import __version__
from tadka.cli_options import config_option, workspace_option

# Explicit, so that a command is never missing because its module was not imported.
COMMAND_MODULES: list[str] = [
    "tadka.apps.commands.generate",
    "tadka.apps.commands.cache",
    "tadka.apps.commands.review",
    "tadka.apps.commands.curate",
    "tadka.apps.commands.augment",
    "tadka.apps.commands.train",
    "tadka.apps.commands.lang",
    "tadka.apps.commands.compress",
    "tadka.apps.commands.eval",
    "tadka.apps.commands.vision",
]


class TadkaGroup(click.Group):
    """Turns TadkaError into the one-line message and exit status 2."""

    def invoke(self, ctx: click.Context):
        from tadka.errors import TadkaError

        try:
            return super().invoke(ctx)
        except TadkaError as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"error: {e}", err=True)
            ctx.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


@click.group(cls=TadkaGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="tadka")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """tadka: curated Hinglish instruction data, and small models for edge devices.

    \b
    Example:
      tadka init demo && cd demo
      tadka import ../corpora/samples/hinglish_chat.jsonl
      tadka stats
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("directory", type=click.Path())
@click.option("--name", default=None, help="Project name (default: the folder's name).")
@click.option(
    "--lang", default=None, help="project.lang: the language mix, e.g. hi-Latn+en or ta-Latn+en [hi-Latn+en]."
)
def init(directory: str, name: str | None, lang: str | None = None) -> None:
    """Create a workspace: tadka.yaml (every setting, commented), data/, review.db, cache/, runs/, exports/.

    \b
    Example:
      tadka init my-project
    """
    from tadka.workspace import Workspace

    ws = Workspace.init(directory, name=name, lang=lang)
    click.echo(
        f"created workspace {ws.root}  (edit {ws.config_path.name}, then `tadka generate` or `tadka import FILE`)"
    )


@cli.command("import")
@click.argument("file", type=click.Path())
@workspace_option()
@config_option("import", "stage")
@config_option("import", "format", "--format", "fmt")
@config_option("import", "mode", type=click.Choice(["append", "replace"]))
@click.option("--lang", default=None, help="Language tag for rows without one (default: measured from the text).")
@config_option("import", "max_line_mb")
def import_(file: str, workspace: str | None, stage, fmt, mode, lang, max_line_mb) -> None:
    """Import records from JSONL, JSON, CSV, Parquet or a saved HF dataset into a stage.

    Accepts OpenAI `messages`, ShareGPT `conversations`, Alpaca instruction/input/output and
    prompt/response rows. The whole file is validated before the workspace is touched.

    \b
    Example:
      tadka import chats.jsonl --stage imported
      tadka import alpaca.csv --format alpaca --lang hi-Latn+en
    """
    from tadka.config import override
    from tadka.importer import import_file
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    if _import_images(ws, file, stage, fmt or ws.config["import"].format, mode):
        return
    cfg = override(
        ws.config["import"], {"stage": stage, "format": fmt, "mode": mode, "max_line_mb": max_line_mb}, "import"
    )
    result = import_file(ws, file, cfg, lang=lang)
    click.echo(
        f"imported {result.read} records from {file} into '{result.stage}': "
        f"{result.added} new, {result.total} in the stage"
    )


def _import_images(ws, file: str, stage, fmt, mode) -> bool:
    """An image-folder tree (or --format images for a CSV/JSONL of path,label) goes to the camera track's importer."""
    from tadka.vision.importer import is_image_input

    if not is_image_input(file, fmt or "auto"):
        return False
    from tadka.apps.commands.vision import report_import
    from tadka.vision.importer import import_images

    report_import(import_images(ws, file, stage=stage or "images", mode=mode or "append"), file)
    return True


@cli.command()
@workspace_option()
@click.option("--stage", "stages", multiple=True, help="Only these stages (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--mixing-sample",
    type=int,
    default=5000,
    show_default=True,
    help="Records per stage measured for CMI / M-index (0 skips it).",
)
@click.option(
    "--tokenizer",
    type=click.Path(exists=True),
    default=None,
    help="Count tokens under this student tokenizer (local folder or tokenizer.json) to size a training run.",
)
def stats(
    workspace: str | None, stages: tuple[str, ...], as_json: bool, mixing_sample: int, tokenizer: str | None
) -> None:
    """Counts per stage, language tag, review status and source; length, CMI and M-index percentiles.

    \b
    Example:
      tadka stats
      tadka stats --stage curated --json
      tadka stats --stage curated --tokenizer ~/models/SmolLM2-135M-Instruct
    """
    from tadka.stats import format_stats, workspace_stats
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    result = workspace_stats(ws, list(stages) or None, mixing_sample=mixing_sample)
    if tokenizer:
        from tadka.curate.token_budget import token_budget

        for s in result:
            s.extra["tokens"] = token_budget(ws.records(s.stage), tokenizer).to_extra()
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in result], indent=2, ensure_ascii=False))
    else:
        click.echo(format_stats(result))


@cli.command()
@workspace_option()
@config_option("export", "stage")
@config_option("export", "format", "--format", "fmt", type=click.Choice(["jsonl", "parquet", "hf"]))
@config_option("export", "eval_fraction")
@config_option("export", "seed")
@config_option(
    "export",
    "statuses",
    "--status",
    "statuses",
    multiple=True,
    help="Review status to export (repeatable); edited records export their latest version.",
)
@click.option("--name", default=None, help="Folder name under exports/ (default: STAGE-DATE).")
@click.option("--out", type=click.Path(), default=None, help="Write here instead of exports/NAME.")
def export(workspace, stage, fmt, eval_fraction, seed, statuses, name, out) -> None:
    """Write train/eval splits (seeded) and a manifest; after review, accepted + edited records only.

    \b
    Example:
      tadka export --format jsonl --eval-fraction 0.1 --name v1
      tadka export --format hf --out /tmp/hinglish-hf
    """
    from tadka.config import override
    from tadka.export import export as run_export
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    cfg = override(
        ws.config["export"],
        {
            "stage": stage,
            "format": fmt,
            "eval_fraction": eval_fraction,
            "seed": seed,
            "statuses": list(statuses) or None,
        },
        "export",
    )
    r = run_export(ws, cfg, out=out, name=name)
    note = f" (review: skipped {r.skipped})" if r.skipped else ""
    click.echo(f"exported '{r.stage}' to {r.path}: {r.train} train, {r.eval} eval{note}")
    if r.empty:
        click.echo("warning: 0 records exported: no record has an exported status yet (review first)", err=True)


def _register() -> None:
    for name in COMMAND_MODULES:
        cli.add_command(importlib.import_module(name).command)


_register()


def main() -> None:
    cli(prog_name="tadka")


if __name__ == "__main__":
    sys.exit(main())
