"""Aiming at a CMI band: how English a tagging is, whether it is on target, and where inside the band to aim."""

from __future__ import annotations

import random
from typing import Sequence

from tadka.lang.metrics import cmi as cmi_of_tags
from tadka.ops import MAX_CMI, in_band


def english_share(tags: Sequence[str]) -> float:
    """English words over language words (CMI's N: everything but ``ne`` and ``univ``)."""
    n = sum(1 for t in tags if t not in ("ne", "univ"))
    return sum(1 for t in tags if t == "en") / n if n else 0.0


def on_target(tags: Sequence[str], band: tuple[float, float]) -> bool:
    """CMI inside ``band`` with Hindi as the matrix language (at most half the words English)."""
    return in_band(cmi_of_tags(tags), band) and english_share(tags) <= 0.5


def draw_target(band: tuple[float, float], rng: random.Random) -> float:
    """A CMI to aim at inside ``band``, kept a little off its edges (the tagger may disagree by a word)."""
    lo, hi = band[0], min(band[1], MAX_CMI)
    margin = min(4.0, (hi - lo) / 4)
    return rng.uniform(lo + margin, hi - margin) if hi - lo > 2 * margin else (lo + hi) / 2
