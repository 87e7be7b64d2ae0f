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
from tadka.review.store import Change, ReviewStore
from tadka.review.db import reviewed
from tadka.sqlite import schema_version

REC = Record(
    messages=[
        {"role": "user", "content": "Chai kaise banate hain?"},
        {"role": "assistant", "content": "Paani ubaalo, patti daalo, doodh milao."},
    ]
)


@pytest.fixture
def store(tmp_path) -> ReviewStore:
    return ReviewStore(tmp_path / "review.db")


def test_schema_is_upgraded_in_place(tmp_path):
    conn = sqlite3.connect(tmp_path / "review.db")
    s = ReviewStore(tmp_path / "review.db")
    assert schema_version(s.conn) == 3
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cols = [r[1] for r in conn.execute("PRAGMA table_info(labels)")]
    assert "active" in cols and "version" in cols


def test_a_version_2_database_upgrades_and_keeps_its_data(tmp_path):
    """A review.db written before accounts and drafts existed: opened by this tadka, it gains them."""
    from tadka.sqlite import MIGRATIONS, _statements

    path = tmp_path / "review.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
    )
    for version, name, sql in MIGRATIONS["review"][:2]:
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", (version, name))
    conn.execute(
        "INSERT INTO edits(record_id, version, new_id, record_json, reviewer, created_at)"
        " VALUES ('r1', 1, 'n1', ?, 'asha', 1.0)",
        (json.dumps(REC.to_dict()),),
    )
    conn.close()
    store = ReviewStore(path)
    assert schema_version(store.conn) == 3
    assert store.conn.execute("SELECT kind FROM edits").fetchone()[0] == "edit"
    assert store.conn.execute("SELECT COUNT(*) FROM accounts").fetchone()[0] == 0


def test_a_stale_write_is_refused_named_and_logged(store):
    store.decide(REC.id, "accepted", stage="s", reviewer="asha", base_version=0)
    with pytest.raises(ConflictError) as e:
        store.decide(REC.id, "rejected", stage="s", reviewer="ravi", base_version=0, reason="duplicate")
    assert "asha" in str(e.value) and "not applied" in str(e.value) and e.value.changed_by == "asha"
    item = store.item(REC.id)
    assert (item.status, item.version, item.updated_by) == ("accepted", 1, "asha")
    audit = store.history(REC.id)
    assert [(a["reviewer"], a["outcome"], a["base_version"]) for a in audit] == [
        ("asha", "ok", 0),
        ("ravi", "conflict", 0),
    ]
    assert json.loads(audit[1]["detail"])["reason"] == "duplicate"
    assert [r["reviewer"] for r in store.labels()] == ["asha"]


def test_edit_makes_a_new_record_and_keeps_every_version(store, tmp_path):
    first = store.edit(
        REC,
        [REC.messages[0], {"role": "assistant", "content": "Pehle paani ubaalo."}],
        stage="s",
        reviewer="asha",
        base_version=0,
    )
    assert first.record.source == {"kind": "edit", "parent_id": REC.id}
    second = store.edit(
        REC,
        [REC.messages[0], {"role": "assistant", "content": "Pehle paani garam karo."}],
        stage="s",
        reviewer="ravi",
        base_version=1,
    )
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
        store.edit(
            REC, [REC.messages[0], {"role": "assistant", "content": "  "}], stage="s", reviewer="a", base_version=0
        )
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
    from tadka.review.store import ReviewStore
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
    proc.wait(timeout=30)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ReviewStore(db)
    for rid in done:
        item = store.item(rid)
        assert item.status == "edited" and item.version == 2 and item.current() is not None
    # whatever the writer was doing when killed is either wholly there or wholly absent
    for row in conn.execute("SELECT record_id, version, status FROM items"):
        assert (row[1], row[2]) in {(1, "accepted"), (2, "edited")}


A2 = "Pani ubalne ke baad patti daalo."  # asha's turn 2


def _edit(store, turns: dict[int, str], *, who: str, base: int, seen=None):
    messages = [dict(m) for m in (seen or REC.messages)]
    for i, text in turns.items():
        messages[i]["content"] = text
    return store.edit(REC, messages, stage="s", reviewer=who, base_version=base, seen=seen or REC.messages)


def test_two_edits_of_different_turns_are_merged_and_both_exported(store, tmp_path):
    _edit(store, {1: A2}, who="asha", base=0)
    change = _edit(store, {0: "Chai kaise banaye?"}, who="ravi", base=0)  # ravi saw version 0
    assert change.merged_over == 1 and change.turns == (0,)
    current = store.item(REC.id).current()
    assert [m["content"] for m in current.messages] == ["Chai kaise banaye?", A2]
    assert reviewed(tmp_path / "review.db")[REC.id] == ("edited", current)
    last = store.history(REC.id)[-1]
    assert (last["reviewer"], last["outcome"]) == ("ravi", "merged")
    assert json.loads(last["detail"])["merged_over"] == 1


