"""Reading and writing images for the noise ops: Pillow, checked, bounded in memory.

* Missing, unreadable or truncated files raise :class:`~tadka.augment.media.MediaError`.
* Size is checked from the header before any pixel is decoded. An image above ``max_pixels`` is
  refused (``oversize="reject"``) or downscaled to fit (``"downscale"``, the default) by an integer
  factor; a JPEG is then decoded at 1/2, 1/4 or 1/8 scale by the decoder itself (``Image.draft``),
  so a 50-megapixel photo never lands in memory at full size. Other formats are decoded in full
  first, so those are refused outright above ``decode_factor`` × ``max_pixels``.
* Grayscale, palette, CMYK and 16-bit images are converted to RGB for the ops, and images with an
  alpha channel are flattened onto white; grayscale inputs are written back as grayscale. Each
  conversion is a note in the rejects report (outcome ``converted``), not a rejection.
* EXIF orientation is applied, so a phone photo is noised the way it is seen.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tadka.augment.media import MediaError
from tadka.errors import MissingExtra

OVERSIZE = ("downscale", "reject")
GRAY_MODES = frozenset({"1", "L", "I", "I;16", "I;16B", "I;16L", "F"})


def pillow():
    try:
        from PIL import Image
    except ImportError:
        raise MissingExtra("pillow", "image", "image noise") from None
    return Image


@dataclass
class Picture:
    """HxWx3 uint8 pixels, whether to save as grayscale, and what was done to read them."""

    pixels: np.ndarray
    gray: bool = False
    notes: list[str] = field(default_factory=list)
    downscaled: str = ""  # "WxH→wxh" when the image was made smaller to fit max_pixels


def load_image(
    path: str | os.PathLike, max_pixels: int = 16_000_000, oversize: str = "downscale", decode_factor: int = 8
) -> Picture:
    """Read one image as RGB, bounded by ``max_pixels``; MediaError for what cannot be noised."""
    Image = pillow()
    from PIL import ImageOps, UnidentifiedImageError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(path)
        except UnidentifiedImageError:
            raise MediaError("corrupt", "image", "not an image Pillow can read") from None
        except Image.DecompressionBombError as e:
            raise MediaError("too_large", "image", str(e)[:200]) from None
        except OSError as e:
            raise MediaError("corrupt", "image", str(e)[:200]) from None
        with img:
            w, h = img.size
            if w <= 0 or h <= 0:
                raise MediaError("empty", "image", f"{w}x{h}")
            notes: list[str] = []
            downscaled = ""
            if w * h > max_pixels:
                if oversize == "reject":
                    raise MediaError("too_large", "image", f"{w}x{h} = {w * h / 1e6:.1f} MP > {max_pixels / 1e6:g} MP")
                if img.format == "JPEG":
                    # the decoder itself reduces by 1/2, 1/4 or 1/8: take the mildest that fits
                    f = next((f for f in (2, 4, 8) if (w // f) * (h // f) <= max_pixels), 8)
                    img.draft(img.mode if img.mode in ("L", "RGB") else "RGB", (w // f, h // f))
                elif w * h > decode_factor * max_pixels:
                    raise MediaError(
                        "too_large",
                        "image",
                        f"{w}x{h} {img.format} is too large to decode (limit {decode_factor} x {max_pixels / 1e6:g} MP)",
                    )
            try:
                img.load()
                ImageOps.exif_transpose(img, in_place=True)  # no copy when there is nothing to turn
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
                raise MediaError("corrupt", "image", str(e)[:200]) from None
            if img.width * img.height > max_pixels:
                f = next((f for f in range(2, 65) if (img.width // f) * (img.height // f) <= max_pixels), 64)
                img = img.reduce(f)  # box filter by an integer factor: one small copy, no big resample
            if (img.width, img.height) != (w, h):
                downscaled = f"{w}x{h}→{img.width}x{img.height}"
            gray = img.mode in GRAY_MODES or (img.mode == "LA")
            if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
                rgba = img.convert("RGBA")
                flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                flat.alpha_composite(rgba)
                notes.append(f"{img.mode} flattened onto white")
                img = flat.convert("RGB")
            elif img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
                arr = np.asarray(img, dtype=np.float64)
                top = arr.max() if arr.size and arr.max() > 255 else 255.0
                img = Image.fromarray(np.clip(arr / top * 255.0, 0, 255).astype(np.uint8), "L").convert("RGB")
                notes.append("16-bit/float grayscale scaled to 8 bits")
            elif img.mode != "RGB":
                notes.append(f"{img.mode} converted to RGB")
                img = img.convert("RGB")
            pixels = np.array(img, dtype=np.uint8)
    if gray:
        notes.append("grayscale: noised in RGB, saved as grayscale")
    return Picture(pixels, gray, notes, downscaled)


def save_image(path: Path, pixels: np.ndarray, gray: bool = False, fmt: str = "png", quality: int = 95) -> None:
    """PNG (lossless: the file holds exactly what the ops made) or JPEG, atomically."""
    from tadka.atomic import atomic_file

    Image = pillow()
    img = Image.fromarray(pixels, "RGB")
    if gray:
        img = img.convert("L")
    buf = io.BytesIO()
    if fmt == "jpg":
        img.save(buf, format="JPEG", quality=quality)
    else:
        img.save(buf, format="PNG", compress_level=1)
    with atomic_file(path, "wb") as f:
        f.write(buf.getvalue())


def psnr(clean: np.ndarray, noisy: np.ndarray) -> float:
    """Peak signal-to-noise ratio of ``noisy`` against ``clean`` (uint8 images of one shape), in dB."""
    mse = np.mean((clean.astype(np.float64) - noisy.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0**2 / mse))
