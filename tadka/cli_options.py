"""Click options made from the tadka.yaml section models, so a flag's help and default are the key's own.

``config_option("curate", "workers")`` is ``--workers`` with curate.workers' description and a
``[curate.workers: 1]`` suffix rendered from the default, its type from the field's annotation
(``Literal`` → a choice). The value is None unless the flag was given, so tadka.yaml wins over nothing
(defaults < tadka.yaml < flags, merged by :func:`tadka.config.override`). A flag whose shape differs
from the key (``--no-cache`` for ``generate.cache``, comma-separated ``--steps``) passes its own
``help``/``type``; the ``[section.key: default]`` part is still rendered here, never typed by hand.

Core module (click only): every command module, ``tadka train`` included, builds its flags here.
"""

from __future__ import annotations

import typing
from typing import Any, Callable

import click

WORKSPACE_HELP = "Workspace folder (default: the one containing the current folder)."


def flag_name(key: str) -> str:
    """``max_length`` → ``--max-length``."""
    return "--" + key.replace("_", "-")


def section_key(section: str, key: str) -> tuple[Any, Any, str]:
    """(annotation, default, description) of ``section.key``; KeyError names a key that does not exist."""
    from tadka.config import SECTIONS, section_fields

    for name, kind, default, description in section_fields(SECTIONS[section]):
        if name == key:
            return kind, default, description
    raise KeyError(f"{section}.{key}")


def shown(value: Any) -> str:
    """A default as a user would type it: lists comma-separated, booleans true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {shown(v)}" for k, v in value.items())
    return str(value)


def key_ref(section: str, key: str, default: Any) -> str:
    """``[section.key: default]``, or ``[section.key]`` when the default is empty (its description says why)."""
    if default in ("", [], {}, None):
        return f"[{section}.{key}]"
    return f"[{section}.{key}: {shown(default)}]"


def config_option(section: str, key: str, *decls: str, help: str | None = None, **attrs: Any) -> Callable:
    """A click option for ``section.key``: ``--key`` (or ``decls``), its help, type and default from the model."""
    kind, default, description = section_key(section, key)
    if not decls:
        decls = (flag_name(key), key)
    shaped = attrs.get("is_flag") or attrs.get("multiple") or "type" in attrs
    if not shaped:
        if typing.get_origin(kind) is typing.Literal:
            attrs["type"] = click.Choice([str(v) for v in typing.get_args(kind)])
        elif kind in (int, float):
            attrs["type"] = kind
    attrs.setdefault("default", None)
    text = (help if help is not None else description).rstrip()
    return click.option(*decls, help=f"{text} {key_ref(section, key, default)}", **attrs)


def workspace_option(dest: str = "workspace", help: str = WORKSPACE_HELP) -> Callable:
    """The one ``-w/--workspace`` option every command takes (opened with :func:`tadka.workspace.open_workspace`)."""
    return click.option("-w", "--workspace", dest, type=click.Path(file_okay=False), default=None, help=help)


def recipe_option(section: str, example: str) -> Callable:
    """``-c/--config FILE``: a recipe YAML shaped like tadka.yaml (``configs/``), read over the section's keys
    (defaults < tadka.yaml < recipe < flags; :func:`tadka.config.config_file_section`)."""
    return click.option(
        "--config",
        "-c",
        "config_file",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"Recipe YAML shaped like tadka.yaml ({example}), over its {section} section.",
    )


def config_click_option(section: str, key: str, decls: tuple[str, ...] = (), **attrs: Any) -> click.Option:
    """The same option as an object, for commands built with ``click.Command(params=…)`` (``tadka train``)."""

    def holder() -> None: ...

    config_option(section, key, *decls, **attrs)(holder)
    return holder.__click_params__[0]  # type: ignore[attr-defined]
