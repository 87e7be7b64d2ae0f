"""Keeping the curate driver's resident memory to what it holds: glibc and Arrow allocator settings.

Split out of :mod:`tadka.curate.pipeline`; only ``curate(ws, cfg)`` (the command) changes the
process's allocator, the in-memory API leaves the caller's alone.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import pyarrow as pa


def _libc():
    """glibc, or None where the C library is another (then the memory calls below do nothing)."""
    global _LIBC
    if _LIBC is None:
        import ctypes
        import ctypes.util

        try:
            lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC = lib if hasattr(lib, "malloc_trim") and hasattr(lib, "mallopt") else False
        except OSError:
            _LIBC = False
    return _LIBC or None


_LIBC = None
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number


def release_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc's ``malloc_trim``): the driver frees tens of
    megabytes of transient numpy arrays between the passes."""
    lib = _libc()
    if lib:
        lib.malloc_trim(0)


def large_blocks_from_the_system() -> None:
    """Serve allocations of 1 MiB or more with their own mappings (glibc ``mallopt``), for the
    rest of the process.

    glibc raises its mmap threshold each time a large block is freed, so after the first few
    batches every large numpy array of the driver (band keys, sort orders: megabytes per million
    rows) comes from the heap, and freed heap stays resident: at 200k records that was 50 MB of
    peak RSS that no live object held. With a fixed threshold such blocks go back to the system
    when freed. Only ``curate(ws, cfg)`` (the command) sets it; the in-memory API leaves the
    caller's allocator alone."""
    lib = _libc()
    if lib:
        lib.mallopt(_M_MMAP_THRESHOLD, 1 << 20)


@contextlib.contextmanager
def system_memory_pool() -> Iterator[None]:
    """Allocate Arrow buffers with the system allocator while curating.

    pyarrow's default pool (mimalloc) keeps freed pages for reuse, so every transient batch table
    stays in the resident set. Each buffer remembers the pool it came from, so switching back
    afterwards is safe."""
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


def arrow_without_pandas() -> None:
    """Keep pyarrow from importing pandas for plain conversions, for the rest of the process.

    ``pa.array`` and ``Table.from_pylist`` ask pyarrow's pandas shim whether an argument is a pandas
    object, and the first such question imports pandas: 48 MiB of resident memory in a command that
    never uses it (and in every worker forked from it). The shim asks only once: answered while
    ``import pandas`` fails, it treats plain conversions as pandas-free from then on, while a call
    that does want pandas (``to_pandas``) still imports it on demand. Nothing happens when pandas is
    already imported."""
    import sys

    if "pandas" in sys.modules:
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(blocker)


class _NoPandas:
    """An import finder under which ``import pandas`` raises ImportError (see arrow_without_pandas)."""

    def find_spec(self, name: str, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not imported while curating", name=name)
        return None
