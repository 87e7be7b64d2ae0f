"""Queue: one record at a time, decided from the keyboard.

Every action runs in a button callback, before the page is drawn again, so the next record is on
screen in the same rerun. A write names the item version the reviewer saw; when someone else changed
the record meanwhile, the write is refused and the reviewer sees who — an edit's text stays in its
boxes so that nothing typed is lost.
"""

from __future__ import annotations

import time

import streamlit as st

from tadka.apps.review import context, widgets
from tadka.errors import ConflictError, InputError
from tadka.review_config import ORDERS
from tadka.review_queue import Queue, Slot

ss = st.session_state
HELP = ("**A** accept · **X** reject, then **1–9** a reason · **E** edit, **Ctrl+Enter** saves, **Esc** cancels · "
        "**S** skip · **U** undo · **T** tag · **N** note")


# -- state -------------------------------------------------------------------------------------
def _queue(filters, order: str) -> Queue:
    s, idx, db, who = context.settings(), context.index(), context.store(), context.reviewer()
    key = (idx.version, filters, order, who)
    if ss.get("q_key") != key:
        old: Queue | None = ss.get("q")
        if ss.get("q_slot") is not None:
            db.release(ss.q_slot.record_id, who)
        q = Queue(idx, db, who, s.cfg, s.seed)
        q.build(filters, order)
        q.skipped = old.skipped if old else set()
        ss.q, ss.q_key, ss.q_slot, ss.q_mode = q, key, None, None
    ss.setdefault("q_undo", [])
    return ss.q


def _show(slot: Slot | None) -> None:
    """Put a record on screen with its full item (the version every action will be based on)."""
    if slot is not None:
        slot.item = context.store().item(slot.record_id)
    ss.q_slot, ss.q_mode = slot, None


def _slot(q: Queue) -> Slot | None:
    link = ss.pop("q_open", None)
    param = st.query_params.get("record")
    if param and ss.get("q_linked") != param:
        ss.q_linked = link = param
    if link:
        slot = q.slot_for(link)
        if slot is None:
            context.flash("warning", f"no record {link} in stage {q.index.stage}")
        else:
            _show(slot)
    if ss.get("q_slot") is None:
        _show(q.next())
    return ss.q_slot


def _advance(slot: Slot) -> None:
    if not slot.opened:
        ss.q.cursor = max(ss.q.cursor, slot.pos + 1)
    ss.q_slot, ss.q_mode = None, None
    if "record" in st.query_params:  # a link opens its record once; the queue goes on from there
        del st.query_params["record"]
    ss.q_linked = None


def _conflict(slot: Slot, e: ConflictError) -> None:
    context.flash("error", f"Conflict: {e}")
    slot.item = context.store().item(slot.record_id)  # now showing their change; the next action builds on it


def _edit_keys(slot: Slot) -> list[str]:
    return [k for k in ss if isinstance(k, str) and k.startswith(f"edit_{slot.record_id}_")]


# -- actions (button callbacks) ----------------------------------------------------------------
def _blind(slot: Slot) -> bool:
    """A shared record this reviewer has not labelled yet: others' labels are hidden from them."""
    who = context.reviewer()
    return slot.overlap and who not in context.store().labelers([slot.record_id]).get(slot.record_id, set())


def _decide(label: str, reason: str | None = None) -> None:
    slot, db = ss.q_slot, context.store()
    try:
        change = db.decide(slot.record_id, label, stage=context.settings().stage, reviewer=context.reviewer(),
                           base_version=slot.item.version, reason=reason, blind=_blind(slot))
    except ConflictError as e:
        _conflict(slot, e)
        return
    ss.q_undo.append(("change", change, slot.record_id))
    ss.q_last = f"{label} {slot.record_id}" + (f" ({reason})" if reason else "")
    if change.label_only:
        context.flash("info", f"Your label on shared record {slot.record_id} is kept for agreement; the record "
                              f"stays {change.after.status} ({change.after.updated_by} decided it first).")
    _advance(slot)


def _reject_other() -> None:
    reason = ss.get("q_other_reason", "").strip()
    if not reason:
        context.flash("warning", "type a reason, or pick one with 1–9")
        return
    _decide("rejected", reason)


