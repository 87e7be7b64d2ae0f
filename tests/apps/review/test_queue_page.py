"""The Queue page under AppTest: every action, its record in review.db, filters, orders, conflicts."""

from __future__ import annotations

import json

from tadka.config import ExportConfig
from tadka.export import export
from tadka.review.store import ReviewStore

from .conftest import click, open_app, set_config, shown_id


def db(ws) -> ReviewStore:
    return ReviewStore(ws.review_db)


def test_login_form_registers_the_reviewer(review_ws, records):
    at = open_app(reviewer=None)
    assert shown_id(at) is None
    at.text_input(key="login_name").input("meera")
    at.button(key="FormSubmitter:login-Start reviewing").click().run()
    assert "meera" in db(review_ws).reviewers()
    assert shown_id(at) == records[0].id  # best quality first


def test_accept_writes_label_and_shows_the_next_record(review_ws, records):
    at = open_app()
    assert shown_id(at) == records[0].id
    click(at, "q_accept")
    assert shown_id(at) == records[1].id
    store = db(review_ws)
    item = store.item(records[0].id)
    assert (item.status, item.version, item.updated_by) == ("accepted", 1, "asha")
    assert [(r["reviewer"], r["label"]) for r in store.labels()] == [("asha", "accepted")]
    assert store.history(records[0].id)[-1]["outcome"] == "ok"


def test_reject_with_a_listed_reason_and_with_another(review_ws, records):
    at = open_app()
    click(at, "q_reject")
    reasons = [b.label for b in at.button if b.key and b.key.startswith("q_reason_")]
    assert len(reasons) == 7
    click(at, "q_reason_2")
    store = db(review_ws)
    item = store.item(records[0].id)
    assert item.status == "rejected" and item.reason == "unnatural code-mixing"
    click(at, "q_reject")
    at.text_input(key="q_other_reason").input("answer is outdated")
    at.button(key="FormSubmitter:q_other_form-Reject with this reason").click().run()
    assert store.item(records[1].id).reason == "answer is outdated"
    assert shown_id(at) == records[2].id


