"""review.db's write side: optimistic versions, nothing lost, undo, the export contract, crash safety."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tadka.errors import ConflictError, InputError
from tadka.records import Record
from tadka.review_store import ReviewStore
from tadka.reviewdb import reviewed
from tadka.sqlite import schema_version

REC = Record(messages=[{"role": "user", "content": "Chai kaise banate hain?"},
                       {"role": "assistant", "content": "Paani ubaalo, patti daalo, doodh milao."}])


@pytest.fixture
def store(tmp_path) -> ReviewStore:
    return ReviewStore(tmp_path / "review.db")


def test_schema_is_upgraded_in_place(tmp_path):
    conn = sqlite3.connect(tmp_path / "review.db")
    s = ReviewStore(tmp_path / "review.db")
    assert schema_version(s.conn) == 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cols = [r[1] for r in conn.execute("PRAGMA table_info(labels)")]
    assert "active" in cols and "version" in cols


def test_a_stale_write_is_refused_named_and_logged(store):
    store.decide(REC.id, "accepted", stage="s", reviewer="asha", base_version=0)
    with pytest.raises(ConflictError) as e:
        store.decide(REC.id, "rejected", stage="s", reviewer="ravi", base_version=0, reason="duplicate")
    assert "asha" in str(e.value) and "not applied" in str(e.value) and e.value.changed_by == "asha"
    item = store.item(REC.id)
    assert (item.status, item.version, item.updated_by) == ("accepted", 1, "asha")
    audit = store.history(REC.id)
    assert [(a["reviewer"], a["outcome"], a["base_version"]) for a in audit] == [("asha", "ok", 0),
                                                                                 ("ravi", "conflict", 0)]
    assert json.loads(audit[1]["detail"])["reason"] == "duplicate"
    assert [r["reviewer"] for r in store.labels()] == ["asha"]


def test_edit_makes_a_new_record_and_keeps_every_version(store, tmp_path):
    first = store.edit(REC, [REC.messages[0], {"role": "assistant", "content": "Pehle paani ubaalo."}],
                       stage="s", reviewer="asha", base_version=0)
    assert first.record.source == {"kind": "edit", "parent_id": REC.id}
    second = store.edit(REC, [REC.messages[0], {"role": "assistant", "content": "Pehle paani garam karo."}],
                        stage="s", reviewer="ravi", base_version=1)
    assert second.record.source["parent_id"] == first.record.id  # a chain of versions
    assert store.item(REC.id).current() == second.record
    rows = store.conn.execute("SELECT version, new_id FROM edits ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [(1, first.record.id), (2, second.record.id)]
    status, latest = reviewed(tmp_path / "review.db")[REC.id]
    assert status == "edited" and latest == second.record
    # accepting an edited record keeps the edit
    store.decide(REC.id, "accepted", stage="s", reviewer="meera", base_version=2)
    assert reviewed(tmp_path / "review.db")[REC.id] == ("edited", second.record)


def test_edit_validates_turns_and_refuses_no_change(store):
    with pytest.raises(InputError, match="empty assistant"):
        store.edit(REC, [REC.messages[0], {"role": "assistant", "content": "  "}], stage="s", reviewer="a",
                   base_version=0)
    with pytest.raises(InputError, match="nothing changed"):
        store.edit(REC, REC.messages, stage="s", reviewer="a", base_version=0)
    assert store.item(REC.id).version == 0


def test_undo_restores_and_is_refused_after_someone_else_wrote(store):
    change = store.decide(REC.id, "rejected", stage="s", reviewer="asha", base_version=0, reason="duplicate")
    store.undo(change, reviewer="asha")
    item = store.item(REC.id)
    assert (item.status, item.reason, item.version) == ("pending", None, 2)
    assert store.labels() == []
    change = store.decide(REC.id, "accepted", stage="s", reviewer="asha", base_version=2)
    store.decide(REC.id, "rejected", stage="s", reviewer="ravi", base_version=3)
    with pytest.raises(ConflictError, match="ravi"):
        store.undo(change, reviewer="asha")
    assert store.item(REC.id).status == "rejected"


def test_a_blind_label_never_overrides_a_decision(store):
    store.decide(REC.id, "accepted", stage="s", reviewer="asha", base_version=0)
    change = store.decide(REC.id, "rejected", stage="s", reviewer="ravi", base_version=0, blind=True)
    assert change.label_only and store.item(REC.id).status == "accepted"
    assert {(r["reviewer"], r["label"]) for r in store.labels()} == {("asha", "accepted"), ("ravi", "rejected")}
    store.undo(change, reviewer="ravi")
    assert [r["reviewer"] for r in store.labels()] == ["asha"] and store.item(REC.id).version == 1
    other = Record(messages=[{"role": "user", "content": "Naya sawal?"}])
    first = store.decide(other.id, "rejected", stage="s", reviewer="ravi", base_version=0, blind=True)
    assert not first.label_only and store.item(other.id).status == "rejected"  # the first label decides


def test_audit_log_is_append_only(store):
    store.decide(REC.id, "accepted", stage="s", reviewer="asha", base_version=0)
    for sql in ("UPDATE audit SET outcome = 'x'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store.conn.execute(sql)


def test_tags_notes_and_claims(store):
    assert store.add_tag(REC.id, " mandi  rate ", reviewer="asha") is True
    assert store.add_tag(REC.id, "mandi rate", reviewer="ravi") is False
    assert store.tag_counts() == {"mandi rate": 1}
    note = store.add_note(REC.id, "check karo", reviewer="asha")
    assert store.delete_note(note, reviewer="asha") and store.notes_of(REC.id) == []
    assert "check karo" in store.history(REC.id)[-1]["detail"]  # the deleted text stays in the audit log
    assert store.claim("r1", "asha", 60) and not store.claim("r1", "ravi", 60)
    assert store.claimed_by_others(["r1", "r2"], "ravi") == {"r1"}
    store.release("r1", "asha")
    assert store.claim("r1", "ravi", 60)
    assert store.claim("r2", "asha", -1) and store.claim("r2", "ravi", 60)  # an expired claim is free


WRITER = textwrap.dedent("""
    import sys
    from tadka.records import Record
    from tadka.review_store import ReviewStore
    s = ReviewStore(sys.argv[1])
    i = 0
    while True:
        rec = Record(messages=[{"role": "user", "content": f"sawal {i}"},
                               {"role": "assistant", "content": f"jawab {i}"}])
        s.decide(rec.id, "accepted", stage="s", reviewer="w", base_version=0)
        s.edit(rec, [rec.messages[0], {"role": "assistant", "content": f"naya jawab {i}"}], stage="s", reviewer="w",
               base_version=1)
        s.add_note(rec.id, "x" * 2000, reviewer="w")
        print(rec.id, flush=True)
        i += 1
""")


def test_a_killed_writer_loses_nothing_committed_and_leaves_a_sound_file(tmp_path):
    db = tmp_path / "review.db"
    ReviewStore(db).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True)
    done = [proc.stdout.readline().strip() for _ in range(60)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ReviewStore(db)
    for rid in done:
        item = store.item(rid)
        assert item.status == "edited" and item.version == 2 and item.current() is not None
    # whatever the writer was doing when killed is either wholly there or wholly absent
    for row in conn.execute("SELECT record_id, version, status FROM items"):
        assert (row[1], row[2]) in {(1, "accepted"), (2, "edited")}
