"""The curate command keeps pyarrow from importing pandas (48 MiB it never uses, in every forked worker
too), while code that asks for pandas still gets it; the report reads its sample of a large stage
without copying the stage. Checked in a fresh interpreter: pandas is imported by whatever test ran
first in this one, and a memory pool's peak is the process's own."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=True
    )
    return proc.stdout.strip()


def test_conversions_do_not_import_pandas_but_to_pandas_still_works():
    out = _run(
        """
        import sys
        import numpy as np
        import pyarrow as pa
        from tadka.curate.memory import arrow_without_pandas

        arrow_without_pandas()
        pa.array([1, 2]); pa.array(np.arange(3)); pa.Table.from_pylist([{"a": 1}])
        print("pandas" in sys.modules)
        print(type(pa.table({"a": [1]}).to_pandas()).__name__)
        """
    )
    assert out.splitlines() == ["False", "DataFrame"]


def test_without_it_pyarrow_imports_pandas():
    """The reason for it: the first plain conversion imports pandas."""
    out = _run(
        """
        import sys
        import pyarrow as pa

        pa.array([1, 2])
        print("pandas" in sys.modules)
        """
    )
    assert out == "True"


def test_the_report_sample_is_taken_without_joining_the_chunks():
    """``ChunkedArray.take`` joins every chunk first: a 5,000-row report sample of a 200k-record stage
    copied all its turns. ``sparse_take`` gives the same values and copies only the rows taken."""
    out = _run(
        """
        import random
        import pyarrow as pa
        from tadka.curate.spill import sparse_take

        pool = pa.default_memory_pool()
        col = pa.chunked_array([pa.array([f"{c}-{i}-" + "x" * 1000 for i in range(200)]) for c in range(50)])
        held = pool.max_memory()
        pos = random.Random(0).sample(range(len(col)), 100)
        print(sparse_take(col, pos) == [col[p].as_py() for p in pos], sparse_take(col, []) == [])
        print((pool.max_memory() - held) >> 20)
        col.take(pa.array(pos))
        print((pool.max_memory() - held) >> 20)
        """
    )
    same, sparse_mib, joined_mib = out.splitlines()
    assert same == "True True"
    assert int(sparse_mib) < 2 and int(joined_mib) >= 9  # the column is 10 MiB
