"""The stage index (filters, search, orders) and the queue walker (claims, skips, overlap)."""

from __future__ import annotations

import numpy as np
import pytest

from tadka.review.config import ReviewConfig
from tadka.review.index import Filters, StageIndex, is_overlap
from tadka.review.queue import Queue
from tadka.review.store import ReviewStore


@pytest.fixture
def index(review_ws) -> StageIndex:
    return StageIndex.load(review_ws, "curated")


def test_index_columns(index, records):
    assert len(index) == 12 and index.row_of[records[3].id] == 3
    assert index.record(3) == records[3]
    assert index.langs() == ["hi-Deva", "hi-Latn+en"] and index.sources() == ["import", "teacher"]
    assert index.flag_reasons() == {"(no flags)": 8, "too_short": 3, "pii": 1}
    assert index.cmi_range() == (5.0, 38.0)
    assert index.frame["chars"][0] == sum(len(m["content"]) for m in records[0].messages)


def test_filters_and_search(index, records, review_ws):
    rows = lambda **kw: list(
        index.filter_rows(
            Filters(**kw),
            tagged={records[2].id},  # noqa: E731
            statuses={records[0].id: ("accepted", 1)},
        )
    )
    assert rows(langs=("hi-Deva",)) == [5]
    assert rows(flags=("pii", "too_short")) == [3, 7, 10, 11]
    assert rows(cmi=(10.0, 15.0)) == [2, 3]
    assert rows(tags=("x",)) == [2]
    assert rows(statuses=("accepted",)) == [0] and len(rows(statuses=("pending",))) == 11
    assert rows(search="pnr") == [2]
    assert rows(search="बारिश") == [5]
    assert rows(sources=("import",), search="kaise") == [3, 6]


def test_orders(index):
    rows = np.arange(12)
    assert list(index.order(rows, "quality"))[:3] == [0, 1, 2]
    assert list(index.order(rows, "quality-low"))[:2] == [11, 10]
    assert list(index.order(rows, "uncertainty"))[:2] == [6, 7]
    a, b = index.order(rows, "random", seed="0:asha"), index.order(rows, "random", seed="0:asha")
    assert list(a) == list(b) and sorted(a) == list(range(12))
    assert list(index.order(rows, "random", seed="0:ravi")) != list(a)


def test_overlap_share_is_seeded_and_close_to_the_fraction():
    ids = [f"{i:016x}" for i in range(4000)]
    share = sum(is_overlap(i, 0.25, 7) for i in ids) / len(ids)
    assert 0.22 < share < 0.28
    assert [is_overlap(i, 0.25, 7) for i in ids[:50]] == [is_overlap(i, 0.25, 7) for i in ids[:50]]
    assert not is_overlap(ids[0], 0.0, 7) and is_overlap(ids[0], 1.0, 7)


def test_queue_walks_past_decided_claimed_and_skipped(index, review_ws, records):
    store = ReviewStore(review_ws.review_db)
    q = Queue(index, store, "asha", ReviewConfig())
    q.build(Filters(), "quality")
    assert q.next().record_id == records[0].id  # and now claimed by asha
    other = Queue(index, ReviewStore(review_ws.review_db), "ravi", ReviewConfig())
    other.build(Filters(), "quality")
    assert other.next().record_id == records[1].id
    store.decide(records[2].id, "accepted", stage="curated", reviewer="meera", base_version=0)
    q.cursor = 1
    q.skipped.add(records[3].id)
    assert q.next().record_id == records[4].id  # 1 held by ravi, 2 decided, 3 skipped


def test_queue_overlap_needs_k_reviewers(index, review_ws, records):
    store = ReviewStore(review_ws.review_db)
    cfg = ReviewConfig(overlap=1.0, overlap_reviewers=2)
    store.decide(records[0].id, "accepted", stage="curated", reviewer="asha", base_version=0)
    q = Queue(index, store, "asha", cfg)
    q.build(Filters(), "quality")
    assert q.next().record_id == records[1].id  # asha labelled record 0 already
    r = Queue(index, store, "ravi", cfg)
    r.build(Filters(), "quality")
    slot = r.next()
    assert slot.record_id == records[0].id and slot.overlap
    store.decide(records[0].id, "rejected", stage="curated", reviewer="ravi", base_version=1)
    m = Queue(index, store, "meera", cfg)
    m.build(Filters(), "quality")
    assert m.next().record_id == records[1].id
