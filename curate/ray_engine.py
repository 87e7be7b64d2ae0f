"""``--engine ray``: the same BatchProcessor over Ray Data (extra ``ray``).

Ray Data moves Arrow blocks between workers; ``map_batches`` with ``batch_format="pyarrow"`` hands
each worker exactly the table :class:`~tadka.curate.pipeline.BatchProcessor` takes, so the steps,
their order and their output are those of the local engine — the driver sorts rows by ``_row``
and runs the dedup stages itself (lineages from the input, sorted band keys, confirmed pairs, the
keeper rule: :mod:`tadka.curate.dedup.settle`), which is why both engines keep the same ids and record the
same lineage rules. The dedup stages are plain functions over numpy arrays, ready to become Ray
stages of their own. When no Ray cluster is
running, a local one with ``workers`` CPUs is started for the run and shut down after it; an
existing ``ray.init()`` (or ``RAY_ADDRESS``) is used as it is.
"""

from __future__ import annotations

import importlib.util
import logging
import os

import pyarrow as pa

from tadka.errors import MissingExtra

logger = logging.getLogger(__name__)


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def run_ray(table: pa.Table, proc, workers: int, batch_size: int) -> pa.Table:
    """Run ``proc`` over ``table`` on Ray Data with ``workers`` concurrent tasks; rows in any order."""
    if not ray_available():
        raise MissingExtra("ray", "ray", "--engine ray")
    import ray

    started = False
    if not ray.is_initialized():
        kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        if not os.environ.get("RAY_ADDRESS"):
            kwargs["num_cpus"] = workers
        ray.init(**kwargs)
        started = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        blocks = max(workers, -(-table.num_rows // batch_size))
        ds = ray.data.from_arrow(table).repartition(blocks)
        out = ds.map_batches(proc, batch_format="pyarrow", batch_size=batch_size, zero_copy_batch=True,
                             compute=ray.data.TaskPoolStrategy(size=workers))
        parts = ray.get(out.to_arrow_refs())
        parts = [p for p in parts if p.num_rows]
        return pa.concat_tables(parts) if parts else proc.schema().empty_table()
    finally:
        if started:
            ray.shutdown()
