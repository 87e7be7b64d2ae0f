"""Export: write the training set from here — the same :func:`tadka.export.export` as `tadka export`.

Accepted and edited records (an edit as its latest version), split train/eval by a seeded hash of the
id: what reviewers see is what trains.
"""

from __future__ import annotations

import json

import streamlit as st

from tadka.apps.review import context
from tadka.config import override
from tadka.errors import TadkaError
from tadka.export import FORMATS, export

ss = st.session_state


def render() -> None:
    s = context.settings()
    ws = s.workspace
    base = ws.config["export"]
    counts = context.stage_counts()
    kept = sum(counts.get(k, 0) for k in base.statuses)
    st.subheader("Export")
    st.markdown(f"Stage `{s.stage}`: **{kept:,}** records have status {' or '.join(base.statuses)} "
                f"(of {sum(counts.values()):,}; `export.statuses` in tadka.yaml).")
    stages = ws.stages()
    with st.form("x_form"):
        stage = st.selectbox("Stage", stages, index=stages.index(s.stage) if s.stage in stages else 0, key="x_stage")
        fmt = st.selectbox("Format", FORMATS, index=FORMATS.index(base.format), key="x_format")
        fraction = st.number_input("Eval fraction", min_value=0.0, max_value=0.95, value=float(base.eval_fraction),
                                   step=0.05, key="x_eval")
        seed = st.number_input("Split seed (-1: project seed)", value=int(base.seed), step=1, key="x_seed")
        name = st.text_input("Name (folder under exports/)", value=f"{s.stage}-reviewed", key="x_name")
        go = st.form_submit_button("Export", type="primary")
    if go:
        try:
            flags = {"stage": stage, "format": fmt, "eval_fraction": fraction, "seed": int(seed)}
            cfg = override(base, flags, "export")
            result = export(ws, cfg, name=name.strip() or None)
        except TadkaError as e:
            st.error(f"error: {e}")
        else:
            st.success(f"exported '{result.stage}' to {result.path}: {result.train} train, {result.eval} eval"
                       + (f" (skipped by status: {result.skipped})" if result.skipped else ""))
            st.json(json.loads((result.path / "manifest.json").read_text(encoding="utf-8")))
    manifests = sorted(ws.exports_dir.glob("*/manifest.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    if manifests:
        st.markdown("**Earlier exports**")
        rows = []
        for m in manifests[:50]:
            data = json.loads(m.read_text(encoding="utf-8"))
            rows.append({"name": m.parent.name, "stage": data.get("stage"), "format": data.get("format"),
                         "train": data.get("train"), "eval": data.get("eval"), "written": data.get("written_at")})
        st.dataframe(rows, hide_index=True)


if __name__ == "__main__":  # run as a page by st.navigation
    render()
