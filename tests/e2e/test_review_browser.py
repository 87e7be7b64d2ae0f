"""`tadka review` in a real browser (loopback, single user per context); every action checked in review.db.

One server for the module, on the sample chats plus two noised copies and a 20,000-character record at
the end of the stage. Each test works on its own records (the Queue test on the first few, Browse on
rows 4-9, the two-reviewer tests on records near the end, opened by link), so they do not interfere.
Screenshots of every page go to tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from tadka.config import ExportConfig
from tadka.export import export
from tadka.review.config import REJECT_REASONS
from tadka.review.store import ReviewStore
from tadka.workspace import Workspace

from .conftest import ARTIFACTS, LONG_CHARS, press, record_on_screen, shot, start_review, team_workspace

pytestmark = pytest.mark.e2e
EDIT_FOCUSED = "() => (document.activeElement?.getAttribute('aria-label') || '').startsWith('Edit turn')"
ROW, HEADER = 35, 35  # the data grid's row and header heights (px)


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    ws = team_workspace(tmp_path_factory.mktemp("e2e") / "ws")
    srv = start_review(ws.root, "--order", "stage")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def records(server):
    return list(Workspace(server.root).records("curated"))


@pytest.fixture(scope="module")
def chats(records):
    """Plain user/assistant chats from the end of the sample (away from the rows the other tests use)."""
    return [r for r in records[20:40] if [m["role"] for m in r.messages] == ["user", "assistant"]][::-1]


def login(page, url: str, name: str) -> str:
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.keyboard.press("Enter")
    rid = record_on_screen(page)
    page.get_by_label("Your name").wait_for(state="detached")  # else the next keys go into the old input
    return rid


def open_as(browser, url: str, name: str, record_id: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{url}/?reviewer={name}&record={record_id}")
    assert record_on_screen(page) == record_id
    return page


def edit_turn(page, turn: int, text: str) -> None:
    """Open the editor, then replace the text of one turn's box (the box keeps its draft on blur)."""
    page.bring_to_front()
    press(page, "q_edit")
    page.wait_for_function(EDIT_FOCUSED, timeout=60_000)
    box = page.get_by_label(f"Edit turn {turn} (", exact=False)
    box.fill(text)
    box.blur()


def test_keyboard_accept_reject_edit_undo_and_every_page(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    r0 = login(page, server.url, "asha")
    page.keyboard.press("a")
    r1 = record_on_screen(page, other_than=r0)
    page.keyboard.press("x")
    page.get_by_role("button", name="2. not Hinglish").wait_for()
    page.keyboard.press("2")
    r2 = record_on_screen(page, other_than=r1)
    page.keyboard.press("e")
    page.wait_for_function(EDIT_FOCUSED, timeout=60_000)
    page.keyboard.type(" Shukriya!")
    shot(page, "review-queue-edit.png")
    page.keyboard.press("Control+Enter")
    r3 = record_on_screen(page, other_than=r2)
    page.keyboard.press("u")
    assert record_on_screen(page, other_than=r3) == r2
    page.get_by_text(f"undid edit of {r2}").wait_for()
    record_on_screen(page)
    page.keyboard.press("t")  # T focuses the tag box, Enter adds the tag
    page.keyboard.type("mandi")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="✕ mandi").wait_for()
    record_on_screen(page)
    page.keyboard.press("Tab")  # out of the tag box, so that N is a shortcut and not a letter
    page.keyboard.press("n")  # N focuses the note box, Ctrl+Enter adds the note
    page.wait_for_function("() => document.activeElement?.getAttribute('aria-label') === 'Add note'")
    page.keyboard.type("rate check karna")
    page.keyboard.press("Control+Enter")
    page.get_by_text("asha: rate check karna").wait_for()
    shot(page, "review-queue.png")

    store = ReviewStore(server.root / "review.db")
    assert store.item(r0).status == "accepted"
    assert (store.item(r1).status, store.item(r1).reason) == ("rejected", REJECT_REASONS[1])
    item = store.item(r2)
    assert (item.status, item.version, item.current_json) == ("pending", 2, None)
    (edit,) = store.conn.execute("SELECT record_id, reviewer, record_json FROM edits").fetchall()
    assert edit[0] == r2 and edit[1] == "asha"
    assert json.loads(edit[2])["messages"][-1]["content"].endswith(" Shukriya!")
    assert store.tags_of(r2) == ["mandi"] and [n["text"] for n in store.notes_of(r2)] == ["rate check karna"]
    actions = [(a["record_id"], a["action"], a["outcome"]) for a in reversed(store.audit_rows()) if a["record_id"]]
    assert actions == [
        (r0, "accept", "ok"),
        (r1, "reject", "ok"),
        (r2, "edit", "ok"),
        (r2, "undo", "ok"),
        (r2, "tag", "ok"),
        (r2, "note", "ok"),
    ]

    for name, ready in (
        ("Browse", "records match"),
        ("Dashboard", "Reviewer throughput"),
        ("Export", "Split seed"),
        ("Train", "No runs yet"),
    ):
        page.get_by_role("link", name=name).click()
        page.get_by_text(ready).first.wait_for()
        page.wait_for_timeout(400)  # let charts draw
        shot(page, f"review-{name.lower()}.png")
        if name == "Export":  # the same name twice: the second time the page asks
            page.get_by_role("button", name="Export", exact=True).click()
            page.get_by_text("exported 'curated' to").wait_for()
            page.get_by_role("button", name="Export", exact=True).click()
            page.get_by_text("exports/curated-reviewed already exists. Overwrite it?").wait_for()
            shot(page, "review-export-overwrite.png")
            page.get_by_role("button", name="Keep it").click()
    page.close()


