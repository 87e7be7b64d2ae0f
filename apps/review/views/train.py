"""Train: start a training run on an export, follow its loss and log live, stop and resume it.

The run is a background process (:mod:`tadka.train.runs`), never a thread of this app: a page reload,
a Streamlit rerun or the app's restart leaves it running, and everything shown here is read back from
the run folder. What the page says is what the run folder says:

* Start is offered only once the prerequisites are there (:func:`tadka.train.deps.missing_prerequisites`:
  one line each, with the command that installs what is missing) and the export has records;
* after Start the page follows the run just started (and the URL says so: ``?run=NAME``);
* the Runs table and the followed run refresh every 2 s while any run is alive;
* Stop reads "stopping…" until the process has exited (it finishes its step, eval and checkpoint), and
  only then is Resume offered;
* train and eval loss are two continuous lines, the evaluations marked; a failed run is one line, its
  log behind an expander; a finished run shows its metrics as a table and the loss.png saved with it.

Torch is never imported here: the page stays instant, and the core install shows it too. Off loopback
only an admin starts, stops or resumes a run; a reviewer can watch.
"""

from __future__ import annotations

import json
import time

import altair as alt
import pandas as pd
import streamlit as st

from tadka.apps.review import context
from tadka.apps.review.views.run_eval import render_run_eval
from tadka.errors import TadkaError
from tadka.train import runs
from tadka.train.config import PEFT_METHODS
from tadka.train.deps import missing_prerequisites
from tadka.train.rundir import RunDir

ss = st.session_state
LIVE_STATES = ("starting", "running", "stopping")
STATE_TEXT = {
    "starting": "starting…",
    "running": "running",
    "stopping": "stopping… (finishing its step and saving a checkpoint; the process is still running)",
    "stopped": "stopped",
    "finished": "finished",
    "failed": "failed",
}


def _exports(ws) -> list[dict]:
    """Export folders, newest first, with their record counts (what `tadka train --dataset` takes)."""
    found = []
    for m in ws.exports_dir.glob("*/manifest.json"):
        try:
            data = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        found.append(
            {
                "name": m.parent.name,
                "train": int(data.get("train") or 0),
                "eval": int(data.get("eval") or 0),
                "mtime": m.stat().st_mtime,
            }
        )
    return sorted(found, key=lambda e: e["mtime"], reverse=True)


def _start() -> None:
    """Start (a callback: it runs before the page is drawn, so the page follows the new run at once)."""
    if not context.is_admin():
        context.flash("error", "Starting training needs an admin account.")
        return
    ws = context.settings().workspace
    overrides = {
        "peft": ss.t_peft,
        "max_steps": int(ss.t_steps),
        "learning_rate": float(ss.t_lr),
        "eval_every": int(ss.t_eval_every),
    }
    if ss.t_base.strip():
        overrides["base"] = ss.t_base.strip()
    try:
        started = runs.start(ws, dataset=f"exports/{ss.t_export}", overrides=overrides, name=ss.t_name.strip() or None)
    except TadkaError as e:
        context.flash("error", f"error: {e}")
        return
    ss.t_follow = started
    ss.t_name = ""  # the next Start is a new run, not this name again
    st.query_params["run"] = started
    context.flash("success", f"started run '{started}' on exports/{ss.t_export}")


def _start_form(ws) -> None:
    cfg = ws.config["train"]
    exports = _exports(ws)
    if not exports:
        st.info("No export yet: write one on the Export page (or `tadka export`), then train on it here.")
        return
    names = [e["name"] for e in exports]
    sizes = {e["name"]: e for e in exports}
    usable = [e["name"] for e in exports if e["train"] > 0]
    cols = st.columns([2, 2, 1])
    export_name = cols[0].selectbox(
        "Export",
        names,
        index=names.index(usable[0]) if usable else None,
        key="t_export",
        placeholder="no export with records yet",
        format_func=lambda n: (
            f"{n} ({sizes[n]['train']} train, {sizes[n]['eval']} eval)" if sizes[n]["train"] else f"{n} (empty)"
        ),
    )
    base = cols[1].text_input("Base model (empty: the built-in SmolLM2-135M-Instruct)", value=cfg.base, key="t_base")
    peft = cols[2].selectbox("Method", PEFT_METHODS, index=PEFT_METHODS.index(cfg.peft), key="t_peft")
    cols = st.columns(4)
    cols[0].number_input("Max steps (-1: run the epochs)", value=int(cfg.max_steps), step=1, key="t_steps")
    cols[1].number_input("Learning rate", value=float(cfg.learning_rate), format="%.1e", key="t_lr")
    cols[2].number_input(
        "Eval every N steps (0: each epoch)", value=int(cfg.eval_every), min_value=0, step=1, key="t_eval_every"
    )
    cols[3].text_input("Run name (empty: a timestamp)", key="t_name")
    problems = missing_prerequisites(base, peft=peft)
    for line in problems:
        st.error(line)
    empty = export_name is not None and not sizes[export_name]["train"]
    if empty:
        st.warning(f"exports/{export_name} has no training records: nothing to train on.")
    st.button(
        "Start training",
        type="primary",
        key="t_start",
        on_click=_start,
        disabled=bool(problems) or export_name is None or empty,
        help="Install what is listed above first." if problems else None,
    )


