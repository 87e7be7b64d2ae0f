"""Curation beyond one machine: sharded Parquet in and out, every stage on a Ray cluster.

The workspace's stages (one machine) stay the default; ``tadka curate --input 'shards/*.parquet'
--output out/ --engine ray`` runs this package instead. The driver holds only per-shard object
references, counts and the report's partial histograms; the records, sketches, buckets, pairs and
clusters live in the workers, the object store and a work folder beside the output.

* :mod:`.shards` — listing, checking, reading and writing Parquet shards (a folder or any fsspec URL),
  and the output folder that appears only when complete;
* :mod:`.process` — pass 1: every per-record step over each shard with Ray Data ``map_batches``;
* :mod:`.exchange` — the two primitives the global stages are built from: a hash exchange between
  tasks (a shuffle) and a lookup of per-row values held by the shard that owns the row;
* :mod:`.lineage` — parents, lineage keys and depths, as the local engine computes them;
* :mod:`.dedup` — exact and near dedup as stages: keys → (band, hash) buckets → confirmed pairs;
* :mod:`.components` — connected components by min-label propagation, then the keeper rule per
  component (:func:`tadka.curate.dedup.cluster.assign`, the local engine's own function);
* :mod:`.settle` — flags patched in per shard, kept and rejected rows written, counts merged;
* :mod:`.run` — :func:`curate_shards`, the whole run.

Same answer at any scale: every stage reproduces the local engine's order-dependent rules by sorting
on the same keys — keeper order is (depth, input row), where the input row is the position in the
sorted shard list — so neither the number of workers, shards, partitions nor the block size changes
which ids are kept (tests/curate/test_sharded.py).
"""
