"""The fastText quality classifier: trained from review labels once there are enough."""

import json
import random
import sqlite3

import pytest

from tadka.curate.quality import QualityFilter, QualityModel, ensure_model, order_by_quality, review_labels
from tadka.records import Record
from tadka.workspace import Workspace

from tests.curate.synth import chat

GOOD = [
    "UPI PIN kabhi kisi ko share mat karo, bank kabhi nahi maangta.",
    "Train ka PNR status IRCTC app pe PNR number daal ke check karo.",
    "Mandi ka aaj ka rate eNAM portal pe dekh sakte ho, do-teen mandi compare karo.",
    "Aadhaar address update myAadhaar portal pe OTP se ho jaata hai.",
    "Bijli bill online pay karne ke liye apni discom ki website ya UPI app use karo.",
]
BAD = [
    "As an AI language model I cannot help with that.",
    "I'm sorry, but I can't assist with this request.",
    "Main ek AI hoon, main is mein madad nahi kar sakta.",
    "Here is the Hinglish translation: ...",
    "lorem ipsum lorem ipsum lorem ipsum lorem ipsum",
]


def _label(ws: Workspace, n_good: int, n_bad: int) -> list[Record]:
    rng = random.Random(0)
    recs = [chat(f"{rng.choice(GOOD)} ({i})") for i in range(n_good)] + [
        chat(f"{rng.choice(BAD)} ({i})") for i in range(n_bad)
    ]
    ws.write_stage("generated", recs)
    conn = sqlite3.connect(ws.review_db)
    statuses = ["accepted"] * (n_good - n_good // 4) + ["edited"] * (n_good // 4) + ["rejected"] * n_bad
    with conn:
        for rec, status in zip(recs, statuses):
            conn.execute(
                "INSERT INTO items(record_id, stage, status, version) VALUES (?, ?, ?, 1)",
                (rec.id, "generated", status),
            )
    conn.close()
    return recs


@pytest.fixture
def ws(tmp_path):
    return Workspace.init(tmp_path / "ws")


def test_no_model_below_the_label_count(ws):
    _label(ws, 20, 20)
    assert len(review_labels(ws.root)) == 40
    assert ensure_model(ws.root, ws.root / "cache" / "quality", min_labels=50) is None


def test_trains_scores_and_orders(ws):
    recs = _label(ws, 40, 30)
    labels = review_labels(ws.root)
    assert len(labels) == 70 and sum(labels.good) == 40
    folder = ensure_model(ws.root, ws.root / "cache" / "quality", min_labels=50)
    assert folder is not None and (folder / "quality.bin").is_file()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["labels"] == 70 and manifest["good"] == 40

    p_good, p_bad = QualityModel(folder).predict([chat(GOOD[0] + " (new)"), chat(BAD[0] + " (new)")])
    assert p_good > 0.5 > p_bad

    step = QualityFilter(model_dir=str(folder), min=0.5)
    kept, dropped = step.apply(chat(GOOD[1] + " (x)")), step.apply(chat(BAD[1] + " (x)"))
    assert kept.flags == [] and 0 <= kept.scores["quality"] <= 1
    assert dropped.flags == ["low_quality"]
    ordered = order_by_quality([dropped, chat("unscored"), kept])
    assert [r.id for r in ordered][:2] == [kept.id, dropped.id] and "quality" not in ordered[2].scores

    # unchanged labels: the model is reused, not retrained
    before = (folder / "quality.bin").stat().st_mtime_ns
    ensure_model(ws.root, folder, min_labels=50)
    assert (folder / "quality.bin").stat().st_mtime_ns == before
    assert recs  # the stage the labels point at


def test_step_without_model_only_passes(ws):
    step = QualityFilter(model_dir=None, min=0.9)
    out = step.apply(chat(GOOD[0]))
    assert out.flags == [] and "quality" not in out.scores


def test_curate_trains_on_first_use_and_scores_every_record(ws):
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate

    _label(ws, 40, 30)
    result = curate(ws, CurateConfig(stage="generated", steps=["quality"], quality_min=0.5, report=False))
    assert (ws.root / "cache" / "quality" / "quality.bin").is_file()
    curated = list(ws.records("curated"))
    rejected = list(ws.records("rejects"))
    assert all("quality" in r.scores for r in curated + rejected)
    assert result.outcome.reasons["low_quality"] == len(rejected) > 0
    assert all(r.scores["quality"] >= 0.5 for r in curated)
