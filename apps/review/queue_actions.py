"""What the Queue page's buttons do (Streamlit callbacks, run before the page is drawn again).

Every write names the item version the reviewer saw. An edit also names the text it was typed on,
so a save after someone else's change writes only the turns this reviewer changed (see
:mod:`tadka.review.merge`); the same turn changed by both opens a resolution panel with both texts.
The text being typed is kept in review.db as a draft until it is saved or cancelled, and skips and
undo steps are kept there per reviewer, so a reconnect or a restart loses none of them.
"""

from __future__ import annotations

import time

import streamlit as st

from tadka.apps.review import context
from tadka.errors import ConflictError, InputError
from tadka.records import Record
from tadka.review.merge import merge_turns
from tadka.review.queue import Slot
from tadka.review.session import Draft
from tadka.review.store import Change, EditConflict

ss = st.session_state


def _plain(messages: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def box_key(record_id: str, turn: int) -> str:
    return f"edit_{record_id}_{turn}"


def _clear_boxes(record_id: str) -> None:
    for k in [
        k
        for k in ss
        if isinstance(k, str)
        and (
            k.startswith(f"edit_{record_id}_") or k.startswith(f"cf_{record_id}_") or k.startswith(f"cfm_{record_id}_")
        )
    ]:
        del ss[k]


# -- showing and moving ------------------------------------------------------------------------
def show(slot: Slot | None) -> None:
    """Put a record on screen with its full item (the version every action will be based on); an
    unsaved edit of this reviewer on it comes back into the edit boxes."""
    if slot is not None:
        slot.item = context.store().item(slot.record_id)
    ss.q_slot, ss.q_mode, ss.q_ed, ss.q_cf = slot, None, None, None
    if slot is None:
        return
    draft = context.reviewer_state().draft(slot.record_id)
    if draft is not None:
        begin_edit(slot, None, draft)
        when = time.strftime("%H:%M", time.localtime(draft.updated_at))
        context.flash("info", f"Your unsaved edit of this record (typed at {when}) is back in the boxes.")


def advance(slot: Slot) -> None:
    if not slot.opened:
        ss.q.cursor = max(ss.q.cursor, slot.pos + 1)
    ss.q_slot, ss.q_mode, ss.q_ed, ss.q_cf = None, None, None, None
    if "record" in st.query_params:  # a link opens its record once; the queue goes on from there
        del st.query_params["record"]
    ss.q_linked = None


def blind(slot: Slot) -> bool:
    """A shared record this reviewer has not labelled yet: others' labels are hidden from them."""
    who = context.reviewer()
    return slot.overlap and who not in context.store().labelers([slot.record_id]).get(slot.record_id, set())


def _conflict(slot: Slot, e: ConflictError) -> None:
    context.flash("error", f"Conflict: {e}")
    slot.item = context.store().item(slot.record_id)  # now showing their change; the next action builds on it


def _original(slot: Slot) -> Record:
    return context.index().record(slot.row)


# -- decisions ---------------------------------------------------------------------------------
def decide(label: str, reason: str | None = None) -> None:
    slot, db = ss.q_slot, context.store()
    try:
        change = db.decide(
            slot.record_id,
            label,
            stage=context.settings().stage,
            reviewer=context.reviewer(),
            base_version=slot.item.version,
            reason=reason,
            blind=blind(slot),
        )
    except ConflictError as e:
        _conflict(slot, e)
        return
    context.reviewer_state().push_undo("change", slot.record_id, change.to_dict())
    ss.q_last = f"{label} {slot.record_id}" + (f" ({reason})" if reason else "")
    if change.label_only:
        context.flash(
            "info",
            f"Your label on shared record {slot.record_id} is kept for agreement; the record "
            f"stays {change.after.status} ({change.after.updated_by} decided it first).",
        )
    advance(slot)


def reject_other() -> None:
    reason = ss.get("q_other_reason", "").strip()
    if not reason:
        context.flash("warning", "type a reason, or pick one with 1–9")
        return
    decide("rejected", reason)


def set_mode(mode: str | None) -> None:
    slot = ss.q_slot
    if mode == "edit" and slot is not None:
        begin_edit(slot, (slot.item.current() or _original(slot)))
        return
    if mode is None and slot is not None and ss.get("q_mode") in ("edit", "conflict"):
        cancel_edit()
        return
    ss.q_mode = mode


# -- editing -----------------------------------------------------------------------------------
def begin_edit(slot: Slot, current: Record | None, draft: Draft | None = None) -> None:
    """Open the edit boxes on ``current`` (the version on screen), or on a saved draft."""
    if draft is not None:
        seen, base_version, texts = draft.seen, draft.base_version, [m["content"] for m in draft.messages]
    else:
        seen, base_version = _plain(current.messages), slot.item.version
        texts = [m["content"] for m in seen]
    ss.q_ed = {"record_id": slot.record_id, "base_version": base_version, "seen": seen}
    for i, text in enumerate(texts):
        ss[box_key(slot.record_id, i)] = text
    ss.q_mode = "edit"


def typed() -> list[dict]:
    ed = ss.q_ed
    return [
        {"role": t["role"], "content": ss.get(box_key(ed["record_id"], i), t["content"])}
        for i, t in enumerate(ed["seen"])
    ]


def save_draft() -> None:
    """An edit box changed (on blur, Ctrl+Enter, or a pause in typing): keep the text in review.db."""
    ed = ss.get("q_ed")
    if ed:
        context.reviewer_state().save_draft(ed["record_id"], ed["base_version"], ed["seen"], typed())


def cancel_edit() -> None:
    slot = ss.q_slot
    if slot is not None:
        context.reviewer_state().drop_draft(slot.record_id)
        _clear_boxes(slot.record_id)
    ss.q_mode, ss.q_ed, ss.q_cf = None, None, None


def save_edit() -> None:
    slot, ed = ss.q_slot, ss.q_ed
    _write_edit(slot, typed(), ed["base_version"], ed["seen"], "edit")


def _write_edit(slot: Slot, messages: list[dict], base_version: int, seen: list[dict], kind: str) -> None:
    db = context.store()
    try:
        change = db.edit(
            _original(slot),
            messages,
            stage=context.settings().stage,
            reviewer=context.reviewer(),
            base_version=base_version,
            seen=seen,
            kind=kind,
        )
    except EditConflict as e:
        _enter_conflict(slot, e.merge, e.current, e.changed_by, messages)
        context.flash("warning", f"Conflict: {e}")
        return
    except ConflictError as e:  # a decision (a reject) came in between: show it, keep the edit in the boxes
        _conflict(slot, e)
        rebase(slot)
        context.flash("info", "Your edit is still in the boxes: save again to apply it to their version.")
        return
    except InputError as e:
        if kind == "resolve" and e.message == "nothing changed":
            context.flash("info", "You kept their text everywhere: nothing to save.")
            cancel_edit()
            return
        context.flash("warning", f"Not saved: {e}")
        return
    _finish_edit(slot, change)


def _finish_edit(slot: Slot, change: Change) -> None:
    context.reviewer_state().drop_draft(slot.record_id)
    _clear_boxes(slot.record_id)
    context.reviewer_state().push_undo("change", slot.record_id, change.to_dict())
    ss.q_last = f"edited {slot.record_id} → {change.record.id}"
    if change.merged_over is not None:
        turns = ", ".join(str(t + 1) for t in change.turns)
        context.flash(
            "info",
            f"Merged: your turn {turns} saved on top of {change.before.updated_by}'s version "
            f"{change.merged_over} (now version {change.after.version}).",
        )
    advance(slot)


def _enter_conflict(slot: Slot, merge, current, changed_by: str | None, mine: list[dict]) -> None:
    theirs = _plain((current.current() or _original(slot)).messages)
    ss.q_cf = {
        "record_id": slot.record_id,
        "version": current.version,
        "by": changed_by or "someone",
        "merge": merge,
        "theirs": theirs,
        "mine": mine,
    }
    slot.item = current
    ss.q_mode = "conflict"


def rebase(slot: Slot) -> None:
    """Move the edit in the boxes onto the version now in review.db: turns only this reviewer changed
    stay, turns only the other side changed are taken, a turn both changed opens the resolution panel."""
    ed = ss.get("q_ed")
    item = context.store().item(slot.record_id)
    slot.item = item
    if not ed:
        return
    theirs = _plain((item.current() or _original(slot)).messages)
    merge = merge_turns(ed["seen"], typed(), theirs)
    if merge.conflicts:
        _enter_conflict(slot, merge, item, item.updated_by, typed())
        return
    ss.q_ed = {**ed, "base_version": item.version, "seen": theirs}
    for i, m in enumerate(merge.messages):
        ss[box_key(slot.record_id, i)] = m["content"]
    save_draft()


def resolve() -> None:
    """Save the resolution: their text with this reviewer's other turns, and the text chosen for each
    conflicting turn (theirs, mine, or one merged by hand)."""
    slot, cf = ss.q_slot, ss.q_cf
    messages = [dict(m) for m in cf["merge"].messages]
    for t in cf["merge"].conflicts:
        choice = ss.get(f"cf_{slot.record_id}_{t.turn}")
        if choice is None:
            context.flash("warning", f"choose a text for turn {t.turn + 1} first")
            return
        messages[t.turn]["content"] = {"theirs": t.theirs, "yours": t.mine}.get(
            choice, ss.get(f"cfm_{slot.record_id}_{t.turn}", t.mine)
        )
    _write_edit(slot, messages, cf["version"], cf["theirs"], "resolve")


# -- skip, undo, reload, tags, notes, history ---------------------------------------------------
def skip() -> None:
    slot = ss.q_slot
    state = context.reviewer_state()
    state.skip(slot.record_id)
    ss.q.skipped.add(slot.record_id)
    context.store().release(slot.record_id, context.reviewer())
    state.push_undo("skip", slot.record_id)
    ss.q_last = f"skipped {slot.record_id}"
    advance(slot)


def unskip_all() -> None:
    n = context.reviewer_state().unskip()
    ss.q.skipped.clear()
    ss.q_key = None  # rebuild the queue: the skipped records are due again
    context.flash("info", f"{n} skipped record{'s' if n != 1 else ''} back in your queue")


def reload() -> None:
    slot = ss.q_slot
    if ss.get("q_mode") == "edit":
        rebase(slot)
        return
    show(ss.q.slot_for(slot.record_id))


def undo() -> None:
    state, db, who = context.reviewer_state(), context.store(), context.reviewer()
    step = state.last_undo()
    if step is None:
        context.flash("info", "nothing to undo")
        return
    state.drop_undo(step)
    rid = step.record_id
    if step.kind == "change":
        change = Change.from_dict(step.payload)
        try:
            db.undo(change, reviewer=who)
        except ConflictError as e:
            context.flash("error", f"Undo refused: {e}")
            return
        ss.q_last = f"undid {change.action} of {rid}"
    elif step.kind == "tag":
        db.remove_tag(rid, step.payload, reviewer=who)
        ss.q_last = f"removed tag {step.payload!r} from {rid}"
        return
    elif step.kind == "note":
        db.delete_note(step.payload, reviewer=who)
        ss.q_last = f"removed note from {rid}"
        return
    else:
        state.unskip(rid)
        ss.q.skipped.discard(rid)
        ss.q_last = f"back to {rid}"
    if ss.get("q_slot") is not None and ss.q_slot.record_id != rid:
        db.release(ss.q_slot.record_id, who)
    if context.settings().cfg.claim_minutes > 0:
        db.claim(rid, who, context.settings().cfg.claim_minutes * 60)
    show(ss.q.slot_for(rid))


def add_tag() -> None:
    tag = ss.get("q_tag", "").strip()
    rid = ss.q_slot.record_id
    if tag and context.store().add_tag(rid, tag, reviewer=context.reviewer()):
        context.reviewer_state().push_undo("tag", rid, " ".join(tag.split()))


def remove_tag(tag: str) -> None:
    context.store().remove_tag(ss.q_slot.record_id, tag, reviewer=context.reviewer())


def add_note() -> None:
    text = ss.get("q_note", "").strip()
    rid = ss.q_slot.record_id
    if text:
        note = context.store().add_note(rid, text, reviewer=context.reviewer())
        context.reviewer_state().push_undo("note", rid, note)


def restore(label: str) -> None:
    """Make an earlier text of the record on screen its current one (a new version)."""
    slot, db = ss.q_slot, context.store()
    original = _original(slot)
    version = next((v for v in db.text_versions(original) if v.label == label), None)
    if version is None:
        context.flash("warning", f"no version {label} of {slot.record_id}")
        return
    try:
        change = db.restore(
            original,
            version,
            stage=context.settings().stage,
            reviewer=context.reviewer(),
            base_version=slot.item.version,
        )
    except ConflictError as e:
        _conflict(slot, e)
        return
    except InputError as e:
        context.flash("warning", f"Not restored: {e}")
        return
    context.reviewer_state().push_undo("change", slot.record_id, change.to_dict())
    ss.q_last = f"restored {label} of {slot.record_id}"
    context.flash("success", f"Restored {label} as version {change.after.version} (now {change.after.status}).")
    show(ss.q.slot_for(slot.record_id))
