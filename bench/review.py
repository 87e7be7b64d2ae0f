"""Review app speed with 100k Records: time from "accept" to the next Record on screen, and start time.

Target: accept → next record p95 < 300 ms. Builds a synthetic workspace (scores, flags, two language
tags), starts `tadka review` on loopback and drives it with Debian's chromium through Playwright:
presses A, times until the next record (its turns) is the only one on screen, then until the rerun is
over (side panel and buttons drawn). Also times the same accept in-process (AppTest, no browser), to
split script time from browser time. The machine's load average is printed with the figures.

Run: `python bench/review.py [--n 100000] [--accepts 100]` (needs /usr/bin/chromium and playwright for
the browser figures; without them only the AppTest figures are printed).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("TADKA_NO_PROGRESS", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from tadka.records import Record  # noqa: E402
from tadka.workspace import Workspace  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
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
from records import WORDS  # noqa: E402  (bench/ is on sys.path: the same chat words as bench/records.py)

# The next record is on screen once its container (keyed by id) is the only one and shows its turns.
SHOWN_JS = """(prev) => {
  const els = document.querySelectorAll('[class*="st-key-rec-"]');
  if (els.length !== 1 || !els[0].querySelector('[data-testid="stChatMessage"]')) return null;
  const id = els[0].className.match(/st-key-rec-([0-9a-f]+)/)[1];
  return id !== prev ? id : null;
}"""
# The page has settled once the rerun is over (nothing stale, the action buttons there).
RECORD_JS = """(prev) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (document.querySelector('[data-stale="true"]') || !document.querySelector('.st-key-q_accept button')) return null;
  const els = document.querySelectorAll('[class*="st-key-rec-"]');
  if (els.length !== 1) return null;
  const id = els[0].className.match(/st-key-rec-([0-9a-f]+)/)[1];
  return id !== prev ? id : null;
}"""


def synthetic(n: int, seed: int = 0):
    rng = random.Random(seed)
    say = lambda k: " ".join(rng.choice(WORDS) for _ in range(k))  # noqa: E731
    for i in range(n):
        yield Record(
            messages=[{"role": "user", "content": f"{i} {say(12)}?"}, {"role": "assistant", "content": say(40) + "."}],
            lang="hi-Deva" if i % 10 == 0 else "hi-Latn+en",
            source={"kind": ("teacher", "mixer", "import")[i % 3]},
            scores={"quality": rng.random(), "cmi": rng.uniform(0, 50)},
            flags=["too_short"] if i % 17 == 0 else [],
        )


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def report(name: str, ms: list[float], target: str = "") -> None:
    print(
        f"{name:<38} p50 {pct(ms, 50):7.1f} ms   p95 {pct(ms, 95):7.1f} ms   max {max(ms):7.1f} ms"
        f"   (n={len(ms)}) {target}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_bench(root: Path, accepts: int) -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tadka.apps.cli",
            "review",
            str(root),
            "--port",
            str(port),
            "--reviewer",
            "bench-browser",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise RuntimeError("tadka review did not start") from None
                time.sleep(0.05)
        health = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t1 = time.perf_counter()
            page.goto(url)
            current = page.wait_for_function(RECORD_JS, arg=None, timeout=120_000).json_value()
            first = time.perf_counter() - t1
            print(
                f"app start: server answers in {health:.2f} s; first record on screen {first:.2f} s after the "
                f"page opens (cold: builds the stage index); {health + first:.2f} s from `tadka review`"
            )
            page.reload()
            t1 = time.perf_counter()
            current = page.wait_for_function(RECORD_JS, arg=None, timeout=60_000).json_value()
            print(f"warm page load (index cached): first record on screen {time.perf_counter() - t1:.2f} s")
            shown, settled = [], []
            for _ in range(accepts):
                t = time.perf_counter()
                page.keyboard.press("a")
                nxt = page.wait_for_function(SHOWN_JS, arg=current, timeout=30_000, polling=5).json_value()
                shown.append((time.perf_counter() - t) * 1000)
                current = page.wait_for_function(RECORD_JS, arg=current, timeout=30_000).json_value()
                settled.append((time.perf_counter() - t) * 1000)
                assert nxt == current
            report("browser: accept -> next record shown", shown, "target p95 < 300 ms")
            report("browser: accept -> page settled", settled, "(rerun over, buttons ready)")
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def apptest_bench(root: Path, accepts: int) -> None:
    from streamlit.testing.v1 import AppTest

    import tadka.apps.review

    sys.argv = ["app.py", str(root), "--stage", "curated"]  # what `tadka review` hands the app after `--`
    at = AppTest.from_file(str(Path(tadka.apps.review.__file__).parent / "app.py"), default_timeout=300)
    at.query_params["reviewer"] = "bench-apptest"
    t = time.perf_counter()
    at.run()
    print(f"AppTest first run (loads the 100k index in-process): {time.perf_counter() - t:.2f} s")
    times = []
    for _ in range(accepts):
        t = time.perf_counter()
        at.button(key="q_accept").click().run()
        times.append((time.perf_counter() - t) * 1000)
    assert not at.exception, at.exception
    report("script only (AppTest): accept -> next", times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--accepts", type=int, default=100)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    print(
        f"tadka review bench: {args.n:,} records, {args.accepts} accepts, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, pid {os.getpid()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        ws = Workspace.init(Path(tmp, "ws"))
        ws.write_stage("curated", synthetic(args.n))
        print(f"workspace built in {time.perf_counter() - t:.1f} s")
        if args.no_browser or not CHROMIUM.exists():
            print(f"browser figures skipped ({'--no-browser' if args.no_browser else f'{CHROMIUM} missing'})")
        else:
            try:
                browser_bench(ws.root, args.accepts)
            except ImportError:
                print("browser figures skipped (playwright not installed)")
        apptest_bench(ws.root, args.accepts)


if __name__ == "__main__":
    main()
