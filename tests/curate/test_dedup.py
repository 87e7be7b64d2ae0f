"""Exact and near dedup, including precision and recall of MinHash-LSH on planted near-duplicates."""

from tadka.curate.curate_config import CurateConfig
from tadka.curate.filters.dedup import ExactDedup
from tadka.curate.filters.minhash import MinHashDedup, shingle_hashes
from tadka.curate.filters.text import normalise
from tadka.curate.pipeline import curate_records

from tests.curate.synth import chat, plant_near_dups, records


def _flags(outcome) -> dict[str, list[str]]:
    return dict(zip(outcome.rows["id"].to_pylist(), outcome.rows["flags"].to_pylist()))


def test_exact_dedup_ignores_case_punctuation_and_spacing():
    a = chat("UPI PIN kabhi share mat karo.")
    b = chat("upi pin   kabhi share mat karo!!")
    c = chat("UPI PIN kabhi share na karo.")
    step = ExactDedup()
    assert step.sketch(a) == step.sketch(b) != step.sketch(c)
    marks = step.resolve([a.id, b.id, c.id], [step.sketch(r) for r in (a, b, c)], [False, False, False])
    assert marks == {0: (None, {"dup_count": 2.0}), 1: (f"dup:{a.id}", {})}


def test_dedup_keeps_an_unflagged_member():
    a, b = chat("Haan."), chat("haan")
    out = curate_records([a, b], CurateConfig(steps=["length", "dedup"]))
    flags = _flags(out)
    assert flags[a.id] == ["too_short"] and flags[b.id] == ["too_short", f"dup:{a.id}"]
    a, b = chat("Haan."), chat("haan, bilkul theek hai bhai")
    b2 = chat("HAAN, bilkul theek hai bhai!")
    out = curate_records([a, b, b2], CurateConfig(steps=["length", "dedup"]))
    assert _flags(out)[b2.id] == [f"dup:{b.id}"] and out.curated["id"].to_pylist() == [b.id]


def test_shingle_hashes_give_the_exact_jaccard():
    x, y = normalise("mandi ka rate kya hai"), normalise("mandi ka rate kya tha")
    hx, hy = set(shingle_hashes(x, 5)), set(shingle_hashes(y, 5))
    sx = {x[i:i + 5] for i in range(len(x) - 4)}
    sy = {y[i:i + 5] for i in range(len(y) - 4)}
    assert len(hx) == len(sx) and len(hx & hy) / len(hx | hy) == len(sx & sy) / len(sx | sy)
    assert shingle_hashes("abc", 5) and shingle_hashes("", 5) == []


def test_near_dup_cluster_id_and_count():
    base = "Aadhaar address update myAadhaar portal pe OTP se ho jaata hai, documents upload karo."
    a, b, c = chat(base), chat(base.replace("jaata", "jata")), chat("Train ka PNR status IRCTC app pe check karo bhai.")
    out = curate_records([a, b, c], CurateConfig(steps=["minhash"]))
    flags = _flags(out)
    assert flags == {a.id: [], b.id: [f"near_dup:{a.id}"], c.id: []}
    scores = dict(zip(out.rows["id"].to_pylist(), out.rows["scores"].to_pylist()))
    assert '"near_dup_count": 2.0' in scores[a.id]


def test_precision_and_recall_on_planted_near_duplicates():
    recs = records(3000, seed=7)
    mixed, planted = plant_near_dups(recs, share=0.05, max_rate=0.10, seed=8)
    out = curate_records(mixed, CurateConfig(steps=["minhash"]))
    predicted = {frozenset((rid, f.split(":", 1)[1])) for rid, fs in _flags(out).items() for f in fs
                 if f.startswith("near_dup:")}
    tp = len(predicted & planted)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(planted)
    print(f"\nnear dedup on {len(mixed)} records, {len(planted)} planted (≤10 % character edits), "
          f"threshold {MinHashDedup().threshold}: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95
