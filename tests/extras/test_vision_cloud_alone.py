"""`[vision]` and `[cloud]` each alone: the camera track from import to an ONNX int8 export, and sharded
curation on Ray from and to ``s3://`` (moto's loopback S3 server, run by this test process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.extras.venvs import Venv

DEMO = "from tadka.vision.demo import write_demo; import sys; write_demo(sys.argv[1], per_class=12, size=32)"
ENV = {"TADKA_NO_PROGRESS": "1", "NO_ALBUMENTATIONS_UPDATE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}


def _ok(done) -> None:
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_vision_alone_imports_trains_and_exports_int8(vision_venv: Venv, tmp_path):
    ws, demo = tmp_path / "ws", tmp_path / "demo"
    _ok(vision_venv.run("python", "-c", DEMO, str(demo), env=ENV))
    _ok(vision_venv.run("tadka", "init", str(ws)))
    _ok(vision_venv.run("tadka", "import", str(demo), "-w", str(ws), env=ENV))
    train = ["--task", "image-classification", "--dataset", "images", "--backbone", "resnet", "--image-size", "32"]
    train += ["--max-steps", "2", "--batch-size", "8", "--threads", "1", "--name", "tiny", "--noise-rate", "0"]
    _ok(vision_venv.run("tadka", "train", "-w", str(ws), *train, env=ENV, timeout=600))
    compress = ["--run", "tiny", "--threads", "1", "--formats", "onnx:int8", "--name", "tiny-onnx"]
    _ok(vision_venv.run("tadka", "compress", "-w", str(ws), *compress, env=ENV, timeout=600))
    bench = json.loads((ws / "exports" / "tiny-onnx" / "bench.json").read_text())
    assert bench and any((ws / "exports" / "tiny-onnx").glob("*.onnx"))
    assert vision_venv.has("onnxruntime") and not vision_venv.has("trl") and not vision_venv.has("llama_cpp")


def test_cloud_alone_curates_shards_from_and_to_s3(cloud_venv: Venv, tmp_path):
    moto_server = pytest.importorskip("moto.server", reason="needs moto[server] (the 'dev' extra)")
    import s3fs

    from tests.curate.sharded_corpus import corpus, write_shards

    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        aws = {"AWS_ACCESS_KEY_ID": "tadka", "AWS_SECRET_ACCESS_KEY": "tadka", "AWS_DEFAULT_REGION": "us-east-1"}
        aws["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"
        fs = s3fs.S3FileSystem(key="tadka", secret="tadka", endpoint_url=aws["AWS_ENDPOINT_URL"])
        fs.mkdir("alone")
        recs = corpus(300)
        for path in write_shards(recs, tmp_path / "in"):
            fs.put(str(path), f"alone/in/{path.name}")
        args = ["curate", "--input", "s3://alone/in/*.parquet", "--output", "s3://alone/out", "--engine", "ray"]
        args += ["--workers", "1", "--steps", "length,pii,dedup,minhash", "--json"]
        done = cloud_venv.run("tadka", *args, env={**ENV, **aws, "RAY_USAGE_STATS_ENABLED": "0"}, timeout=600)
        _ok(done)
        summary = json.loads(done.stdout)
        assert summary["input"] == len(recs) and 0 < summary["curated"] < len(recs)
        fs.invalidate_cache()
        assert fs.exists("alone/out/summary.json") and fs.glob("alone/out/curated/*.parquet")
    finally:
        server.stop()
    assert cloud_venv.has("s3fs") and cloud_venv.has("ray") and not cloud_venv.has("torch")


def test_the_matrix_covers_every_extra():
    """Every extra of pyproject.toml has a venv here but the aggregate, dev, the GPU-only ones and ray (which
    [cloud] installs with nothing else but the object-store filesystems)."""
    import tomllib

    from tests.extras.venvs import EXTRAS

    extras = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    covered = {e for spec in EXTRAS.values() for e in spec[0].split(",")}
    assert "tadka[ray]" in extras["cloud"]
    assert set(extras) - covered == {"all", "dev", "qlora", "vllm", "ray"}