def tick(page, rows: list[int]) -> None:
    """Click the select checkbox of these rows of the (canvas-drawn) data grid."""
    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    for row in rows:
        page.mouse.click(box["x"] + 34, box["y"] + HEADER + ROW * row + ROW / 2)
        page.wait_for_timeout(150)


def selected(page, n: int) -> None:
    page.get_by_text(f"{n} selected", exact=True).wait_for()


def bulk_accept(page, n: int) -> None:
    page.get_by_role("button", name=f"Accept {n}", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(f"Accept {n} record{'s' if n != 1 else ''}?").wait_for()
    page.screenshot(path=str(ARTIFACTS / "review-browse-confirm.png"))
    dialog.get_by_role("button", name=f"Accept {n}", exact=True).click()
    dialog.wait_for(state="detached")
    page.get_by_text(f"accepted: {n} of {n} ticked").wait_for()


def test_bulk_accept_hits_exactly_the_ticked_rows_after_a_previous_bulk_action(browser, server, records):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(f"{server.url}/browse?reviewer=ravi")
    page.get_by_text("records match").wait_for()
    page.wait_for_timeout(500)
    tick(page, [4, 5])
    selected(page, 2)
    bulk_accept(page, 2)
    selected(page, 0)  # the ticks are gone from the count ...
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "review-browse-after-bulk.png"))
    tick(page, [6, 7, 8])  # ... and from the grid: three new ticks are three, not five
    selected(page, 3)
    table_top = page.locator('[data-testid="stDataFrame"]').first.bounding_box()["y"]
    bulk_accept(page, 3)
    assert (
        page.locator('[data-testid="stDataFrame"]').first.bounding_box()["y"] == table_top
    )  # the message moved nothing
    store = ReviewStore(server.root / "review.db")
    decided = {a["record_id"] for a in store.audit_rows() if a["action"] == "accept" and a["reviewer"] == "ravi"}
    assert decided == {r.id for r in records[4:9]}
    assert len([a for a in store.audit_rows() if a["action"] == "accept" and a["reviewer"] == "ravi"]) == 5
    assert store.item(records[9].id).version == 0
    page.context.close()


def test_two_reviewers_edit_different_turns_and_both_edits_are_exported(browser, server, chats):
    rec = chats[0]
    meera, ravi = (open_as(browser, server.url, name, rec.id) for name in ("meera", "ravi"))
    edit_turn(ravi, 1, "Ravi ka sawal: " + rec.messages[0]["content"])  # ravi opened the editor first ...
    edit_turn(meera, 2, "Meera ka jawab: haan, bilkul.")
    press(meera, "q_save_edit")  # ... meera saved first
    record_on_screen(meera, other_than=rec.id, timeout=60_000)
    ravi.bring_to_front()
    press(ravi, "q_save_edit")
    ravi.get_by_text("Merged: your turn 1 saved on top of meera's version 1").wait_for(timeout=60_000)
    record_on_screen(ravi, other_than=rec.id, timeout=60_000)
    ravi.goto(f"{server.url}/?reviewer=ravi&record={rec.id}")  # the record now: both edits, as a diff
    record_on_screen(ravi, timeout=60_000)
    ravi.get_by_text("Edited: diff against the original").wait_for()
    shot(ravi, "review-merged.png")
    store = ReviewStore(server.root / "review.db")
    current = store.item(rec.id).current()
    assert [m["content"] for m in current.messages] == [
        "Ravi ka sawal: " + rec.messages[0]["content"],
        "Meera ka jawab: haan, bilkul.",
    ]
    result = export(Workspace(server.root), ExportConfig(eval_fraction=0.0, statuses=["edited"]), name="merged")
    rows = [json.loads(line) for line in (result.path / "train.jsonl").read_text().splitlines()]
    assert [r["messages"] for r in rows if r["id"] == current.id] == [current.messages]
    for page in (meera, ravi):
        page.context.close()


