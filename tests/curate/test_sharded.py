"""Sharded curation on a real two-process Ray cluster gives the local engine's answer, id for id.

One cluster for the module (tests/curate/ray_cluster.py): ``ray start --head`` plus a second node
started with ``ray start --address=…``, both on loopback, killed after the last test even when one
fails. The local engine (``curate_records``) is the reference on the same records.
"""

import json
import random

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tadka.curate.config import CurateConfig
from tadka.curate.pipeline import curate_records
from tadka.errors import InputError
from tadka.executor import ray_available
from tadka.records import Record

from tests.curate.sharded_corpus import corpus, write_shards
from tests.curate.synth import chat

pytestmark = pytest.mark.skipif(not ray_available(), reason="needs the 'ray' extra: pip install 'tadka[ray]'")
STEPS = ["length", "repetition", "language", "refusal", "profanity", "pii", "dedup", "minhash"]


@pytest.fixture(scope="module")
def cluster():
    from tests.curate.ray_cluster import connected

    with connected() as local:
        yield local


def _read(folder) -> pa.Table:
    parts = sorted(folder.glob("*.parquet"))
    return pa.concat_tables([pq.read_table(p) for p in parts])


def _assert_same(out, local, summary) -> None:
    curated, rejects = _read(out / "curated"), _read(out / "rejects")
    assert curated["id"].to_pylist() == local.curated["id"].to_pylist()
    assert rejects["id"].to_pylist() == local.rejects["id"].to_pylist()
    assert rejects["flags"].to_pylist() == local.rejects["flags"].to_pylist()
    assert rejects["scores"].to_pylist() == local.rejects["scores"].to_pylist()
    assert curated["scores"].to_pylist() == local.curated["scores"].to_pylist()
    assert summary["per_step"] == local.per_step
    assert summary["lineage"] == local.lineage
    assert not list(out.parent.glob(f"{out.name}.tmp-*"))  # the work folder was moved, not left behind


