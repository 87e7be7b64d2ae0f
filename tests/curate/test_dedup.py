"""Exact and near dedup: lineages, the keeper rule without transitive bridges, and recall on planted copies."""

import numpy as np
import pytest

from tadka.curate.config import CurateConfig
from tadka.curate.dedup.cluster import DUP, KEPT, PARENT, assign, components, keeper_order, pairs_from_keys
from tadka.curate.dedup.exact import ExactDedup
from tadka.curate.dedup.lineage import Lineage, build_lineage
from tadka.curate.dedup.minhash import MinHashDedup, shingle_hashes
from tadka.curate.filters.text import normalise
from tadka.curate.pipeline import curate_records
from tadka.records import Record

from tests.curate.synth import chat, plant_char_edits, records, seed_records


def _flags(outcome) -> dict[str, list[str]]:
    return dict(zip(outcome.rows["id"].to_pylist(), outcome.rows["flags"].to_pylist()))


def _rules(outcome) -> dict[str, str | None]:
    return dict(zip(outcome.rows["id"].to_pylist(), outcome.rows["_lineage"].to_pylist()))


def _copy(parent: Record, assistant: str | None = None, user: str | None = None) -> Record:
    """A noised copy as `tadka augment` makes it: kind augment, parent_id → the parent."""
    turns = [dict(m) for m in parent.messages]
    if user is not None:
        turns[0]["content"] = user
    if assistant is not None:
        turns[-1]["content"] = assistant
    return Record(
        messages=turns,
        lang=parent.lang,
        source={**parent.source, "kind": "augment", "parent_id": parent.id},
        ops=["typo"],
    )


def test_exact_dedup_ignores_case_punctuation_and_spacing():
    a = chat("UPI PIN kabhi share mat karo.")
    b = chat("upi pin   kabhi share mat karo!!")
    c = chat("UPI PIN kabhi share na karo.")
    step = ExactDedup()
    sk = np.frombuffer(b"".join(step.sketch(r) for r in (a, b, c)), np.uint8).reshape(3, 16)
    assert step.sketch(a) == step.sketch(b) != step.sketch(c)
    dec = step.resolve(sk, Lineage.none(3))
    assert dec.state.tolist() == [KEPT, DUP, KEPT] and dec.by[1] == 0 and dec.cluster[0] == 2


def test_rejected_records_take_no_part():
    a, b = chat("Haan."), chat("haan")  # both too short: neither is kept as the other's keeper
    out = curate_records([a, b], CurateConfig(steps=["length", "dedup"]))
    assert _flags(out) == {a.id: ["too_short"], b.id: ["too_short"]}
    a, b = chat("Haan."), chat("haan, bilkul theek hai bhai")
    b2 = chat("HAAN, bilkul theek hai bhai!")
    out = curate_records([a, b, b2], CurateConfig(steps=["length", "dedup"]))
    assert _flags(out)[b2.id] == [f"dup:{b.id}"] and out.curated["id"].to_pylist() == [b.id]


def test_no_transitive_bridges():
    # 0~1 and 1~2, but 0 and 2 differ: 1 joins 0's cluster, and 2 — similar only to a removed record — stays.
    dec = assign(3, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.9], np.float32), Lineage.none(3))
    assert dec.state.tolist() == [KEPT, DUP, KEPT] and dec.by.tolist() == [-1, 0, -1]
    # a record similar to two kept records joins the more similar one
    dec = assign(3, np.array([0, 1]), np.array([2, 2]), np.array([0.6, 0.8], np.float32), Lineage.none(3))
    assert dec.state.tolist() == [KEPT, KEPT, DUP] and dec.by[2] == 1


def test_a_rejected_record_never_bridges_two_clusters():
    base = "Aadhaar address update myAadhaar portal pe OTP se ho jaata hai, documents upload karna padta hai."
    a = chat(base)
    bridge = chat(base + " Bas itna hi. " + base.upper()[:40], user="Haan.")  # rejected: user turn too short
    c = chat(base.replace("OTP se", "otp ke saath"))
    out = curate_records([a, bridge, c], CurateConfig(steps=["length", "minhash"], length_min_chars=6))
    flags = _flags(out)
    assert flags[bridge.id] == ["turn_too_short"]  # it was never compared
    assert flags[c.id] == [f"near_dup:{a.id}"]


def test_pairs_from_keys_and_the_bucket_cap():
    keys = np.array([5, 3, 5, 5, 3, 9], np.uint64)
    a, b = pairs_from_keys(keys, np.arange(6))
    assert sorted(zip(a.tolist(), b.tolist())) == [(0, 2), (0, 3), (1, 4), (2, 3)]
    keys = np.zeros(10, np.uint64)  # one big bucket: pairs only with its first 2 members
    a, b = pairs_from_keys(keys, np.arange(10)[::-1], cap=2)
    assert set(a.tolist()) == {9, 8} and len(a) == 9 + 8


