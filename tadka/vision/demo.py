"""Offline demo data for the camera track: metal washers on a conveyor belt, photographed from above,
each ``good`` or with one defect — a ``scratch``, a ``dent`` or a ``stain``.

Code, not shipped images: :func:`write_demo` draws an image-folder tree (one folder per class) that
`tadka import` reads like a user's own, in about a second for a few hundred images, so the whole camera
track (import → review → train → compress → hil_bench) runs on a fresh laptop without a download.

What makes it a camera task rather than a toy: the part moves and turns on the belt, the light and the
steel's shade change from frame to frame, every frame has dust specks and the washer's hole (dark round
marks that are *not* dents), and the defects are small and of low contrast — a scratch is a 1–2 px line
that sensor noise, blur and JPEG blocks wash out, which is what training-time noise is meant to survive.

Each image depends only on (seed, class, index) — the same call always draws the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSES = ("good", "scratch", "dent", "stain")


@dataclass(frozen=True)
class DemoSet:
    root: Path
    classes: tuple[str, ...]
    per_class: int
    size: int


def _rng(seed: int, label: str, index: int) -> np.random.Generator:
    return np.random.default_rng([seed, CLASSES.index(label), index])


def _segment_distance(xx: np.ndarray, yy: np.ndarray, a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
    """Distance of every pixel centre to the segment a–b (drawn anti-aliased from it)."""
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / max(dx * dx + dy * dy, 1e-9), 0.0, 1.0)
    return np.hypot(xx - (ax + t * dx), yy - (ay + t * dy))


def _belt(rng: np.random.Generator, n: int, xx: np.ndarray, yy: np.ndarray) -> np.ndarray:
    """Dark rubber with cross ribs that move with the belt, and light falling off to one side."""
    base = rng.uniform(0.16, 0.26)
    tint = np.array([0.95, 1.0, 0.97]) * base
    pitch = rng.uniform(0.09, 0.14) * n
    phase = rng.uniform(0, pitch)
    ribs = 0.035 * (np.cos(2 * np.pi * (yy + phase) / pitch) > 0.85)
    grain = rng.normal(0.0, 0.012, (n, n))
    angle = rng.uniform(0, 2 * np.pi)
    light = 1.0 + 0.25 * ((xx / n - 0.5) * np.cos(angle) + (yy / n - 0.5) * np.sin(angle))
    return (tint[None, None, :] + (ribs + grain)[..., None]) * light[..., None]


@dataclass
class _Part:
    cx: float
    cy: float
    radius: float
    hole: float
    mask: np.ndarray  # 0..1 coverage of the washer (anti-aliased edge), hole excluded


def _washer(rng: np.random.Generator, n: int, xx: np.ndarray, yy: np.ndarray, img: np.ndarray) -> _Part:
    """A brushed-steel washer with its shadow, shading and a specular highlight, painted into ``img``."""
    radius = rng.uniform(0.30, 0.38) * n
    cx = n / 2 + rng.uniform(-0.08, 0.08) * n
    cy = n / 2 + rng.uniform(-0.08, 0.08) * n
    hole = radius * rng.uniform(0.22, 0.32)
    r = np.hypot(xx - cx, yy - cy)
    shadow = np.clip(radius + 1.0 - np.hypot(xx - cx - 0.04 * n, yy - cy - 0.05 * n), 0, 1)
    img *= (1 - 0.45 * shadow)[..., None]
    mask = np.clip(radius + 0.5 - r, 0, 1) * np.clip(r - hole + 0.5, 0, 1)
    shade = rng.uniform(0.55, 0.75)
    steel = np.array([0.97, 1.0, 1.04]) * shade * rng.uniform(0.94, 1.06, 3)
    angle = rng.uniform(0, 2 * np.pi)
    grad = 1.0 + 0.18 * ((xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)) / radius
    brushed = 1.0 + 0.03 * np.sin(r * rng.uniform(1.6, 2.4))  # turning marks: concentric rings
    hx, hy = cx - 0.35 * radius * np.cos(angle), cy - 0.35 * radius * np.sin(angle)
    spec = 0.25 * np.exp(-((xx - hx) ** 2 + (yy - hy) ** 2) / (2 * (0.25 * radius) ** 2))
    metal = steel[None, None, :] * (grad * brushed)[..., None] + spec[..., None]
    img[:] = img * (1 - mask[..., None]) + metal * mask[..., None]
    return _Part(cx, cy, radius, hole, mask)


def _on_ring(rng: np.random.Generator, part: _Part, margin: float) -> tuple[float, float]:
    """A point on the washer's face, away from its edge and its hole."""
    rad = rng.uniform(part.hole + margin, part.radius - margin)
    ang = rng.uniform(0, 2 * np.pi)
    return part.cx + rad * np.cos(ang), part.cy + rad * np.sin(ang)