def test_a_same_turn_conflict_is_resolved_by_choosing(browser, server, chats):
    rec = chats[1]
    sara, dev = (open_as(browser, server.url, name, rec.id) for name in ("sara", "dev"))
    edit_turn(dev, 2, "Dev: pehle bank ko call karo.")
    edit_turn(sara, 2, "Sara: turant cyber crime helpline 1930 pe call karo.")
    press(sara, "q_save_edit")
    record_on_screen(sara, other_than=rec.id, timeout=60_000)
    dev.bring_to_front()
    press(dev, "q_save_edit")
    panel = dev.locator(".st-key-q_conflict")
    panel.get_by_text("sara also changed this turn").wait_for(timeout=60_000)
    panel.get_by_text("Sara: turant cyber crime helpline 1930 pe call karo.").wait_for()  # theirs, beside ...
    panel.get_by_text("Dev: pehle bank ko call karo.").wait_for()  # ... yours
    shot(dev, "review-conflict-choose.png")
    panel.get_by_text("theirs", exact=True).click()  # sara's text is the better one
    press(dev, "q_resolve")
    dev.get_by_text("You kept their text everywhere: nothing to save.").wait_for(timeout=60_000)
    store = ReviewStore(server.root / "review.db")
    item = store.item(rec.id)
    assert item.version == 1 and "Sara: turant" in item.current_json
    assert [(h["reviewer"], h["outcome"]) for h in store.history(rec.id)] == [("sara", "ok"), ("dev", "conflict")]
    # dev's refused text is not lost: History lists it and can restore it as a new version
    dev.get_by_text("History · 3 texts").click()
    dev.get_by_text("Every action").wait_for()
    record_on_screen(dev)  # the rerun is over
    dev.get_by_text("v1 is the current text.").wait_for()  # History opens on the current text
    dev.locator(f".st-key-h_pick_{rec.id}").click()
    dev.get_by_role("option", name="refused", exact=False).click()
    restore = dev.get_by_role("button", name="as a new version", exact=False)
    restore.wait_for()
    shot(dev, "review-history.png")
    restore.click()
    dev.get_by_text("as version 2").wait_for()
    item = store.item(rec.id)
    assert item.version == 2 and item.current().messages[1]["content"] == "Dev: pehle bank ko call karo."
    for page in (sara, dev):
        page.context.close()


def test_a_20k_character_record_keeps_the_action_bar_on_screen(browser, server, records):
    long = records[-1]
    assert len(long.messages[1]["content"]) == LONG_CHARS
    page = open_as(browser, server.url, "asha", long.id)
    page.get_by_text(f"turn 2: {LONG_CHARS:,} characters").wait_for()
    accept = page.locator(".st-key-q_accept button")
    assert accept.bounding_box()["y"] + accept.bounding_box()["height"] <= 1000  # in view without scrolling
    page.screenshot(path=str(ARTIFACTS / "review-long-record.png"))
    page.get_by_text(f"Show all {LONG_CHARS:,} characters").click()
    page.locator('[data-testid="stExpanderDetails"]').filter(has_text="Mandi ka bhav").first.wait_for()
    page.mouse.move(700, 500)
    page.mouse.wheel(0, 3000)  # halfway down the whole text, the bar stays at the bottom of the window
    page.wait_for_timeout(500)
    box = accept.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 1000
    page.screenshot(path=str(ARTIFACTS / "review-long-record-expanded.png"))
    copy = next(r for r in records if r.source.get("kind") == "augment")
    page.goto(f"{server.url}/?reviewer=asha&record={copy.id}")
    record_on_screen(page)
    page.get_by_text(f"Noised copy of {copy.source['parent_id']}").wait_for()
    page.locator("ins").first.wait_for()  # the words the ops put in ...
    page.locator("del").first.wait_for()  # ... and the ones they took out
    shot(page, "review-augmented-diff.png")
    page.context.close()


