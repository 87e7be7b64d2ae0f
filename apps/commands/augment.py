"""`tadka augment`: noised copies of a stage beside the originals, or a noised copy of an eval set.

Importing this module registers the ``augment:`` section of tadka.yaml (tadka.augment.augment_config,
no numpy); the noise ops themselves are imported only when the command runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from tadka.augment.augment_config import (  # noqa: F401  (registers augment:)
    PRESET_NAMES,
    AugmentConfig,
    check_augment_config,
)


def _split(values: tuple[str, ...]) -> list[str] | None:
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items or None


@click.command("augment")
@click.option("-w", "--workspace", type=click.Path(file_okay=False), default=None,
              help="Workspace folder (default: the one containing the current folder).")
@click.option("--stage", default=None, help="Stage to read [augment.stage: latest of generated, imported].")
@click.option("--output", default=None, help="Stage to write [augment.output: augmented].")
@click.option("--preset", type=click.Choice(PRESET_NAMES + ("none",)), default=None,
              help="Field condition [augment.preset: phone-typing]; 'none' runs --ops alone.")
@click.option("--ops", "ops", multiple=True, help="Ops to add, comma-separated or repeated (typo,sms,audio:noise) [augment.ops].")
@click.option("--rate", type=float, default=None, help="Text-op rate [augment.rate: 0.1].")
@click.option("--copies", type=int, default=None, help="Noised copies per record [augment.copies: 1].")
@click.option("--roles", "roles", multiple=True, help="Turns to noise, comma-separated [augment.roles: user].")
@click.option("--seed", type=int, default=None, help="Seed [augment.seed: project.seed].")
@click.option("--workers", type=int, default=None, help="Processes [augment.workers: 1].")
@click.option("--entities", type=click.Choice(["lexicon", "lid", "off"]), default=None,
              help="How named entities are found [augment.entities: lexicon].")
@click.option("--eval", "eval_file", type=click.Path(dir_okay=False), default=None,
              help="Noise this eval file instead of a stage (one noised record per input record).")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="With --eval: where the noised set goes.")
@click.option("--list", "list_ops", is_flag=True, help="List presets and ops, then exit.")
def command(workspace, stage, output, preset, ops, rate, copies, roles, seed, workers, entities, eval_file, out,
            list_ops) -> None:
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

    if eval_file:
        if not out:
            raise ConfigError("--eval needs --out", field="out", hint="tadka augment --eval FILE --out FILE")
        try:
            from tadka.apps.cli import _workspace

            config = _workspace(workspace).config
        except WorkspaceError:
            config = load_config(None)  # an eval file can be noised outside any workspace
    else:
        from tadka.apps.cli import _workspace

        ws = _workspace(workspace)
        config = ws.config
    values = {"stage": stage, "output": output, "preset": "" if preset == "none" else preset, "ops": _split(ops),
              "rate": rate, "copies": copies, "roles": _split(roles), "seed": seed, "workers": workers,
              "entities": entities}
    cfg = check_augment_config(override(config["augment"], values, "augment"))
    from tadka.augment.pipeline import resolved_seed, run_eval_file, run_stage

    if eval_file:
        n, changed, rejects = run_eval_file(eval_file, out, cfg, resolved_seed(cfg, config["project"].seed))
        click.echo(f"noised {changed} of {n} records from {eval_file} into {out} (rejects: {rejects})")
        return
    run = run_stage(ws, cfg)
    s = run.summary
    click.echo(f"augmented '{run.stage}' into '{run.output}': {s['records']} originals + {s['copies']} copies "
               f"= {run.total} records ({s['unchanged']} copies unchanged and skipped, {s['rejected']} rejected)")
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
