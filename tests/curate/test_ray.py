"""`--engine ray` on a local Ray with 2 workers gives what the local engine gives."""

import time

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


def test_ray_and_local_give_the_same_curated_ids():
    recs = _with_copies(mixed_set())
    local = curate_records(recs, CurateConfig(batch_size=30))
    start = time.perf_counter()
    on_ray = curate_records(recs, CurateConfig(engine="ray", workers=2, batch_size=30))
    print(f"\nray engine, 2 workers, {len(recs)} records: {time.perf_counter() - start:.1f} s (with Ray start-up)")
    assert on_ray.rows.num_rows == len(recs) == on_ray.curated.num_rows + on_ray.rejects.num_rows
    assert on_ray.curated["id"].to_pylist() == local.curated["id"].to_pylist()
    assert on_ray.rejects["id"].to_pylist() == local.rejects["id"].to_pylist()
    assert on_ray.rejects["flags"].to_pylist() == local.rejects["flags"].to_pylist()
    assert on_ray.per_step == local.per_step
    assert on_ray.lineage == local.lineage and on_ray.lineage.get("kept:parent_kept")
    assert on_ray.rows["_lineage"].to_pylist() == local.rows["_lineage"].to_pylist()
