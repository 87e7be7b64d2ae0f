"""Image noise ops (extra ``image``): albumentations 2.x transforms with seeded, recorded parameters.

Each op draws its severity from the op's ``random.Random``, builds the albumentations transform
with that value fixed (``p=1``; albumentations 2.x argument names — 1.x names such as
``var_limit`` are silently ignored there) and seeds the transform itself
(``set_random_seed``), so no global generator is touched and the output depends only on the global
seed, the op and the record. The values drawn go into the ``ops`` entry.

| op | what | albumentations |
| --- | --- | --- |
| ``sensor`` | sensor noise at high ISO: luminance and colour grain | GaussNoise + ISONoise |
| ``motion_blur`` | a shaky hand or a moving belt | MotionBlur |
| ``defocus`` | a lens focused on the wrong plane | Defocus |
| ``jpeg`` | a cheap camera's or a messenger's JPEG at low quality | ImageCompression |
| ``low_light`` | a dim shop floor: darker, flatter, gamma-lifted shadows lost | RandomGamma + RandomBrightnessContrast |
| ``brightness`` | over- or under-exposure, contrast up or down | RandomBrightnessContrast |
| ``shadow`` | a shadow across the object | RandomShadow |
| ``perspective`` | the camera not square to the object | Perspective |
"""

from __future__ import annotations

import os
import random
from typing import Any, ClassVar

import numpy as np

from tadka.ops import op_string
from tadka.errors import ConfigError, MissingExtra
from tadka.registry import Registry

#: Image noise ops by name (``sensor``, ``jpeg``, ``motion_blur`` …).
image_ops: Registry[type[ImageOp]] = Registry("image noise op")


def albumentations():
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")  # else it checks PyPI on import
    try:
        import albumentations
    except ImportError:
        raise MissingExtra("albumentations", "image", "image noise") from None
    return albumentations


class ImageOp:
    """Base class: ``defaults`` (severity ranges), ``draw`` (pick values), ``transform`` (build)."""

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}
    integer: ClassVar[frozenset[str]] = frozenset()  # values drawn as integers

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ConfigError(
                f"unknown parameter(s) {sorted(unknown)} (allowed: {', '.join(sorted(self.defaults))})",
                field=f"image:{self.name}",
            )
        self.params = {**self.defaults, **params}
        for key, _ in self._ranges():
            lo, hi = float(self.params[key]), float(self.params["max_" + key[4:]])
            if lo > hi:
                raise ConfigError(f"{key} must not exceed max_{key[4:]}", field=f"image:{self.name}.{key}")

    def _ranges(self) -> list[tuple[str, str]]:
        return [(k, k[4:]) for k in self.params if k.startswith("min_") and "max_" + k[4:] in self.params]

    def draw(self, rng: random.Random) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, name in self._ranges():
            lo, hi = self.params[key], self.params["max_" + name]
            values[name] = (
                rng.randint(int(lo), int(hi)) if name in self.integer else round(rng.uniform(float(lo), float(hi)), 4)
            )
        return values

    def transform(self, values: dict[str, Any]):
        raise NotImplementedError

    def run(self, image: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
        """(noised HxWx3 uint8 image, ops entry)."""
        values = self.draw(rng)
        t = self.transform(values)
        t.set_random_seed(rng.getrandbits(32))
        out = t(image=image)["image"]
        return np.ascontiguousarray(out, dtype=np.uint8), op_string(f"image:{self.name}", **values)


@image_ops.register("sensor")
class SensorNoise(ImageOp):
    name = "sensor"
    defaults = {"min_std": 0.03, "max_std": 0.12, "min_iso": 0.1, "max_iso": 0.5}

    def transform(self, values):
        A = albumentations()
        std, iso = values["std"], values["iso"]
        return A.Compose(
            [
                A.GaussNoise(std_range=(std, std), per_channel=False, p=1.0),
                A.ISONoise(color_shift=(0.01, 0.03), intensity=(iso, iso), p=1.0),
            ],
            p=1.0,
        )


@image_ops.register("motion_blur")
class MotionBlur(ImageOp):
    name = "motion_blur"
    defaults = {"min_kernel": 5, "max_kernel": 15}
    integer = frozenset({"kernel"})

    def draw(self, rng):
        values = super().draw(rng)
        values["kernel"] |= 1  # odd kernel sizes only
        return values

    def transform(self, values):
        k = values["kernel"]
        return albumentations().MotionBlur(blur_limit=(k, k), allow_shifted=False, p=1.0)


@image_ops.register("defocus")
class Defocus(ImageOp):
    name = "defocus"
    defaults = {"min_radius": 2, "max_radius": 6}
    integer = frozenset({"radius"})

    def transform(self, values):
        r = values["radius"]
        return albumentations().Defocus(radius=(r, r), alias_blur=(0.1, 0.3), p=1.0)


@image_ops.register("jpeg")
class Jpeg(ImageOp):
    name = "jpeg"
    defaults = {"min_quality": 15, "max_quality": 50}
    integer = frozenset({"quality"})

    def transform(self, values):
        q = values["quality"]
        return albumentations().ImageCompression(compression_type="jpeg", quality_range=(q, q), p=1.0)


@image_ops.register("low_light")
class LowLight(ImageOp):
    name = "low_light"
    defaults = {"min_gamma": 140, "max_gamma": 220, "min_darken": 0.2, "max_darken": 0.45}

    def transform(self, values):
        A = albumentations()
        g, d = values["gamma"], values["darken"]
        return A.Compose(
            [
                A.RandomGamma(gamma_limit=(g, g), p=1.0),
                A.RandomBrightnessContrast(brightness_limit=(-d, -d), contrast_limit=(-d / 2, -d / 2), p=1.0),
            ],
            p=1.0,
        )


@image_ops.register("brightness")
class Brightness(ImageOp):
    name = "brightness"
    defaults = {"min_brightness": -0.25, "max_brightness": 0.25, "min_contrast": -0.25, "max_contrast": 0.25}

    def transform(self, values):
        b, c = values["brightness"], values["contrast"]
        return albumentations().RandomBrightnessContrast(brightness_limit=(b, b), contrast_limit=(c, c), p=1.0)


@image_ops.register("shadow")
class Shadow(ImageOp):
    name = "shadow"
    defaults = {"min_intensity": 0.3, "max_intensity": 0.7, "min_shadows": 1, "max_shadows": 2}
    integer = frozenset({"shadows"})

    def transform(self, values):
        i, n = values["intensity"], values["shadows"]
        return albumentations().RandomShadow(
            shadow_roi=(0, 0, 1, 1), num_shadows_limit=(n, n), shadow_dimension=5, shadow_intensity_range=(i, i), p=1.0
        )


@image_ops.register("perspective")
class Perspective(ImageOp):
    name = "perspective"
    defaults = {"min_scale": 0.02, "max_scale": 0.08}

    def transform(self, values):
        s = values["scale"]
        return albumentations().Perspective(scale=(s, s), keep_size=True, fit_output=False, border_mode=1, p=1.0)


def build_image_op(name: str, **params: Any) -> ImageOp:
    return image_ops.get(name)(**params)
