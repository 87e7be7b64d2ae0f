"""A writer killed in the middle of a write leaves the file a later run reads as it was (tadka.atomic), where
a plain in-place write leaves it cut short."""

import json
import signal
import subprocess
import sys

import pytest

# Writes the first half of a new JSON document, says so, and waits to be killed.
WRITER = """
import json, sys, time
from pathlib import Path
path, how = Path(sys.argv[1]), sys.argv[2]
text = json.dumps({"version": 2, "rows": list(range(20000))})
if how == "atomic":
    from tadka.atomic import atomic_file
    with atomic_file(path) as f:
        f.write(text[: len(text) // 2]); f.flush()
        print("half", flush=True); time.sleep(60)
        f.write(text[len(text) // 2:])
else:
    with open(path, "w") as f:
        f.write(text[: len(text) // 2]); f.flush()
        print("half", flush=True); time.sleep(60)
        f.write(text[len(text) // 2:])
"""


def _kill_mid_write(path, how: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), how], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "half"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)


@pytest.mark.parametrize("how", ["atomic", "in-place"])
def test_a_writer_killed_mid_write(tmp_path, how):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"version": 1}))
    _kill_mid_write(path, how)
    if how == "in-place":  # the premise: this is what a later run used to find
        with pytest.raises(ValueError):
            json.loads(path.read_text())
        return
    assert json.loads(path.read_text()) == {"version": 1}
    left = [p.name for p in tmp_path.iterdir() if p != path]
    assert all(name.startswith(".tmp-bench.json.") for name in left)  # hidden, never read as the file


def test_save_png_writes_a_whole_png_and_closes_the_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tadka.atomic import save_png

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    out = save_png(fig, tmp_path / "plots" / "loss.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)
    assert [p.name for p in out.parent.iterdir()] == ["loss.png"]  # no temp file left beside it