def _loss_chart(rows: list[dict]) -> None:
    """Train loss per logged step and eval loss per evaluation: two continuous lines, evals marked."""
    points = [{"step": r["step"], "loss": r["loss"], "series": "train loss"} for r in rows if r.get("loss") is not None]
    eval_keys = sorted(
        {k for r in rows for k in r if k.startswith("eval_") and k.endswith("_loss") and k != "eval_loss"}
    ) or ["eval_loss"]
    for key in eval_keys:
        label = "eval loss" if key == "eval_loss" or len(eval_keys) == 1 else f"eval loss ({key[5:-5]})"
        points += [{"step": r["step"], "loss": r[key], "series": label} for r in rows if r.get(key) is not None]
    if not points:
        st.caption("No logged step yet (the model is loading).")
        return
    frame = pd.DataFrame(points)
    series = list(dict.fromkeys(frame["series"]))
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    base = alt.Chart(frame).encode(
        x=alt.X("step:Q", title="step"),
        y=alt.Y("loss:Q", title="loss", scale=alt.Scale(zero=False)),
        color=alt.Color(
            "series:N",
            title=None,
            legend=alt.Legend(orient="top"),
            scale=alt.Scale(domain=series, range=palette[: len(series)]),
        ),
        tooltip=["series", "step", alt.Tooltip("loss:Q", format=".4f")],
    )
    lines = base.mark_line(point=False)
    marks = base.transform_filter(alt.datum.series != "train loss").mark_point(filled=True, size=70)
    st.altair_chart(lines + marks, width="stretch")


def _metrics_table(card: dict) -> pd.DataFrame:
    m = card.get("metrics", {})
    before, after = m.get("eval_before") or {}, m.get("eval_after") or {}
    fmt = lambda v, d=4: "—" if v is None else (f"{v:.{d}f}" if isinstance(v, float) else str(v))  # noqa: E731
    rows = [
        ("steps", f"{m.get('step')}/{m.get('max_steps')}"),
        ("train loss", fmt(m.get("train_loss"))),
        ("eval loss before → after", f"{fmt(before.get('eval_loss'))} → {fmt(after.get('eval_loss'))}"),
        ("eval perplexity before → after", f"{fmt(before.get('eval_ppl'), 2)} → {fmt(after.get('eval_ppl'), 2)}"),
        ("tokens / s", fmt(m.get("tokens_per_s"), 1)),
        ("train time (s)", fmt(m.get("train_runtime_s"), 1)),
        ("peak memory (MB)", fmt(m.get("peak_memory_mb"), 0)),
        ("adapter size (MB)", fmt((m.get("adapter_bytes") or 0) / 2**20, 1)),
    ]
    return pd.DataFrame(rows, columns=["metric", "value"])


def _finished(ws, name: str) -> None:
    """A finished run: its metrics as a small table and its loss.png."""
    run = RunDir.of(ws.runs_dir, name)
    if run.card_json.is_file():
        card = json.loads(run.card_json.read_text(encoding="utf-8"))
        st.dataframe(_metrics_table(card), hide_index=True, width=520)
    if run.loss_png.is_file():
        st.image(str(run.loss_png), caption=f"runs/{name}/loss.png", width=620)
    render_run_eval(ws, name)


