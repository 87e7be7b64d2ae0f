"""`tadka train` and `python -m tadka.train`: one click command whose flags mirror the train.* keys.

The flags are generated from :class:`TrainConfig` (``--max-length`` ↔ ``train.max_length``, booleans as
``--packing/--no-packing``, lists repeatable), so a new key is a new flag with no edit here. ``--set
KEY=VALUE`` reaches any key by its config name, which is what :mod:`tadka.train.runs` uses. Nothing
here imports torch; `--help` is instant.
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from typing import Any

import click

from tadka.cli_options import config_click_option, flag_name, section_key, workspace_option
from tadka.config import load_yaml
from tadka.errors import ConfigError, TadkaError
from tadka.train.config import TrainConfig, train_fields

EXAMPLE = """
\b
Example:
  tadka train --dataset exports/v1 --max-steps 60 --name first
  tadka train --config train.yaml --peft qlora --lora-r 16
  tadka train --name first                      # resume a stopped run
  accelerate launch -m tadka.train --dataset exports/v1 --name multi
"""


def _option(f: dataclasses.Field) -> click.Option:
    kind = typing.get_type_hints(TrainConfig)[f.name]
    decls = (flag_name(f.name), f.name)
    if kind is bool:
        return config_click_option(
            "train", f.name, decls=(f"{flag_name(f.name)}/--no-{f.name.replace('_', '-')}", f.name)
        )
    if typing.get_origin(kind) is list:
        _, _, description = section_key("train", f.name)
        return config_click_option("train", f.name, decls=decls, multiple=True, help=description + " (repeatable)")
    return config_click_option(
        "train", f.name, decls=decls, **({} if typing.get_origin(kind) is typing.Literal else {"type": kind})
    )


def parse_sets(pairs: tuple[str, ...]) -> dict[str, Any]:
    """--set KEY=VALUE pairs, values parsed as YAML (``--set eval_files=[a.jsonl]``)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ConfigError(f"expected KEY=VALUE, got {pair!r}", field="--set")
        out[key.strip()] = load_yaml(value)
    return out


def flag_values(params: dict[str, Any]) -> dict[str, Any]:
    values = {f.name: params.get(f.name) for f in train_fields()}
    for key, value in values.items():
        if isinstance(value, tuple):
            values[key] = list(value) or None  # a repeatable flag that was not given
    return values


def run_command(
    workspace: str | None, config: str | None, name: str | None, sets: tuple[str, ...], params: dict[str, Any]
) -> None:
    from tadka.train.run import resolve_config, train
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    flags = {**flag_values(params), **parse_sets(sets)}
    cfg = resolve_config(ws, name=name, config_file=config, flags=flags)
    if cfg.task == "image-classification":
        from tadka.train.vision.cli import run_vision

        run_vision(ws, cfg, name=name, config_file=config, params=params)
        return
    check_prerequisites(cfg)
    train(ws, cfg, name=name)


def check_prerequisites(cfg: TrainConfig) -> None:
    """Refuse in a second, with the install command, before the slow import of the training stack."""
    from tadka.train.deps import missing_prerequisites

    problems = missing_prerequisites(cfg.base, peft=cfg.peft)
    if cfg.mode == "distill" and cfg.teacher:
        problems += [p for p in missing_prerequisites(cfg.teacher, peft="lora") if p not in problems]
    if problems:
        raise MissingPrerequisite("; ".join(problems), field="train.base")


class MissingPrerequisite(TadkaError):
    """A package a run needs is not installed (the message holds the pip command)."""


def _callback(workspace, config, name, sets, **params) -> None:
    run_command(workspace, config, name, sets, params)


def _workspace_param() -> click.Option:
    def holder() -> None: ...

    workspace_option()(holder)
    return holder.__click_params__[0]  # type: ignore[attr-defined]


def vision_options() -> list[click.Option]:
    """``--backbone``, ``--noise-preset`` … for ``--task image-classification`` (the vision section's keys)."""
    from tadka.train.vision.cli import options

    return options()


def build_command(name: str = "train") -> click.Command:
    options = [
        _workspace_param(),
        click.Option(
            ["--config", "-c"],
            type=click.Path(dir_okay=False),
            default=None,
            help="YAML with train keys (a tadka.yaml, or a bare mapping), over tadka.yaml's train section.",
        ),
        click.Option(["--name"], default=None, help="Run folder name under runs/ (an existing run is resumed)."),
        click.Option(["--set", "sets"], multiple=True, help="KEY=VALUE for any train key (YAML value); repeatable."),
        *[_option(f) for f in train_fields()],
        *vision_options(),
    ]
    return click.Command(
        name,
        callback=_callback,
        params=options,
        context_settings={"max_content_width": 100},
        help="Fine-tune a small model on an export: SFT (TRL) with LoRA, DoRA, QLoRA, prefix tuning or IA3, or "
        "distil a teacher into it. Prints loss, tokens/s and ETA; writes runs/NAME/ (metrics.jsonl, "
        "loss.png, adapter/, run card). Precedence: defaults < tadka.yaml < --config < flags.\n" + EXAMPLE,
    )


command = build_command()


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m tadka.train`` (and so of ``accelerate launch -m tadka.train``)."""
    import logging

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        command.main(args=argv, prog_name="python -m tadka.train", standalone_mode=False)
    except TadkaError as e:
        click.echo(f"error: {e}", err=True)
        return e.exit_code
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
