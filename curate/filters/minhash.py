"""``minhash``: near-duplicates by MinHash-LSH over character shingles (datasketch).

Character shingles, not word shingles: Hinglish has no fixed spelling, so "nahi"/"nahin" or
"karo"/"karein" would break every word shingle they touch, while a character shingle loses only
the few characters around the change. The text is lower-cased and punctuation and spacing are
collapsed first (the exact-dedup normalisation).

Default threshold 0.3 on 5-character shingles — lower than the 0.7–0.8 used with word shingles on
web text, because a 10 % character edit rate already breaks about 1 − 0.9⁵ ≈ 41 % of the 5-char
shingles (expected Jaccard ≈ 0.59/1.41 ≈ 0.42), while unrelated Hinglish answers on the same topic
share well under 0.15. Measured with bench/curate.py and tests/curate/test_dedup.py: precision and
recall ≥ 0.95 on planted near-duplicates with up to 10 % character edits.

Workers compute the signatures (``sketch``, 4 bytes per permutation); the driver indexes them in a
``datasketch.MinHashLSH`` (bands and rows chosen by datasketch for the threshold), confirms every
LSH candidate with the signatures' estimated Jaccard, joins confirmed pairs into clusters
(union-find) and keeps one record per cluster: the first in input order that no other step flagged.
The rest are flagged ``near_dup:<kept id>`` — the kept record's id is the cluster id — and the kept
one gets ``near_dup_count``, its cluster's size.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from tadka.curate.filters.base import GlobalStep, pick_keeper, role_text, steps
from tadka.curate.filters.text import normalise
from tadka.records import Record


_MULT = np.uint64(0x01000193)  # FNV-32 prime: an odd multiplier for the polynomial shingle hash
_MASK = np.uint64(0xFFFFFFFF)


def shingle_hashes(text: str, k: int) -> list[int]:
    """The distinct 32-bit hashes of the k-character substrings of ``text`` (the whole text when shorter).

    Computed with numpy over the code points (a polynomial hash of each window) instead of one
    Python hash call per shingle: three times faster, and the quality is enough because datasketch's
    affine32 scheme mixes every input value with MurmurHash3's finaliser before permuting it.
    """
    if not text:
        return []
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    k = min(k, len(cp))
    n = len(cp) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = (h * _MULT + cp[j:j + n]) & _MASK
    return np.unique(h).tolist()


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@steps.register("minhash")
class MinHashDedup(GlobalStep):
    name = "minhash"

    def __init__(self, roles: Sequence[str] = ("user", "assistant"), threshold: float = 0.3, shingle: int = 5,
                 num_perm: int = 128, seed: int = 1) -> None:
        self.roles = tuple(roles)
        self.threshold = threshold
        self.shingle = shingle
        self.num_perm = num_perm
        self.seed = seed

    def setup(self) -> None:
        from datasketch import MinHash

        # One template: MinHash() draws its permutations at construction, copy() reuses them.
        self.template_ = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=int)

    def signature(self, text: str) -> np.ndarray:
        """The MinHash signature (uint32 × num_perm) of a text's shingle set."""
        self.ensure_setup()
        m = self.template_.copy()
        m.update_batch(shingle_hashes(normalise(text), self.shingle))
        return np.asarray(m.hashvalues, dtype=np.uint32)

    def sketch(self, record: Record) -> bytes:
        return self.signature(role_text(record, self.roles)).tobytes()

    def clusters(self, sketches: Sequence[bytes]) -> list[list[int]]:
        """Groups (of two or more row indices) whose members are near-duplicates of one another."""
        from datasketch import LeanMinHash, MinHashLSH

        n = len(sketches)
        if n < 2:
            return []
        sigs = np.frombuffer(b"".join(sketches), dtype=np.uint32).reshape(n, self.num_perm)
        lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        uf = _UnionFind(n)
        for i in range(n):
            m = LeanMinHash(seed=self.seed, hashvalues=sigs[i], scheme="affine32")
            cands = lsh.query(m)
            if cands:
                idx = np.fromiter(cands, dtype=np.int64, count=len(cands))
                sim = (sigs[idx] == sigs[i]).mean(axis=1)
                for j in idx[sim >= self.threshold]:
                    uf.union(i, int(j))
            lsh.insert(i, m, check_duplication=False)
        groups: dict[int, list[int]] = {}
        for i in range(n):
            groups.setdefault(uf.find(i), []).append(i)
        return [g for g in groups.values() if len(g) > 1]

    def resolve(self, ids: Sequence[str], sketches: Sequence[bytes], flagged: Sequence[bool]):
        out: dict[int, tuple[str | None, dict[str, float]]] = {}
        for members in self.clusters(sketches):
            keeper = pick_keeper(members, flagged)
            out[keeper] = (None, {"near_dup_count": float(len(members))})
            for i in members:
                if i != keeper:
                    out[i] = (f"near_dup:{ids[keeper]}", {})
        return out