def test_lineage_keys_depths_and_orphans():
    lin = build_lineage(
        ["a", "b", "c", "d", "e", "f"],
        [None, "a", "b", None, "zz", "zz"],
        ["mixer", "augment", "augment", "teacher", "augment", "augment"],
    )
    assert lin.parent.tolist() == [-1, 0, 1, -1, -1, -1] and lin.depth.tolist() == [0, 1, 2, 0, 0, 0]
    assert lin.key[0] == lin.key[1] == lin.key[2] != lin.key[3]
    assert lin.key[4] == lin.key[5] != lin.key[3]  # siblings whose parent is not in the stage
    teacher = build_lineage(["a", "b"], [None, "a"], ["mixer", "teacher"])  # evol-instruct: new content
    assert teacher.parent.tolist() == [-1, -1] and teacher.key[0] != teacher.key[1]


def test_a_noised_copy_is_never_a_duplicate_of_its_parent_or_siblings():
    parent = chat(
        "PM-KISAN ka paisa seedha bank account mein aata hai, eKYC zaroor karwa lo.",
        user="PM-KISAN ka paisa kab aata hai?",
    )
    exact = _copy(parent, user="pm-kisan ka paisa KAB aata hai")  # equal to the parent once normalised
    near = _copy(parent, user="PM-KISAN ka pesa kab aata h?")
    sibling = _copy(parent, user="PM-KISAN ka pesa kab aata h??")  # equal to `near` once normalised
    out = curate_records([parent, exact, near, sibling], CurateConfig(steps=["dedup", "minhash"]))
    assert all(f == [] for f in _flags(out).values())
    rules = _rules(out)
    assert rules[parent.id] is None and {rules[r.id] for r in (exact, near, sibling)} == {"kept:parent_kept"}
    assert out.lineage == {"kept:parent_kept": 3}


def test_a_copy_goes_with_its_parent_or_when_it_duplicates_another_lineage():
    first = chat("Ration card ke liye state ke food department ke portal pe apply karo, documents upload karo.")
    second = chat("Ration card ke liye state ke food department ke portal pe apply karo, document upload karo.")
    copy_of_second = _copy(second, user="Isko samjhao plz?")
    other = chat("Caste certificate tehsil office ya e-District portal se banta hai, do hafte lagte hain.")
    # a copy of `other` whose answer was rewritten into a near-copy of `first`: it duplicates another lineage
    stray = _copy(other, assistant=first.messages[1]["content"].replace("karo,", "karo;").replace("upload", "uplod"))
    out = curate_records([first, second, copy_of_second, other, stray], CurateConfig(steps=["dedup", "minhash"]))
    flags, rules = _flags(out), _rules(out)
    assert flags[second.id] == [f"near_dup:{first.id}"]
    assert flags[copy_of_second.id] == [f"parent_dup:{first.id}"] and rules[copy_of_second.id] == "dropped:parent_dup"
    assert flags[stray.id] == [f"near_dup:{first.id}"] and rules[stray.id] == "dropped:other_lineage"
    assert flags[other.id] == [] and flags[first.id] == []
    assert out.reasons["parent_dup"] == 1 and out.per_step["minhash"]["flagged"] == 3


def test_minhash_signatures_equal_datasketch():
    from datasketch import MinHash

    texts = ["mandi ka rate kya hai bhai", "", "abc", "हिंदी में जवाब दीजिए", "UPI PIN kabhi share mat karo." * 200]
    sigs = MinHashDedup().signatures(texts)
    for text, sig in zip(texts, sigs):
        ref = MinHash(num_perm=128, seed=1, hashfunc=int)  # datasketch's own affine32 update, one record
        ref.update_batch(shingle_hashes(normalise(text), 5).tolist())
        assert np.array_equal(np.asarray(ref.hashvalues, np.uint32), sig)


def test_shingle_hashes_give_the_exact_jaccard():
    x, y = normalise("mandi ka rate kya hai"), normalise("mandi ka rate kya tha")
    hx, hy = set(shingle_hashes(x, 5).tolist()), set(shingle_hashes(y, 5).tolist())
    sx = {x[i : i + 5] for i in range(len(x) - 4)}
    sy = {y[i : i + 5] for i in range(len(y) - 4)}
    assert len(hx) == len(sx) and len(hx & hy) / len(hx | hy) == len(sx & sy) / len(sx | sy)
    assert len(shingle_hashes("abc", 5)) == 1 and len(shingle_hashes("", 5)) == 0


