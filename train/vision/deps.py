"""What the vision extra needs, checked with find_spec before the slow imports (one line per problem)."""

from __future__ import annotations

import importlib.util

from tadka.errors import MissingExtra

VISION_PACKAGES = ("torch", "transformers", "PIL", "albumentations")


def require_vision(backbone: str = "") -> None:
    for name in VISION_PACKAGES:
        if importlib.util.find_spec(name) is None:
            raise MissingExtra(name, "vision", "image classification")
    if backbone == "mobilenetv4" and importlib.util.find_spec("timm") is None:
        raise MissingExtra(
            "timm",
            "vision",
            "the MobileNetV4 backbone (timm needs the torchvision built for its "
            "torch: a GPU workstation; see docs/vision.md)",
        )
