"""Reading the shipped phrase and word lists under corpora/ (refusals/, profanity/).

Through ``importlib.resources`` so that a wheel install finds them as well as a checkout. Both kinds
are TSV with a header row; an unknown list name is a ConfigError that lists the shipped ones.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files

from tadka.errors import ConfigError


def _folder(kind: str):
    return files("tadka.corpora").joinpath(kind)


def available(kind: str) -> list[str]:
    """List names shipped in corpora/<kind>/ (file names without .tsv)."""
    return sorted(p.name[:-4] for p in _folder(kind).iterdir() if p.name.endswith(".tsv"))


@lru_cache(maxsize=32)
def read_list(kind: str, name: str) -> tuple[dict[str, str], ...]:
    """The rows of corpora/<kind>/<name>.tsv as dicts keyed by the header."""
    node = _folder(kind).joinpath(f"{name}.tsv")
    if not node.is_file():
        raise ConfigError(
            f"no list {name!r} in corpora/{kind}/",
            field=f"curate.{kind}_lists",
            hint=f"shipped: {', '.join(available(kind))}",
        )
    text = node.read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