def test_per_component_keepers_equal_the_whole_stage():
    """What a distributed engine relies on: assign() per component gives the global decisions."""
    rng = np.random.default_rng(3)
    n = 400
    parents = np.where(rng.random(n) < 0.3, rng.integers(0, n, n), -1)
    parents[parents >= np.arange(n)] = -1  # parents come first (acyclic)
    ids = [f"r{i}" for i in range(n)]
    lin = build_lineage(ids, [ids[p] if p >= 0 else None for p in parents], ["augment"] * n)
    a, b = rng.integers(0, n, 600), rng.integers(0, n, 600)
    rank = keeper_order(lin)
    a, b = np.where(rank[a] < rank[b], a, b), np.where(rank[a] < rank[b], b, a)
    ok = (a != b) & (lin.key[a] != lin.key[b])
    a, b = a[ok], b[ok]
    sim = rng.random(len(a)).astype(np.float32)
    whole = assign(n, a, b, sim, lin, rank)
    label = components(n, a, b, lin.parent)
    for comp in np.unique(label):
        rows = np.flatnonzero(label == comp)
        where = np.full(n, -1)
        where[rows] = np.arange(len(rows))
        inside = (where[a] >= 0) & (where[b] >= 0)
        part = assign(len(rows), where[a[inside]], where[b[inside]], sim[inside], lin.take(rows))
        assert part.state.tolist() == whole.state[rows].tolist()
        by = np.where(part.by >= 0, rows[np.maximum(part.by, 0)], -1)
        assert by.tolist() == whole.by[rows].tolist()
    assert (whole.state == PARENT).any() and (whole.state == DUP).any()


@pytest.fixture(scope="module")
def seeds_with_planted_copies():
    seeds = seed_records()
    mixed, origin = plant_char_edits(seeds, (1, 6), copies=1, seed=5)
    return seeds, mixed, origin, curate_records(mixed, CurateConfig(steps=["dedup", "minhash"]))


def test_every_seed_task_keeps_a_record_and_planted_copies_go(seeds_with_planted_copies):
    seeds, mixed, origin, out = seeds_with_planted_copies
    task_of = {r.id: r.id for r in seeds} | origin
    kept = out.curated["id"].to_pylist()
    per_task = {task_of[k] for k in kept}
    removed = 1 - (len(kept) - len(per_task)) / len(origin)
    print(
        f"\n{len(seeds)} seed tasks + {len(origin)} copies with 1–6 character edits: {len(per_task)} tasks keep a "
        f"record, {removed:.1%} of planted copies removed"
    )
    assert per_task == {r.id for r in seeds}
    assert removed >= 0.95
    # precision: every record removed was removed in favour of a record of its own task
    for rid, fs in _flags(out).items():
        for f in fs:
            assert task_of[f.split(":", 1)[1]] == task_of[rid], (rid, f)


def test_related_but_distinct_tasks_both_stay():
    seeds = {r.source["seed_id"]: r for r in seed_records()}
    # the most similar distinct pairs among the seeds (same domain; estimated Jaccard up to 0.47)
    pairs = [
        ("schemes-021", "schemes-041"),
        ("schemes-011", "schemes-021"),
        ("legal-005", "legal-037"),
        ("schemes-001", "schemes-021"),
    ]
    recs = list({seeds[x].id: seeds[x] for p in pairs for x in p}.values())
    extra = [
        chat(
            "RTI mein first appeal kya hota hai? 30 din mein jawab na mile to First Appellate Authority ko "
            "appeal karo.",
            user="RTI first appeal kaise karein?",
        ),
        chat(
            "RTI ka jawab 30 din mein dena hota hai; jeevan aur swatantrata ke maamle mein 48 ghante mein.",
            user="RTI reply ki time limit kya hai?",
        ),
    ]
    out = curate_records(recs + extra, CurateConfig(steps=["dedup", "minhash"]))
    assert out.rejects.num_rows == 0


def test_precision_and_recall_on_synthetic_chats():
    recs = records(2000, seed=7)
    mixed, origin = plant_char_edits(recs[:300], (1, 10), seed=8)
    mixed += recs[300:]
    out = curate_records(mixed, CurateConfig(steps=["minhash"]))
    predicted = {(rid, f.split(":", 1)[1]) for rid, fs in _flags(out).items() for f in fs}
    truth = {frozenset(p) for p in origin.items()}
    tp = sum(frozenset(p) in truth for p in predicted)
    precision, recall = tp / max(1, len(predicted)), tp / len(origin)
    print(
        f"\nnear dedup on {len(mixed)} synthetic chats, {len(origin)} planted (1–10 character edits): "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    assert precision >= 0.99 and recall >= 0.97
