"""Export: write the training set from here — the same :func:`tadka.export.export` as `tadka export`.

Accepted and edited records (an edit as its latest version), split train/eval by a seeded hash of the
id: what reviewers see is what trains. An existing export is replaced only after the admin says so
(a run may be training on it); an export with no records is a warning, not a success, and the Train
page never offers it first. Off loopback only an admin exports.
"""

from __future__ import annotations

import json

import streamlit as st

from tadka.apps.review import context
from tadka.config import override
from tadka.errors import TadkaError
from tadka.export import FORMATS, export, export_target
from tadka.review.db import has_labels

ss = st.session_state


def _write(overwrite: bool = False) -> None:
    """Callback of the form (and of "Overwrite"): export, or ask first when the name is taken."""
    job = (
        ss.get("x_job")
        if overwrite
        else {
            "flags": {
                "stage": ss.x_stage,
                "format": ss.x_format,
                "eval_fraction": float(ss.x_eval),
                "seed": int(ss.x_seed),
            },
            "name": ss.x_name.strip() or None,
        }
    )
    ss.pop("x_job", None)
    ws = context.settings().workspace
    try:
        cfg = override(ws.config["export"], job["flags"], "export")
        target = export_target(ws, cfg, name=job["name"])
        if target.exists() and not overwrite:
            ss.x_job = job  # ask: drawn as a question with two buttons
            return
        result = export(ws, cfg, name=job["name"], overwrite=overwrite)
    except TadkaError as e:
        ss.x_result = ("error", f"error: {e}", None)
        return
    text = f"exported '{result.stage}' to {result.path}: {result.train} train, {result.eval} eval" + (
        f" (skipped by status: {result.skipped})" if result.skipped else ""
    )
    if result.empty:
        ss.x_result = (
            "warning",
            text + ". Nothing to train on: no record of this stage is "
            f"{' or '.join(cfg.statuses)} yet (the Train page does not offer an empty export).",
            result.path,
        )
    else:
        ss.x_result = ("success", text, result.path)


def _keep() -> None:
    ss.pop("x_job", None)


def _show_result() -> None:
    kind, text, path = ss.pop("x_result")
    getattr(st, kind)(text)
    if path is not None and (path / "manifest.json").is_file():
        st.json(json.loads((path / "manifest.json").read_text(encoding="utf-8")), expanded=False)


def _form(s, base) -> None:
    ws = s.workspace
    stages = ws.stages()
    with st.form("x_form"):
        st.selectbox("Stage", stages, index=stages.index(s.stage) if s.stage in stages else 0, key="x_stage")
        st.selectbox("Format", FORMATS, index=FORMATS.index(base.format), key="x_format")
        st.number_input(
            "Eval fraction", min_value=0.0, max_value=0.95, value=float(base.eval_fraction), step=0.05, key="x_eval"
        )
        st.number_input("Split seed (-1: project seed)", value=int(base.seed), step=1, key="x_seed")
        st.text_input("Name (folder under exports/)", value=f"{s.stage}-reviewed", key="x_name")
        st.form_submit_button("Export", type="primary", on_click=_write)
    if ss.get("x_job"):
        name = ss.x_job["name"]
        with st.container(border=True, key="x_ask"):
            st.warning(
                f"exports/{name} already exists. Overwrite it? (A run may be training on it; the old "
                "files are replaced in one step.)"
            )
            with st.container(horizontal=True):
                st.button("Overwrite", key="x_overwrite", type="primary", on_click=_write, args=(True,))
                st.button("Keep it", key="x_keep", on_click=_keep)


def _earlier(ws) -> None:
    manifests = sorted(ws.exports_dir.glob("*/manifest.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not manifests:
        st.caption("No export yet.")
        return
    st.markdown("**Earlier exports**")
    rows = []
    for m in manifests[:50]:
        data = json.loads(m.read_text(encoding="utf-8"))
        rows.append(
            {
                "name": m.parent.name,
                "stage": data.get("stage"),
                "format": data.get("format"),
                "train": data.get("train"),
                "eval": data.get("eval"),
                "written": data.get("written_at"),
            }
        )
    st.dataframe(rows, hide_index=True)


def render() -> None:
    s = context.settings()
    ws = s.workspace
    base = ws.config["export"]
    counts = context.stage_counts()
    kept = sum(counts.get(k, 0) for k in base.statuses)
    st.subheader("Export")
    if not has_labels(ws.review_db):
        st.warning(
            f"No review decisions in stage `{s.stage}` yet: until there are, an export writes all "
            f"{sum(counts.values()):,} records, unreviewed (`tadka export` does the same)."
        )
    else:
        st.markdown(
            f"Stage `{s.stage}`: **{kept:,}** records have status {' or '.join(base.statuses)} "
            f"(of {sum(counts.values()):,}; `export.statuses` in tadka.yaml)."
        )
    if context.require_admin("exporting"):
        _form(s, base)
        if ss.get("x_result"):
            _show_result()
    _earlier(ws)


if __name__ == "__main__":  # run as a page by st.navigation
    render()
