"""What every page of the review app shares: settings, the cached stage index, review.db, the reviewer.

`tadka review` passes the workspace, stage, reviewer and the resolved ``review:`` config to the
Streamlit process in environment variables (so the same app runs under `streamlit run` and under
``AppTest`` in tests). The stage index is cached per stage *version* for all sessions — a new version
of the stage gets a new index, an unchanged one is never re-read. Each browser session has its own
review.db connection, so writes from two reviewers are separate transactions.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from tadka.errors import TadkaError
from tadka.review_config import ReviewConfig, check_review_config
from tadka.review_index import StageIndex
from tadka.review_store import ReviewStore
from tadka.workspace import Workspace

ENV_WORKSPACE = "TADKA_REVIEW_WORKSPACE"
ENV_STAGE = "TADKA_REVIEW_STAGE"
ENV_REVIEWER = "TADKA_REVIEW_REVIEWER"
ENV_CONFIG = "TADKA_REVIEW_CONFIG"  # the resolved review: section as JSON (flags applied)


@dataclass(frozen=True)
class Settings:
    root: Path
    stage: str
    reviewer: str
    cfg: ReviewConfig
    seed: int

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.root)


@st.cache_resource(show_spinner=False, max_entries=8)
def _settings(root: str, stage: str, reviewer: str, cfg_json: str) -> Settings:
    ws = Workspace(root) if root else Workspace.find()
    cfg = ReviewConfig(**json.loads(cfg_json)) if cfg_json else ws.config["review"]
    check_review_config(cfg)
    stage = stage or cfg.stage or ws.latest_stage()
    if not ws.has_stage(stage):
        known = ", ".join(ws.stages()) or "none yet"
        raise TadkaError(f"no stage {stage!r} (stages: {known})", file=ws.data_dir, field="stage")
    return Settings(ws.root, stage, reviewer or cfg.reviewer, cfg, ws.config.project.seed)


def settings() -> Settings:
    """The app's settings; a user mistake (no workspace, no stage) is shown as one line and stops the run."""
    try:
        return _settings(*(os.environ.get(k, "") for k in (ENV_WORKSPACE, ENV_STAGE, ENV_REVIEWER, ENV_CONFIG)))
    except TadkaError as e:
        st.error(f"error: {e}")
        st.stop()
        raise  # st.stop() raises; this line only tells type checkers the function never falls through


def index() -> StageIndex:
    """The stage index, shared by every session (and warmed by `tadka review` while the server starts)."""
    s = settings()
    if StageIndex.is_cached(s.workspace, s.stage):
        return StageIndex.cached(s.workspace, s.stage)
    with st.spinner(f"Loading stage {s.stage}…", show_time=True):
        return StageIndex.cached(s.workspace, s.stage)


def store() -> ReviewStore:
    if "_store" not in st.session_state:
        st.session_state["_store"] = ReviewStore(settings().root / "review.db")
    return st.session_state["_store"]


@st.cache_resource(show_spinner=False, max_entries=2)
def _statuses(db: str, high_water: int) -> dict[str, tuple[str, int]]:
    return ReviewStore(db).statuses()


def statuses() -> dict[str, tuple[str, int]]:
    """record_id → (status, version) of every touched record, re-read only after a write (by anyone)."""
    db = store()
    return _statuses(str(db.path), db.high_water())


def reviewer() -> str:
    return st.session_state.get("reviewer", "")


def login(s: Settings) -> str:
    """The reviewer's name: from `--reviewer`/config, the session, the URL, or a form that asks."""
    name = st.session_state.get("reviewer") or s.reviewer or st.query_params.get("reviewer", "")
    if not name:
        st.title("tadka review")
        st.caption(f"{s.root} · stage {s.stage}")
        with st.form("login"):
            typed = st.text_input("Your name", key="login_name", placeholder="e.g. asha")
            submitted = st.form_submit_button("Start reviewing", type="primary")
        if submitted and typed.strip():
            _register(typed.strip())
            st.rerun()
        st.stop()
    if st.session_state.get("reviewer") != name:
        _register(name)
    return name


def _register(name: str) -> None:
    store().add_reviewer(name)
    st.session_state["reviewer"] = name
    st.query_params["reviewer"] = name


def flash(kind: str, text: str) -> None:
    """A message shown once, at the top of the next run (actions run in callbacks, before rendering)."""
    st.session_state.setdefault("_flash", []).append((kind, text))


def show_flash() -> None:
    for kind, text in st.session_state.pop("_flash", []):
        getattr(st, kind)(text)


@st.cache_resource(show_spinner=False, max_entries=4)
def _stage_counts(root: str, stage: str, version: str, db: str, high_water: int) -> dict[str, int]:
    idx = StageIndex.cached(Workspace(root), stage)
    counts = Counter(status for rid, (status, _v) in _statuses(db, high_water).items() if rid in idx.row_of)
    counts["pending"] = len(idx) - sum(n for status, n in counts.items() if status != "pending")
    return dict(counts)


def stage_counts() -> dict[str, int]:
    """Status → number of the stage's records (decided in any stage), recomputed only after a write."""
    s, idx, db = settings(), index(), store()
    return _stage_counts(str(s.root), s.stage, idx.version, str(db.path), db.high_water())


def queue_counts() -> dict[str, int]:
    """The Queue's progress line, cheap enough for every rerun at 100k records: decisions made while
    reviewing this stage, by status (Dashboard counts decisions from any stage)."""
    s, idx = settings(), index()
    counts = store().status_counts(s.stage)
    counts["pending"] = len(idx) - sum(n for status, n in counts.items() if status != "pending")
    return counts
