"""Reading the shipped corpora (lexicons, LID training text) and the model cache folder.

Everything goes through ``importlib.resources.files("tadka.corpora")`` so it works from a wheel
as well as from a checkout. A missing optional file (a language pack whose variants list is not
written yet) reads as empty, with a warning, rather than stopping language ID altogether.
"""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

logger = logging.getLogger(__name__)

CORPORA = "tadka.corpora"


def corpus_file(relpath: str):
    """A Traversable for a file under corpora/ (``lexicon/en_hi.tsv``)."""
    node = files(CORPORA)
    for part in relpath.split("/"):
        node = node.joinpath(part)
    return node


def exists(relpath: str) -> bool:
    return corpus_file(relpath).is_file()


@lru_cache(maxsize=64)
def read_text(relpath: str) -> str:
    """The text of a corpora file, '' (and a warning) when it is missing."""
    node = corpus_file(relpath)
    if not node.is_file():
        logger.warning("corpora file %s is missing; treating it as empty", relpath)
        return ""
    return node.read_text(encoding="utf-8")


def read_lines(relpath: str) -> list[str]:
    """Non-empty stripped lines of a corpora text file."""
    return [line.strip() for line in read_text(relpath).splitlines() if line.strip()]


def read_tsv(relpath: str) -> list[dict[str, str]]:
    """Rows of a TSV with a header row, as dicts; short rows are padded with ''."""
    lines = read_text(relpath).splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        if not line.strip():
            continue
        cells = line.split("\t")
        cells += [""] * (len(header) - len(cells))
        rows.append({h: c.strip() for h, c in zip(header, cells)})
    return rows


def read_conll(relpath: str) -> list[list[tuple[str, str]]]:
    """Sentences of ``token<TAB>tag`` lines separated by blank lines."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in read_text(relpath).splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        token, _, tag = line.rstrip("\n").partition("\t")
        current.append((token, tag.strip()))
    if current:
        sentences.append(current)
    return sentences


def digest(relpaths: list[str], *extra: str) -> str:
    """A short hash of the named corpora files' bytes plus any extra strings (model settings)."""
    h = hashlib.sha256()
    for rel in relpaths:
        h.update(rel.encode())
        h.update(b"\0")
        h.update(read_text(rel).encode("utf-8"))
        h.update(b"\0")
    for e in extra:
        h.update(e.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def cache_dir() -> Path:
    """Where trained language models live: lang/ in the machine cache (:mod:`tadka.cachedir`), created on demand."""
    from tadka.cachedir import cache_dir as machine_cache

    path = machine_cache() / "lang"
    path.mkdir(parents=True, exist_ok=True)
    return path
