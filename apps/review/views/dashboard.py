"""Dashboard: what is in this set and how review is going — counts, distributions, throughput, agreement.

Agreement is computed on the records that two or more reviewers labelled (the shared ``overlap``
share of the queue): Cohen's kappa for each pair of reviewers, Fleiss' kappa across all of them,
Krippendorff's alpha with missing labels allowed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from tadka.review.agreement import agreement
from tadka.apps.review import context

ss = st.session_state
REPORT_SUFFIXES = {".png", ".jpg", ".svg", ".html", ".json", ".md"}


def _histogram(values: np.ndarray, bins: int, name: str) -> None:
    """A histogram whose bars stay in numeric order (a text axis sorted "12–14" before "2–5")."""
    values = values[~np.isnan(values)]
    if not len(values):
        st.caption("no values")
        return
    counts, edges = np.histogram(values, bins=bins)
    digits = 0 if edges[-1] - edges[0] >= bins else 2
    labels = [f"{edges[i]:.{digits}f}–{edges[i + 1]:.{digits}f}" for i in range(bins)]
    frame = pd.DataFrame({name: labels, "records": counts})
    st.altair_chart(
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X(f"{name}:N", sort=labels, title=name), y=alt.Y("records:Q"), tooltip=[name, "records"]),
        width="stretch",
    )


def _throughput(labels: pd.DataFrame) -> pd.DataFrame:
    rows = []
    now = time.time()
    for who, g in labels.groupby("reviewer"):
        ts = np.sort(g["created_at"].to_numpy())
        gaps = np.diff(ts)
        active = gaps[gaps < 600]  # pauses over 10 minutes are breaks, not review time
        rows.append(
            {
                "reviewer": who,
                "labels": len(ts),
                "last hour": int((ts > now - 3600).sum()),
                "median s / record": round(float(np.median(active)), 1) if len(active) else None,
                "records / hour": round(3600 / float(np.mean(active)), 1) if len(active) else None,
            }
        )
    return pd.DataFrame(rows)


def _agreement(labels: list[dict], cfg) -> None:
    st.subheader("Agreement")
    st.caption(
        f"Shared records: `review.overlap` = {cfg.overlap:g} of the queue, each labelled by "
        f"{cfg.overlap_reviewers} reviewers (`review.overlap_reviewers`; set in tadka.yaml or "
        "`tadka review --overlap`)."
    )
    collapse = st.toggle("Compare keep (accepted or edited) vs reject", value=True, key="d_collapse")
    report = agreement(labels, collapse=collapse)
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    cols = st.columns(3)
    cols[0].metric("Double-reviewed records", report.double_reviewed)
    cols[1].metric(
        f"Fleiss' kappa ({report.fleiss_raters} raters, {report.fleiss_records} records)", fmt(report.fleiss)
    )
    cols[2].metric("Krippendorff's alpha", fmt(report.alpha))
    if report.pairs:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "reviewer A": p.a,
                        "reviewer B": p.b,
                        "records": p.records,
                        "agree %": round(100 * p.percent, 1),
                        "Cohen's kappa": fmt(p.kappa),
                    }
                    for p in report.pairs
                ]
            ),
            hide_index=True,
        )
    if report.disagreements:
        with st.expander(f"{len(report.disagreements)} records where reviewers disagree"):
            for rid in report.disagreements[:50]:
                if st.button(f"open {rid}", key=f"d_open_{rid}"):
                    ss.q_open = rid
                    st.switch_page("views/queue.py")


def _reports(root: Path, stage_dir: Path) -> None:
    """Whatever curate left: reports/ in the workspace and report files beside the stage's data."""
    files = sorted(
        p
        for folder in (root / "reports", stage_dir)
        if folder.is_dir()
        for p in folder.rglob("*")
        if p.suffix in REPORT_SUFFIXES
        and p.name not in ("dataset_info.json", "state.json", "tadka_stage.json", "dataset_dict.json")
    )
    st.subheader("Curate report")
    if not files:
        st.caption("No curate report yet (`tadka curate` writes one to reports/).")
        return
    for p in files[:20]:
        rel = p.relative_to(root) if p.is_relative_to(root) else p
        with st.expander(str(rel), expanded=p.suffix in (".png", ".jpg", ".svg")):
            if p.suffix in (".png", ".jpg", ".svg"):
                st.image(str(p))
            elif p.suffix == ".html":
                st.download_button("download", p.read_bytes(), file_name=p.name, key=f"d_dl_{rel}")
                st.html(p.read_text(encoding="utf-8", errors="replace")[:200_000])
            elif p.suffix == ".json":
                st.json(json.loads(p.read_text(encoding="utf-8")), expanded=1)
            else:
                st.markdown(p.read_text(encoding="utf-8"))


