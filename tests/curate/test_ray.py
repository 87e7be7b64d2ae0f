"""`--engine ray` on a local Ray with 2 workers gives what the local engine gives."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tadka.curate.config import CurateConfig
from tadka.curate.pipeline import curate_records
from tadka.executor import ray_available

from tests.curate.test_pipeline import mixed_set

pytestmark = pytest.mark.skipif(not ray_available(), reason="needs the 'ray' extra: pip install 'tadka[ray]'")


def _with_copies(recs):
    """Plus noised copies (kind augment, parent_id → the original) of a few records."""
    from tadka.records import Record

    copies = [
        Record(
            messages=[{"role": "user", "content": r.messages[0]["content"].lower() + " plz"}, r.messages[1]],
            lang=r.lang,
            source={"kind": "augment", "parent_id": r.id},
        )
        for r in recs[:6]
    ]
    return recs + copies


# The Ray run happens in a child process: a process that has shut a Ray session down cannot start Ray Data
# actors on another cluster afterwards (ray 2.60: "Actor may be already destroyed"), and the sharded tests
# (tests/curate/test_sharded.py) connect this test process to a real two-node cluster. `tadka curate` is a
# fresh process too.
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from tadka.curate.config import CurateConfig
from tadka.curate.pipeline import curate_records
from tests.curate.test_pipeline import mixed_set
from tests.curate.test_ray import _with_copies

out = curate_records(_with_copies(mixed_set()), CurateConfig(engine="ray", workers=2, batch_size=30))
print(json.dumps({
    "rows": out.rows.num_rows, "curated": out.curated["id"].to_pylist(), "rejects": out.rejects["id"].to_pylist(),
    "flags": out.rejects["flags"].to_pylist(), "per_step": out.per_step, "lineage": out.lineage,
    "row_lineage": out.rows["_lineage"].to_pylist(),
}))
"""


def test_ray_and_local_give_the_same_curated_ids():
    recs = _with_copies(mixed_set())
    local = curate_records(recs, CurateConfig(batch_size=30))
    start = time.perf_counter()
    root = str(Path(__file__).resolve().parents[2])
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, root], capture_output=True, text=True, timeout=600, cwd=root, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    on_ray = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\nray engine, 2 workers, {len(recs)} records: {time.perf_counter() - start:.1f} s (with Ray start-up)")
    assert on_ray["rows"] == len(recs) == len(on_ray["curated"]) + len(on_ray["rejects"])
    assert on_ray["curated"] == local.curated["id"].to_pylist()
    assert on_ray["rejects"] == local.rejects["id"].to_pylist()
    assert on_ray["flags"] == local.rejects["flags"].to_pylist()
    assert on_ray["per_step"] == json.loads(json.dumps(local.per_step))
    assert on_ray["lineage"] == json.loads(json.dumps(local.lineage)) and on_ray["lineage"].get("kept:parent_kept")
    assert on_ray["row_lineage"] == local.rows["_lineage"].to_pylist()
