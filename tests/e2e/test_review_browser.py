"""`tadka review` in a real browser, driven by the keyboard; every action checked in review.db after.

Also: two reviewers in two browser contexts on one record (one write wins, the other is told, the
audit log holds both), and the server SIGKILLed mid-edit (only the unsaved edit is lost, the file is
sound). Screenshots of every page go to tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
import signal
import sqlite3

import pytest

from tadka.review_config import REJECT_REASONS
from tadka.review_store import ReviewStore
from tadka.workspace import Workspace

from .conftest import ARTIFACTS, record_on_screen, sample_workspace, start_review

pytestmark = pytest.mark.e2e
EDIT_FOCUSED = "() => (document.activeElement?.getAttribute('aria-label') || '').startsWith('Edit turn')"


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    ws = sample_workspace(tmp_path_factory.mktemp("e2e") / "ws")
    srv = start_review(ws.root, "--order", "stage")
    yield srv
    srv.stop()


def login(page, url: str, name: str) -> str:
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.keyboard.press("Enter")
    rid = record_on_screen(page)
    page.get_by_label("Your name").wait_for(state="detached")  # else the next keys go into the old input
    return rid


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
    page.wait_for_function(EDIT_FOCUSED)
    page.keyboard.type(" Shukriya!")
    page.screenshot(path=str(ARTIFACTS / "review-queue-edit.png"), full_page=True)
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
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)

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
    assert actions == [(r0, "accept", "ok"), (r1, "reject", "ok"), (r2, "edit", "ok"), (r2, "undo", "ok"),
                       (r2, "tag", "ok"), (r2, "note", "ok")]

    for name, ready in (("Browse", "records match"), ("Dashboard", "Reviewer throughput"), ("Export", "Split seed"),
                        ("Train", "No export yet")):
        page.get_by_role("link", name=name).click()
        page.get_by_text(ready).first.wait_for()
        page.wait_for_timeout(300)  # let charts draw
        page.screenshot(path=str(ARTIFACTS / f"review-{name.lower()}.png"), full_page=True)
    page.close()


def test_two_reviewers_on_one_record(browser, server):
    store = ReviewStore(server.root / "review.db")
    rid = list(Workspace(server.root).records("curated"))[-1].id  # far from where the other test worked
    pages = []
    for name in ("meera", "ravi"):
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.goto(f"{server.url}/?reviewer={name}&record={rid}")
        assert record_on_screen(page) == rid
        pages.append(page)
    meera, ravi = pages
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
    ravi.screenshot(path=str(ARTIFACTS / "review-conflict.png"), full_page=True)
    item = store.item(rid)
    assert (item.status, item.version, item.updated_by) == ("accepted", 1, "meera")
    attempts = [(a["reviewer"], a["action"], a["outcome"], a["base_version"]) for a in store.history(rid)]
    assert attempts == [("meera", "accept", "ok", 0), ("ravi", "reject", "conflict", 0)]
    assert json.loads(store.history(rid)[1]["detail"])["reason"] == REJECT_REASONS[0]
    for page in pages:
        page.context.close()


def test_killed_mid_edit_loses_only_the_unsaved_edit(browser, tmp_path):
    ws = sample_workspace(tmp_path / "ws")
    srv = start_review(ws.root, "--order", "stage", "--reviewer", "asha")
    try:
        page = browser.new_page()
        page.goto(srv.url)
        r0 = record_on_screen(page)
        page.keyboard.press("a")
        r1 = record_on_screen(page, other_than=r0)
        page.keyboard.press("a")
        r2 = record_on_screen(page, other_than=r1)
        page.keyboard.press("e")
        page.wait_for_function(EDIT_FOCUSED)
        page.keyboard.type(" yeh kabhi save nahi hoga")
        srv.proc.send_signal(signal.SIGKILL)
        srv.proc.wait()
        page.close()
    finally:
        srv.stop()
    conn = sqlite3.connect(ws.review_db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ReviewStore(ws.review_db)
    assert store.item(r0).status == "accepted" and store.item(r1).status == "accepted"
    assert store.item(r2).version == 0
    assert conn.execute("SELECT COUNT(*) FROM edits").fetchone()[0] == 0