def test_edit_keeps_the_original_and_exports_the_new_version(review_ws, records):
    at = open_app()
    original = records[0]
    click(at, "q_edit")
    boxes = [t for t in at.text_area if t.label.startswith("Edit turn")]
    assert [t.value for t in boxes] == [m["content"] for m in original.messages]
    boxes[1].input("Aaj Azadpur mandi mein tomato 25 rupaye kilo hai.")
    click(at, "q_save_edit")
    assert not at.exception
    assert shown_id(at) == records[1].id
    store = db(review_ws)
    item = store.item(original.id)
    new = item.current()
    assert item.status == "edited"
    assert new.source["kind"] == "edit" and new.source["parent_id"] == original.id
    assert new.messages[1]["content"] == "Aaj Azadpur mandi mein tomato 25 rupaye kilo hai."
    assert new.messages[0] == original.messages[0]
    edits = store.conn.execute("SELECT record_id, new_id, record_json FROM edits").fetchall()
    assert [(e[0], e[1]) for e in edits] == [(original.id, new.id)]
    assert json.loads(edits[0][2]) == new.to_dict()
    # the stage's original is untouched, and export writes the edited version
    assert next(review_ws.records("curated")).messages == original.messages
    result = export(review_ws, ExportConfig(eval_fraction=0.0), name="t")
    rows = [json.loads(line) for line in (result.path / "train.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [new.id]
    # the record, opened again, shows the diff against the original
    at.query_params["record"] = original.id
    at.run()
    assert shown_id(at) == original.id
    diff = [m.value for m in at.markdown if "<ins" in m.value]
    assert diff and "25" in diff[0] and "<del" in diff[0]


def test_an_unchanged_edit_is_not_saved(review_ws, records):
    at = open_app()
    click(at, "q_edit")
    click(at, "q_save_edit")
    assert any("nothing changed" in w.value for w in at.warning)
    assert db(review_ws).item(records[0].id).version == 0
    click(at, "q_cancel_edit")
    assert not [t for t in at.text_area if t.label.startswith("Edit turn")]


def test_undo_puts_back_decisions_edits_tags_notes_and_skips(review_ws, records):
    at = open_app()
    store = db(review_ws)
    first = records[0].id
    click(at, "q_accept")
    click(at, "q_undo_btn")
    assert shown_id(at) == first
    item = store.item(first)
    assert (item.status, item.version) == ("pending", 2)
    assert store.labels() == []  # the undone label no longer counts for agreement
    assert [h["action"] for h in store.history(first)] == ["accept", "undo"]
    click(at, "q_edit")
    box = [t for t in at.text_area if t.label.startswith("Edit turn 2")][0]
    box.input(box.value + " Aur mandi ka bhav app pe bhi dekho.")
    click(at, "q_save_edit")
    assert store.item(first).status == "edited"
    click(at, "q_undo_btn")
    item = store.item(first)
    assert (item.status, item.current_json) == ("pending", None)
    assert store.conn.execute("SELECT COUNT(*) FROM edits").fetchone()[0] == 1  # the edit itself is kept
    at.text_input(key="q_tag").input("mandi")
    at.button(key="FormSubmitter:q_tag_form-Tag").click().run()
    assert store.tags_of(first) == ["mandi"]
    click(at, "q_undo_btn")
    assert store.tags_of(first) == []
    at.text_area(key="q_note").input("check today's rate")
    at.button(key="FormSubmitter:q_note_form-Note").click().run()
    assert [n["text"] for n in store.notes_of(first)] == ["check today's rate"]
    click(at, "q_undo_btn")
    assert store.notes_of(first) == []
    click(at, "q_skip")
    assert shown_id(at) == records[1].id
    click(at, "q_undo_btn")
    assert shown_id(at) == first


def test_skip_tag_note_and_untag(review_ws, records):
    at = open_app()
    store = db(review_ws)
    at.text_input(key="q_tag").input("needs  fact check")
    at.button(key="FormSubmitter:q_tag_form-Tag").click().run()
    assert store.tags_of(records[0].id) == ["needs fact check"]
    assert any(b.label == "✕ needs fact check" for b in at.button)
    click(at, f"untag_{records[0].id}_needs fact check")
    assert store.tags_of(records[0].id) == []
    at.text_area(key="q_note").input("rate ab 25 hai")
    at.button(key="FormSubmitter:q_note_form-Note").click().run()
    assert any("rate ab 25 hai" in c.value for c in at.caption)
    click(at, "q_skip")
    assert shown_id(at) == records[1].id
    assert store.item(records[0].id).version == 0  # a skip writes no decision


def test_filters_and_orders(review_ws, records):
    at = open_app()
    at.multiselect(key="q_lang").set_value(["hi-Deva"]).run()
    assert shown_id(at) == records[5].id
    at.multiselect(key="q_lang").set_value([]).run()
    at.multiselect(key="q_flags").set_value(["too_short"]).run()
    assert shown_id(at) == records[3].id
    click(at, "q_accept")
    assert shown_id(at) == records[7].id
    at.multiselect(key="q_flags").set_value([]).run()
    at.multiselect(key="q_source").set_value(["import"]).run()
    assert shown_id(at) == records[0].id
    at.multiselect(key="q_source").set_value([]).run()
    at.slider(key="q_cmi").set_range(20.0, 30.0).run()
    assert shown_id(at) == records[5].id  # cmi 5 + 3 * i
    at.slider(key="q_cmi").set_range(5.0, 38.0).run()
    at.multiselect(key="q_status").set_value(["accepted"]).run()
    assert shown_id(at) == records[3].id
    at.multiselect(key="q_status").set_value(["pending"]).run()
    at.selectbox(key="q_order").set_value("quality-low").run()
    assert shown_id(at) == records[11].id
    at.selectbox(key="q_order").set_value("uncertainty").run()
    assert shown_id(at) == records[6].id  # quality 0.53 is the closest to 0.5
    db(review_ws).add_tag(records[9].id, "weather", reviewer="asha")
    at.selectbox(key="q_order").set_value("stage").run()
    at.multiselect(key="q_tags").set_value(["weather"]).run()
    assert shown_id(at) == records[9].id


def test_random_order_is_stable_per_reviewer(review_ws):
    def first(name):
        at = open_app(reviewer=name)
        at.selectbox(key="q_order").set_value("random").run()
        return shown_id(at)

    assert first("asha") == first("asha")


def test_media_scores_and_flags_are_shown(review_ws, records):
    at = open_app()
    assert len(at.get("image")) == 1
    assert len(at.get("audio")) == 1
    text = " ".join(m.value for m in at.markdown)
    assert "`quality` **0.95**" in text and "`cmi` **5**" in text
    click(at, "q_skip")
    click(at, "q_skip")
    click(at, "q_skip")
    assert shown_id(at) == records[3].id
    assert any("too_short" in m.value for m in at.markdown)


def test_two_reviewers_on_one_record_one_wins_the_other_is_told(review_ws, records):
    rid = records[4].id
    a, b = open_app("asha"), open_app("ravi")
    for at in (a, b):
        at.query_params["record"] = rid
        at.run()
        assert shown_id(at) == rid
    click(a, "q_accept")
    click(b, "q_reject")
    click(b, "q_reason_0")
    errors = [e.value for e in b.error]
    assert errors and "asha" in errors[0] and "not applied" in errors[0]
    store = db(review_ws)
    item = store.item(rid)
    assert (item.status, item.version, item.updated_by) == ("accepted", 1, "asha")
    history = [(h["reviewer"], h["action"], h["outcome"]) for h in store.history(rid)]
    assert history == [("asha", "accept", "ok"), ("ravi", "reject", "conflict")]
    assert json.loads(store.history(rid)[1]["detail"])["reason"] == "wrong or unsafe answer"
    # ravi now sees asha's decision and can decide on top of it
    assert shown_id(b) == rid and any("accepted" in m.value for m in b.markdown)
    click(b, "q_reject")
    click(b, "q_reason_0")
    assert store.item(rid).status == "rejected" and store.item(rid).version == 2


def test_an_edit_after_someone_decided_is_merged_not_refused(review_ws, records):
    rid = records[2].id
    a, b = open_app("asha"), open_app("ravi")
    for at in (a, b):
        at.query_params["record"] = rid
        at.run()
    click(b, "q_edit")
    box = [t for t in b.text_area if t.label.startswith("Edit turn 2")][0]
    box.input("Ravi ka jawab: IRCTC app kholo aur PNR daalo.")
    click(a, "q_accept")
    click(b, "q_save_edit")
    store = db(review_ws)
    item = store.item(rid)
    assert item.status == "edited" and item.version == 2 and "Ravi ka jawab" in item.current_json
    last = store.history(rid)[-1]
    assert (last["reviewer"], last["action"], last["outcome"]) == ("ravi", "edit", "merged")
    assert any("Merged: your turn 2" in i.value and "asha" in i.value for i in b.info)


def test_a_same_turn_conflict_shows_both_texts_and_saves_the_choice(review_ws, records):
    rid, original = records[2].id, records[2]
    a, b = open_app("asha"), open_app("ravi")
    for at in (a, b):
        at.query_params["record"] = rid
        at.run()
    for at, text in ((a, "Asha: IRCTC app mein PNR daalo."), (b, "Ravi: 139 pe SMS karo.")):
        click(at, "q_edit")
        [t for t in at.text_area if t.label.startswith("Edit turn 2")][0].input(text)
    click(a, "q_save_edit")
    click(b, "q_save_edit")
    store = db(review_ws)
    assert store.item(rid).version == 1 and "Asha:" in store.item(rid).current_json
    texts = [t.value for t in b.text]
    assert "Asha: IRCTC app mein PNR daalo." in texts and "Ravi: 139 pe SMS karo." in texts
    assert store.history(rid)[-1]["outcome"] == "conflict"
    b.radio(key=f"cf_{rid}_1").set_value("yours").run()
    click(b, "q_resolve")
    item = store.item(rid)
    assert item.version == 2 and item.current().messages[1]["content"] == "Ravi: 139 pe SMS karo."
    assert item.current().messages[0] == original.messages[0]
    kinds = [r[0] for r in store.conn.execute("SELECT kind FROM edits WHERE record_id = ? ORDER BY id", (rid,))]
    assert kinds == ["edit", "resolve"]
    # History keeps all three texts (the original, asha's, ravi's) and can restore asha's as a new version
    b.query_params["record"] = rid
    b.run()
    b.session_state[f"h_open_{rid}"] = True  # open History (its content is drawn only when open)
    b.run()
    labels = [v.label for v in store.text_versions(original)]
    assert labels[:3] == ["original", "v1", "refused #" + labels[2].split("#")[1]] and labels[-1] == "v2"
    assert b.selectbox(key=f"h_pick_{rid}").value == len(labels) - 1  # History opens on the current text
    b.selectbox(key=f"h_pick_{rid}").set_value(1).run()
    click(b, f"h_restore_{rid}")
    item = store.item(rid)
    assert item.version == 3 and item.current().messages[1]["content"] == "Asha: IRCTC app mein PNR daalo."
    assert store.history(rid)[-1]["action"] == "restore"


def test_a_stale_view_is_flagged_and_can_be_reloaded(review_ws, records):
    at = open_app("asha")
    rid = shown_id(at)
    db(review_ws).decide(rid, "rejected", stage="curated", reviewer="ravi", base_version=0, reason="duplicate")
    at.run()
    assert any("ravi changed this record" in w.value for w in at.warning)
    click(at, "q_reload")
    assert not at.warning
    click(at, "q_accept")
    assert db(review_ws).item(rid).status == "accepted"


def test_claims_keep_two_reviewers_on_different_records(review_ws, records):
    a, b = open_app("asha"), open_app("ravi")
    assert shown_id(a) == records[0].id
    assert shown_id(b) == records[1].id


def test_overlap_records_go_to_every_reviewer_blind(review_ws, records, monkeypatch):
    set_config(monkeypatch, overlap=1.0)
    a = open_app("asha")
    click(a, "q_accept")
    b = open_app("ravi")
    assert shown_id(b) == records[0].id  # shared: ravi labels it too
    assert any("Shared record" in c.value for c in b.caption)
    assert not any("accepted" in m.value for m in b.markdown)  # blind to asha's decision
    click(b, "q_reject")
    click(b, "q_reason_1")
    assert any("kept for agreement" in i.value for i in b.info)
    store = db(review_ws)
    labels = {(r["reviewer"], r["label"]) for r in store.labels()}
    assert labels == {("asha", "accepted"), ("ravi", "rejected")}
    item = store.item(records[0].id)
    assert (item.status, item.version) == ("accepted", 1)  # a blind label never overrides a decision
    assert store.history(records[0].id)[-1]["outcome"] == "label-only"
    click(b, "q_undo_btn")
    assert {r["reviewer"] for r in store.labels()} == {"asha"}
    c = open_app("meera")
    assert shown_id(c) == records[0].id  # ravi's label was undone: record 0 still needs a second label
    click(c, "q_accept")
    assert shown_id(open_app("sara")) == records[1].id  # two labels now: record 0 is done


def test_an_empty_queue_says_so(review_ws, records):
    store = db(review_ws)
    for r in records:
        store.decide(r.id, "accepted", stage="curated", reviewer="ravi", base_version=0)
    at = open_app()
    assert shown_id(at) is None
    assert any("Nothing left" in s.value for s in at.success)
