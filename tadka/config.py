"""tadka.yaml: one dataclass per stage section, validated, with defaults < tadka.yaml < CLI flags.

Each package registers its own section (``@section("train")``) so that this core module never
imports torch-side code; the CLI imports every package's config module before loading. Unknown keys
are errors that name the file, the line and the key, and list the allowed ones.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import re
import textwrap
import typing
from dataclasses import MISSING, dataclass, field, fields
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import yaml

from tadka.errors import ConfigError

T = TypeVar("T")
SECTIONS: dict[str, type] = {}
SECTION_NAMES: dict[type, str] = {}
# The order tadka.yaml shows its sections in: the order the pipeline runs.
PIPELINE_SECTIONS = ("project", "import", "generate", "augment", "curate", "review", "export", "train", "compress")
SECTION_HELP: dict[str, str] = {}


def section(name: str, help: str = ""):
    """Register a dataclass as the ``name:`` section of tadka.yaml."""

    def add(cls: type[T]) -> type[T]:
        SECTIONS[name] = cls
        SECTION_NAMES[cls] = name
        SECTION_HELP[name] = help or (cls.__doc__ or "").strip().splitlines()[0]
        return cls

    return add


BOUNDS = ("ge", "gt", "le", "lt")


def opt(default: Any, help: str, **bounds: float) -> Any:
    """A section key: its default, its help text (the comment in tadka.yaml, the flag's help) and its
    bounds (``ge``/``gt``/``le``/``lt``, as pydantic's ``Field``), which :meth:`Section.check` enforces."""
    unknown = set(bounds) - set(BOUNDS)
    if unknown:
        raise TypeError(f"unknown bound {sorted(unknown)}; use {', '.join(BOUNDS)}")
    # nested: pydantic would read top-level ge/le of a dataclass field's metadata when tadka.yaml is loaded,
    # and bounds are checked by check() (after the flags are merged), as the cross-key rules are
    metadata = {"help": help, "bounds": bounds}
    if isinstance(default, (list, dict)):
        return field(default_factory=partial(type(default), default), metadata=metadata)
    return field(default=default, metadata=metadata)


class Section:
    """Base of every tadka.yaml section: one way to validate what a run will use.

    Loading tadka.yaml (:func:`build_section`) checks types, choices (``Literal``) and unknown keys;
    :meth:`check` — called by each command after the flags are merged — checks every key's bounds
    (declared with :func:`opt`, validated by pydantic) and then the section's single cross-key
    validator, :meth:`rules`. Errors are :class:`ConfigError` naming ``section.key``.
    """

    def check(self: T) -> T:
        from tadka.config_compose import check_parts

        check_bounds(self)
        check_parts(self)
        self.rules()  # type: ignore[attr-defined]
        return self

    def rules(self) -> None:
        """Rules across keys that no single key's type or bounds can say (override per section)."""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def bound_text(bounds: dict[str, float]) -> str:
    """``{"ge": 0, "le": 1}`` → "must be in [0, 1]", ``{"gt": 0}`` → "must be positive" …"""
    lo = ("[", bounds["ge"]) if "ge" in bounds else ("(", bounds["gt"]) if "gt" in bounds else None
    hi = (bounds["le"], "]") if "le" in bounds else (bounds["lt"], ")") if "lt" in bounds else None
    if lo and hi:
        return f"must be in {lo[0]}{_number(lo[1])}, {_number(hi[0])}{hi[1]}"
    if lo:
        if lo[1] == 0:
            return "must not be negative" if lo[0] == "[" else "must be positive"
        return f"must be at least {_number(lo[1])}" if lo[0] == "[" else f"must be greater than {_number(lo[1])}"
    assert hi is not None
    return f"must be at most {_number(hi[0])}" if hi[1] == "]" else f"must be less than {_number(hi[0])}"


@functools.cache
def _bounded_model(cls: type) -> Any:
    """A pydantic model of ``cls`` whose fields carry their declared bounds (``Annotated[int, Field(ge=1)]``)."""
    from pydantic import ConfigDict, Field, create_model

    hints = typing.get_type_hints(cls)
    spec: dict[str, Any] = {}
    for f in fields(cls):
        bounds = f.metadata.get("bounds", {})
        spec[f.name] = (typing.Annotated[hints[f.name], Field(**bounds)] if bounds else hints[f.name], ...)
    return create_model(f"{cls.__name__}Bounds", __config__=ConfigDict(arbitrary_types_allowed=True), **spec)


def check_bounds(obj: Any) -> None:
    """Every key of a section object within its type and declared bounds; ConfigError names the key."""
    from pydantic import ValidationError

    cls: Any = type(obj)
    name = SECTION_NAMES.get(cls, cls.__name__)
    try:
        _bounded_model(cls).model_validate({f.name: getattr(obj, f.name) for f in fields(cls)})
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        meta: Any = next((f.metadata for f in fields(cls) if f.name == key), {})
        bounds = meta.get("bounds", {})
        bounded = err["type"] in ("greater_than_equal", "greater_than", "less_than_equal", "less_than")
        raise ConfigError(
            bound_text(bounds) if bounded and bounds else err["msg"], field=f"{name}.{key}" if key else name
        ) from None


def section_fields(cls: type) -> list[tuple[str, Any, Any, str]]:
    """(name, annotation, default, description) of every key of a section, in order: what `tadka init`
    renders and what the CLI builds its flags from."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields(cls):
        default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[operator]
        out.append((f.name, hints[f.name], default, f.metadata.get("help", "")))
    return out


# -- the core sections ---------------------------------------------------------------------------
@section("project", "The project as a whole.")
@dataclass
class ProjectConfig(Section):
    name: str = opt("tadka-project", "Shown in reports, run cards and model cards.")
    seed: int = opt(0, "Global seed: every sampler, split and noise op derives its own from this.")
    lang: str = opt("hi-Latn+en", "Intended mix of the data (BCP-47-style): hi-Latn+en, hi-Deva, ta-Latn+en …")


@section("import", "`tadka import`: bring existing data into a stage.")
@dataclass
class ImportConfig(Section):
    stage: str = opt("imported", "Stage that imported records go to.")
    format: str = opt(
        "auto",
        "auto, openai, sharegpt, alpaca, prompt-response, tadka, or images (a CSV/JSONL of path,label; "
        "an image-folder tree is detected).",
    )
    mode: typing.Literal["append", "replace"] = opt(
        "append", "append (skip records whose id is already there) or replace."
    )
    max_line_mb: float = opt(8.0, "Refuse a single input line (record) larger than this.")

    def rules(self) -> None:
        from tadka.records.formats import FORMATS

        if self.format not in ("auto", "images") and self.format not in FORMATS:
            raise ConfigError(
                f"unknown format {self.format!r}", field="import.format", hint=f"auto, {', '.join(FORMATS)}, images"
            )


@section("export", "`tadka export`: write a training set (and the review app's Export page).")
@dataclass
class ExportConfig(Section):
    stage: str = opt("", "Stage to export; empty picks the latest of curated, augmented, generated, imported, seeds.")
    format: str = opt("jsonl", "jsonl, parquet or hf.")
    eval_fraction: float = opt(
        0.1, "Share of records held out as the eval split (by a seeded hash of the id).", ge=0, lt=1
    )
    seed: int = opt(-1, "Seed of the split; -1 uses project.seed.")
    statuses: list[str] = opt(
        ["accepted", "edited"],
        "Review statuses exported once review.db holds labels (edited records export their latest version).",
    )

    def rules(self) -> None:
        formats = ("jsonl", "parquet", "hf")
        if self.format not in formats:
            raise ConfigError(f"unknown format {self.format!r}", field="export.format", hint=", ".join(formats))


# -- YAML ----------------------------------------------------------------------------------------
class ConfigLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's booleans: only true/false (any case) are booleans.

    PyYAML follows YAML 1.1, where unquoted on/off/yes/no/y/n are booleans too, so a documented
    ``json_mode: off`` arrived as False and was refused. With this loader they stay words; a bool
    field still takes them (pydantic reads "off", "no", "yes", "on" as booleans).
    """


ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ConfigLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str) -> Any:
    """YAML text as Python values, the way tadka reads every config file (see :class:`ConfigLoader`)."""
    return yaml.load(text, Loader=ConfigLoader)  # noqa: S506 - ConfigLoader is a SafeLoader


_YAML11_WORDS = {False: ("off", "no", "false", "n"), True: ("on", "yes", "true", "y")}


def _enum_words(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """A YAML 1.1 boolean given for a word-valued option becomes the word it was written as.

    Config read by another YAML loader (a user's script, an older tool) may still carry False for
    ``off``: for an option whose allowed values include ``off``/``no`` (or ``on``/``yes``), map it back.
    """
    hints = typing.get_type_hints(cls)
    out = dict(values)
    for key, value in values.items():
        kind = hints.get(key)
        if not isinstance(value, bool) or typing.get_origin(kind) is not typing.Literal:
            continue
        options = typing.get_args(kind)
        word = next((w for w in _YAML11_WORDS[value] if w in options), None)
        if word is not None:
            out[key] = word
    return out


# -- discovery -----------------------------------------------------------------------------------
_discovered = False


def discover_sections() -> None:
    """Import the modules that define the other packages' sections (entry points ``tadka.sections``).

    Entry points keep the dependency one way: the core never imports curate/train/review code by
    name, yet `tadka init` renders and `load_config` validates every section that is installed.
    """
    global _discovered
    if _discovered:
        return
    from importlib.metadata import entry_points

    for ep in entry_points(group="tadka.sections"):
        ep.load()
    _discovered = True


# -- loading -------------------------------------------------------------------------------------
def _key_lines(path: Path, text: str) -> dict[tuple[str, ...], int]:
    """Line number of every mapping key, so errors can point into tadka.yaml."""
    lines: dict[tuple[str, ...], int] = {}

    def walk(node, prefix):
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = (*prefix, str(k.value))
                lines[key] = k.start_mark.line + 1
                walk(v, key)

    try:
        walk(yaml.compose(text), ())
    except yaml.YAMLError:
        pass
    return lines


def build_section(name: str, values: dict[str, Any] | None, *, file=None, lines=None) -> Any:
    """Validate one section's mapping against its dataclass (types checked, unknown keys refused)."""
    from pydantic import TypeAdapter, ValidationError

    cls = SECTIONS[name]
    values = values or {}
    lines = lines or {}
    if not isinstance(values, dict):
        raise ConfigError("expected a mapping", file=file, line=lines.get((name,)), field=name)
    allowed = [f.name for f in fields(cls)]
    for key in values:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            raise ConfigError(
                f"unknown key (allowed: {', '.join(allowed)})",
                file=file,
                line=lines.get((name, str(key))),
                field=f"{name}.{key}",
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
    try:
        return TypeAdapter(cls).validate_python(_enum_words(cls, values), strict=False)
    except ValidationError as e:
        err = e.errors()[0]
        key = str(err["loc"][0]) if err["loc"] else ""
        raise ConfigError(
            err["msg"], file=file, line=lines.get((name, key)), field=f"{name}.{key}" if key else name
        ) from None


@dataclass
class Config:
    """The whole of tadka.yaml: one object per section, plus where it came from."""

    sections: dict[str, Any]
    path: Path | None = None

    def __getitem__(self, name: str) -> Any:
        discover_sections()
        if name not in self.sections:
            self.sections[name] = build_section(name, {})
        return self.sections[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return {name: dataclasses.asdict(obj) for name, obj in self.sections.items()}


def load_config(path: str | os.PathLike | None) -> Config:
    """Read tadka.yaml (or only defaults when ``path`` is None)."""
    discover_sections()
    if path is None:
        return Config({name: build_section(name, {}) for name in SECTIONS})
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError("not valid UTF-8", file=path, field="<file>") from None
    try:
        data = load_yaml(text) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ConfigError(
            f"invalid YAML: {getattr(e, 'problem', e)}", file=path, line=mark.line + 1 if mark else None, field="<yaml>"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of sections", file=path, line=1, field="<yaml>")
    lines = _key_lines(path, text)
    sections: dict[str, Any] = {}
    for name, values in data.items():
        if name not in SECTIONS:
            close = difflib.get_close_matches(str(name), SECTIONS, n=1)
            raise ConfigError(
                f"unknown section (known: {', '.join(SECTIONS)})",
                file=path,
                line=lines.get((str(name),)),
                field=str(name),
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
        sections[name] = build_section(name, values, file=path, lines=lines)
    for name in SECTIONS:
        sections.setdefault(name, build_section(name, {}))
    return Config(sections, path)


def merge(obj: Any, *layers: dict[str, Any], source: str = "<command line>") -> Any:
    """The one merge: layers of key → value over a section object (None means "not given"), validated
    like tadka.yaml. Precedence is the order given: defaults < tadka.yaml < a --config file < flags."""
    given = [{k: v for k, v in layer.items() if v is not None} for layer in layers]
    if not any(given):
        return obj
    merged = dataclasses.asdict(obj)
    for layer in given:
        merged.update(layer)
    return build_section(SECTION_NAMES[type(obj)], merged, file=source)


def override(obj: Any, values: dict[str, Any], name: str) -> Any:
    """A copy of section ``name`` with CLI flag values applied (None means the flag was not given)."""
    assert SECTION_NAMES[type(obj)] == name, (type(obj), name)
    return merge(obj, values)


def render_template() -> str:
    """tadka.yaml as `tadka init` writes it: every registered section and key, with its help text."""
    discover_sections()
    out = [
        "# tadka.yaml: the pipeline of this workspace. Every key is shown with its default.",
        "# Precedence: defaults < this file < command-line flags (`--eval-fraction` mirrors export.eval_fraction).",
        "",
    ]
    order = {name: i for i, name in enumerate(PIPELINE_SECTIONS)}
    for name, cls in sorted(SECTIONS.items(), key=lambda kv: order.get(kv[0], len(order))):
        out.append(f"# {SECTION_HELP.get(name, '')}")
        out.append(f"{name}:")
        for f in fields(cls):
            default = f.default if f.default is not MISSING else f.default_factory()  # type: ignore[operator]
            help_text = f.metadata.get("help", "")
            for line in textwrap.wrap(help_text, 96):
                out.append(f"  # {line}")
            dumped = yaml.safe_dump({f.name: default}, default_flow_style=True, allow_unicode=True, width=10**6)
            out.append("  " + dumped.strip().removeprefix("{").removesuffix("}"))
        out.append("")
    return "\n".join(out)


def config_file_section(path: str | os.PathLike, name: str) -> dict[str, Any]:
    """The ``name:`` keys a recipe file sets (``--config FILE``), to layer between tadka.yaml and the flags.

    A recipe (``configs/``) is shaped like tadka.yaml and is validated whole by :func:`load_config`, so a
    wrong key or type is refused with its line; only the keys the file names are returned, so tadka.yaml's
    other settings of the section stay.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError("no such config file", file=path, field="--config")
    load_config(path)
    values = (load_yaml(path.read_text(encoding="utf-8")) or {}).get(name) or {}
    return dict(values)