def _save_edit() -> None:
    slot, db, idx = ss.q_slot, context.store(), context.index()
    original = idx.record(slot.row)
    base = slot.item.current() or original
    messages = [{"role": t["role"], "content": ss.get(f"edit_{slot.record_id}_{i}", t["content"])}
                for i, t in enumerate(base.messages)]
    try:
        change = db.edit(original, messages, stage=context.settings().stage, reviewer=context.reviewer(),
                         base_version=slot.item.version)
    except ConflictError as e:
        _conflict(slot, e)
        context.flash("info", "Your edit is still in the boxes: save again to apply it on top of their version.")
        return
    except InputError as e:
        context.flash("warning", f"Not saved: {e}")
        return
    for k in _edit_keys(slot):
        del ss[k]
    ss.q_undo.append(("change", change, slot.record_id))
    ss.q_last = f"edited {slot.record_id} → {change.record.id}"
    _advance(slot)


def _set_mode(mode: str | None) -> None:
    slot = ss.q_slot
    if mode is None and slot is not None:
        for k in _edit_keys(slot):
            del ss[k]
    ss.q_mode = mode


def _skip() -> None:
    slot = ss.q_slot
    ss.q.skipped.add(slot.record_id)
    context.store().release(slot.record_id, context.reviewer())
    ss.q_undo.append(("skip", None, slot.record_id))
    ss.q_last = f"skipped {slot.record_id}"
    _advance(slot)


def _reload() -> None:
    _show(ss.q.slot_for(ss.q_slot.record_id))


def _undo() -> None:
    if not ss.q_undo:
        context.flash("info", "nothing to undo")
        return
    kind, what, rid = ss.q_undo.pop()
    db, who = context.store(), context.reviewer()
    if kind == "change":
        try:
            db.undo(what, reviewer=who)
        except ConflictError as e:
            context.flash("error", f"Undo refused: {e}")
            return
        ss.q_last = f"undid {what.action} of {rid}"
    elif kind == "tag":
        db.remove_tag(rid, what, reviewer=who)
        ss.q_last = f"removed tag {what!r} from {rid}"
        return
    elif kind == "note":
        db.delete_note(what, reviewer=who)
        ss.q_last = f"removed note from {rid}"
        return
    else:
        ss.q.skipped.discard(rid)
        ss.q_last = f"back to {rid}"
    if ss.get("q_slot") is not None and ss.q_slot.record_id != rid:
        db.release(ss.q_slot.record_id, who)
    if context.settings().cfg.claim_minutes > 0:
        db.claim(rid, who, context.settings().cfg.claim_minutes * 60)
    _show(ss.q.slot_for(rid))


def _add_tag() -> None:
    tag = ss.get("q_tag", "").strip()
    rid = ss.q_slot.record_id
    if tag and context.store().add_tag(rid, tag, reviewer=context.reviewer()):
        ss.q_undo.append(("tag", " ".join(tag.split()), rid))


def _remove_tag(tag: str) -> None:
    context.store().remove_tag(ss.q_slot.record_id, tag, reviewer=context.reviewer())


def _add_note() -> None:
    text = ss.get("q_note", "").strip()
    rid = ss.q_slot.record_id
    if text:
        ss.q_undo.append(("note", context.store().add_note(rid, text, reviewer=context.reviewer()), rid))


# -- drawing -----------------------------------------------------------------------------------
def _side_panel(slot: Slot, original, live, who: str) -> None:
    db = context.store()
    widgets.show_facts(original)
    tags = db.tags_of(slot.record_id)
    if tags:
        cols = st.columns(min(len(tags), 4))
        for i, tag in enumerate(tags):
            cols[i % len(cols)].button(f"✕ {tag}", key=f"untag_{slot.record_id}_{tag}", on_click=_remove_tag,
                                       args=(tag,), help="remove this tag")
    with st.form("q_tag_form", clear_on_submit=True, border=False):
        st.text_input("Add tag", key="q_tag", placeholder="T, type, Enter")
        st.form_submit_button("Tag", on_click=_add_tag)
    for note in db.notes_of(slot.record_id):
        st.caption(f":material/sticky_note_2: {note['reviewer']}: {note['text']}")
    with st.form("q_note_form", clear_on_submit=True, border=False):
        st.text_area("Add note", key="q_note", height=68, placeholder="N, type, Ctrl+Enter")
        st.form_submit_button("Note", on_click=_add_note)
    if _blind(slot):
        st.caption("Shared record: others' labels stay hidden until you decide.")
    else:
        with st.expander("History"):
            for row in db.history(slot.record_id):
                when = time.strftime("%m-%d %H:%M:%S", time.localtime(row["ts"]))
                st.caption(f"{when} · {row['reviewer']} · {row['action']} · {row['outcome']}")


