"""Where the per-record sketches of a global step wait for the driver: in memory, or in files on disk.

A global step's driver half reads its sketches a *column block* at a time — near dedup builds its
LSH band keys from 16 bytes of each signature and confirms candidate pairs 64 bytes at a time —
so the sketches of a whole stage never need to be in memory at once. :class:`FileStore` keeps each
64-byte column block in its own file (appended a batch at a time), and reading a block costs
8 bytes × 8 per row of memory for as long as it is used; :class:`ArrayStore` is the same over one
numpy matrix (the in-memory API, tests). A :class:`SketchView` is the rows of a store that take
part (the records no earlier step rejected).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

BLOCK = 16  # bytes of a sketch per column block (4 MinHash permutations: one LSH band at 0.5)


class ArrayStore:
    """Sketches in one rows × width uint8 matrix."""

    def __init__(self, n: int, width: int) -> None:
        self.width, self.n = width, 0
        self.matrix = np.zeros((n, width), np.uint8)

    def append(self, block: np.ndarray) -> None:
        self.matrix[self.n : self.n + len(block)] = block
        self.n += len(block)

    def columns(self, lo: int, hi: int) -> np.ndarray:
        return self.matrix[: self.n, lo:hi]

    def close(self) -> None:
        pass

    def drop_cache(self) -> None:
        pass


class FileStore:
    """Sketches on disk, one file per 64-byte column block, appended a batch at a time."""

    def __init__(self, folder: Path, width: int) -> None:
        self.width, self.n = width, 0
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.bounds = [(lo, min(lo + BLOCK, width)) for lo in range(0, width, BLOCK)]
        self._files = [open(self._path(k), "wb") for k in range(len(self.bounds))]
        self._cached: tuple[int, np.ndarray] | None = None

    def _path(self, k: int) -> Path:
        return self.folder / f"block-{k:03d}.u8"

    def append(self, block: np.ndarray) -> None:
        for f, (lo, hi) in zip(self._files, self.bounds):
            np.ascontiguousarray(block[:, lo:hi]).tofile(f)
        self.n += len(block)

    def close(self) -> None:
        for f in self._files:
            if not f.closed:
                f.close()

    def _block(self, k: int) -> np.ndarray:
        """Block ``k`` of every row (the last block read is kept: consecutive bands read it once)."""
        if self._cached is None or self._cached[0] != k:
            self.close()
            lo, hi = self.bounds[k]
            self._cached = None  # the previous block goes before the next is read
            self._cached = (k, np.fromfile(self._path(k), np.uint8).reshape(self.n, hi - lo))
        return self._cached[1]

    def columns(self, lo: int, hi: int) -> np.ndarray:
        parts, x = [], lo
        while x < hi:
            k = x // BLOCK
            end = min(hi, (k + 1) * BLOCK)
            parts.append(self._block(k)[:, x - k * BLOCK : end - k * BLOCK])
            x = end
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)

    def drop_cache(self) -> None:
        self._cached = None


class SketchView:
    """The rows ``rows`` of a store (all rows when None), read a column range at a time."""

    def __init__(self, store, rows: np.ndarray | None = None) -> None:
        self.store, self.rows = store, rows
        self.width = store.width

    @classmethod
    def of(cls, sketches) -> "SketchView":
        """A view as it is, or a view of a plain rows × width matrix."""
        if isinstance(sketches, SketchView):
            return sketches
        matrix = np.asarray(sketches, dtype=np.uint8)
        matrix = matrix.reshape(len(matrix), -1)
        store = ArrayStore(0, matrix.shape[1])
        store.matrix, store.n = matrix, len(matrix)
        return cls(store)

    def __len__(self) -> int:
        return len(self.rows) if self.rows is not None else self.store.n

    def columns(self, lo: int, hi: int) -> np.ndarray:
        """Columns [lo, hi) of the view's rows, contiguous."""
        cols = self.store.columns(lo, hi)
        return np.ascontiguousarray(cols if self.rows is None else cols[self.rows])

    def matrix(self) -> np.ndarray:
        return self.columns(0, self.width)

    def done(self) -> None:
        """Let go of any block kept for reuse."""
        self.store.drop_cache()
