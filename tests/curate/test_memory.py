"""The curate command keeps pyarrow from importing pandas (48 MiB it never uses, in every forked worker
too), while code that asks for pandas still gets it. Checked in a fresh interpreter: pandas is
imported by whatever test ran first in this one."""

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
