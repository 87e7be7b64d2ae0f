"""`curate(ws, cfg)` streams: the same result as in memory, the sketches on disk, nothing half-written."""

import numpy as np
import pytest

from tadka.curate.config import CurateConfig
from tadka.curate.filters import Filter
from tadka.curate.dedup.minhash import MinHashDedup
from tadka.curate.dedup.sketches import ArrayStore, FileStore, SketchView
from tadka.curate.pipeline import curate, curate_records
from tadka.workspace import Workspace

from tests.curate.synth import chat, plant_near_dups, records


def test_streamed_curation_matches_the_in_memory_one(tmp_path):
    recs, _ = plant_near_dups(records(1200, seed=7), share=0.05, max_rate=0.05, seed=8)
    recs += [chat("Haan."), recs[5]]
    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("generated", recs)
    cfg = CurateConfig(steps=["length", "repetition", "pii", "dedup", "minhash"], batch_size=700, report=False)
    mem = curate_records(list(ws.records("generated")), cfg)
    res = curate(ws, cfg)
    assert ws.table("curated")["id"].to_pylist() == mem.curated["id"].to_pylist()
    assert ws.table("rejects")["flags"].to_pylist() == mem.rejects["flags"].to_pylist()
    assert ws.table("curated").num_rows + ws.table("rejects").num_rows == ws.table("generated").num_rows
    assert res.outcome.per_step == mem.per_step and res.outcome.lineage == mem.lineage
    assert res.outcome.rows["flags"].to_pylist() == mem.rows["flags"].to_pylist()
    assert mem.reasons["near_dup"] > 20 and not list((ws.root / "cache").glob(".curate-*"))


def test_sketches_on_disk_give_the_decisions_in_memory_give(tmp_path):
    step = MinHashDedup()
    texts = [r.text() for r in plant_near_dups(records(400, seed=1), share=0.2, max_rate=0.04, seed=2)[0]]
    sigs = step.signatures(texts).view(np.uint8)
    on_disk, in_memory = FileStore(tmp_path / "sk", step.width), ArrayStore(len(sigs), step.width)
    for s in range(0, len(sigs), 97):
        on_disk.append(sigs[s : s + 97])
        in_memory.append(sigs[s : s + 97])
    on_disk.close()
    live = np.arange(0, len(sigs), 2)
    from tadka.curate.dedup.lineage import Lineage

    a = step.resolve(SketchView(on_disk, live), Lineage.none(len(live)))
    b = step.resolve(SketchView(in_memory, live), Lineage.none(len(live)))
    c = step.resolve(sigs[live], Lineage.none(len(live)))
    assert (a.state == b.state).all() and (a.by == b.by).all() and (a.state == c.state).all() and (a.state > 0).any()


class Crash(Filter):
    name = "crash"

    def evaluate_batch(self, records):
        raise SystemExit("the process is going down")  # not an Exception: no per-record retry


def test_a_run_that_dies_leaves_both_stages_as_they_were(tmp_path, monkeypatch):
    from tadka.curate import pipeline

    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("generated", records(50, seed=3))
    curate(ws, CurateConfig(steps=["length"], report=False))
    before = ws.table("curated")["id"].to_pylist(), ws.table("rejects").num_rows
    monkeypatch.setattr(pipeline, "build_steps", lambda cfg, ctx=None: [Crash()])
    with pytest.raises(SystemExit):
        curate(ws, CurateConfig(steps=["length"], report=False))
    assert (ws.table("curated")["id"].to_pylist(), ws.table("rejects").num_rows) == before
    assert not list((ws.root / "cache").glob(".curate-*"))
    assert len(list((ws.root / "data" / ".versions").glob("curated.*"))) == 1
