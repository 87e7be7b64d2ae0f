"""The flags that `tadka train` gains for ``--task image-classification``, generated from the vision
section (``--backbone`` ↔ ``vision.backbone``), and the hand-over to the vision run. No torch here."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

import click

from tadka.config import load_yaml
from tadka.errors import ConfigError
from tadka.train.vision.config import VisionConfig, resolve_vision, vision_fields

DEMO_HINT = "tadka vision demo DIR && tadka import DIR/images --stage images"


def _option(f: dataclasses.Field) -> click.Option:
    kind = typing.get_type_hints(VisionConfig)[f.name]
    default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
    help_text = f"{f.metadata.get('help', '')} [vision.{f.name}: {default!r}]"
    flag = "--" + f.name.replace("_", "-")
    if kind is bool:
        return click.Option([f"{flag}/--no-{f.name.replace('_', '-')}", f"vision_{f.name}"], default=None,
                            help=help_text)
    if typing.get_origin(kind) is typing.Literal:
        return click.Option([flag, f"vision_{f.name}"], type=click.Choice(typing.get_args(kind)), default=None,
                            help=help_text)
    if typing.get_origin(kind) is dict:
        return click.Option([flag, f"vision_{f.name}"], default=None, help=help_text + " (a YAML mapping)")
    return click.Option([flag, f"vision_{f.name}"], type=kind, default=None, help=help_text)


def options() -> list[click.Option]:
    return [_option(f) for f in vision_fields()]


def flag_values(params: dict[str, Any]) -> dict[str, Any]:
    values = {f.name: params.get(f"vision_{f.name}") for f in vision_fields()}
    if isinstance(values.get("arch"), str):
        parsed = load_yaml(values["arch"])
        if not isinstance(parsed, dict):
            raise ConfigError("expected a YAML mapping, e.g. '{hidden_size: 64}'", field="--arch")
        values["arch"] = parsed
    return values


def file_values(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    data = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
    section = data.get("vision") if isinstance(data, dict) else None
    return dict(section) if isinstance(section, dict) else {}


def run_vision(ws, cfg, *, name: str | None, config_file: str | None, params: dict[str, Any]) -> None:
    from tadka.train.vision.deps import require_vision
    from tadka.train.vision.run import VISION_FILE

    saved: dict[str, Any] = {}
    if name and (ws.runs_dir / name / VISION_FILE).is_file():
        saved = load_yaml((ws.runs_dir / name / VISION_FILE).read_text(encoding="utf-8")) or {}
    vcfg = resolve_vision(ws.config["vision"], saved, file_values(config_file), flag_values(params),
                          source=config_file or "<command line>")
    require_vision(vcfg.backbone)
    from tadka.train.vision.run import train_vision

    train_vision(ws, cfg, vcfg, name=name, echo=click.echo)
