"""How one record is drawn in Queue and in Browse's preview: turns folded past a length, with a badge;
scores, flags and provenance as facts; an augmented copy as a word diff against its parent, with its ops
as a list a person can read.

A 20,000-character turn drawn in full pushed the buttons 5,800 px down; a noised copy shown as
truncated JSON hid what the noise did. Folding keeps the whole text one click away (nothing is cut
for good), and the diff shows exactly the words an op changed.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import streamlit as st

from tadka.apps.review.widgets import AVATARS, diff_html
from tadka.records import Record

_HEAD = 400  # characters of a folded turn shown before "show all"


def length_badge(chars: int, limit: int) -> str:
    """A badge with the length of a long record (empty for a short one)."""
    return f":orange-badge[{chars:,} characters]" if chars > limit else ""


def show_chat(record: Record, root: Path, *, collapse: int = 600, key: str = "") -> None:
    """The conversation as chat bubbles, turns over ``collapse`` characters folded; media shown and playable."""
    for kind, rel in record.media.items():
        path = Path(root, rel)
        if not path.is_file():
            st.warning(f"{kind} not found: {rel}")
        elif kind == "image":
            st.image(str(path), caption=rel, width=360)
        elif kind == "audio":
            st.audio(str(path))
            st.caption(rel)
    for i, turn in enumerate(record.messages):
        text = turn["content"]
        with st.chat_message(turn["role"], avatar=AVATARS.get(turn["role"])):
            if len(text) <= collapse:
                st.text(text)
                continue
            st.markdown(f":orange-badge[turn {i + 1}: {len(text):,} characters]")
            st.text(text[:_HEAD].rstrip() + " …")
            with st.expander(f"Show all {len(text):,} characters", key=f"{key}_full_{i}"):
                st.text(text)


def _op(entry: str) -> str:
    """``typo {"rate":0.1,"seed":7}`` → ``**typo** — rate 0.1 · seed 7`` (an op the parser does not know
    is shown as written)."""
    name, _, params = entry.partition(" ")
    try:
        values = json.loads(params) if params else {}
    except ValueError:
        return f"`{html.escape(entry)}`"
    if not isinstance(values, dict):
        return f"`{html.escape(entry)}`"
    shown = []
    for k, v in values.items():
        if isinstance(v, list):
            v = ", ".join(map(str, v)) or "—"
        elif isinstance(v, dict):
            v = "(" + ", ".join(f"{a} {b:g}" if isinstance(b, float) else f"{a} {b}" for a, b in v.items()) + ")"
        elif isinstance(v, float):
            v = f"{v:g}"
        shown.append(f"{k.replace('_', ' ')} {html.escape(str(v))}")
    return f"**{html.escape(name)}**" + (" — " + " · ".join(shown) if shown else "")


def show_ops(ops: list[str]) -> None:
    if ops:
        st.markdown("\n".join(f"{i + 1}. {_op(op)}" for i, op in enumerate(ops)))


def show_facts(record: Record, *, ops: bool = True) -> None:
    """Scores, flags and provenance, as curate and augment wrote them (``ops=False``: the ops are
    listed beside the diff against the parent instead)."""
    if record.scores:
        st.markdown("  \n".join(f"`{k}` **{v:.3g}**" for k, v in sorted(record.scores.items())))
    else:
        st.caption("no scores (run `tadka curate`)")
    if record.flags:
        st.markdown(" ".join(f":red-badge[{html.escape(f)}]" for f in record.flags))
    else:
        st.caption("no flags")
    src = {k: v for k, v in record.source.items() if v}
    st.caption("source: " + " · ".join(f"{k} `{v}`" for k, v in src.items()))
    if record.ops and ops:
        st.caption(f"{len(record.ops)} op{'s' if len(record.ops) > 1 else ''} applied:")
        show_ops(record.ops)
    elif record.ops:
        st.caption(f"{len(record.ops)} op{'s' if len(record.ops) > 1 else ''} applied (listed with the diff)")


def show_turn_diffs(old: Record, new: Record, *, only_changed: bool = True) -> int:
    """Each turn of ``new`` against ``old`` as a word diff; returns how many turns differ."""
    changed = 0
    for i, (a, b) in enumerate(zip(old.messages, new.messages)):
        if a["content"] == b["content"] and only_changed:
            continue
        changed += a["content"] != b["content"]
        st.markdown(f"**turn {i + 1} · {b['role']}**")
        st.markdown(diff_html(a["content"], b["content"]), unsafe_allow_html=True)
    if len(old.messages) != len(new.messages):
        st.caption(f"turns: {len(old.messages)} → {len(new.messages)}")
    return changed


def _beside(original: str, copy: str) -> None:
    """The original image and its noised copy side by side (paths relative to the workspace)."""
    from tadka.apps.review import context

    root = context.settings().root
    left, right = st.columns(2)
    for col, rel, caption in ((left, original, "original"), (right, copy, "noised copy")):
        if Path(root, rel).is_file():
            col.image(str(Path(root, rel)), caption=f"{caption}: {rel}", width="stretch")


def show_parent_diff(record: Record, parent: Record | None) -> None:
    """An augmented copy against the record it was made from."""
    parent_id = record.source.get("parent_id")
    if parent is None:
        st.caption(f"parent `{parent_id}` is not in this stage: no diff to show")
        return
    with st.expander(f"Noised copy of `{parent.id}`: what its ops changed", expanded=True):
        show_ops([op for op in record.ops if op not in parent.ops])
        if parent.media.get("image") and record.media.get("image"):
            _beside(parent.media["image"], record.media["image"])
        if not show_turn_diffs(parent, record):
            st.caption("the text is the same as the parent's (only media changed)")
