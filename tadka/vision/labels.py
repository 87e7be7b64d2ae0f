"""How a Record carries an image-classification label: as a two-turn chat about its image.

An image-label Record is ``media.image`` plus ``[user: LABEL_PROMPT, assistant: <label>]``. We chose this
over a new ``label`` field (or a convention in ``scores``) because it changes nothing that exists: the
schema, the Arrow layout, every reader and writer and every existing id stay as they were; the id
(a hash of the turns and the image's bytes) changes when the label changes, so a relabel is an edit
like any other — a new Record whose ``source.parent_id`` points back, kept in review.db's history — and
the same stage is already an instruction set for a vision-language model ("Classify this image." →
"scratch"). :func:`label_of` is the one place that reads the convention.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Iterable

from tadka.errors import InputError
from tadka.records import Record
from tadka.records.schema import record_id

LABEL_PROMPT = "Classify this image."
IMAGE_LANG = "en"  # the language of the prompt and the class names' turn
MAX_LABEL_CHARS = 64
_BAD_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def check_label(value: object) -> str:
    """A class name as stored: trimmed, NFC, one line, 1–64 characters; InputError otherwise."""
    if value is None or (isinstance(value, float) and value != value):
        raise InputError("no label", field="label")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InputError(f"a label must be text, got {type(value).__name__}", field="label")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not text:
        raise InputError("empty label", field="label")
    if _BAD_CHARS.search(text):
        raise InputError(f"label {text[:40]!r} has a line break or a control character", field="label")
    if len(text) > MAX_LABEL_CHARS:
        raise InputError(f"label is {len(text)} characters, over {MAX_LABEL_CHARS}", field="label")
    return text


def label_messages(label: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": LABEL_PROMPT}, {"role": "assistant", "content": label}]


def label_record(image: str, label: str, digest: str, *, source: dict | None = None) -> Record:
    """The Record of one labelled image; ``digest`` is the sha1 of the stored file's bytes (as
    :func:`tadka.records.schema.media_digests` computes it), so the id matches a re-validated copy."""
    messages = label_messages(label)
    return Record(
        messages=messages,
        lang=IMAGE_LANG,
        media={"image": image},
        source=source or {"kind": "import"},
        id=record_id(messages, {"image": digest}),
    )


def label_of(record: Record) -> str | None:
    """The class name of an image-label Record, or None for any other Record."""
    m = record.messages
    if (
        record.media.get("image")
        and len(m) == 2
        and m[0]["role"] == "user"
        and m[0]["content"] == LABEL_PROMPT
        and m[1]["role"] == "assistant"
    ):
        return m[1]["content"].strip()
    return None


def is_label_stage(records: Iterable[Record]) -> bool:
    """True when there is at least one record and every one is an image-label Record."""
    seen = False
    for r in records:
        if label_of(r) is None:
            return False
        seen = True
    return seen


def class_counts(records: Iterable[Record]) -> Counter:
    return Counter(label for r in records if (label := label_of(r)) is not None)


def label_warnings(counts: Counter, known: Iterable[str] = ()) -> list[str]:
    """One-line warnings about a set of class counts: classes with one image (they cannot be both trained
    on and evaluated), labels that differ only in case or spacing, and labels that are new to ``known``."""
    out = []
    single = sorted(k for k, n in counts.items() if n == 1)
    if single:
        out.append(
            f"{len(single)} class(es) with a single image ({', '.join(single[:8])}): a class needs at least "
            f"2 images to be both trained on and evaluated"
        )
    folded: dict[str, set[str]] = {}
    for label in counts:
        folded.setdefault(" ".join(label.casefold().replace("_", " ").replace("-", " ").split()), set()).add(label)
    for variants in folded.values():
        if len(variants) > 1:
            out.append(
                f"labels {', '.join(sorted(map(repr, variants)))} differ only in case or spacing: "
                f"they are separate classes unless you relabel them"
            )
    known = set(known)
    new = sorted(set(counts) - known) if known else []
    if new:
        out.append(f"new class(es) not yet in the stage: {', '.join(new[:8])} (known: {', '.join(sorted(known)[:8])})")
    return out
