"""``dedup``: exact duplicates after normalisation (case, punctuation, spacing, Unicode form).

The sketch is a 128-bit xxHash of each turn's role and normalised text, computed in the workers.
On the driver the 16-byte keys of the live records (no earlier step rejected them) are sorted, and
records sharing a key are candidate pairs — equal by construction, so nothing to confirm. Pairs
inside one lineage are dropped (a noised copy that differs from its parent only in case or
punctuation is the point of the copy, not a duplicate), and the keeper rule of
:mod:`tadka.curate.dedup.cluster` keeps, per group, the first record in keeper order
(originals before copies, then input order). The others are flagged ``dup:<kept id>``, copies of a
flagged record ``parent_dup:<kept id>``; the kept record gets ``dup_count``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Sequence

import numpy as np
import xxhash
from tadka.curate.dedup.cluster import pairs_from_keys
from tadka.curate.filters.base import GlobalStep, steps
from tadka.curate.filters.text import match_words

from tadka.config import Section, opt
from tadka.records import Record


@dataclass
class DedupParams(Section):
    """The ``curate.dedup_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    roles: list[str] = opt(
        ["system", "user", "assistant"], "Turns hashed for exact dedup (after lower-casing and dropping punctuation)."
    )


@steps.register("dedup")
class ExactDedup(GlobalStep):
    params: ClassVar[type] = DedupParams
    name = "dedup"
    flag = "dup"
    width = 16

    def __init__(self, roles: Sequence[str] = ("system", "user", "assistant")) -> None:
        self.roles = tuple(roles)

    def sketch(self, record: Record) -> bytes:
        h = xxhash.xxh3_128()
        for m in record.messages:
            if m["role"] in self.roles:
                h.update(m["role"].encode())
                h.update(b"\x1f")
                # the memoised word view (lower-cased, NFC, punctuation dropped) the filters already built
                h.update(" ".join(match_words(m["content"])).encode("utf-8", "surrogatepass"))
                h.update(b"\x1e")
        for kind in sorted(record.media):
            h.update(f"{kind}\x1f{record.media[kind]}\x1e".encode())
        return h.digest()

    def pairs(self, sketches, rank: np.ndarray):
        keys = sketches.matrix().view(np.uint64)  # rows × 2
        a, b = pairs_from_keys(keys, rank)
        return a, b, np.ones(len(a), np.float32)
