"""The flags that `tadka train` gains for ``--task image-classification``, generated from the vision
section (``--backbone`` ↔ ``vision.backbone``), and the hand-over to the vision run. No torch here."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

import click

from tadka.cli_options import config_click_option, flag_name, section_key
from tadka.config import config_file_section, load_yaml
from tadka.errors import ConfigError
from tadka.train.vision.config import VisionConfig, resolve_vision, vision_fields

DEMO_HINT = "tadka vision demo DIR && tadka import DIR/images --stage images"


def _option(f: dataclasses.Field) -> click.Option:
    """``--key`` for ``vision.key`` (dest ``vision_key``: the train section's flags share the command)."""
    kind = typing.get_type_hints(VisionConfig)[f.name]
    flag, dest = flag_name(f.name), f"vision_{f.name}"
    if kind is bool:
        return config_click_option("vision", f.name, decls=(f"{flag}/--no-{f.name.replace('_', '-')}", dest))
    if typing.get_origin(kind) is dict:
        _, _, description = section_key("vision", f.name)
        return config_click_option("vision", f.name, decls=(flag, dest), type=str, help=description + " (YAML mapping)")
    return config_click_option("vision", f.name, decls=(flag, dest))


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
    """The vision keys a ``--config`` recipe sets (validated whole, like tadka.yaml)."""
    return config_file_section(path, "vision") if path else {}


def run_vision(ws, cfg, *, name: str | None, config_file: str | None, params: dict[str, Any]) -> None:
    from tadka.train.vision.deps import require_vision
    from tadka.train.vision.run import VISION_FILE

    saved: dict[str, Any] = {}
    if name and (ws.runs_dir / name / VISION_FILE).is_file():
        saved = load_yaml((ws.runs_dir / name / VISION_FILE).read_text(encoding="utf-8")) or {}
    vcfg = resolve_vision(
        ws.config["vision"],
        saved,
        file_values(config_file),
        flag_values(params),
        source=config_file or "<command line>",
    )
    require_vision(vcfg.backbone)
    from tadka.train.vision.run import train_vision

    train_vision(ws, cfg, vcfg, name=name, echo=click.echo)
