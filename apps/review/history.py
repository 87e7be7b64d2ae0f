"""A record's History on the Queue page: every text it has had and every action on it.

The texts are the stage's original, each saved version (edit, merge, resolve, restore) and each edit
that was refused in a conflict (its text is in the audit log): any of them can be viewed in full — as
a word diff against the current text — and restored, which writes a new version and deletes nothing.
"""

from __future__ import annotations

import json
import time

import streamlit as st

from tadka.apps.review import queue_actions as act
from tadka.apps.review.record_view import show_turn_diffs
from tadka.records import Record
from tadka.review.queue import Slot
from tadka.review.store import ReviewStore


def _when(ts: float | None) -> str:
    return time.strftime("%m-%d %H:%M:%S", time.localtime(ts)) if ts else "stage"


def _action_line(row: dict) -> str:
    detail = json.loads(row["detail"]) if row.get("detail") else {}
    extra = ""
    if detail.get("turns"):
        extra = " · turn " + ", ".join(str(t + 1) for t in detail["turns"])
    if detail.get("merged_over") is not None:
        extra += f" · on top of version {detail['merged_over']}"
    if detail.get("reason"):
        extra += f" · {detail['reason']}"
    if row["action"] == "restore":
        extra += f" · from {detail.get('from')}"
    return f"{_when(row['ts'])} · {row['reviewer']} · {row['action']} · {row['outcome']}{extra}"


def show_history(slot: Slot, original: Record, current: Record, db: ReviewStore) -> None:
    versions = db.text_versions(original)
    audit = db.history(slot.record_id)
    now = [(m["role"], m["content"]) for m in current.messages]
    is_current = [[(m["role"], m["content"]) for m in v.messages] == now for v in versions]
    box = st.expander(
        f"History · {len(versions)} text{'s' if len(versions) != 1 else ''} · "
        f"{len(audit)} action{'s' if len(audit) != 1 else ''}",
        key=f"h_open_{slot.record_id}",
        on_change="rerun",
    )
    if not box.open:  # drawn only when opened: the queue's accept → next stays as light as before
        return
    with box:
        labels = [v.label for v in versions]
        current_at = max((i for i, c in enumerate(is_current) if c), default=0)
        pick = st.selectbox(
            "Text",
            range(len(versions)),
            index=current_at,
            key=f"h_pick_{slot.record_id}",
            format_func=lambda i: (
                f"{labels[i]} · {versions[i].kind} · {versions[i].reviewer or 'stage'} · "
                f"{_when(versions[i].at)}" + (" (current)" if is_current[i] else "")
            ),
        )
        chosen = versions[pick]
        if is_current[pick]:
            st.caption(f"{chosen.label} is the current text.")
        else:
            st.caption(
                f"{chosen.label} in full, as a word diff against the current text "
                "(struck: only in the current text; green: only in this one)."
            )
        show_turn_diffs(Record(messages=current.messages), Record(messages=chosen.messages), only_changed=False)
        if not is_current[pick]:
            st.button(
                f"Restore {chosen.label} as a new version",
                key=f"h_restore_{slot.record_id}",
                on_click=act.restore,
                args=(chosen.label,),
            )
        st.markdown("**Every action**")
        for row in audit:
            st.caption(_action_line(row))
