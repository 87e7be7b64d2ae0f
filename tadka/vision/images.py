"""Checking one image for import: keep its bytes, convert it to what a classifier reads, or reject it.

Every image that goes into a stage decodes in full as 8-bit RGB in its display orientation, so training,
the ONNX bench and the device see the same pixels. What does not is rejected with a reason, or converted
where a conversion is what a user wants (and noted in the report with outcome ``converted``):

| what | default | why |
| --- | --- | --- |
| 0 bytes | reject ``empty`` | nothing to learn from |
| not an image, or damaged | reject ``corrupt`` | Pillow cannot identify or decode it |
| cut off before its end | reject ``truncated`` | a half-copied file: its lower part is grey |
| over ``max_mb`` or ``max_pixels`` | reject ``too_large`` | checked from the header, before any pixel is decoded |
| a side under ``min_side`` | reject ``too_small`` | a thumbnail or an icon, not a camera frame |
| one flat colour | reject ``blank`` | a lens cap, a dead sensor, a frame grabbed in the dark |
| CMYK (print workflows) | convert to RGB (``cmyk: reject`` refuses it) | a model reads RGB; the colours are kept |
| grayscale, 16-bit | convert to RGB (``grayscale: reject`` refuses it) | a monochrome line camera is normal; on a colour line a grey frame may be a fault, so it can be refused |
| palette, alpha | convert to RGB, alpha flattened on white | what a viewer shows |
| EXIF rotation | applied | a phone photo is classified the way it is seen |

A converted image is stored as PNG (lossless); an image that needs nothing is stored byte for byte.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from typing import Any

REASONS = (
    "missing",
    "empty",
    "corrupt",
    "truncated",
    "too_large",
    "too_small",
    "blank",
    "grayscale",
    "cmyk",
    "unreadable",
)
KEEP_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "BMP": "bmp"}
GRAY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"})


@dataclass
class Checked:
    """The outcome for one image: ``data`` to store (None when rejected) and what was done."""

    reason: str = ""  # empty: accepted
    detail: str = ""
    data: bytes | None = None
    ext: str = ""
    width: int = 0
    height: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class ImageLimits:
    max_mb: float = 50.0
    max_pixels: int = 40_000_000
    min_side: int = 16
    blank_std: float = 2.0
    grayscale: str = "convert"
    cmyk: str = "convert"


def _reject(reason: str, detail: str = "") -> Checked:
    return Checked(reason=reason, detail=detail[:200])


def _opened(raw: bytes, limits: ImageLimits):
    """(image, None) with the header read, or (None, Checked rejection)."""
    from PIL import Image, UnidentifiedImageError

    if not raw:
        return None, _reject("empty", "0 bytes")
    if len(raw) > limits.max_mb * 2**20:
        return None, _reject("too_large", f"{len(raw) / 2**20:.1f} MB > {limits.max_mb:g} MB")
    try:
        img = Image.open(io.BytesIO(raw))
    except UnidentifiedImageError:
        return None, _reject("corrupt", "not an image Pillow can read")
    except Image.DecompressionBombError as e:
        return None, _reject("too_large", str(e))
    except (OSError, ValueError, SyntaxError) as e:
        return None, _reject("corrupt", f"{type(e).__name__}: {e}")
    w, h = img.size
    if w * h > limits.max_pixels:
        return None, _reject("too_large", f"{w}x{h} = {w * h / 1e6:.1f} MP > {limits.max_pixels / 1e6:g} MP")
    if min(w, h) < limits.min_side:
        return None, _reject("too_small", f"{w}x{h}, a side under {limits.min_side} px")
    return img, None


def _decoded(img):
    """Load every pixel; (None, rejection) for a truncated or damaged file."""
    from PIL import Image

    try:
        img.load()
    except OSError as e:
        reason = "truncated" if "truncated" in str(e).lower() or "broken data stream" in str(e).lower() else "corrupt"
        return None, _reject(reason, str(e))
    except (ValueError, SyntaxError, Image.DecompressionBombError, EOFError) as e:
        return None, _reject("corrupt", f"{type(e).__name__}: {e}")
    return img, None


def _to_rgb(img, limits: ImageLimits) -> tuple[Any, list[str], Checked | None]:
    """The image as 8-bit RGB, the notes of what was converted, or a rejection by policy."""
    import numpy as np
    from PIL import Image

    notes: list[str] = []
    mode = img.mode
    if mode == "CMYK":
        if limits.cmyk == "reject":
            return None, notes, _reject("cmyk", "CMYK image (cmyk: reject)")
        notes.append("CMYK converted to RGB")
        return img.convert("RGB"), notes, None
    if mode in GRAY_MODES:
        if limits.grayscale == "reject":
            return None, notes, _reject("grayscale", f"{mode} image (grayscale: reject)")
        if mode in ("I", "I;16", "I;16B", "I;16L", "F"):
            arr = np.asarray(img, dtype=np.float64)
            top = float(arr.max()) if arr.size and arr.max() > 255 else 255.0
            img = Image.fromarray(np.clip(arr / top * 255.0, 0, 255).astype(np.uint8), "L")
            notes.append("16-bit grayscale scaled to 8 bits")
        if img.mode == "LA":
            img = _flatten(img)
            notes.append("alpha flattened onto white")
        notes.append("grayscale converted to RGB")
        return img.convert("RGB"), notes, None
    if mode in ("RGBA", "PA") or (mode == "P" and "transparency" in img.info):
        notes.append(f"{mode} flattened onto white")
        return _flatten(img).convert("RGB"), notes, None
    if mode != "RGB":
        notes.append(f"{mode} converted to RGB")
        return img.convert("RGB"), notes, None
    return img, notes, None


def _flatten(img):
    from PIL import Image

    rgba = img.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    flat.alpha_composite(rgba)
    return flat


def check_image(raw: bytes, limits: ImageLimits = ImageLimits()) -> Checked:
    """Decide what to store for one image's bytes (see the table above)."""
    import numpy as np
    from PIL import ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # DecompressionBombWarning, EXIF and palette warnings: handled here
        img, bad = _opened(raw, limits)
        if bad:
            return bad
        fmt, frames = img.format, getattr(img, "n_frames", 1)
        img, bad = _decoded(img)
        if bad:
            return bad
        notes = []
        if img.getexif().get(0x0112, 1) not in (0, 1):  # the EXIF Orientation tag asks for a turn or a flip
            img = ImageOps.exif_transpose(img)
            notes.append("rotated by its EXIF orientation")
        rgb, conv, bad = _to_rgb(img, limits)
        if bad:
            return bad
        notes += conv
        if frames > 1:
            notes.append(f"first of {frames} frames kept")
        small = rgb if max(rgb.size) <= 256 else rgb.resize((256, max(1, round(256 * rgb.height / rgb.width))))
        std = float(np.asarray(small, dtype=np.float32).std())
        if std < limits.blank_std:
            return _reject("blank", f"one flat colour (pixel std {std:.2f} < {limits.blank_std:g})")
        if not notes and fmt in KEEP_FORMATS:
            return Checked(data=raw, ext=KEEP_FORMATS[fmt], width=rgb.width, height=rgb.height)
        buf = io.BytesIO()
        rgb.save(buf, format="PNG", compress_level=3)
        if fmt not in KEEP_FORMATS and not notes:
            notes.append(f"{fmt or 'unknown'} stored as PNG")
        return Checked(data=buf.getvalue(), ext="png", width=rgb.width, height=rgb.height, notes=notes)


def limits_from(cfg) -> ImageLimits:
    return ImageLimits(
        max_mb=cfg.max_mb,
        max_pixels=cfg.max_pixels,
        min_side=cfg.min_side,
        blank_std=cfg.blank_std,
        grayscale=cfg.grayscale,
        cmyk=cfg.cmyk,
    )
