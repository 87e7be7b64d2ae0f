"""`tadka augment`: noised copies of a stage beside the originals, or a noised copy of an eval set.

Importing this module registers the ``augment:`` section of tadka.yaml (tadka.augment.augment_config,
no numpy); the noise ops themselves are imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tadka.cli_options import config_option, workspace_option
from tadka.augment.augment_config import (  # noqa: F401  (registers augment:)
    PRESET_NAMES,
    AugmentConfig,
)


def _split(values: tuple[str, ...]) -> list[str] | None:
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items or None


@click.command("augment")
@workspace_option()
@config_option("augment", "stage")
@config_option("augment", "output")
@config_option(
    "augment",
    "preset",
    type=click.Choice(PRESET_NAMES + ("none",)),
    help="Field condition: phone-typing, asr, ocr, factory-camera or street-mic; 'none' runs --ops alone.",
)
@config_option(
    "augment",
    "ops",
    multiple=True,
    help="Ops to add, comma-separated or repeated (typo,sms,audio:noise); `tadka augment --list` names them.",
)
@config_option("augment", "rate")
@config_option("augment", "copies")
@config_option("augment", "roles", multiple=True, help="Turns to noise (user, assistant, system), comma-separated.")
@config_option("augment", "seed")
@config_option("augment", "workers")
@config_option("augment", "entities", type=click.Choice(["lexicon", "lid", "off"]))
@click.option(
    "--eval",
    "eval_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Noise this eval file instead of a stage (one noised record per input record).",
)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="With --eval: where the noised set goes.")
@click.option("--list", "list_ops", is_flag=True, help="List presets and ops, then exit.")
def command(
    workspace, stage, output, preset, ops, rate, copies, roles, seed, workers, entities, eval_file, out, list_ops
) -> None:
    """Add noised copies (typos, SMS shorthand, ASR/OCR confusions, audio and image noise) beside the originals.

    Copies carry source.parent_id and list every op in `ops`; the same seed gives the same output
    whatever --workers. Bad media go to reports/augment-rejects.jsonl and the run goes on.

    \b
    Example:
      tadka augment --preset phone-typing --rate 0.1 --copies 2
      tadka augment --preset street-mic --workers 2
      tadka augment --eval eval.jsonl --out eval.noisy.jsonl --preset asr --seed 7
    """
    if list_ops:
        _list()
        return
    from tadka.config import load_config, override
    from tadka.errors import ConfigError, WorkspaceError
    from tadka.workspace import open_workspace

    if eval_file:
        if not out:
            raise ConfigError("--eval needs --out", field="out", hint="tadka augment --eval FILE --out FILE")
        try:
            config = open_workspace(workspace).config
        except WorkspaceError:
            config = load_config(None)  # an eval file can be noised outside any workspace
    else:
        ws = open_workspace(workspace)
        config = ws.config
    values = {
        "stage": stage,
        "output": output,
        "preset": "" if preset == "none" else preset,
        "ops": _split(ops),
        "rate": rate,
        "copies": copies,
        "roles": _split(roles),
        "seed": seed,
        "workers": workers,
        "entities": entities,
    }
    cfg = override(config["augment"], values, "augment").check()
    from tadka.augment.stage import resolved_seed, run_eval_file, run_stage

    if eval_file:
        n, changed, rejects = run_eval_file(eval_file, out, cfg, resolved_seed(cfg, config["project"].seed))
        click.echo(f"noised {changed} of {n} records from {eval_file} into {out} (rejects: {rejects})")
        return
    run = run_stage(ws, cfg)
    s = run.summary
    click.echo(
        f"augmented '{run.stage}' into '{run.output}': {s['records']} originals + {s['copies']} copies "
        f"= {run.total} records ({s['unchanged']} copies unchanged and skipped, {s['rejected']} rejected)"
    )
    for name, t in s["text_ops"].items():
        click.echo(f"  {name:<10} rate {t['rate']:.3f}  observed {t['observed']:.3f}  ({t['changed']}/{t['eligible']})")
    if s["notes"]:
        click.echo(f"  media: {json.dumps(s['notes'])} -> {Path(run.rejects_path)}")


def _list() -> None:
    from tadka.augment.audio import audio_ops
    from tadka.augment.image import image_ops
    from tadka.augment.presets import PRESETS
    from tadka.augment.text import text_ops

    click.echo("presets:")
    for p in PRESETS.values():
        click.echo(f"  {p.name:<15} {p.help}: {', '.join(s.name for s in p.steps)}")
    click.echo("text ops:  " + ", ".join(text_ops.names()))
    click.echo("audio ops: " + ", ".join(f"audio:{n}" for n in audio_ops.names()))
    click.echo("image ops: " + ", ".join(f"image:{n}" for n in image_ops.names()))
