"""Accuracy and the per-class confusion matrix of a vision run (PNG, as the app shows it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def confusion(labels: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """(true, predicted) counts, rows are the true class."""
    m = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(m, (labels, predicted), 1)
    return m


def per_class(matrix: np.ndarray, names: list[str]) -> dict[str, float]:
    """Recall of each class (the share of its images named right)."""
    totals = matrix.sum(axis=1)
    return {n: round(float(matrix[i, i] / totals[i]), 4) if totals[i] else 0.0 for i, n in enumerate(names)}


def confusion_png(matrix: np.ndarray, names: list[str], path: Path, title: str) -> None:
    """Counts in each cell, rows normalised for the colour; written atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tadka.atomic import atomic_file

    share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    side = 1.6 + 0.55 * len(names)
    fig, ax = plt.subplots(figsize=(side + 1, side))
    im = ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(len(names)):
        for j in range(len(names)):
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                color="white" if share[i, j] > 0.6 else "black",
                fontsize=9,
            )
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    with atomic_file(path, "wb", encoding=None) as f:
        fig.savefig(f, format="png", dpi=100)
    plt.close(fig)