def render() -> None:
    s, idx, db = context.settings(), context.index(), context.store()
    counts = context.stage_counts()
    st.subheader(f"Stage `{s.stage}`: {len(idx):,} records")
    if context.empty_stage("no distributions to show"):
        _reports(s.root, s.workspace.stage_path(s.stage).resolve())
        return
    cols = st.columns(4)
    for col, status in zip(cols, ("pending", "accepted", "edited", "rejected")):
        col.metric(status, f"{counts.get(status, 0):,}")
    labels = db.labels()
    if not labels:
        st.info(
            "No review yet: every record is pending. Decide some on the Queue page (or in Browse); "
            "labels, throughput and agreement appear here as they come."
        )
    frame = pd.DataFrame(labels, columns=["record_id", "reviewer", "label", "reason", "created_at"])
    left, right = st.columns(2)
    with left:
        st.markdown("**By reviewer** (standing labels)")
        if len(frame):
            st.bar_chart(frame.groupby(["reviewer", "label"]).size().unstack(fill_value=0))
        else:
            st.caption("no labels yet")
    with right:
        st.markdown("**By source**")
        status = idx.status_vector(context.statuses())
        st.bar_chart(pd.crosstab(idx.frame["source"].astype(str), status))
    left, right = st.columns(2)
    with left:
        st.markdown("**Languages**")
        st.bar_chart(idx.frame["lang"].astype(str).value_counts())
        st.markdown("**Length** (characters per record)")
        _histogram(idx.frame["chars"].to_numpy(dtype=float), 20, "chars")
    with right:
        st.markdown("**CMI** (code-mixing index)")
        cmi = idx.frame["cmi"].to_numpy()
        if np.isnan(cmi).all():
            st.caption("no `cmi` scores yet (run `tadka curate`)")
        else:
            _histogram(cmi, 20, "cmi")
        st.markdown("**Flag reasons**")
        st.bar_chart(pd.Series(idx.flag_reasons(), name="records"))
        reasons = frame[frame["label"] == "rejected"]["reason"].value_counts()
        if len(reasons):
            st.markdown("**Reject reasons**")
            st.bar_chart(reasons)
    st.subheader("Reviewer throughput")
    if len(frame):
        st.dataframe(_throughput(frame), hide_index=True)
        hourly = frame.assign(hour=pd.to_datetime(frame["created_at"], unit="s").dt.floor("h"))
        st.bar_chart(hourly.groupby(["hour", "reviewer"]).size().unstack(fill_value=0))  # labels per hour
    else:
        st.caption("no labels yet")
    _agreement(labels, s.cfg)
    _reports(s.root, s.workspace.stage_path(s.stage).resolve())
    st.subheader("Recent activity")
    audit = pd.DataFrame(db.audit_rows(100))
    if len(audit):
        audit["ts"] = pd.to_datetime(audit["ts"], unit="s")
        st.dataframe(
            audit[["ts", "reviewer", "record_id", "action", "outcome", "base_version", "detail"]], hide_index=True
        )


if __name__ == "__main__":  # run as a page by st.navigation
    render()
