"""Train: start a training run on an export, follow its loss and log live, stop and resume it.

The run is a background process (:mod:`tadka.train.runs`), never a thread of this app: a page reload,
a Streamlit rerun or the app's restart leaves it running, and everything shown here is read back from
the run folder. The run followed is kept in the URL (``?run=NAME``), so a reload comes back to it.
Torch is never imported here: the page stays instant, and the core install shows it too.
"""

from __future__ import annotations

import importlib.util
import json

import streamlit as st

from tadka.apps.review import context
from tadka.errors import TadkaError
from tadka.train import runs
from tadka.train.config import PEFT_METHODS
from tadka.train.deps import TRAIN_PACKAGES

ss = st.session_state
LIVE_STATES = ("running",)


def _missing_packages() -> list[str]:
    return [name for name in TRAIN_PACKAGES if importlib.util.find_spec(name) is None]


def _exports(ws) -> list[str]:
    """Export folders with a train split, newest first (what `tadka train --dataset` takes)."""
    found = [m.parent for m in ws.exports_dir.glob("*/manifest.json")]
    found.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    return [p.name for p in found]


def _start_form(ws) -> None:
    cfg = ws.config["train"]
    exports = _exports(ws)
    if not exports:
        st.info("No export yet: write one on the Export page (or `tadka export`), then train on it here.")
        return
    with st.form("t_form"):
        export_name = st.selectbox("Export", exports, key="t_export")
        base = st.text_input("Base model (empty: the built-in SmolLM2-135M-Instruct)", value=cfg.base, key="t_base")
        peft = st.selectbox("Method", PEFT_METHODS, index=PEFT_METHODS.index(cfg.peft), key="t_peft")
        steps = st.number_input("Max steps (-1: run the epochs)", value=int(cfg.max_steps), step=1, key="t_steps")
        lr = st.number_input("Learning rate", value=float(cfg.learning_rate), format="%.1e", key="t_lr")
        name = st.text_input("Run name (empty: a timestamp)", key="t_name")
        go = st.form_submit_button("Start training", type="primary")
    if not go:
        return
    overrides = {"peft": peft, "max_steps": int(steps), "learning_rate": float(lr)}
    if base.strip():
        overrides["base"] = base.strip()
    try:
        started = runs.start(ws, dataset=f"exports/{export_name}", overrides=overrides, name=name.strip() or None)
    except TadkaError as e:
        st.error(f"error: {e}")
        return
    st.query_params["run"] = started
    context.flash("success", f"started run '{started}' on exports/{export_name}")
    st.rerun()


def _runs_table(all_runs: list[runs.RunInfo]) -> None:
    rows = [{"run": r.name, "state": r.state, "step": f"{r.step}/{r.max_steps or '?'}",
             "last loss": None if r.last_loss is None else round(float(r.last_loss), 4)} for r in all_runs]
    st.dataframe(rows, hide_index=True)


def _watch(ws, name: str) -> None:
    """The followed run: progress, loss curve, log; re-rendered every 2 s while it runs."""
    info = runs.info(ws, name)
    st.markdown(f"**Run `{name}`** — {info.state}, step {info.step}/{info.max_steps or '?'}")
    if info.max_steps:
        st.progress(min(info.step / info.max_steps, 1.0))
    rows = runs.metrics(ws, name)
    losses = [{"step": r["step"], "train loss": r.get("loss"), "eval loss": r.get("eval_loss")}
              for r in rows if r.get("loss") is not None or r.get("eval_loss") is not None]
    last = next((r for r in reversed(rows) if r.get("tokens_per_s")), None)
    if last:
        eta = last.get("eta_s")
        st.caption(f"{last['tokens_per_s']:.0f} tokens/s" + (f" · ETA {eta:.0f} s" if eta is not None else ""))
    if losses:
        st.line_chart(losses, x="step", y=["train loss", "eval loss"])
    else:
        st.caption("No logged step yet (the model is loading).")
    with st.expander("Log", expanded=info.state != "finished"):
        st.code(runs.log_tail(ws, name, n=60) or "(empty)", language=None)
    if info.state == "running":
        if st.button("Stop (saves a checkpoint)", key="t_stop"):
            runs.stop(ws, name, wait=0)
            st.rerun()
    elif info.state in ("stopped", "failed"):
        if st.button("Resume", key="t_resume"):
            try:
                runs.start(ws, name=name)
            except TadkaError as e:
                st.error(f"error: {e}")
            else:
                st.rerun()
    elif info.state == "finished":
        card = ws.runs_dir / name / "run_card.json"
        if card.is_file():
            metrics = json.loads(card.read_text(encoding="utf-8")).get("metrics", {})
            st.json({k: v for k, v in metrics.items() if not isinstance(v, (dict, list))}, expanded=False)
        importlib.import_module("tadka.apps.review.views.run_eval").render_run_eval(ws, name)


def render() -> None:
    ws = context.settings().workspace
    st.subheader("Train")
    context.show_flash()
    missing = _missing_packages()
    if missing:
        st.warning(f"Training needs the 'train' extra (missing: {', '.join(missing)}): "
                   "pip install torch==2.13.0 'tadka[train]'")
    _start_form(ws)
    all_runs = runs.list_runs(ws)
    if not all_runs:
        return
    st.markdown("**Runs**")
    _runs_table(all_runs)
    names = [r.name for r in all_runs]
    wanted = st.query_params.get("run")
    chosen = st.selectbox("Follow", names, index=names.index(wanted) if wanted in names else 0, key="t_follow")
    if chosen != wanted:
        st.query_params["run"] = chosen
    live = runs.info(ws, chosen).state in LIVE_STATES
    st.fragment(_watch, run_every=2.0 if live else None)(ws, chosen)


if __name__ == "__main__":  # run as a page by st.navigation
    render()