def test_the_same_turn_edited_twice_is_a_conflict_with_both_texts(store):
    from tadka.review.store import EditConflict

    _edit(store, {1: A2}, who="asha", base=0)
    with pytest.raises(EditConflict, match="asha also changed turn 2") as e:
        _edit(store, {0: "Chai kaise banaye?", 1: "Doodh pehle daalo."}, who="ravi", base=0)
    merge = e.value.merge
    assert [(c.turn, c.theirs, c.mine) for c in merge.conflicts] == [(1, A2, "Doodh pehle daalo.")]
    assert merge.messages[0]["content"] == "Chai kaise banaye?"  # ravi's other turn is in the merge
    assert store.item(REC.id).version == 1
    # the refused text is kept: it is one of the record's texts, and can be restored
    versions = store.text_versions(REC)
    assert [v.kind for v in versions] == ["original", "edit", "refused"]
    assert versions[2].messages[1]["content"] == "Doodh pehle daalo."
    restored = store.restore(REC, versions[2], stage="s", reviewer="meera", base_version=1)
    assert restored.after.version == 2 and restored.record.messages[1]["content"] == "Doodh pehle daalo."
    back = store.restore(REC, versions[0], stage="s", reviewer="meera", base_version=2)
    assert (back.after.status, back.after.current_json) == ("pending", None)  # the original: decide again
    assert [v.kind for v in store.text_versions(REC)] == ["original", "edit", "refused", "restore"]
    with pytest.raises(InputError, match="nothing changed"):
        store.restore(REC, versions[0], stage="s", reviewer="meera", base_version=3)


def test_an_edit_after_a_rejection_is_refused_not_merged(store):
    store.decide(REC.id, "rejected", stage="s", reviewer="asha", base_version=0, reason="duplicate")
    with pytest.raises(ConflictError, match="not applied"):
        _edit(store, {1: A2}, who="ravi", base=0)
    assert store.item(REC.id).status == "rejected"


def test_merge_turns_rules():
    from tadka.review.merge import merge_turns

    seen = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    mine = [{"role": "user", "content": "A"}, {"role": "assistant", "content": "b"}]
    theirs = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "B"}]
    m = merge_turns(seen, mine, theirs)
    assert m.clean and [t["content"] for t in m.messages] == ["A", "B"] and (m.mine, m.theirs) == ((0,), (1,))
    assert merge_turns(seen, theirs, theirs).clean  # the same change on both sides is no conflict
    assert [c.turn for c in merge_turns(seen, mine, [{"role": "user", "content": "x"}, seen[1]]).conflicts] == [0]
    assert merge_turns(seen, mine, seen[:1]).conflicts  # a different shape is never merged silently


def test_drafts_skips_and_undo_steps_are_per_reviewer(store, tmp_path):
    from tadka.review.session import ReviewerState

    asha, ravi = ReviewerState(store, "asha"), ReviewerState(store, "ravi")
    asha.save_draft(REC.id, 0, REC.messages, [REC.messages[0], {"role": "assistant", "content": "adhura"}])
    again = ReviewerState(ReviewStore(tmp_path / "review.db"), "asha")  # a new connection: a restarted app
    assert again.draft(REC.id).messages[1]["content"] == "adhura" and ravi.draft(REC.id) is None
    asha.drop_draft(REC.id)
    assert asha.draft(REC.id) is None
    asha.skip("r1")
    asha.skip("r2")
    assert again.skipped() == {"r1", "r2"} and ravi.skipped() == set()
    assert asha.unskip("r1") == 1 and asha.skipped() == {"r2"} and asha.unskip() == 1
    change = store.decide(REC.id, "accepted", stage="s", reviewer="asha", base_version=0)
    asha.push_undo("change", REC.id, change.to_dict())
    ravi.push_undo("tag", REC.id, "x")
    step = again.last_undo()
    assert step.kind == "change" and Change.from_dict(step.payload) == Change(
        "accept", change.before, change.after, change.label_id
    )
    store.undo(Change.from_dict(step.payload), reviewer="asha")
    asha.drop_undo(step)
    assert not asha.can_undo() and ravi.can_undo() and store.item(REC.id).status == "pending"


def test_accounts_hash_passwords_and_audit_logins(store):
    from tadka.review.accounts import accounts, add_account, authenticate, set_active, set_password

    add_account(store, "asha", "admin", "chai-garam-hai", actor="cli:root")
    add_account(store, "ravi", "reviewer", "pakoda-1234", actor="cli:root")
    stored = store.conn.execute("SELECT password_hash FROM accounts WHERE name = 'asha'").fetchone()[0]
    assert stored.startswith("scrypt$") and "chai" not in stored
    other = store.conn.execute("SELECT password_hash FROM accounts WHERE name = 'ravi'").fetchone()[0]
    assert stored.split("$")[4] != other.split("$")[4]  # a salt per account
    assert authenticate(store, "asha", "chai-garam-hai").role == "admin"
    assert authenticate(store, "asha", "wrong-password") is None
    assert authenticate(store, "nobody", "chai-garam-hai") is None
    with pytest.raises(InputError, match="at least 8"):
        add_account(store, "meera", "reviewer", "short", actor="cli:root")
    with pytest.raises(InputError, match="exists"):
        add_account(store, "asha", "reviewer", "another-pass", actor="cli:root")
    set_password(store, "ravi", "samosa-5678", actor="asha")
    assert authenticate(store, "ravi", "pakoda-1234") is None and authenticate(store, "ravi", "samosa-5678")
    set_active(store, "ravi", False, actor="asha")
    assert authenticate(store, "ravi", "samosa-5678") is None
    assert [(a.name, a.role, a.active) for a in accounts(store)] == [
        ("asha", "admin", True),
        ("ravi", "reviewer", False),
    ]
    logins = [(r["reviewer"], r["outcome"]) for r in reversed(store.audit_rows()) if r["action"] == "login"]
    assert logins == [
        ("asha", "ok"),
        ("asha", "refused"),
        ("nobody", "refused"),
        ("ravi", "refused"),
        ("ravi", "ok"),
        ("ravi", "refused"),
    ]
    assert not any("samosa" in (r["detail"] or "") for r in store.audit_rows())
