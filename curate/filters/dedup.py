"""``dedup``: exact duplicates after normalisation (case, punctuation, spacing, Unicode form).

The sketch is a 128-bit xxHash of each turn's role and normalised text, computed in the workers;
the driver groups equal hashes and keeps one record per group — the first in input order that no
other step flagged — and flags the rest ``dup:<kept id>``. The kept record gets ``dup_count``, the
size of its group, so the report can show how often a teacher repeated itself.
"""

from __future__ import annotations

from typing import Sequence

import xxhash

from tadka.curate.filters.base import GlobalStep, pick_keeper, steps
from tadka.curate.filters.text import match_words
from tadka.records import Record


@steps.register("dedup")
class ExactDedup(GlobalStep):
    name = "dedup"

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

    def resolve(self, ids: Sequence[str], sketches: Sequence[bytes], flagged: Sequence[bool]):
        groups: dict[bytes, list[int]] = {}
        for i, s in enumerate(sketches):
            groups.setdefault(s, []).append(i)
        out: dict[int, tuple[str | None, dict[str, float]]] = {}
        for members in groups.values():
            if len(members) < 2:
                continue
            keeper = pick_keeper(members, flagged)
            out[keeper] = (None, {"dup_count": float(len(members))})
            for i in members:
                if i != keeper:
                    out[i] = (f"dup:{ids[keeper]}", {})
        return out
