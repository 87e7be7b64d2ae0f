"""Browse: the stage as a filterable, searchable table, with bulk accept / reject / tag on a selection.

Only the shown page of rows becomes Python objects; filtering and search run on the cached stage
index. A bulk write uses the versions the table showed, so a row someone changed after you looked
is refused (and listed), never overwritten.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from tadka.apps.review import context, widgets
from tadka.errors import ConflictError

ss = st.session_state
PAGE_SIZE = 100
COLUMNS = ["select", "status", "id", "first turn", "lang", "source", "quality", "cmi", "flags", "tags", "turns",
           "version"]


def _bulk(label: str | None = None, tag: bool = False) -> None:
    db, who, stage = context.store(), context.reviewer(), context.settings().stage
    chosen = list(ss.get("b_selected", []))
    if not chosen:
        context.flash("warning", "select rows first (tick the select column)")
        return
    done, refused = 0, []
    reason = ss.get("b_reason") if label == "rejected" else None
    for rid in chosen:
        try:
            if tag:
                text = ss.get("b_tag", "").strip()
                if not text:
                    context.flash("warning", "type a tag first")
                    return
                done += db.add_tag(rid, text, reviewer=who)
            else:
                db.decide(rid, label, stage=stage, reviewer=who, base_version=ss.b_shown[rid], reason=reason)
                done += 1
        except ConflictError as e:
            refused.append(f"{rid} ({e.changed_by})")
    what = f"tagged {done}" if tag else f"{label} {done}"
    context.flash("success", f"{what} of {len(chosen)} selected")
    if refused:
        context.flash("error", "Conflict: changed by someone after you loaded the table, not applied: "
                      + ", ".join(refused))
    ss.pop("b_table", None)  # clear the ticks


def _open(record_id: str) -> None:
    ss.q_open = record_id


def render() -> None:
    s, idx, db = context.settings(), context.index(), context.store()
    filters = widgets.filter_sidebar(idx, db, "b", default_statuses=[])
    search = st.text_input("Search", key="b_search", placeholder="words in any turn (case-insensitive)")
    f = replace(filters, search=search)
    snap = context.statuses()
    rows = idx.filter_rows(f, tagged=db.ids_tagged(f.tags) if f.tags else None, statuses=snap)
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    top = st.columns([3, 1, 1])
    page = top[1].number_input("Page", min_value=1, max_value=pages, value=1, step=1, key="b_page")
    top[2].toggle("Tick all on page", key="b_all")
    top[0].markdown(f"**{len(rows):,}** of {len(idx):,} records match · page {page} of {pages}")
    context.show_flash()
    part = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    records = idx.records(part)
    tags = db.tags_by_record()
    frame = idx.frame.iloc[part]
    shown = {r.id: snap.get(r.id, ("pending", 0)) for r in records}
    table = pd.DataFrame({
        "select": ss.get("b_all", False),
        "status": [shown[r.id][0] for r in records],
        "id": [r.id for r in records],
        "first turn": [next((m["content"] for m in r.messages if m["role"] == "user"), "")[:160] for r in records],
        "lang": frame["lang"].astype(str).to_numpy(),
        "source": frame["source"].astype(str).to_numpy(),
        "quality": frame["quality"].to_numpy(),
        "cmi": frame["cmi"].to_numpy(),
        "flags": [", ".join(r.flags) for r in records],
        "tags": [", ".join(tags.get(r.id, [])) for r in records],
        "turns": frame["turns"].to_numpy(),
        "version": [shown[r.id][1] for r in records],
    }, columns=COLUMNS)
    view_key = (tuple(shown), ss.get("b_all", False))
    if ss.get("b_view") != view_key:  # another page or filter: old ticks must not apply to new rows
        ss.pop("b_table", None)
        ss.b_view = view_key
    edited = st.data_editor(
        table, key="b_table", hide_index=True, width="stretch", height=420,
        disabled=[c for c in COLUMNS if c != "select"],
        column_config={"select": st.column_config.CheckboxColumn("select", width="small"),
                       "quality": st.column_config.NumberColumn(format="%.2f"),
                       "cmi": st.column_config.NumberColumn(format="%.1f")},
    )
    ss.b_shown = {rid: version for rid, (_status, version) in shown.items()}
    ss.b_selected = [rid for rid, tick in zip(edited["id"], edited["select"]) if tick]
    n = len(ss.b_selected)
    st.markdown(f"**{n} selected**")
    bar = st.columns([1, 2, 1, 2, 1, 1])
    bar[0].button(f"Accept {n}", key="b_accept", type="primary", on_click=_bulk, args=("accepted",), disabled=not n)
    bar[1].selectbox("Reason", s.cfg.reject_reasons, key="b_reason", label_visibility="collapsed")
    bar[2].button(f"Reject {n}", key="b_reject", on_click=_bulk, args=("rejected",), disabled=not n)
    bar[3].text_input("Tag", key="b_tag", label_visibility="collapsed", placeholder="tag")
    bar[4].button(f"Tag {n}", key="b_tag_btn", on_click=_bulk, kwargs={"tag": True}, disabled=not n)
    if n == 1 and bar[5].button("Open in Queue", key="b_open", on_click=_open, args=(ss.b_selected[0],)):
        st.switch_page("views/queue.py")


if __name__ == "__main__":  # run as a page by st.navigation
    render()
