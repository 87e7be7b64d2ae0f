"""Dedup: the global steps that compare records with each other, after every per-record filter.

* :mod:`.exact` (step ``dedup``) and :mod:`.minhash` (step ``minhash``) make a sketch per record;
* :mod:`.sketches` stores the sketches (in memory or in per-band files) and reads them a block at a time;
* :mod:`.cluster` turns matching keys into pairs and clusters; :mod:`.lineage` keeps a noised copy from
  being a duplicate of its own parent or siblings;
* :mod:`.settle` resolves the clusters over the whole stage: who is kept, who is dropped and why.

The steps register in the same ``steps`` registry as the filters (:mod:`tadka.curate.filters.base`).
"""

from tadka.curate.dedup import exact, minhash  # noqa: F401  (each registers its step)
