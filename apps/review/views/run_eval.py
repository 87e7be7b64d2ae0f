"""The Train page's evaluation of a finished run: the comparison table, the bar charts and the sample
answers side by side, read from ``runs/<run>/eval/`` (written by `tadka eval`).

Nothing is computed here and torch is never imported: the page only reads eval.json and the PNGs, so
it stays instant and works in the core install. A run that was not evaluated shows the command that
evaluates it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from tadka.train.evaluate.report import EXTRA_DEFINITIONS, read_report, table_rows


def _samples(report: dict, run_name: str) -> None:
    variants = [v for v in report["variants"] if v.get("answers")]
    prompts = report.get("prompts") or []
    n = min(len(prompts), int(report.get("settings", {}).get("samples", 10)) or len(prompts))
    if not variants or not n:
        return
    users = [next((m["content"] for m in reversed(p["messages"]) if m["role"] == "user"), p["id"]) for p in prompts[:n]]
    at = st.selectbox(
        "Sample prompt", range(n), format_func=lambda i: f"{i + 1}. {users[i][:80]}", key=f"re_prompt_{run_name}"
    )
    p = prompts[at]
    st.markdown(f"**Prompt** (target `{p['target']}`): {users[at]}")
    noisy = next((m["content"] for m in reversed(p.get("noisy") or []) if m["role"] == "user"), "")
    if noisy and noisy != users[at]:
        st.caption(f"with typing noise: {noisy}")
    st.markdown(f"**Reference:** {p['reference']}")
    columns = st.columns(min(len(variants), 3))
    for i, v in enumerate(variants):
        a = v["answers"].get(p["id"], {})
        with columns[i % len(columns)]:
            limit = " · hit the token limit" if a.get("greedy_hit_limit") else ""
            st.markdown(f"**{v['name']}**{limit}")
            st.write(a.get("greedy") or "(empty)")


def render_run_eval(ws, run_name: str) -> None:
    """Show run ``run_name``'s eval report (table, charts, samples), or how to make one."""
    folder = Path(ws.runs_dir) / run_name / "eval"
    report = read_report(folder)
    st.markdown("**Evaluation**")
    if report is None:
        st.info(
            f"Not evaluated yet: `tadka eval --run {run_name}` compares the base, trained and compressed "
            "models on held-out prompts."
        )
        return
    d = (report.get("decoding") or {}).get("greedy") or {}
    st.caption(
        f"{len(report.get('prompts', []))} held-out prompts, greedy, at most {d.get('max_new_tokens')} new "
        f"tokens; evaluated {report.get('created', '')} in {report.get('seconds', 0):.0f} s."
    )
    rows = table_rows(report)
    st.dataframe(rows, hide_index=True, key=f"re_table_{run_name}")
    for v in report["variants"]:
        if v.get("error"):
            st.warning(f"{v['name']}: {v['error']}")
    with st.expander("What the columns mean"):
        defs = {**report.get("definitions", {}), **EXTRA_DEFINITIONS}
        st.markdown("\n".join(f"- **{k}**: {text}" for k, text in defs.items()))
    charts = [folder / name for name in report.get("charts", []) if (folder / name).is_file()]
    if charts:
        with st.expander("Charts"):
            for path in charts:
                st.image(str(path))
    if report.get("judge"):
        st.markdown("**Judge** (pairwise, both orders)")
        st.dataframe(report["judge"]["pairs"], hide_index=True, key=f"re_judge_{run_name}")
    _samples(report, run_name)
