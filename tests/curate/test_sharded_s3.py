"""Sharded curation reading from and writing to ``s3://``, on a real two-process Ray cluster.

The S3 endpoint is moto's server (a standalone S3-compatible HTTP server on loopback, ``moto[server]``):
s3fs, botocore and the Ray workers speak the real S3 protocol to it, as they would to AWS or MinIO — no
code of ours or of s3fs is patched. The endpoint and credentials go in through the environment
(``AWS_ENDPOINT_URL``, which botocore reads) before the cluster starts, so its workers inherit them.
What this cannot show: AWS's own consistency, IAM, or request limits.
"""

from __future__ import annotations

import os

import pyarrow.parquet as pq
import pytest

from tadka.curate.config import CurateConfig
from tadka.curate.pipeline import curate_records
from tadka.executor import ray_available

from tests.curate.sharded_corpus import corpus, write_shards

pytestmark = [
    pytest.mark.skipif(not ray_available(), reason="needs the 'ray' extra: pip install 'tadka[ray]'"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
pytest.importorskip("s3fs", reason="needs the 'cloud' extra: pip install 'tadka[cloud]'")
moto_server = pytest.importorskip("moto.server", reason="needs moto[server] (the 'dev' extra)")
ENV = {"AWS_ACCESS_KEY_ID": "tadka", "AWS_SECRET_ACCESS_KEY": "tadka", "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="module")
def s3():
    """A loopback S3 server and a bucket; the environment points boto at it until the module ends."""
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = {k: os.environ.get(k) for k in [*ENV, "AWS_ENDPOINT_URL"]}
    os.environ.update(ENV, AWS_ENDPOINT_URL=f"http://{host}:{port}")
    import s3fs

    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    fs.mkdir("tadka-shards")
    try:
        yield fs
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        server.stop()


@pytest.fixture(scope="module")
def cluster(s3):  # after s3: the nodes inherit the endpoint from the environment
    from tests.curate.ray_cluster import connected

    with connected() as local:
        yield local


def test_shards_in_and_out_of_s3_give_the_local_engines_ids(s3, cluster, tmp_path):
    from tadka.curate.sharded.run import curate_shards

    recs = corpus(600)
    cfg = CurateConfig(steps=["length", "repetition", "pii", "dedup", "minhash"], batch_size=100, workers=2)
    local = curate_records(recs, cfg)
    for path in write_shards(recs, tmp_path / "in"):
        s3.put(str(path), f"tadka-shards/in/{path.name}")
    res = curate_shards("s3://tadka-shards/in/*.parquet", "s3://tadka-shards/out", cfg, parts=2)
    assert res.rows_in == len(recs)
    s3.invalidate_cache()
    names = s3.ls("tadka-shards")
    assert sorted(n.rsplit("/", 1)[-1] for n in names) == ["in", "out"]  # no work folder left behind
    curated = sorted(s3.glob("tadka-shards/out/curated/*.parquet"))
    ids = [i for p in curated for i in pq.read_table(p, filesystem=s3)["id"].to_pylist()]
    assert ids == local.curated["id"].to_pylist()
    assert s3.exists("tadka-shards/out/summary.json")
