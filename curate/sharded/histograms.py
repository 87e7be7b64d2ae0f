"""The curate report's before/after histograms, as per-shard partials merged on the driver.

The local report measures every k-th row of the stage (``k = rows // 5000``,
:func:`tadka.curate.report.distributions`). Each shard measures the rows of that same sample that
it holds (global row ``r`` with ``r % k == 0``) and returns bin counts and label counters; the
driver adds them up, so the merged histograms are those of the local report's sample, and no text
reaches the driver. :func:`write_pngs` draws the same PNGs as the local report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pyarrow as pa

SAMPLE = 5000


class Partial:
    """Histogram counts of one shard's sampled rows, before (all) and after (kept)."""

    def __init__(self, total_rows: int, sample: int = SAMPLE) -> None:
        from tadka.curate.report import CMI_BINS, LENGTH_BINS

        self.every = max(1, total_rows // sample) if sample else 1
        self.bins = {"cmi": CMI_BINS, "chars": LENGTH_BINS}
        self.hist = {name: {"before": [0] * (len(b) - 1), "after": [0] * (len(b) - 1)} for name, b in self.bins.items()}
        self.labels: dict[str, dict[str, Counter]] = {
            name: {"before": Counter(), "after": Counter()} for name in ("language", "script")
        }

    def add(self, rows: pa.Table, first_row: int, flagged: np.ndarray) -> None:
        """``rows``: processed rows of one slice, whose first global row is ``first_row``."""
        from tadka.curate.report import _hist, _measure

        at = np.flatnonzero((first_row + np.arange(rows.num_rows)) % self.every == 0)
        if not len(at):
            return
        picked = rows.take(pa.array(at))
        measured = _measure(picked["messages"].to_pylist(), picked["lang"].to_pylist())
        kept = (~flagged[at]).tolist()
        for name, bins in self.bins.items():
            before = [m[name] for m in measured]
            after = [m[name] for m, k in zip(measured, kept) if k]
            for side, values in (("before", before), ("after", after)):
                self.hist[name][side] = [a + b for a, b in zip(self.hist[name][side], _hist(values, bins))]
        for name in self.labels:
            self.labels[name]["before"].update(m[name] for m in measured)
            self.labels[name]["after"].update(m[name] for m, k in zip(measured, kept) if k)

    def result(self) -> dict[str, Any]:
        return {
            "every": self.every,
            "hist": self.hist,
            "labels": {k: {s: dict(c) for s, c in v.items()} for k, v in self.labels.items()},
        }


def merge(partials: Sequence[dict]) -> dict[str, Any]:
    """The report's ``distributions`` from the shards' partials."""
    from tadka.curate.report import CMI_BINS, LENGTH_BINS

    out: dict[str, Any] = {}
    for name, bins in (("cmi", CMI_BINS), ("chars", LENGTH_BINS)):
        sides = {
            s: np.sum([p["hist"][name][s] for p in partials], axis=0).astype(int).tolist() for s in ("before", "after")
        }
        out[name] = {"bins": bins, **sides}
    rows = 0
    for name in ("language", "script"):
        before: Counter = Counter()
        after: Counter = Counter()
        for p in partials:
            before.update(p["labels"][name]["before"])
            after.update(p["labels"][name]["after"])
        labels = [k for k, _ in sorted(before.items(), key=lambda kv: (-kv[1], kv[0]))]
        out[name] = {"labels": labels, "before": [before[k] for k in labels], "after": [after[k] for k in labels]}
        rows = sum(before.values())
    out["_sample"] = {"rows": rows, "every": partials[0]["every"] if partials else 1}
    return out


def write_pngs(folder: Path, per_step: dict, dist: dict) -> None:
    """steps.png, cmi.png, length.png, language.png, script.png (as the local report draws them)."""
    from tadka.curate.report import _bar_png, _bin_labels

    folder.mkdir(parents=True, exist_ok=True)
    steps = list(per_step)
    series = {"flagged": [per_step[s]["flagged"] for s in steps], "first": [per_step[s]["first"] for s in steps]}
    _bar_png(folder / "steps.png", "records flagged per step", steps, series)
    for name, file, title in (
        ("cmi", "cmi", "Code-Mixing Index (assistant turns)"),
        ("chars", "length", "characters per record"),
    ):
        d = dist[name]
        _bar_png(folder / f"{file}.png", title, _bin_labels(d["bins"]), {"before": d["before"], "after": d["after"]})
    for name, title in (("language", "sentence language (assistant turns)"), ("script", "script")):
        d = dist[name]
        _bar_png(folder / f"{name}.png", title, d["labels"], {"before": d["before"], "after": d["after"]})
