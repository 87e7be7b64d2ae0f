"""`tadka review --host 0.0.0.0` in a real browser: accounts, roles, and a real training run from the Train page.

One server for the module, bound off loopback (so sign-in is required), with an admin (asha) and a
reviewer (ravi) made by `tadka review users add`. An anonymous visitor gets only the sign-in form; the
reviewer cannot start training; the admin starts a run of a tiny model built from config, the page
follows it (not the older run already there), Stop reads "stopping…" until the process has exited, and
Resume continues from the checkpoint.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import yaml

from tadka.config import ExportConfig
from tadka.export import export
from tadka.review.store import ReviewStore
from tadka.train import runs

from .conftest import ARTIFACTS, free_port, press, record_on_screen, sample_workspace, shot

pytestmark = pytest.mark.e2e
PlaywrightTimeout = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").TimeoutError
PASSWORDS = {"asha": "chai-garam-hai", "ravi": "pakoda-1234"}
# Records each (state of page-run shown, Resume offered) the page goes through, as it redraws.
WATCH_STATES_JS = """() => {
  window.__states = [];
  const look = () => {
    const text = document.body.innerText;
    const state = text.includes('Run page-run — stopping…') ? 'stopping'
      : text.includes('Run page-run — stopped') ? 'stopped' : 'other';
    const resume = [...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'Resume');
    const last = window.__states[window.__states.length - 1];
    if (!last || last[0] !== state || last[1] !== resume) window.__states.push([state, resume]);
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true});
  look();
}"""


def _serve_off_loopback(root):
    """`tadka review ROOT --host 0.0.0.0`; the test connects through 127.0.0.1."""
    import urllib.request

    from .conftest import Server

    port = free_port()
    log = open(root / "review-server.log", "w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tadka.apps.cli", "review", str(root), "--host", "0.0.0.0", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"tadka review exited: {(root / 'review-server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return Server(proc, url, root, time.perf_counter() - t0)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    proc.wait(timeout=30)
    raise RuntimeError("tadka review did not answer within 60 s")


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory, torch_stack):
    from tadka.records import read_records
    from tadka.train.models import build_tiny, tiny_tokenizer

    from .conftest import SAMPLE

    texts = [m["content"] for r in read_records(SAMPLE) for m in r.messages]
    return build_tiny(tmp_path_factory.mktemp("tiny") / "tiny", tiny_tokenizer(texts))


@pytest.fixture(scope="module")
def team(browser, tmp_path_factory):
    ws = sample_workspace(tmp_path_factory.mktemp("team") / "ws")
    config = yaml.safe_load(ws.config_path.read_text())
    config["train"].update(
        max_length=128, batch_size=4, eval_at_start=False, threads=1, save_every=100000, learning_rate=3e-3, warmup=0
    )
    ws.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    export(ws, ExportConfig(eval_fraction=0.15), name="v1")
    for name, role in (("asha", "admin"), ("ravi", "reviewer")):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tadka.apps.cli",
                "review",
                "users",
                "add",
                name,
                "--role",
                role,
                "-w",
                str(ws.root),
                "--password-stdin",
            ],
            input=PASSWORDS[name] + "\n",
            text=True,
            check=True,
            capture_output=True,
            timeout=60,
        )
    srv = _serve_off_loopback(ws.root)
    yield ws, srv
    for run in runs.list_runs(ws):
        runs.stop(ws, run.name, wait=60)
    srv.stop()


def sign_in(browser, url: str, name: str, password: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.get_by_label("Name", exact=True).fill(name)
    page.locator("input[type=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    return page


def test_an_anonymous_visitor_sees_only_the_sign_in_form(browser, team):
    ws, srv = team
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{srv.url}/?reviewer=asha")  # a name in the URL is not a sign-in
    page.get_by_role("button", name="Sign in").wait_for()
    page.wait_for_timeout(500)
    assert not page.get_by_role("link", name="Queue").count() and not page.locator('[class*="st-key-rec-"]').count()
    page.get_by_label("Name", exact=True).fill("asha")
    page.locator("input[type=password]").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Wrong name or password.").wait_for()
    page.screenshot(path=str(ARTIFACTS / "review-sign-in.png"))
    page.goto(f"{srv.url}/train")
    page.get_by_role("button", name="Sign in").wait_for()
    assert not page.get_by_text("Start training").count()
    page.context.close()
    logins = [(r["reviewer"], r["outcome"]) for r in ReviewStore(ws.review_db).audit_rows() if r["action"] == "login"]
    assert logins == [("asha", "refused")]


def test_a_reviewer_reviews_under_their_name_but_cannot_start_training(browser, team):
    ws, srv = team
    page = sign_in(browser, srv.url, "ravi", PASSWORDS["ravi"])
    record_on_screen(page)
    press(page, "q_accept")
    page.get_by_text("last: accepted").wait_for(timeout=60_000)
    page.get_by_role("link", name="Train").click()
    page.get_by_text("Starting training needs an admin account").wait_for()
    assert not page.get_by_role("button", name="Start training").count()
    page.screenshot(path=str(ARTIFACTS / "review-train-reviewer.png"))
    page.get_by_role("link", name="Export").click()
    page.get_by_text("Exporting needs an admin account").wait_for()
    assert not page.get_by_role("button", name="Export").count()
    page.context.close()
    store = ReviewStore(ws.review_db)
    accepts = [r["reviewer"] for r in store.audit_rows() if r["action"] == "accept"]
    assert accepts == ["ravi"]


def _state(page, text: str, timeout: float = 120_000) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout)


def test_the_admin_starts_follows_stops_and_resumes_a_run(browser, team, tiny_base):
    ws, srv = team
    # a short run from before, already followed by the page when the new one starts
    runs.start(
        ws, dataset="exports/v1", overrides={"base": str(tiny_base), "max_steps": 6, "eval_every": 3}, name="older-run"
    )
    page = sign_in(browser, srv.url, "asha", PASSWORDS["asha"])
    page.get_by_role("link", name="Train").click()
    page.get_by_role("button", name="Start training").wait_for()
    _state(page, "Run older-run —")
    page.get_by_label("Base model", exact=False).fill(str(tiny_base))
    page.get_by_label("Max steps", exact=False).fill("100000")
    page.get_by_label("Eval every N steps", exact=False).fill("3")
    page.get_by_label("Run name", exact=False).fill("page-run")
    page.get_by_label("Run name", exact=False).blur()
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Start training").click()
    _state(page, "started run 'page-run'")
    _state(page, "Run page-run —", timeout=10_000)  # the new run, not older-run
    shot(page, "review-train-started.png")
    _state(page, "Run page-run — running")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and len([r for r in runs.metrics(ws, "page-run") if r.get("eval_loss")]) < 1:
        time.sleep(0.5)
    assert runs.info(ws, "page-run").state == "running", runs.log_tail(ws, "page-run")
    head = page.get_by_text("Run page-run — running").first
    before = head.inner_text()
    page.wait_for_timeout(2500)  # a refresh, with no click: the page follows the run by itself
    assert head.inner_text() != before, before
    shot(page, "review-train-running.png")
    page.evaluate(WATCH_STATES_JS)  # from here on, every state the page shows is recorded
    stop_file = ws.runs_dir / "page-run" / "stop_requested"
    for _ in range(3):  # a click that lands while the live fragment redraws is dropped by the browser
        page.get_by_role("button", name="Stop (saves a checkpoint)").click()
        for _ in range(30):
            if stop_file.exists():
                break
            time.sleep(0.1)
        if stop_file.exists():
            break
    assert stop_file.exists(), "the Stop click never reached the server"
    try:
        page.get_by_role("button", name="Stopping…").wait_for(timeout=10_000)  # the redraw is complete
        page.screenshot(path=str(ARTIFACTS / "review-train-stopping.png"))
    except PlaywrightTimeout:
        pass  # already stopped: whether "stopping…" was shown is checked from the recorded states below
    _state(page, "Run page-run — stopped")
    # while the process finished its step and saved, the page said "stopping…" and offered no Resume
    seen = page.evaluate("window.__states")
    states = [state for state, _resume in seen]
    assert "stopping" in states and states.index("stopping") < states.index("stopped"), seen
    assert not any(state == "stopping" and resume for state, resume in seen), seen
    stopped_at = runs.info(ws, "page-run").step
    assert runs.info(ws, "page-run").state == "stopped"
    shot(page, "review-train-stopped.png")
    page.get_by_role("button", name="Resume").click()
    _state(page, "Run page-run — running")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and f"resuming from checkpoint-{stopped_at}" not in runs.log_tail(ws, "page-run"):
        time.sleep(0.5)
    assert f"resuming from checkpoint-{stopped_at}" in runs.log_tail(ws, "page-run")
    # the older run finished meanwhile: its metrics as a table, and the loss.png saved with it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and runs.info(ws, "older-run").state not in ("finished", "failed"):
        time.sleep(0.5)
    assert runs.info(ws, "older-run").state == "finished", runs.log_tail(ws, "older-run")
    page.locator(".st-key-t_follow").click()
    page.get_by_role("option", name="older-run").click()
    _state(page, "Run older-run — finished")
    page.get_by_text("eval perplexity before → after").wait_for(state="attached")  # a cell of the table
    page.locator('[data-testid="stImage"] img').first.wait_for()
    page.wait_for_timeout(500)
    shot(page, "review-train-finished.png")
    page.context.close()
