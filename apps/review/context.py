"""What every page of the review app shares: settings, the cached stage index, review.db, the reviewer.

`tadka review` hands the app the flags it was given as script arguments (``streamlit run app.py --
WORKSPACE --stage curated``); the app parses them with the command's own options and resolves them with
the same merge (defaults < tadka.yaml < flags), so `streamlit run apps/review/app.py` inside a workspace
works too and there is no second way to pass configuration. The stage index is cached per stage *version* for all sessions — a new version
of the stage gets a new index, an unchanged one is never re-read. Each browser session has its own
review.db connection, so writes from two reviewers are separate transactions.

Who is reviewing: on loopback the single-user default stays (a name from ``--reviewer``, the URL or a
form; that user may do everything). Bound anywhere else, the app asks for an account (name and
password, checked against review.db) and nothing else is drawn until one matches; the name written to
every audit row is then the authenticated one, and only an ``admin`` may export or start training.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click
import streamlit as st

from tadka.errors import TadkaError
from tadka.review.accounts import authenticate
from tadka.review.config import ReviewConfig, is_loopback
from tadka.review.index import StageIndex
from tadka.review.session import ReviewerState
from tadka.review.store import ReviewStore
from tadka.workspace import Workspace


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

    @property
    def accounts_required(self) -> bool:
        """Off loopback anyone on the network could open the app: then every reviewer signs in."""
        return not is_loopback(self.cfg.host)


@st.cache_resource(show_spinner=False, max_entries=8)
def _settings(argv: tuple[str, ...]) -> Settings:
    from tadka.apps.commands.review import app_flags, resolve

    try:
        workspace, flags = app_flags(list(argv))
    except click.ClickException as e:
        raise TadkaError(f"app arguments {' '.join(argv)!r}: {e.format_message()}") from None
    ws, cfg, stage = resolve(workspace, flags)
    if not ws.has_stage(stage):
        known = ", ".join(ws.stages()) or "none yet"
        raise TadkaError(f"no stage {stage!r} (stages: {known})", file=ws.data_dir, field="stage")
    return Settings(ws.root, stage, cfg.reviewer, cfg, ws.config.project.seed)


def settings() -> Settings:
    """The app's settings; a user mistake (no workspace, no stage) is shown as one line and stops the run."""
    try:
        return _settings(tuple(sys.argv[1:]))
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


def role() -> str:
    """``admin`` or ``reviewer``; the single user of a loopback app may do everything."""
    return st.session_state.get("role", "admin")


def is_admin() -> bool:
    return role() == "admin"


def reviewer_state() -> ReviewerState:
    """This reviewer's drafts, skips and undo steps (kept in review.db)."""
    cached = st.session_state.get("_reviewer_state")
    if cached is None or cached.reviewer != reviewer() or cached.store is not store():
        cached = st.session_state["_reviewer_state"] = ReviewerState(store(), reviewer())
    return cached


def login(s: Settings) -> str:
    """The reviewer's name: an account off loopback; else from `--reviewer`/config, the session, the URL,
    or a form that asks."""
    if s.accounts_required:
        return _sign_in(s)
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


def _sign_in(s: Settings) -> str:
    """Name and password against review.db's accounts; nothing of the workspace is drawn before."""
    if st.session_state.get("authenticated"):
        return st.session_state["reviewer"]
    st.title("tadka review")
    st.caption(
        f"Sign in to review stage {s.stage}. (An admin adds accounts with "
        "`tadka review users add NAME --role reviewer`.)"
    )
    with st.form("signin", clear_on_submit=True):  # the password does not stay in the widget
        name = st.text_input("Name", key="signin_name")
        password = st.text_input("Password", key="signin_password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        account = authenticate(store(), name, password)
        if account is None:
            st.error("Wrong name or password.")
        else:
            for key in [k for k in st.session_state if k != "_store"]:
                del st.session_state[key]  # nothing of an earlier user stays in this session
            st.session_state.update(reviewer=account.name, role=account.role, authenticated=True)
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def sign_out() -> None:
    for key in [k for k in st.session_state if k != "_store"]:
        del st.session_state[key]


def _register(name: str) -> None:
    store().add_reviewer(name)
    st.session_state["reviewer"] = name
    st.query_params["reviewer"] = name


def require_admin(what: str) -> bool:
    """Whether this user may ``what`` (export, start training); says so in one line when not."""
    if is_admin():
        return True
    st.info(f"{what.capitalize()} needs an admin account: you are signed in as {reviewer()} (reviewer).")
    return False


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


@st.cache_resource(show_spinner=False, max_entries=2)
def _current_texts(db: str, high_water: int) -> dict[str, str]:
    return ReviewStore(db).current_texts()


def current_texts() -> dict[str, str]:
    """record_id → current (edited) text, for search; re-read only after a write."""
    db = store()
    return _current_texts(str(db.path), db.high_water())


def empty_stage(what: str) -> bool:
    """True (and says so) when the stage has no records — e.g. curate kept nothing."""
    s, idx = settings(), index()
    if len(idx):
        return False
    others = [x for x in s.workspace.stages() if x != s.stage]
    st.info(
        f"Stage `{s.stage}` has 0 records: {what}. A filter step may have dropped everything "
        "(see reports/ and the rejects file)"
        + (f"; other stages: {', '.join(others)} (`tadka review --stage NAME`)." if others else ".")
    )
    return True
