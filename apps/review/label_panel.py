"""The Queue's panel for image-label Records (the camera track): the class as a big badge, and one button per
class with keys 1–9 to relabel. A relabel is an edit like any other (the assistant turn becomes the new class),
so it keeps the original, the audit history and undo; accept/reject work as for chats."""

from __future__ import annotations

import streamlit as st

from tadka.apps.review import context
from tadka.apps.review import queue_actions as act
from tadka.records import Record
from tadka.vision.labels import label_messages, label_of

ss = st.session_state


def stage_classes() -> list[str]:
    """The classes in this stage, sorted (key 1 is the first), computed once per index version."""
    idx = context.index()
    if ss.get("lp_key") != idx.version:
        names = set()
        for msgs, media in zip(idx.table.column("messages").to_pylist(), idx.table.column("media").to_pylist()):
            rec = Record(messages=msgs, media={k: v for k, v in (media or {}).items() if v}, id="-")
            if (label := label_of(rec)) is not None:
                names.add(label)
        ss.lp_key, ss.lp_classes = idx.version, sorted(names)
    return ss.lp_classes


def relabel(label: str) -> None:
    slot = ss.q_slot
    current = context.store().item(slot.record_id).current() or context.index().record(slot.row)
    seen = [{"role": m["role"], "content": m["content"]} for m in current.messages]
    act._write_edit(slot, label_messages(label), slot.item.version, seen, "edit")


def render(current: Record) -> bool:
    """Draw the panel when ``current`` is an image-label Record; False (nothing drawn) otherwise."""
    label = label_of(current)
    if label is None:
        return False
    classes = stage_classes()
    st.markdown(f"Label: :blue-badge[**{label}**] · relabel with **1–{min(len(classes), 9)}**, accept with **A**")
    cols = st.columns(min(max(len(classes), 1), 5))
    for i, name in enumerate(classes):
        cols[i % len(cols)].button(
            f"{i + 1}. {name}" if i < 9 else name,
            key=f"lp_{i}",
            on_click=relabel,
            args=(name,),
            shortcut=str(i + 1) if i < 9 else None,
            disabled=name == label,
            width="stretch",
        )
    return True