def test_two_reviewers_on_one_record(browser, server, chats):
    store = ReviewStore(server.root / "review.db")
    rid = chats[2].id
    meera, ravi = (open_as(browser, server.url, name, rid) for name in ("meera", "ravi"))
    meera.bring_to_front()  # key events go to the page in front
    meera.keyboard.press("a")
    record_on_screen(meera, other_than=rid)
    ravi.bring_to_front()
    ravi.keyboard.press("x")
    ravi.get_by_role("button", name="1. wrong or unsafe answer").wait_for()
    ravi.keyboard.press("1")
    ravi.get_by_text("Conflict: record").wait_for()
    assert "meera" in ravi.get_by_text("Conflict: record").inner_text()
    assert record_on_screen(ravi) == rid  # ravi now sees meera's decision
    shot(ravi, "review-conflict.png")
    item = store.item(rid)
    assert (item.status, item.version, item.updated_by) == ("accepted", 1, "meera")
    attempts = [(a["reviewer"], a["action"], a["outcome"], a["base_version"]) for a in store.history(rid)]
    assert attempts == [("meera", "accept", "ok", 0), ("ravi", "reject", "conflict", 0)]
    assert json.loads(store.history(rid)[1]["detail"])["reason"] == REJECT_REASONS[0]
    for page in (meera, ravi):
        page.context.close()


def test_an_unsaved_edit_is_kept_as_a_draft_and_comes_back(browser, server, chats):
    """Typing, then the tab is gone (a closed laptop, a crash): the text is in review.db, and a new session
    (what a reconnect after a server restart is) puts it back into the edit box."""
    rec = chats[3]
    page = open_as(browser, server.url, "meera", rec.id)
    press(page, "q_edit")
    page.wait_for_function(EDIT_FOCUSED, timeout=60_000)
    page.keyboard.type(" yeh draft bach jayega")
    # no blur, no save: a pause in typing hands the text to the server, which keeps it as a draft
    conn = sqlite3.connect(server.root / "review.db")
    for _ in range(60):
        row = conn.execute("SELECT messages_json FROM drafts WHERE record_id = ?", (rec.id,)).fetchone()
        if row and json.loads(row[0])[-1]["content"].endswith(" yeh draft bach jayega"):
            break
        page.wait_for_timeout(250)
    page.context.close()
    assert row and json.loads(row[0])[-1]["content"] == rec.messages[-1]["content"] + " yeh draft bach jayega"
    assert ReviewStore(server.root / "review.db").item(rec.id).version == 0  # a draft is not an edit
    page = open_as(browser, server.url, "meera", rec.id)
    page.get_by_text("Your unsaved edit of this record").wait_for()
    box = page.locator('textarea[aria-label^="Edit turn"]').last  # the last turn, where the typing went
    assert box.input_value().endswith(" yeh draft bach jayega")
    page.screenshot(path=str(ARTIFACTS / "review-draft-restored.png"))
    page.locator(".st-key-q_cancel_edit button").click()  # cancelling drops the draft
    page.locator(".st-key-q_cancel_edit").wait_for(state="detached")
    assert conn.execute("SELECT COUNT(*) FROM drafts WHERE record_id = ?", (rec.id,)).fetchone()[0] == 0
    page.context.close()


def test_a_stage_with_no_records(browser, tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("curated", [])
    srv = start_review(ws.root, "--reviewer", "asha")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(srv.url)
        page.get_by_text("Stage curated has 0 records: nothing to review").wait_for()
        page.screenshot(path=str(ARTIFACTS / "review-empty-queue.png"))
        for name, ready in (
            ("Browse", "nothing to browse"),
            ("Dashboard", "no distributions to show"),
            ("Export", "No review decisions"),
            ("Train", "No export yet"),
        ):
            page.get_by_role("link", name=name).click()
            page.get_by_text(ready).first.wait_for()
            page.screenshot(path=str(ARTIFACTS / f"review-empty-{name.lower()}.png"))
        assert not page.get_by_text("Traceback").count() and not page.get_by_text("IndexError").count()
        page.close()
    finally:
        srv.stop()
