"""What every step shares: its seeded Random, the op string it records, and the CMI band it aims at.

These were the code-mixer's; the noise ops, the curate filters and generation all need them, so they
live in the core and no package imports another to get them.
"""

from __future__ import annotations

import hashlib
import json
import random
from typing import Sequence

MAX_CMI = 50.0  # two languages: the matrix one always holds at least half the words


def op_rng(seed: int, op: str, key: str) -> random.Random:
    """A Random seeded from (global seed, op name, record key): output never depends on order or worker count."""
    digest = hashlib.sha256(f"{seed}\x1f{op}\x1f{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def op_string(name: str, **params: object) -> str:
    """``name {json params}``: how an op is written into ``Record.ops`` (readable and parseable)."""
    return f"{name} {json.dumps(params, sort_keys=True, ensure_ascii=False, separators=(',', ':'))}"


def parse_band(value: str | Sequence[float]) -> tuple[float, float]:
    """ "20-40" or (20, 40) → (20.0, 40.0); ValueError with a readable reason otherwise."""
    if isinstance(value, str):
        lo, sep, hi = value.replace("–", "-").partition("-")
        if not sep:
            raise ValueError(f"expected LOW-HIGH such as 20-40, got {value!r}")
        try:
            band = (float(lo), float(hi))
        except ValueError:
            raise ValueError(f"expected two numbers such as 20-40, got {value!r}") from None
    else:
        if len(value) != 2:
            raise ValueError(f"expected two numbers, got {list(value)!r}")
        band = (float(value[0]), float(value[1]))
    if not 0 <= band[0] <= band[1] <= 100:
        raise ValueError(f"a CMI band is 0 <= LOW <= HIGH <= 100, got {band[0]:g}-{band[1]:g}")
    if band[0] >= MAX_CMI:
        raise ValueError(f"CMI of Hindi-English text tops out at {MAX_CMI:g}; got a band starting at {band[0]:g}")
    return band


def in_band(value: float, band: tuple[float, float]) -> bool:
    """``band[0] <= value <= band[1]`` up to float noise (1/5 of a sentence is 19.999999999999996)."""
    return band[0] - 1e-6 <= value <= band[1] + 1e-6
