"""``minhash``: near-duplicates by MinHash-LSH over character shingles, confirmed against the keeper.

Character shingles, not word shingles: Hinglish has no fixed spelling, so "nahi"/"nahin" or
"karo"/"karein" would break every word shingle they touch, while a character shingle loses only
the few characters around the change. The text is lower-cased and punctuation and spacing are
collapsed first (the exact-dedup normalisation).

**Threshold 0.5** on 5-character shingles, picked from the precision/recall curve that
``python bench/curate.py --part threshold`` prints: planted copies of the 425 shipped seed tasks
with 1–10 character edits against pairs of *distinct but related* seed tasks (same domain, the most
similar pairs: "RTI first appeal" vs "RTI reply time limit"). Related tasks reach an estimated
Jaccard of about 0.3; copies with up to 10 edits stay above 0.55 for all but the shortest
tasks. 0.3, the old default, merged related tasks; and because a cluster used to grow through
*any* member (union-find), a chain of such pairs swallowed 30 different tasks.

Stages (each a numpy function; see :mod:`tadka.curate.dedup.cluster`):

1. **signatures** in the workers, vectorised over a batch: the shingles' 32-bit hashes go through
   datasketch's ``affine32`` permutations (MurmurHash3's finaliser, then ``a·h + b`` mod 2³²); the
   values equal ``datasketch.MinHash.update_batch`` (a test checks it), computed for a whole batch
   at once instead of one record at a time, which is what made this step slow (datasketch is only
   the reference: the curate run does not import it);
2. **band keys**: ``bands × rows`` chosen for the threshold (:func:`lsh_params`), one 64-bit key per
   band and record; a bucket is a run of equal keys after sorting, never a Python dict — the old
   ``datasketch.MinHashLSH`` held every key in dicts of sets and peaked at ~1 GB for 50k records;
3. **candidate pairs** from the runs, **confirmed** when the two signatures agree on at least the
   threshold (the estimated Jaccard), never through a third record;
4. **keepers**: :func:`tadka.curate.dedup.cluster.assign`: in keeper order, a record joins the
   most similar earlier *kept* record it is itself similar to, or is kept.

The kept record gets ``near_dup_count``; the others ``near_dup:<kept id>`` and ``near_dup_sim``.
Memory: the signatures of the live records (4 bytes × ``num_perm`` each) and, per band, a key and
a sort order per record — the index itself, nothing per record in Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Sequence

import numpy as np
from tadka.curate.dedup.cluster import pairs_from_keys, unique_pairs
from tadka.curate.filters.base import GlobalStep, role_text, steps
from tadka.curate.filters.text import normalise

from tadka.config import Section, opt
from tadka.records import Record

_MULT = np.uint64(0x01000193)  # FNV-32 prime: an odd multiplier for the polynomial shingle hash
_MASK = np.uint64(0xFFFFFFFF)
_BAND_MULT = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit multiplier for the band key
_CHUNK = 16384  # shingles permuted at once (× num_perm × 4 bytes of scratch)


def shingle_hashes(text: str, k: int) -> np.ndarray:
    """The 32-bit hashes (uint32, repeats possible) of the k-character substrings of ``text``.

    One polynomial hash per window over the code points, in numpy: the quality is enough because
    the MinHash step mixes every value with MurmurHash3's finaliser before permuting it. A text
    shorter than k is one shingle, the whole text.
    """
    if not text:
        return np.empty(0, np.uint32)
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    k = min(k, len(cp))
    n = len(cp) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = (h * _MULT + cp[j : j + n]) & _MASK
    return h.astype(np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (what datasketch's affine32 scheme applies first)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) with bands·rows ≤ num_perm minimising 0.9 × the missed share of pairs above
    the threshold + 0.1 × the candidate share below it. A pair of similarity s shares a band with
    probability 1 − (1 − s^rows)^bands.

    datasketch weighs both 0.5 (and keeps the function private): that gives 25 × 5 at 0.5, which
    misses 13 % of pairs at similarity 0.6. Here a false candidate costs one signature comparison,
    a missed pair is a duplicate kept, hence the weights: 32 × 4 at 0.5 (1 % missed at 0.6).
    """
    best, best_cost = (1, num_perm), float("inf")
    s_lo = np.linspace(0.0, threshold, 200)
    s_hi = np.linspace(threshold, 1.0, 200)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp = np.trapezoid(1 - (1 - s_lo**rows) ** bands, s_lo)
            fn = np.trapezoid((1 - s_hi**rows) ** bands, s_hi)
            cost = 0.1 * fp + 0.9 * fn
            if cost < best_cost:
                best, best_cost = (bands, rows), cost
    return best