def _buttons(ws, name: str, state: str) -> None:
    if not context.is_admin():
        st.caption("Stopping and resuming runs needs an admin account.")
        return
    if state in ("starting", "running"):
        if st.button("Stop (saves a checkpoint)", key="t_stop"):
            runs.stop(ws, name, wait=0)
            st.rerun()
    elif state == "stopping":
        st.button("Stopping…", key="t_stopping", disabled=True)
    elif state in ("stopped", "failed"):
        if st.button("Resume", key="t_resume"):
            try:
                runs.start(ws, name=name)
            except TadkaError as e:
                context.flash("error", f"error: {e}")
            st.rerun()


def _watch(ws, name: str) -> None:
    """The followed run: progress, loss curve, log, and what can be done with it now."""
    info = runs.info(ws, name)
    st.markdown(f"**Run `{name}`** — {STATE_TEXT.get(info.state, info.state)}, {_steps(info)}")
    if info.max_steps > 0:
        st.progress(min(info.step / info.max_steps, 1.0))
    rows = runs.metrics(ws, name)
    last = next((r for r in reversed(rows) if r.get("tokens_per_s")), None)
    if last and info.state in LIVE_STATES:
        eta = last.get("eta_s")
        st.caption(
            f"{last['tokens_per_s']:,.0f} tokens/s"
            + (
                f" · ETA {time.strftime('%H:%M:%S', time.gmtime(eta))}"
                if eta is not None and eta < 86400
                else " · ETA over a day"
                if eta is not None
                else ""
            )
        )
    if info.state == "failed":
        st.error(f"failed: {info.error}")
    _loss_chart(rows)
    _buttons(ws, name, info.state)
    if info.state == "finished":
        _finished(ws, name)
    elif info.state == "stopped" and RunDir.of(ws.runs_dir, name).loss_png.is_file():
        st.image(str(RunDir.of(ws.runs_dir, name).loss_png), caption=f"runs/{name}/loss.png (at the stop)", width=620)
    with st.expander("Log (last 60 lines)", expanded=False):
        st.code(runs.log_tail(ws, name, n=60) or "(empty)", language=None)


def _steps(info: runs.RunInfo) -> str:
    """``step 10/12``; before the trainer has counted its steps, just ``step 0``."""
    return f"step {info.step}" + (f"/{info.max_steps}" if info.max_steps > 0 else "")


def _runs_table(all_runs: list[runs.RunInfo]) -> None:
    rows = [
        {
            "run": r.name,
            "state": STATE_TEXT.get(r.state, r.state).split(" (")[0],
            "step": _steps(r).removeprefix("step "),
            "last loss": None if r.last_loss is None else round(float(r.last_loss), 4),
            "started": time.strftime("%m-%d %H:%M", time.localtime(r.started_at)) if r.started_at else "",
        }
        for r in all_runs
    ]
    st.dataframe(rows, hide_index=True, key="t_runs_table")


def _live(ws, name: str, polling: tuple[str, ...]) -> None:
    """Runs table and the followed run; re-drawn every 2 s while a run is alive."""
    all_runs = runs.list_runs(ws)
    alive = tuple(sorted(r.name for r in all_runs if r.state in LIVE_STATES))
    if alive != polling:  # a run started or ended: redraw the page, so polling starts or stops with it
        st.rerun()
    st.markdown("**Runs**")
    _runs_table(all_runs)
    _watch(ws, name)


def _follow_changed() -> None:
    st.query_params["run"] = ss.t_follow


def render() -> None:
    ws = context.settings().workspace
    st.subheader("Train")
    context.show_flash()
    if context.require_admin("starting training"):
        _start_form(ws)
    all_runs = runs.list_runs(ws)
    if not all_runs:
        st.caption("No runs yet.")
        return
    names = [r.name for r in all_runs]
    wanted = st.query_params.get("run")
    if ss.get("t_follow") not in names:
        ss.t_follow = wanted if wanted in names else names[0]
    name = st.selectbox("Follow", names, key="t_follow", on_change=_follow_changed)
    if st.query_params.get("run") != name:
        st.query_params["run"] = name
    alive = tuple(sorted(r.name for r in all_runs if r.state in LIVE_STATES))
    st.fragment(_live, run_every=2.0 if alive else None)(ws, name, alive)


if __name__ == "__main__":  # run as a page by st.navigation
    render()
