"""Queue: one record at a time, decided from the keyboard.

Every action runs in a button callback (:mod:`tadka.apps.review.queue_actions`), before the page is
drawn again, so the next record is on screen in the same rerun. A write names the item version the
reviewer saw; when someone else changed the record meanwhile, a decision is refused and the reviewer
sees who, and an edit is merged turn by turn (a turn both changed shows both texts to choose from).
The action bar sticks to the bottom of the window, so a long record never pushes it out of reach.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from tadka.apps.review import context, widgets
from tadka.apps.review import queue_actions as act
from tadka.apps.review.history import show_history
from tadka.apps.review.record_view import length_badge, show_chat, show_facts, show_parent_diff, show_turn_diffs
from tadka.review.config import ORDERS, SCORE_ORDERS
from tadka.review.queue import Queue, Slot

ss = st.session_state
HELP = (
    "**A** accept · **X** reject, then **1–9** a reason · **E** edit, **Ctrl+Enter** saves, **Esc** cancels · "
    "**S** skip · **U** undo · **T** tag · **N** note"
)


def _queue(filters, order: str) -> Queue:
    s, idx, db, who = context.settings(), context.index(), context.store(), context.reviewer()
    key = (idx.version, filters, order, who)
    if ss.get("q_key") != key:
        if ss.get("q_slot") is not None:
            db.release(ss.q_slot.record_id, who)
        q = Queue(idx, db, who, s.cfg, s.seed)
        q.build(filters, order)
        q.skipped = context.reviewer_state().skipped()
        ss.q, ss.q_key, ss.q_slot, ss.q_mode = q, key, None, None
    return ss.q


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
            act.show(slot)
    if ss.get("q_slot") is None:
        act.show(q.next())
    return ss.q_slot


def _orders(idx) -> tuple[list[str], str | None]:
    """The orders this stage can be sorted by, and a note when the configured one cannot be used."""
    has = {"quality": not bool(np.isnan(idx.frame["quality"].to_numpy()).all())} if len(idx) else {"quality": False}
    usable = [o for o in ORDERS if has.get(SCORE_ORDERS.get(o, ""), True)]
    wanted = context.settings().cfg.order
    if wanted in usable:
        return usable, None
    return usable, (
        f"No record of this stage has a quality score, so the queue is in stage order (as stored), "
        f"not '{wanted}'. Run `tadka curate` with the quality scorer to order by it."
    )


def render() -> None:
    idx, db = context.index(), context.store()
    if context.empty_stage("nothing to review"):
        return
    usable, note = _orders(idx)
    default = context.settings().cfg.order if note is None else "stage"
    order = st.sidebar.selectbox("Queue order", usable, index=usable.index(default), key="q_order")
    if note:
        st.sidebar.caption(note)
    filters = widgets.filter_sidebar(idx, db, "q", default_statuses=["pending"])
    q = _queue(filters, order)
    if q.skipped:
        st.sidebar.button(f"Show my {len(q.skipped)} skipped again", key="q_unskip", on_click=act.unskip_all)
    widgets.sticky_css()
    _body()


def _side_panel(slot: Slot, original) -> None:
    db = context.store()
    show_facts(original, ops=not _has_parent(original))
    tags = db.tags_of(slot.record_id)
    if tags:
        cols = st.columns(min(len(tags), 4))
        for i, tag in enumerate(tags):
            cols[i % len(cols)].button(
                f"✕ {tag}",
                key=f"untag_{slot.record_id}_{tag}",
                on_click=act.remove_tag,
                args=(tag,),
                help="remove this tag",
            )
    with st.form("q_tag_form", clear_on_submit=True, border=False):
        st.text_input("Add tag", key="q_tag", placeholder="T, type, Enter")
        st.form_submit_button("Tag", on_click=act.add_tag)
    for note in db.notes_of(slot.record_id):
        st.caption(f":material/sticky_note_2: {note['reviewer']}: {note['text']}")
    with st.form("q_note_form", clear_on_submit=True, border=False):
        st.text_area("Add note", key="q_note", height=68, placeholder="N, type, Ctrl+Enter")
        st.form_submit_button("Note", on_click=act.add_note)


def _has_parent(record) -> bool:
    """A copy made from another record (augment, translate …): it is shown as a diff against that one."""
    return bool(record.source.get("parent_id")) and record.source.get("kind") != "edit"


def _reject_panel() -> None:
    reasons = context.settings().cfg.reject_reasons
    st.markdown("**Reject because…**")
    cols = st.columns(3)
    for i, reason in enumerate(reasons):
        cols[i % 3].button(
            f"{i + 1}. {reason}" if i < 9 else reason,
            key=f"q_reason_{i}",
            shortcut=str(i + 1) if i < 9 else None,
            on_click=act.decide,
            args=("rejected", reason),
            width="stretch",
        )
    with st.form("q_other_form", clear_on_submit=True, border=False):
        st.text_input("Other reason", key="q_other_reason")
        st.form_submit_button("Reject with this reason", on_click=act.reject_other)
    st.button("Cancel", key="q_cancel_reject", shortcut="Escape", on_click=act.set_mode, args=(None,))


def _edit_panel(slot: Slot) -> None:
    """One box per turn, outside a form: each change goes to the server (and into the draft)."""
    ed = ss.q_ed
    with st.container(border=True):
        for i, turn in enumerate(ed["seen"]):
            key = act.box_key(slot.record_id, i)
            text = ss.get(key, turn["content"])
            lines = text.count("\n") + len(text) // 90 + 2
            st.text_area(
                f"Edit turn {i + 1} ({turn['role']})",
                key=key,
                height=min(68 + 24 * lines, 400),
                on_change=act.save_draft,
            )
        if ed["base_version"] != slot.item.version:
            st.caption(
                f"You are editing version {ed['base_version']}; saving puts your changed turns on top "
                f"of version {slot.item.version}."
            )


def _conflict_panel(slot: Slot) -> None:
    """Both texts of each turn that both sides changed, side by side; the reviewer picks or merges."""
    cf = ss.q_cf
    merge = cf["merge"]
    others = sorted(set(merge.mine) - {c.turn for c in merge.conflicts})
    with st.container(border=True, key="q_conflict"):
        st.markdown(
            f"**{cf['by']} also changed {'these turns' if len(merge.conflicts) > 1 else 'this turn'}** "
            f"(version {cf['version']}). Choose which text to keep, or merge them by hand."
            + (f" Your other changed turns ({', '.join(str(t + 1) for t in others)}) are kept." if others else "")
        )
        for t in merge.conflicts:
            st.markdown(f"Turn {t.turn + 1} · {t.role}")
            theirs, mine = st.columns(2)
            with theirs.container(border=True):
                st.caption(f"Theirs ({cf['by']})")
                st.text(t.theirs)
            with mine.container(border=True):
                st.caption("Yours")
                st.text(t.mine)
            choice = st.radio(
                f"Keep for turn {t.turn + 1}",
                ["theirs", "yours", "merge by hand"],
                index=None,
                horizontal=True,
                key=f"cf_{slot.record_id}_{t.turn}",
            )
            if choice == "merge by hand":
                key = f"cfm_{slot.record_id}_{t.turn}"
                ss.setdefault(key, t.mine)
                st.text_area(f"Merged turn {t.turn + 1}", key=key, height=160)


def _action_bar(slot: Slot | None) -> None:
    """The buttons that stay on screen: the decisions, or — while editing — save and cancel."""
    mode = ss.get("q_mode")
    with st.container(key="actions"):
        cols = st.columns(5)
        if slot is not None and mode == "edit":
            cols[0].button(
                "Save edit",
                key="q_save_edit",
                type="primary",
                shortcut="Ctrl+Enter",
                on_click=act.save_edit,
                width="stretch",
            )
            cols[1].button(
                "Cancel edit", key="q_cancel_edit", shortcut="Escape", on_click=act.cancel_edit, width="stretch"
            )
        elif slot is not None and mode == "conflict":
            cols[0].button("Save resolution", key="q_resolve", type="primary", on_click=act.resolve, width="stretch")
            cols[1].button("Discard my edit", key="q_discard", on_click=act.cancel_edit, width="stretch")
        elif slot is not None:
            cols[0].button(
                "Accept",
                key="q_accept",
                shortcut="A",
                type="primary",
                on_click=act.decide,
                args=("accepted",),
                width="stretch",
            )
            cols[1].button(
                "Reject…", key="q_reject", shortcut="X", on_click=act.set_mode, args=("reject",), width="stretch"
            )
            cols[2].button("Edit", key="q_edit", shortcut="E", on_click=act.set_mode, args=("edit",), width="stretch")
            cols[3].button("Skip", key="q_skip", shortcut="S", on_click=act.skip, width="stretch")
        cols[4].button(
            "Undo",
            key="q_undo_btn",
            shortcut="U",
            on_click=act.undo,
            width="stretch",
            disabled=not context.reviewer_state().can_undo(),
        )


@st.fragment
def _body() -> None:
    """The record and its actions: a fragment, so an action reruns only this, not the sidebar and nav."""
    idx, db = context.index(), context.store()
    q: Queue = ss.q
    slot = _slot(q)
    context.show_flash()
    counts = context.queue_counts()
    done = len(idx) - counts.get("pending", 0)
    st.progress(
        done / max(len(idx), 1),
        text=f"{done:,} of {len(idx):,} decided · {len(q) - q.cursor:,} left in this queue"
        + (f" · last: {ss.q_last}" if ss.get("q_last") else ""),
    )
    if slot is None:
        st.success("Nothing left in this queue: change the filters, or look in Browse.")
        _action_bar(None)
        widgets.keys_script()
        return
    original = idx.record(slot.row)
    blind = act.blind(slot)
    # a blind reviewer sees the record as it came, not the others' status or edits
    live = slot.item if blind else db.item(slot.record_id)
    current = original if blind else (live.current() or original)
    if live.version != slot.item.version:
        st.warning(
            f"{live.updated_by} changed this record since you opened it (now {live.status}, "
            f"version {live.version}): a decision based on your view will be refused; an edit keeps "
            f"the turns you changed."
        )
        st.button("Load their version", key="q_reload", shortcut="L", on_click=act.reload)
    _record(slot, original, live, current, blind)
    mode = ss.get("q_mode")
    if mode is None:
        from tadka.apps.review import label_panel  # image-label records: relabel with 1-9

        label_panel.render(current)
    if mode == "reject":
        _reject_panel()
    elif mode == "edit":
        _edit_panel(slot)
    elif mode == "conflict":
        _conflict_panel(slot)
    _action_bar(slot)
    st.caption(HELP)
    focus = 'textarea[aria-label^="Edit turn"]' if mode == "edit" else None
    widgets.keys_script(focus, nonce=f"{slot.record_id}:{mode}")


def _record(slot: Slot, original, live, current, blind: bool) -> None:
    s, idx, db = context.settings(), context.index(), context.store()
    with st.container(key=f"rec-{slot.record_id}"):
        chars = sum(len(m["content"]) for m in current.messages)
        if blind:
            head = f"**shared record (double review)** · `{slot.record_id}`"
        else:
            head = (
                f"{widgets.STATUS_ICON.get(live.status, '')} **{live.status}** · `{slot.record_id}` · "
                f"version {live.version}"
            )
        st.markdown(
            f"{head} · {original.lang} · {original.source.get('kind', 'import')} "
            f"{length_badge(chars, s.cfg.collapse_chars)}"
        )
        left, right = st.columns([3, 1])
        with left:
            show_chat(current, s.root, collapse=s.cfg.collapse_chars, key=f"q_{slot.record_id}")
            if not blind and live.current_json:
                with st.expander("Edited: diff against the original", expanded=True):
                    show_turn_diffs(original, current)
            if _has_parent(original):
                row = idx.row_of.get(original.source["parent_id"])
                show_parent_diff(original, idx.record(row) if row is not None else None)
        with right:
            _side_panel(slot, original)
            if blind:
                st.caption("Shared record: others' labels stay hidden until you decide.")
        if not blind:
            show_history(slot, original, current, db)


if __name__ == "__main__":  # run as a page by st.navigation
    render()
