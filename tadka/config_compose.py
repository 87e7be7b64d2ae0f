"""Sections composed from parts: a stage's section made of the run's keys plus each step's own.

Apart from :mod:`tadka.config` (the loader, the merge, the core sections) because only a section whose
steps come from a registry needs it (``curate:``, :mod:`tadka.curate.config`).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import MISSING, field, fields
from typing import Any, TypeVar

from tadka.config import Section

T = TypeVar("T")


def compose_section(base: type[T], parts: list[tuple[str, type]], name: str = "") -> type[T]:
    """``base`` plus every part's keys, prefixed (``length`` + ``min_chars`` → ``length_min_chars``).

    How a section stays open to its steps: each curate step declares its own keys in a small dataclass
    beside its code (``LengthFilter.params``), and the section is composed from the registry, so a new
    step adds keys to tadka.yaml, ``tadka init`` and the flags without editing a central model. The keys
    stay flat in tadka.yaml (each with its own comment). A part's own :meth:`Section.rules` runs, on its
    keys, when the composed section is checked.
    """
    spec: list[tuple[str, Any, Any]] = []
    taken = {f.name for f in fields(base)}  # type: ignore[arg-type]
    for prefix, part in parts:
        hints = typing.get_type_hints(part)
        for f in fields(part):
            key = f"{prefix}_{f.name}"
            if key in taken:
                raise TypeError(f"{base.__name__}: key {key!r} is declared twice ({part.__name__})")
            taken.add(key)
            default = (
                field(default=f.default, metadata=f.metadata)
                if f.default is not MISSING
                else field(default_factory=f.default_factory, metadata=f.metadata)
            )
            spec.append((key, hints[f.name], default))
    name = name or base.__name__
    composed = dataclasses.make_dataclass(name, spec, bases=(base,))
    composed.__module__ = base.__module__  # pickles by this name: the module must bind it
    composed.__doc__ = base.__doc__
    composed.__qualname__ = name
    composed._parts = tuple(parts)  # type: ignore[attr-defined]
    return composed


def check_parts(obj: Any) -> None:
    """Run each composed part's own rules on its keys (a step's cross-key checks stay beside the step)."""
    for prefix, part in getattr(type(obj), "_parts", ()):
        if part.rules is Section.rules:  # no rules of its own
            continue
        start = prefix + "_"
        values = {f.name: getattr(obj, start + f.name) for f in fields(part)}
        part(**values).rules()
