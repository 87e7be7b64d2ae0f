"""Pieces the pages share: a word diff, the filter sidebar, the keyboard script and the sticky action bar."""

from __future__ import annotations

import difflib
import html
import json
import re

import streamlit as st

from tadka.review.index import Filters, StageIndex
from tadka.review.store import ReviewStore

# Material icons ship with Streamlit's fonts; emoji need a system emoji font that servers often lack.
AVATARS = {"system": ":material/settings:", "user": ":material/person:", "assistant": ":material/smart_toy:"}
STATUS_ICON = {
    "pending": ":material/hourglass_empty:",
    "accepted": ":green[:material/check_circle:]",
    "rejected": ":red[:material/block:]",
    "edited": ":blue[:material/edit:]",
}
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


def filter_sidebar(idx: StageIndex, store: ReviewStore, prefix: str, *, default_statuses: list[str]) -> Filters:
    """The filters of Queue and Browse (each page keeps its own, under ``prefix``)."""
    with st.sidebar.expander("Filters", expanded=False):
        langs = st.multiselect("Language", idx.langs(), key=f"{prefix}_lang")
        sources = st.multiselect("Source", idx.sources(), key=f"{prefix}_source")
        reasons = idx.flag_reasons()
        flags = st.multiselect(
            "Flags", list(reasons), key=f"{prefix}_flags", format_func=lambda f: f"{f} ({reasons[f]})"
        )
        cmi = None
        bounds = idx.cmi_range()
        if bounds and bounds[1] > bounds[0]:
            band = st.slider("CMI band", bounds[0], bounds[1], bounds, key=f"{prefix}_cmi")
            cmi = None if tuple(band) == tuple(bounds) else (float(band[0]), float(band[1]))
        tag_counts = store.tag_counts()
        tags = st.multiselect(
            "Tags", list(tag_counts), key=f"{prefix}_tags", format_func=lambda t: f"{t} ({tag_counts.get(t, 0)})"
        )
        statuses = st.multiselect(
            "Status", ["pending", "accepted", "rejected", "edited"], default=default_statuses, key=f"{prefix}_status"
        )
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
    // An edit box hands its text to the server a moment after typing stops (Streamlit sends a text
    // area's value only on blur or Ctrl+Enter): the server keeps it in review.db as a draft, so a
    // reconnect or a restart does not lose it. Blur and focus again, with the caret where it was.
    // Ctrl+Enter (save) and Escape (cancel) end the edit: a blur due after them would send the old box's
    // value in a rerun of its own, after the one that saved.
    let timer = null;
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" || (e.key === "Enter" && (e.ctrlKey || e.metaKey))) { clearTimeout(timer); timer = null; }
    }, true);
    document.addEventListener("input", (e) => {
      const t = e.target;
      if (!t || t.tagName !== "TEXTAREA" || !(t.getAttribute("aria-label") || "").startsWith("Edit turn")) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (!t.isConnected || document.activeElement !== t) return;
        const [a, b] = [t.selectionStart, t.selectionEnd];
        t.blur(); t.focus(); t.setSelectionRange(a, b);
      }, 1200);
    });
  }
  // The box to focus may not be on the page yet (Streamlit loads a widget's code on first use, and a
  // busy machine renders late: on a loaded 2-core runner the box came after more than 5 s): look again
  // every 80 ms for up to 30 s, and focus it once it is there.
  const focus = %s;
  let left = 375;
  const tryFocus = () => {
    const all = focus ? document.querySelectorAll(focus) : [];
    const el = all[all.length - 1];
    if (el) { el.focus(); if (el.setSelectionRange) el.setSelectionRange(el.value.length, el.value.length); }
    else if (focus && --left > 0) setTimeout(tryFocus, 80);
  };
  if (focus) setTimeout(tryFocus, 80);
})();
</script>"""


def keys_script(focus: str | None = None, nonce: str = "") -> None:
    """Bind T/N to the tag/note boxes, autosave edit boxes and, when ``focus`` (a CSS selector) is given,
    focus it once."""
    st.html(_KEYS_JS % json.dumps(focus) + f"<!-- {html.escape(nonce)} -->", unsafe_allow_javascript=True)


# The container keyed ``actions`` sticks to the bottom of the window while its page scrolls, so the
# buttons stay in reach under a long record.
# Streamlit wraps a keyed container in a layout wrapper of the same height, so the wrapper is what sticks.
STICKY_CSS = """<style>
div:has(> .st-key-actions) { position: sticky; bottom: 0; z-index: 90; }
.st-key-actions { padding: 0.5rem 0 0.25rem; background: var(--st-background-color, #ffffff);
  border-top: 1px solid rgba(49, 51, 63, 0.2); }
</style>"""


def sticky_css() -> None:
    st.html(STICKY_CSS)
