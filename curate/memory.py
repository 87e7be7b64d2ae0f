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
