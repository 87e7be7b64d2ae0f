"""Pieces the pages share: a Record as a chat, a word diff, score/flag facts, the filter sidebar, keys."""

from __future__ import annotations

import difflib
import html
import json
import re
from pathlib import Path

import streamlit as st

from tadka.records import Record
from tadka.review_index import Filters, StageIndex
from tadka.review_store import ReviewStore

# Material icons ship with Streamlit's fonts; emoji need a system emoji font that servers often lack.
AVATARS = {"system": ":material/settings:", "user": ":material/person:", "assistant": ":material/smart_toy:"}
STATUS_ICON = {"pending": ":material/hourglass_empty:", "accepted": ":green[:material/check_circle:]",
               "rejected": ":red[:material/block:]", "edited": ":blue[:material/edit:]"}
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def diff_html(old: str, new: str) -> str:
    """Word-level diff as HTML: deletions struck through in red, insertions in green."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            out.append(f'<del style="background:#ffd7d5">{html.escape("".join(a[i1:i2]))}</del>')
        if op in ("replace", "insert"):
            out.append(f'<ins style="background:#ccf2d1;text-decoration:none">{html.escape("".join(b[j1:j2]))}</ins>')
        if op == "equal":
            out.append(html.escape("".join(a[i1:i2])))
    return '<div style="white-space:pre-wrap">' + "".join(out) + "</div>"


def show_diff(original: Record, edited: Record) -> None:
    """Each changed turn of ``edited`` against the stage's original."""
    for i, (old, new) in enumerate(zip(original.messages, edited.messages)):
        if old["content"] != new["content"]:
            st.markdown(f"**turn {i + 1} · {new['role']}**")
            st.markdown(diff_html(old["content"], new["content"]), unsafe_allow_html=True)


def show_chat(record: Record, root: Path) -> None:
    """The conversation as chat bubbles, with the record's image and audio shown and playable."""
    for kind, rel in record.media.items():
        path = Path(root, rel)
        if not path.is_file():
            st.warning(f"{kind} not found: {rel}")
        elif kind == "image":
            st.image(str(path), caption=rel, width=360)
        elif kind == "audio":
            st.audio(str(path))
            st.caption(rel)
    for turn in record.messages:
        with st.chat_message(turn["role"], avatar=AVATARS.get(turn["role"])):
            st.text(turn["content"])


def show_facts(record: Record) -> None:
    """Scores, flags and ops, as curate and augment wrote them."""
    if record.scores:
        st.markdown("  \n".join(f"`{k}` **{v:.3g}**" for k, v in sorted(record.scores.items())))
    else:
        st.caption("no scores (run `tadka curate`)")
    if record.flags:
        st.markdown(" ".join(f":red-badge[{html.escape(f)}]" for f in record.flags))
    else:
        st.caption("no flags")
    src = {k: v for k, v in record.source.items() if v}
    st.caption("source " + json.dumps(src, ensure_ascii=False))
    if record.ops:
        st.code("\n".join(record.ops), language=None)


def filter_sidebar(idx: StageIndex, store: ReviewStore, prefix: str, *, default_statuses: list[str]) -> Filters:
    """The filters of Queue and Browse (each page keeps its own, under ``prefix``)."""
    with st.sidebar.expander("Filters", expanded=False):
        langs = st.multiselect("Language", idx.langs(), key=f"{prefix}_lang")
        sources = st.multiselect("Source", idx.sources(), key=f"{prefix}_source")
        reasons = idx.flag_reasons()
        flags = st.multiselect("Flags", list(reasons), key=f"{prefix}_flags",
                               format_func=lambda f: f"{f} ({reasons[f]})")
        cmi = None
        bounds = idx.cmi_range()
        if bounds and bounds[1] > bounds[0]:
            band = st.slider("CMI band", bounds[0], bounds[1], bounds, key=f"{prefix}_cmi")
            cmi = None if tuple(band) == tuple(bounds) else (float(band[0]), float(band[1]))
        tag_counts = store.tag_counts()
        tags = st.multiselect("Tags", list(tag_counts), key=f"{prefix}_tags",
                              format_func=lambda t: f"{t} ({tag_counts.get(t, 0)})")
        statuses = st.multiselect("Status", ["pending", "accepted", "rejected", "edited"],
                                  default=default_statuses, key=f"{prefix}_status")
    return Filters(tuple(langs), tuple(sources), tuple(flags), cmi, tuple(tags), tuple(statuses))


_KEYS_JS = """<script>
(() => {
  if (!window.__tadkaKeys) {
    window.__tadkaKeys = true;
    // T and N move the focus into the tag and note boxes (Streamlit's button shortcuts click, not focus).
    document.addEventListener("keydown", (e) => {
      const t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) return;
      const sel = {t: 'input[aria-label="Add tag"]', n: 'textarea[aria-label="Add note"]'}[e.key.toLowerCase()];
      const el = sel && document.querySelector(sel);
      if (el) { e.preventDefault(); el.focus(); }
    });
  }
  const focus = %s;
  if (focus) setTimeout(() => {
    const all = document.querySelectorAll(focus);
    const el = all[all.length - 1];
    if (el) { el.focus(); if (el.setSelectionRange) el.setSelectionRange(el.value.length, el.value.length); }
  }, 80);
})();
</script>"""


def keys_script(focus: str | None = None, nonce: str = "") -> None:
    """Bind T/N to the tag/note boxes and, when ``focus`` (a CSS selector) is given, focus it once."""
    st.html(_KEYS_JS % json.dumps(focus) + f"<!-- {html.escape(nonce)} -->", unsafe_allow_javascript=True)