def test_same_ids_as_the_local_engine_at_any_shard_and_partition_count(cluster, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from tadka.apps.cli import cli
    from tadka.curate.sharded.run import curate_shards

    recs = corpus(2000)
    cfg = CurateConfig(steps=STEPS, batch_size=250, workers=2)
    local = curate_records(recs, cfg)
    assert local.per_step["minhash"]["flagged"] and local.per_step["dedup"]["flagged"]
    assert local.lineage["dropped:parent_dup"] and local.lineage["kept:parent_absent"]
    write_shards(recs, tmp_path / "in")
    one = curate_shards(str(tmp_path / "in" / "*.parquet"), str(tmp_path / "out"), cfg, parts=3)
    assert one.shards > 5 and one.rows_in == len(recs)
    _assert_same(tmp_path / "out", local, one.summary)
    # the report's histograms, merged from per-shard partials, are the local report's
    from tadka.curate.report import distributions

    mine, theirs = one.summary["distributions"], distributions(local)
    assert [mine[k] for k in ("cmi", "chars", "_sample")] == [theirs[k] for k in ("cmi", "chars", "_sample")]
    for k in ("language", "script"):
        assert sorted(zip(*mine[k].values())) == sorted(zip(*theirs[k].values()))
    assert sorted(p.name for p in (tmp_path / "out" / "report").iterdir())[0] == "cmi.png"
    # through the CLI: other shard sizes, another partition and batch size, near dedup's bands in rounds
    from tadka.curate.sharded import dedup

    monkeypatch.setattr(dedup, "KEYS_IN_FLIGHT", 2000 * 40 * 5)  # 7 rounds of bands
    write_shards(recs, tmp_path / "in2", sizes=[1500, 0, 1, len(recs) - 1501])
    monkeypatch.chdir(tmp_path)  # no workspace here: the curate section's defaults, then the flags
    args = ["curate", "--input", str(tmp_path / "in2"), "--output", str(tmp_path / "out2"), "--engine", "ray"]
    args += ["--steps", ",".join(STEPS), "--batch-size", "97", "--workers", "1", "--json"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    two = json.loads(result.stdout)  # Ray's own lines go to stderr
    assert two["input"] == len(recs) and two["shards"] == 4 and two["partitions"] == 2
    _assert_same(tmp_path / "out2", local, two)
    assert json.loads((tmp_path / "out2" / "summary.json").read_text())["curated"] == two["curated"]


def _copy(parent: Record, assistant: str) -> Record:
    turns = [dict(m) for m in parent.messages]
    turns[-1]["content"] = assistant
    return Record(messages=turns, lang=parent.lang, source={"kind": "augment", "parent_id": parent.id}, ops=["typo"])


def test_chains_lineage_copies_and_rejected_bridges(cluster, tmp_path):
    from tadka.curate.sharded.run import curate_shards

    base = "Aadhaar address update myAadhaar portal pe OTP se ho jaata hai, documents upload karna padta hai."
    other = "Train ka PNR status IRCTC app ya 139 pe SMS karke check hota hai, chart banne ke baad final."
    a = chat(base)
    b = chat(base[:52] + other[48:])  # A~B and B~C, but A and C differ: no transitive bridge
    c = chat(other)
    bridge = chat(base + " " + other, user="k")  # rejected (user turn too short): never bridges
    twin = chat(base.upper() + "!!")  # an exact duplicate of A (another lineage)
    copy_of_twin = _copy(twin, base.upper() + " bas")  # goes with its parent: dropped:parent_dup
    copy_of_a = _copy(a, base.replace("OTP", "otp code"))  # its own parent's near-duplicate: kept
    copy_of_copy = _copy(copy_of_a, base.replace("OTP", "OTP number"))
    rejected_parent = chat("Theek hai, main dekh leta hoon aur kal tak batata hoon sab kuch.", user="k")
    copy_of_rejected = _copy(rejected_parent, "Theek hai, main dekh leta hoon aur kal tak batata hoon.")
    copy_of_rejected.messages[0]["content"] = "Kab tak bataoge mujhe?"
    copy_of_rejected = Record(
        messages=copy_of_rejected.messages, source=copy_of_rejected.source, ops=copy_of_rejected.ops
    )
    recs = [copy_of_copy, c, bridge, b, twin, copy_of_twin, a, copy_of_a, rejected_parent, copy_of_rejected]
    random.Random(5).shuffle(recs)
    cfg = CurateConfig(steps=["length", "dedup", "minhash"], length_min_chars=2, workers=2, batch_size=2)
    local = curate_records(recs, cfg)
    write_shards(recs, tmp_path / "in", sizes=[1] * len(recs))  # every record in its own shard
    res = curate_shards(str(tmp_path / "in"), str(tmp_path / "out"), cfg, parts=4)
    _assert_same(tmp_path / "out", local, res.summary)
    kept = set(_read(tmp_path / "out" / "curated")["id"].to_pylist())
    assert c.id in kept and copy_of_a.id in kept and copy_of_copy.id in kept
    assert twin.id not in kept and copy_of_twin.id not in kept
    assert res.summary["lineage"]["dropped:parent_dup"] == 1 and res.summary["lineage"]["kept:parent_rejected"] == 1


def test_bad_shards_are_named_and_nothing_is_written(cluster, tmp_path):
    from tadka.curate.sharded.run import curate_shards

    write_shards(corpus(40), tmp_path / "in", sizes=[20, 20])
    (tmp_path / "in" / "shard-0002.parquet").write_bytes(b"PAR1 this is not parquet")
    cfg = CurateConfig(steps=["length", "dedup"])
    with pytest.raises(InputError, match=r"shard-0002\.parquet.*not a readable Parquet file"):
        curate_shards(str(tmp_path / "in"), str(tmp_path / "out"), cfg)
    pq.write_table(pa.table({"text": ["hi"]}), tmp_path / "in" / "shard-0002.parquet")
    with pytest.raises(InputError, match=r"shard-0002\.parquet: not a tadka stage: no column id"):
        curate_shards(str(tmp_path / "in"), str(tmp_path / "out"), cfg)
    assert not (tmp_path / "out").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    # a footer that reads but a data page that does not: found by a worker mid-run, same one line
    write_shards(corpus(300), tmp_path / "in", sizes=[100, 100, 91])
    data = bytearray((tmp_path / "in" / "shard-0001.parquet").read_bytes())
    data[200:1200] = bytes((b * 7 + 13) % 256 for b in data[200:1200])
    (tmp_path / "in" / "shard-0001.parquet").write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"^\S*shard-0001\.parquet: unreadable shard \(OSError"):
        curate_shards(str(tmp_path / "in"), str(tmp_path / "out"), cfg)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no output, no work folder left


def test_workspace_stage_through_the_sharded_engine(cluster, tmp_path):
    """`tadka curate --engine ray` without --input: the stage goes to Ray as shards, never whole through
    the driver; the curated and rejects stages are the local engine's, and the report is written."""
    from click.testing import CliRunner

    from tadka.apps.cli import cli
    from tadka.curate.sharded import stage as staged
    from tadka.workspace import Workspace

    recs = corpus(700)
    local = curate_records(recs, CurateConfig(steps=STEPS, batch_size=97))
    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("imported", recs)
    staged.SHARD_ROWS, before = 256, staged.SHARD_ROWS  # 3 shards
    try:
        args = ["curate", "-w", str(ws.root), "--engine", "ray", "--steps", ",".join(STEPS), "--batch-size", "97"]
        result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
    finally:
        staged.SHARD_ROWS = before
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["stage"] == "imported" and summary["input"] == len(recs)
    assert ws.stage_table("curated")["id"].to_pylist() == local.curated["id"].to_pylist()
    rejects = ws.stage_table("rejects")
    assert rejects["id"].to_pylist() == local.rejects["id"].to_pylist()
    assert rejects["flags"].to_pylist() == local.rejects["flags"].to_pylist()
    assert summary["per_step"] == json.loads(json.dumps(local.per_step))
    report = ws.root / "reports" / "curate"
    assert {"index.html", "summary.json", "steps.png", "cmi.png"} <= {p.name for p in report.iterdir()}
    assert not list((ws.root / "cache").glob(".curate-ray-*"))  # the shards and scratch are gone