@dataclass
class MinHashParams(Section):
    """The ``curate.minhash_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    roles: list[str] = opt(["user", "assistant"], "Turns compared for near dedup.")
    threshold: float = opt(
        0.5,
        "Estimated Jaccard similarity of character-shingle sets at or above which "
        "a record is a near-duplicate of a kept one (why 0.5: see "
        "tadka.curate.dedup.minhash and bench/curate.py --part threshold).",
        gt=0,
        le=1,
    )
    shingle: int = opt(5, "Characters per shingle (after lower-casing and collapsing punctuation and spaces).", ge=1)
    num_perm: int = opt(128, "MinHash permutations (more: a finer similarity estimate, slower).", ge=16)
    seed: int = opt(1, "Seed of the MinHash permutations.")


@steps.register("minhash")
class MinHashDedup(GlobalStep):
    params: ClassVar[type] = MinHashParams
    name = "minhash"
    flag = "near_dup"

    def __init__(
        self,
        roles: Sequence[str] = ("user", "assistant"),
        threshold: float = 0.5,
        shingle: int = 5,
        num_perm: int = 128,
        seed: int = 1,
    ) -> None:
        self.roles = tuple(roles)
        self.threshold = threshold
        self.shingle = shingle
        self.num_perm = num_perm
        self.seed = seed
        self.width = 4 * num_perm

    def setup(self) -> None:
        # datasketch's affine32 permutations, drawn the way datasketch.MinHash draws them (a test checks
        # the signatures against datasketch's own); importing datasketch here would pull in scipy
        # (~60 MB in every worker) for two arrays of 128 numbers.
        gen = np.random.RandomState(self.seed)
        self.a_ = gen.randint(0, 1 << 31, self.num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        self.b_ = gen.randint(0, 1 << 32, self.num_perm, dtype=np.uint32)

    # -- stage 1: signatures ------------------------------------------------------------------
    def batch_shingles(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(shingle hashes of all texts, concatenated; shingles per text), for a batch at once.

        The normalised texts are joined with a separator and hashed in one rolling pass; windows
        that would cross a separator are dropped. A text shorter than a shingle is one shingle.
        """
        k = self.shingle
        norm = [normalise(t) for t in texts]
        lengths = np.fromiter(map(len, norm), np.int64, len(norm))
        cp = np.frombuffer("\x00".join(norm).encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.uint64)
        counts = np.maximum(lengths - k + 1, 0)
        n_windows = len(cp) - k + 1
        if n_windows > 0 and counts.any():
            h = np.zeros(n_windows, np.uint64)
            for j in range(k):
                h = (h * _MULT + cp[j : j + n_windows]) & _MASK
            starts = np.cumsum(lengths + 1) - (lengths + 1)
            pos = np.repeat(starts, counts) + (
                np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
            )
            hashes = h[pos].astype(np.uint32)
        else:
            hashes = np.empty(0, np.uint32)
        short = np.flatnonzero((lengths > 0) & (lengths < k))
        if len(short):  # rare: rebuild with each short text's one shingle in its place
            parts, at = [], 0
            for i in range(len(norm)):
                if counts[i]:
                    parts.append(hashes[at : at + counts[i]])
                    at += counts[i]
                elif lengths[i]:
                    parts.append(shingle_hashes(norm[i], k))
            counts = np.where((lengths > 0) & (lengths < k), 1, counts)
            hashes = np.concatenate(parts) if parts else hashes
        return hashes, counts

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """MinHash signatures (len(texts) × num_perm, uint32) of the texts' shingle sets.

        Permutations are applied to a chunk of many records' shingles at once, laid out
        permutation-major (num_perm × shingles) so that each per-record minimum is a contiguous
        ``reduceat`` — seven times faster than the shingle-major layout datasketch uses per record.
        """
        self.ensure_setup()
        out = np.full((len(texts), self.num_perm), np.iinfo(np.uint32).max, np.uint32)
        hashes, counts = self.batch_shingles(texts)
        rows = np.flatnonzero(counts)
        if not len(rows):
            return out
        hv_all = _fmix32(hashes)
        ends = np.cumsum(counts[rows])
        first = 0
        while first < len(rows):
            begin = int(ends[first] - counts[rows[first]])
            last = max(first + 1, int(np.searchsorted(ends, begin + _CHUNK, side="right")))
            end = int(ends[last - 1])
            hv = hv_all[begin:end]
            scratch = self._scratch(len(hv))
            np.multiply(self.a_[:, None], hv[None, :], out=scratch)  # uint32: wraps mod 2^32
            np.add(scratch, self.b_[:, None], out=scratch)
            offsets = ends[first:last] - counts[rows[first:last]] - begin
            out[rows[first:last]] = np.minimum.reduceat(scratch, offsets, axis=1).T
            first = last
        return out

    def _scratch(self, width: int) -> np.ndarray:
        """A num_perm × width uint32 work array, reused from batch to batch (one 8 MB buffer
        rather than a fresh mapping and its page faults per chunk)."""
        need = self.num_perm * width
        buf = getattr(self, "scratch_", None)
        if buf is None or len(buf) < need:
            buf = self.scratch_ = np.empty(max(need, self.num_perm * _CHUNK), np.uint32)
        return buf[:need].reshape(self.num_perm, width)

    def signature(self, text: str) -> np.ndarray:
        return self.signatures([text])[0]

    def sketch(self, record: Record) -> bytes:
        return self.signature(role_text(record, self.roles)).tobytes()

    def sketch_batch(self, records: Sequence[Record]) -> list[bytes]:
        sigs = self.signatures([role_text(r, self.roles) for r in records])
        return [row.tobytes() for row in sigs]

    # -- stages 2 and 3: band keys, candidate pairs, confirmation ------------------------------
    @staticmethod
    def band_key(cols: np.ndarray) -> np.ndarray:
        """One 64-bit key per row from a band's rows × r uint32 values (equal rows give equal keys)."""
        key = np.zeros(len(cols), np.uint64)
        for c in range(cols.shape[1]):  # in place: one row-sized temporary, not a uint64 copy of the band
            np.multiply(key, _BAND_MULT, out=key)
            np.add(key, cols[:, c], out=key, casting="unsafe")
            np.add(key, np.uint64(c + 1), out=key)
        return key

    def candidates(self, sigs, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row pairs sharing at least one band (rank[a] < rank[b]), each once. ``sigs`` is a
        :class:`~tadka.curate.dedup.sketches.SketchView` (or a rows × num_perm uint32 matrix)."""
        from tadka.curate.dedup.sketches import SketchView

        view = SketchView.of(sigs.view(np.uint8) if isinstance(sigs, np.ndarray) else sigs)
        bands, rows = lsh_params(self.threshold, self.num_perm)
        a_parts, b_parts = [], []
        for band in range(bands):
            key = self.band_key(view.columns(4 * band * rows, 4 * (band + 1) * rows).view(np.uint32))
            a, b = pairs_from_keys(key, rank)
            del key
            a_parts.append(a)
            b_parts.append(b)
        a, b = np.concatenate(a_parts), np.concatenate(b_parts)
        return unique_pairs(a, b, len(view))

    def similarity(self, sigs, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Estimated Jaccard of each pair: the share of permutations on which the signatures agree,
        counted 16 permutations (one 64-byte column block) at a time."""
        from tadka.curate.dedup.sketches import BLOCK, SketchView

        view = SketchView.of(sigs.view(np.uint8) if isinstance(sigs, np.ndarray) else sigs)
        agree = np.zeros(len(a), np.int32)
        step = max(1, 2_000_000 // BLOCK)
        for lo in range(0, self.width, BLOCK):
            cols = view.columns(lo, min(lo + BLOCK, self.width)).view(np.uint32)
            for s in range(0, len(a), step):
                agree[s : s + step] += (cols[a[s : s + step]] == cols[b[s : s + step]]).sum(axis=1)
        return (agree / self.num_perm).astype(np.float32)

    def pairs(self, sketches, rank: np.ndarray):
        a, b = self.candidates(sketches, rank)
        sim = self.similarity(sketches, a, b)
        keep = sim >= self.threshold
        return a[keep], b[keep], sim[keep]
