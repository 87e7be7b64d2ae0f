"""Real-browser fixtures: Debian's chromium driven by Playwright, and `tadka review` on loopback.

Playwright cannot download browsers here, so it launches /usr/bin/chromium; without it (or without
playwright) these tests skip with the reason. Screenshots go to tests/e2e/artifacts/ (not committed).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
SAMPLE = Path(__file__).resolve().parents[2] / "corpora" / "samples" / "hinglish_chat.jsonl"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium fonts-lohit-deva)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    root: Path
    started_in: float

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_review(root: Path, *args: str) -> Server:
    """`tadka review ROOT --port P ARGS…` as its own process; returns once its health check answers."""
    port = free_port()
    log = open(root / "review-server.log", "w")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tadka.apps.cli", "review", str(root), "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tadka review exited: {(root / 'review-server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                return Server(proc, url, root, time.perf_counter() - t0)
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("tadka review did not answer within 60 s")


def sample_workspace(root: Path):
    from tadka.config import ImportConfig
    from tadka.importer import import_file
    from tadka.workspace import Workspace

    ws = Workspace.init(root)
    import_file(ws, SAMPLE, ImportConfig(stage="curated"))
    return ws


LONG_CHARS = 20_000


def team_workspace(root: Path):
    """The shipped sample chats, then two noised copies made by the real augment pipeline (each beside its
    parent) and one record with a 20,000-character answer, at the end of the stage."""
    from tadka.augment.pipeline import augment_records
    from tadka.augment.presets import build_plan
    from tadka.records import Record, read_records
    from tadka.workspace import Workspace

    ws = Workspace.init(root)
    chats = list(read_records(SAMPLE))
    noised = augment_records(chats[30:32], build_plan("phone-typing", rate=0.5, seed=3, roles=("user", "assistant")))
    copies = [r for r in noised.records if r.source.get("kind") == "augment"]
    assert copies, "the augment pipeline made no copy"
    words = "Mandi ka bhav roz badalta hai, isliye subah app pe check karo aur tabhi becho. "
    long = Record(
        messages=[
            {"role": "user", "content": "Gehu ki kheti ka poora tareeka detail mein batao."},
            {"role": "assistant", "content": (words * (LONG_CHARS // len(words) + 1))[:LONG_CHARS]},
        ],
        lang="hi-Latn+en",
        source={"kind": "teacher"},
    )
    ws.write_stage("curated", chats + copies + [long])
    return ws


RECORD_ID_JS = """() => {
  // only once the rerun is over: a shortcut pressed while the script still runs can be dropped
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-stale="true"]')) return null;
  // buttons are a lazily loaded chunk: their shortcuts exist only once the button itself is there
  if (!document.querySelector('.st-key-actions button')) return null;
  const els = document.querySelectorAll('[class*="st-key-rec-"]');
  if (els.length !== 1) return null;
  const m = els[0].className.match(/st-key-rec-([0-9a-f]+)/);
  return m ? m[1] : null;
}"""


# The same record, with no rerun running, for this long before it counts as on screen: one action can
# take two reruns (a text box sends its value on blur, then the button's click follows), and a key pressed
# in the gap between them was lost once on a loaded CI runner.
SETTLE_MS = 300


def record_on_screen(page, other_than: str | None = None, timeout: float = 60_000) -> str:
    """Wait until exactly one record (not ``other_than``) has been on screen, idle, for SETTLE_MS; its id."""
    handle = page.wait_for_function(
        f"""() => {{
          const id = ({RECORD_ID_JS})();
          const now = performance.now(), seen = window.__tadkaSettle;
          if (!id || id === {other_than or ""!r}) {{ window.__tadkaSettle = null; return null; }}
          if (!seen || seen.id !== id) {{ window.__tadkaSettle = {{id, since: now}}; return null; }}
          return now - seen.since >= {SETTLE_MS} ? id : null;
        }}""",
        timeout=timeout,
    )
    return handle.json_value()


def shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its main pane, so the window is made as tall as
    the pane's content for the shot (at most 6000 px) and put back after."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
        return m ? m.scrollHeight : document.documentElement.scrollHeight; }""")
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(height + 40, 6000)})
        page.wait_for_timeout(400)
    page.screenshot(path=str(ARTIFACTS / name))
    page.set_viewport_size(size)


def press(page, key: str) -> None:
    """Click the button keyed ``key`` once the rerun has left exactly one of it (an old one lingers a moment)."""
    from playwright.sync_api import expect

    button = page.locator(f".st-key-{key} button")
    expect(button).to_have_count(1, timeout=60_000)
    expect(button).to_be_enabled(timeout=60_000)
    button.click()
