"""Browse: the stage as a filterable, searchable table, with bulk accept / reject / tag on the ticked rows.

Only the shown page of rows becomes Python objects; filtering and search (over the current, edited
text) run on the cached stage index. What a bulk action touches is exactly what is ticked on screen:

* the table widget gets a new key after every action and every change of page or filter, so the
  ticks drawn and the selection counted are always the same (before, old ticks lingered in the
  browser and came back with the next click);
* clicking Accept / Reject / Tag only takes a snapshot of the ticked rows and their versions and asks
  for confirmation, naming the count and the action; the confirmed write uses that snapshot;
* a row someone changed after it was drawn is refused (and listed), never overwritten;
* no reject reason is preselected, and messages are drawn below the buttons, so the table never moves.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from tadka.apps.review import context, widgets
from tadka.apps.review.record_view import show_chat, show_facts, show_parent_diff, show_turn_diffs
from tadka.errors import ConflictError

ss = st.session_state
PAGE_SIZE = 100
COLUMNS = [
    "select",
    "status",
    "id",
    "first turn",
    "lang",
    "source",
    "quality",
    "cmi",
    "flags",
    "tags",
    "turns",
    "version",
]
VERB = {"accepted": "Accept", "rejected": "Reject", "tag": "Tag"}


def _fresh_table() -> None:
    """A new table widget: no ticks drawn, none counted."""
    ss.b_nonce = ss.get("b_nonce", 0) + 1


def _ask(action: str) -> None:
    """Snapshot what is ticked now and ask for confirmation (nothing is written yet)."""
    chosen = list(ss.get("b_selected", []))
    if not chosen:
        context.flash("warning", "tick rows first (the select column)")
        return
    if action == "rejected" and not ss.get("b_reason"):
        context.flash("warning", "choose a reject reason first")
        return
    if action == "tag" and not ss.get("b_tag", "").strip():
        context.flash("warning", "type a tag first")
        return
    ss.b_confirm = {
        "action": action,
        "ids": chosen,
        "versions": {rid: ss.b_shown[rid] for rid in chosen},
        "reason": ss.get("b_reason") if action == "rejected" else None,
        "tag": ss.get("b_tag", "").strip() if action == "tag" else None,
    }


def _cancel() -> None:
    ss.pop("b_confirm", None)


def _apply() -> None:
    """The confirmed bulk write, on the snapshot taken when the button was clicked."""
    job = ss.pop("b_confirm", None)
    if not job:
        return
    db, who, stage = context.store(), context.reviewer(), context.settings().stage
    done, refused = 0, []
    for rid in job["ids"]:
        try:
            if job["action"] == "tag":
                done += db.add_tag(rid, job["tag"], reviewer=who)
            else:
                db.decide(
                    rid,
                    job["action"],
                    stage=stage,
                    reviewer=who,
                    base_version=job["versions"][rid],
                    reason=job["reason"],
                )
                done += 1
        except ConflictError as e:
            refused.append(f"{rid} ({e.changed_by})")
    what = {"accepted": "accepted", "rejected": f"rejected ({job['reason']})", "tag": f"tagged '{job['tag']}'"}
    context.flash("success", f"{what[job['action']]}: {done} of {len(job['ids'])} ticked")
    if refused:
        context.flash(
            "error", "Conflict: changed by someone after you loaded the table, not applied: " + ", ".join(refused)
        )
    ss.b_all = False
    _fresh_table()


@st.dialog("Confirm", on_dismiss=_cancel)
def _confirm() -> None:
    job = ss.get("b_confirm")
    if not job:  # a dialog is a fragment: after its button's callback ran, redraw the page (and close it)
        st.rerun()
    n, verb = len(job["ids"]), VERB[job["action"]]
    extra = {"rejected": f" as '{job['reason']}'", "tag": f" with '{job['tag']}'"}.get(job["action"], "")
    st.markdown(f"**{verb} {n} record{'s' if n != 1 else ''}{extra}?**")
    st.caption(", ".join(job["ids"][:12]) + (f" and {n - 12} more" if n > 12 else ""))
    cols = st.columns(2)
    cols[0].button(f"{verb} {n}", key="b_confirm_yes", type="primary", on_click=_apply, width="stretch")
    cols[1].button("Cancel", key="b_confirm_no", on_click=_cancel, width="stretch")


def _open(record_id: str) -> None:
    ss.q_open = record_id


def _table(idx, db, part, snap) -> tuple[pd.DataFrame, list, dict]:
    edited = context.current_texts()
    records = [db.item(r.id).current() if r.id in edited else r for r in idx.records(part)]  # what is current
    ids = [idx.frame["id"].iloc[p] for p in part]
    tags = db.tags_by_record()
    frame = idx.frame.iloc[part]
    shown = {rid: snap.get(rid, ("pending", 0)) for rid in ids}
    table = pd.DataFrame(
        {
            "select": ss.get("b_all", False),
            "status": [shown[rid][0] for rid in ids],
            "id": ids,
            "first turn": [next((m["content"] for m in r.messages if m["role"] == "user"), "")[:160] for r in records],
            "lang": frame["lang"].astype(str).to_numpy(),
            "source": frame["source"].astype(str).to_numpy(),
            "quality": frame["quality"].to_numpy(),
            "cmi": frame["cmi"].to_numpy(),
            "flags": [", ".join(r.flags) for r in records],
            "tags": [", ".join(tags.get(rid, [])) for rid in ids],
            "turns": frame["turns"].to_numpy(),
            "version": [shown[rid][1] for rid in ids],
        },
        columns=COLUMNS,
    )
    return table, ids, shown


def _preview(idx, ids: list[str], selected: list[str], snippets: dict[str, str]) -> None:
    """The whole record (current text), of the row ticked last, or one picked here."""
    s, db = context.settings(), context.store()
    st.markdown("**Preview**")
    if not ids:
        return
    before = set(ss.get("b_prev_selected", []))
    fresh = [rid for rid in selected if rid not in before]
    ss.b_prev_selected = selected
    if fresh:
        ss.b_preview = fresh[-1]
    if ss.get("b_preview") not in ids:
        ss.b_preview = selected[-1] if selected else ids[0]
    rid = st.selectbox(
        "Record",
        ids,
        key="b_preview",
        label_visibility="collapsed",
        format_func=lambda r: f"{r} · {snippets.get(r, '')[:80]}",
    )
    original = idx.record(idx.row_of[rid])
    item = db.item(rid)
    current = item.current() or original
    st.caption(
        f"{item.status} · version {item.version} · {original.lang} · {original.source.get('kind', 'import')}"
        + (f" · edited by {item.updated_by}" if item.current_json else "")
    )
    left, right = st.columns([3, 1])
    with left:
        show_chat(current, s.root, collapse=s.cfg.collapse_chars, key=f"b_{rid}")
        if item.current_json:
            st.markdown("*Edited: diff against the original*")
            show_turn_diffs(original, current)
        copy = bool(original.source.get("parent_id")) and original.source.get("kind") != "edit"
        if copy:
            row = idx.row_of.get(original.source["parent_id"])
            show_parent_diff(original, idx.record(row) if row is not None else None)
    with right:
        show_facts(original, ops=not copy)


def render() -> None:
    s, idx, db = context.settings(), context.index(), context.store()
    if context.empty_stage("nothing to browse"):
        return
    filters = widgets.filter_sidebar(idx, db, "b", default_statuses=[])
    search = st.text_input("Search", key="b_search", placeholder="words in any turn, edited text included")
    f = replace(filters, search=search)
    snap = context.statuses()
    rows = idx.filter_rows(
        f, tagged=db.ids_tagged(f.tags) if f.tags else None, statuses=snap, current=context.current_texts()
    )
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    top = st.columns([3, 1, 1])
    page = top[1].number_input("Page", min_value=1, max_value=pages, value=1, step=1, key="b_page")
    top[2].toggle("Tick all on page", key="b_all", on_change=_fresh_table)
    top[0].markdown(f"**{len(rows):,}** of {len(idx):,} records match · page {page} of {pages}")
    part = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    table, ids, shown = _table(idx, db, part, snap)
    view_key = (tuple(ids), ss.get("b_all", False))
    if ss.get("b_view") != view_key:  # another page or filter: old ticks must not apply to new rows
        ss.b_view = view_key
        _fresh_table()
    edited = st.data_editor(
        table,
        key=f"b_table_{ss.get('b_nonce', 0)}",
        hide_index=True,
        width="stretch",
        height=420,
        disabled=[c for c in COLUMNS if c != "select"],
        column_config={
            "select": st.column_config.CheckboxColumn("select", width="small"),
            "quality": st.column_config.NumberColumn(format="%.2f"),
            "cmi": st.column_config.NumberColumn(format="%.1f"),
        },
    )
    ss.b_shown = {rid: version for rid, (_status, version) in shown.items()}
    ss.b_selected = [rid for rid, tick in zip(edited["id"], edited["select"]) if tick]
    _bar(s, len(ss.b_selected))
    context.show_flash()  # below the buttons: a message never pushes the table down
    if ss.get("b_confirm"):
        _confirm()
    _preview(idx, ids, ss.b_selected, dict(zip(table["id"], table["first turn"])))


def _bar(s, n: int) -> None:
    bar = st.columns([1, 1, 2, 1, 2, 1, 1], vertical_alignment="center")
    bar[0].markdown(f"**{n} selected**")
    bar[1].button(f"Accept {n}", key="b_accept", type="primary", on_click=_ask, args=("accepted",), disabled=not n)
    bar[2].selectbox(
        "Reason",
        s.cfg.reject_reasons,
        index=None,
        key="b_reason",
        label_visibility="collapsed",
        placeholder="reject reason…",
    )
    bar[3].button(
        f"Reject {n}", key="b_reject", on_click=_ask, args=("rejected",), disabled=not n or not ss.get("b_reason")
    )
    bar[4].text_input("Tag", key="b_tag", label_visibility="collapsed", placeholder="tag")
    bar[5].button(f"Tag {n}", key="b_tag_btn", on_click=_ask, args=("tag",), disabled=not n)
    if n == 1 and bar[6].button("Open in Queue", key="b_open", on_click=_open, args=(ss.b_selected[0],)):
        st.switch_page("views/queue.py")


if __name__ == "__main__":  # run as a page by st.navigation
    render()