def _mode_panel(slot: Slot, current) -> None:
    reasons = context.settings().cfg.reject_reasons
    if ss.q_mode == "reject":
        st.markdown("**Reject because…**")
        cols = st.columns(3)
        for i, reason in enumerate(reasons):
            cols[i % 3].button(f"{i + 1}. {reason}" if i < 9 else reason, key=f"q_reason_{i}",
                               shortcut=str(i + 1) if i < 9 else None, on_click=_decide, args=("rejected", reason),
                               width="stretch")
        with st.form("q_other_form", clear_on_submit=True, border=False):
            st.text_input("Other reason", key="q_other_reason")
            st.form_submit_button("Reject with this reason", on_click=_reject_other)
        st.button("Cancel", key="q_cancel_reject", shortcut="Escape", on_click=_set_mode, args=(None,))
    elif ss.q_mode == "edit":
        with st.form("q_edit_form", border=True):
            for i, turn in enumerate(current.messages):
                key = f"edit_{slot.record_id}_{i}"
                ss.setdefault(key, turn["content"])
                lines = turn["content"].count("\n") + len(turn["content"]) // 90 + 2
                st.text_area(f"Edit turn {i + 1} ({turn['role']})", key=key, height=min(68 + 24 * lines, 400))
            st.form_submit_button("Save edit", type="primary", on_click=_save_edit)
        st.button("Cancel edit", key="q_cancel_edit", shortcut="Escape", on_click=_set_mode, args=(None,))


def _action_bar(slot: Slot | None) -> None:
    cols = st.columns(5)
    if slot is not None:
        cols[0].button("Accept", key="q_accept", shortcut="A", type="primary", on_click=_decide, args=("accepted",),
                       width="stretch")
        cols[1].button("Reject…", key="q_reject", shortcut="X", on_click=_set_mode, args=("reject",),
                       width="stretch")
        cols[2].button("Edit", key="q_edit", shortcut="E", on_click=_set_mode, args=("edit",), width="stretch")
        cols[3].button("Skip", key="q_skip", shortcut="S", on_click=_skip, width="stretch")
    cols[4].button("Undo", key="q_undo_btn", shortcut="U", on_click=_undo, width="stretch",
                   disabled=not ss.get("q_undo"))


def render() -> None:
    s, idx, db = context.settings(), context.index(), context.store()
    order = st.sidebar.selectbox("Queue order", ORDERS, index=ORDERS.index(s.cfg.order), key="q_order")
    filters = widgets.filter_sidebar(idx, db, "q", default_statuses=["pending"])
    _queue(filters, order)
    _body()


@st.fragment
def _body() -> None:
    """The record and its actions: a fragment, so an action reruns only this, not the sidebar and nav."""
    s, idx, db, who = context.settings(), context.index(), context.store(), context.reviewer()
    q: Queue = ss.q
    slot = _slot(q)
    context.show_flash()
    counts = context.queue_counts()
    done = len(idx) - counts.get("pending", 0)
    st.progress(done / max(len(idx), 1),
                text=f"{done:,} of {len(idx):,} decided · {len(q) - q.cursor:,} left in this queue"
                     + (f" · last: {ss.q_last}" if ss.get("q_last") else ""))
    if slot is None:
        st.success("Nothing left in this queue: change the filters, or look in Browse.")
        _action_bar(None)
        widgets.keys_script()
        return
    original = idx.record(slot.row)
    blind = _blind(slot)
    # a blind reviewer sees the record as it came, not the others' status or edits
    live = slot.item if blind else db.item(slot.record_id)
    current = original if blind else (live.current() or original)
    if live.version != slot.item.version:
        st.warning(f"{live.updated_by} changed this record since you opened it (now {live.status}, "
                   f"version {live.version}): an action based on your view will be refused.")
        st.button("Load their version", key="q_reload", shortcut="L", on_click=_reload)
    with st.container(key=f"rec-{slot.record_id}"):
        if blind:
            head = f"**shared record (double review)** · `{slot.record_id}`"
        else:
            head = f"{widgets.STATUS_ICON.get(live.status, '')} **{live.status}** · `{slot.record_id}` · " \
                   f"version {live.version}"
        st.markdown(f"{head} · {original.lang} · {original.source.get('kind', 'import')}")
        left, right = st.columns([3, 1])
        with left:
            widgets.show_chat(current, s.root)
            if not blind and live.current_json:
                with st.expander("Edited: diff against the original", expanded=True):
                    widgets.show_diff(original, current)
        with right:
            _side_panel(slot, original, live, who)
    _mode_panel(slot, current)
    _action_bar(slot)
    st.caption(HELP)
    focus = 'textarea[aria-label^="Edit turn"]' if ss.q_mode == "edit" else None
    widgets.keys_script(focus, nonce=f"{slot.record_id}:{ss.q_mode}")


if __name__ == "__main__":  # run as a page by st.navigation
    render()