def _scratch(rng, n, xx, yy, img, part: _Part, severity: float = 1.0) -> None:
    """One or two thin lines across the face: brighter (fresh metal) or darker (a groove)."""
    for _ in range(rng.integers(1, 3)):
        x0, y0 = _on_ring(rng, part, 0.1 * part.radius)
        length = rng.uniform(0.6, 1.1) * part.radius
        ang = rng.uniform(0, np.pi)
        b = (x0 + length * np.cos(ang), y0 + length * np.sin(ang))
        width = rng.uniform(1.4, 2.2) * n / 96 * severity
        line = np.clip(1.0 - _segment_distance(xx, yy, (x0, y0), b) / width, 0, 1) * part.mask
        contrast = min(rng.uniform(0.3, 0.5) * severity, 0.9) * rng.choice([1.0, -1.0])
        img += (contrast * line)[..., None]


def _dent(rng, n, xx, yy, img, part: _Part, severity: float = 1.0) -> None:
    """A small bowl: the side towards the light darker, the far side brighter, with a soft rim."""
    cx, cy = _on_ring(rng, part, 0.18 * part.radius)
    rx = rng.uniform(0.11, 0.15) * n
    ry = rx * rng.uniform(0.6, 1.0)
    rot = rng.uniform(0, np.pi)
    u = ((xx - cx) * np.cos(rot) + (yy - cy) * np.sin(rot)) / rx
    v = (-(xx - cx) * np.sin(rot) + (yy - cy) * np.cos(rot)) / ry
    d2 = u * u + v * v
    bowl = np.exp(-2.5 * d2) * part.mask
    light = rng.uniform(0, 2 * np.pi)
    slope = u * np.cos(light) + v * np.sin(light)
    strength = rng.uniform(0.45, 0.65) * severity
    img += (strength * bowl * slope - 0.06 * bowl)[..., None]


def _stain(rng, n, xx, yy, img, part: _Part, severity: float = 1.0) -> None:
    """Oil or rust: a few overlapping soft blobs, brownish, half transparent."""
    cx, cy = _on_ring(rng, part, 0.15 * part.radius)
    alpha = np.zeros((n, n))
    for _ in range(rng.integers(3, 6)):
        bx, by = cx + rng.normal(0, 0.04 * n), cy + rng.normal(0, 0.04 * n)
        s = rng.uniform(0.03, 0.06) * n
        alpha = np.maximum(alpha, np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / (2 * s * s)))
    alpha = alpha * part.mask * min(rng.uniform(0.4, 0.65) * severity, 0.95)
    colour = np.array([0.35, 0.24, 0.12]) * rng.uniform(0.6, 1.1)
    img[:] = img * (1 - alpha[..., None]) + colour[None, None, :] * alpha[..., None]


def _dust(rng, n, xx, yy, img) -> None:
    """Specks on the belt and the part in every frame, so a dark dot alone never names the class."""
    for _ in range(rng.integers(1, 5)):
        x, y = rng.uniform(0, n), rng.uniform(0, n)
        s = rng.uniform(0.4, 0.9) * n / 96
        speck = np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * s * s))
        img += (rng.uniform(-0.25, 0.2) * speck)[..., None]


DEFECTS = {"scratch": _scratch, "dent": _dent, "stain": _stain}


def draw(label: str, index: int, *, seed: int = 0, size: int = 96, severity: float = 1.0) -> np.ndarray:
    """One frame of class ``label`` as HxWx3 uint8; ``severity`` scales how wide and strong a defect is
    (1: small, low-contrast defects; 2: the same defects plainly visible at 64 px)."""
    if label not in CLASSES:
        raise ValueError(f"unknown demo class {label!r}; known: {', '.join(CLASSES)}")
    rng = _rng(seed, label, index)
    n = size
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float64) + 0.5
    img = _belt(rng, n, xx, yy)
    part = _washer(rng, n, xx, yy, img)
    if label in DEFECTS:
        DEFECTS[label](rng, n, xx, yy, img, part, severity)
    _dust(rng, n, xx, yy, img)
    img *= rng.uniform(0.85, 1.15)  # exposure from frame to frame
    img += rng.normal(0.0, 0.008, img.shape)  # a clean camera still has a little noise
    return (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)


def write_demo(
    root: str | Path,
    *,
    per_class: int = 80,
    size: int = 96,
    seed: int = 0,
    classes: tuple[str, ...] = CLASSES,
    severity: float = 1.0,
) -> DemoSet:
    """Write ``root/<class>/<class>-NNNN.png`` for each class; existing files are overwritten atomically."""
    from PIL import Image

    from tadka.atomic import atomic_file

    if per_class < 1:
        raise ValueError("per_class must be at least 1")
    if not 16 <= size <= 1024:
        raise ValueError("size must be between 16 and 1024 pixels")
    if not 0.25 <= severity <= 4:
        raise ValueError("severity must be between 0.25 and 4")
    root = Path(root)
    for label in classes:
        folder = root / label
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            with atomic_file(folder / f"{label}-{i:04d}.png", "wb") as f:
                Image.fromarray(draw(label, i, seed=seed, size=size, severity=severity), "RGB").save(
                    f, format="PNG", compress_level=1
                )
    return DemoSet(root, tuple(classes), per_class, size)
