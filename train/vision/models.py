"""Backbones for image classification: transformers' ViT, DeiT, MobileViT, MobileNetV2 and ResNet, and
timm's MobileNetV4.

Why two libraries: timm is where MobileNetV4 lives, but timm imports torchvision at ``import timm``
(measured: ``timm/layers/create_norm.py`` imports ``torchvision.ops.misc``), and PyPI's torchvision does
not load beside the CPU torch 2.13.0 that the ``train`` extra pins ("operator torchvision::nms does not
exist"). transformers' vision models need no torchvision, so the ``vision`` extra installs next to
``train`` and runs here; the timm route is real code for a GPU workstation whose torch has its matching
torchvision (``pip install timm`` there), and a one-line error elsewhere.

Every model is wrapped in :class:`Classifier` (pixels in, logits out), which is what the trainer, the
reload check and the ONNX export see.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tadka.errors import ConfigError, MissingExtra

# Small random-init architectures for CPU runs and tests; ``vision.arch`` keys override them.
SMALL: dict[str, dict[str, Any]] = {
    "vit": {
        "patch_size": 8,
        "hidden_size": 96,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "intermediate_size": 192,
    },
    "deit": {
        "patch_size": 8,
        "hidden_size": 96,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "intermediate_size": 192,
    },
    "mobilevit": {"hidden_sizes": [48, 64, 80], "neck_hidden_sizes": [16, 24, 48, 64, 80, 96, 320]},
    "mobilenet_v2": {"depth_multiplier": 0.35, "classifier_dropout_prob": 0.1},
    "resnet": {"embedding_size": 16, "hidden_sizes": [16, 32, 64, 128], "depths": [1, 1, 1, 1], "layer_type": "basic"},
    "mobilenetv4": {"model_name": "mobilenetv4_conv_small"},
}
HF_CLASSES = {
    "vit": ("ViTConfig", "ViTForImageClassification"),
    "deit": ("DeiTConfig", "DeiTForImageClassification"),
    "mobilevit": ("MobileViTConfig", "MobileViTForImageClassification"),
    "mobilenet_v2": ("MobileNetV2Config", "MobileNetV2ForImageClassification"),
    "resnet": ("ResNetConfig", "ResNetForImageClassification"),
}
# Attention projections that LoRA adapts in ViT/DeiT: query and value, under the names transformers 5 uses
# (q_proj, v_proj) and the ones hub checkpoints of transformers 4 used (query, value).
LORA_TARGETS = {"vit": ("q_proj", "v_proj", "query", "value"), "deit": ("q_proj", "v_proj", "query", "value")}
DEFAULT_NORM = {"mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "bgr": False}


def torch_nn():
    try:
        import torch
        from torch import nn
    except ImportError:
        raise MissingExtra("torch", "vision", "image classification") from None
    return torch, nn


def _timm():
    try:
        import timm
    except (ImportError, RuntimeError, OSError) as e:  # no torchvision, or one built for another torch
        raise MissingExtra(
            "timm",
            "vision",
            f"the MobileNetV4 backbone ({str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__}); "
            "timm imports torchvision, which "
            "needs the torch it was built for: use a GPU workstation "
            "(pip install timm) or a transformers backbone here",
        ) from None
    return timm


def build_classifier(
    backbone: str, labels: list[str], *, image_size: int, pretrained: str = "", arch: dict[str, Any] | None = None
):
    """A :class:`Classifier` with a fresh head for ``labels``: from ``pretrained`` weights, or random init."""
    if backbone == "mobilenetv4":
        return _timm_classifier(labels, image_size=image_size, pretrained=pretrained, arch=arch or {})
    import transformers

    config_name, model_name = HF_CLASSES[backbone]
    id2label = dict(enumerate(labels))
    label2id = {v: k for k, v in id2label.items()}
    model_cls = getattr(transformers, model_name)
    if pretrained:
        try:
            model = model_cls.from_pretrained(
                pretrained, num_labels=len(labels), id2label=id2label, label2id=label2id, ignore_mismatched_sizes=True
            )  # the hub head has ImageNet's 1000 classes
        except (OSError, ValueError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise ConfigError(
                f"cannot load {pretrained!r} as a {model_name}: {first[:200]}",
                field="vision.pretrained",
                hint="a hub id (with the hub reachable) or a local folder; empty: random init",
            ) from None
        norm = _pretrained_norm(pretrained)
    else:
        values = {**SMALL[backbone], **(arch or {})}
        if backbone in ("vit", "deit", "mobilevit"):
            values["image_size"] = image_size
        try:
            config = getattr(transformers, config_name)(
                num_labels=len(labels), id2label=id2label, label2id=label2id, **values
            )
        except (TypeError, ValueError) as e:
            raise ConfigError(f"{config_name} refused the arch keys: {e}", field="vision.arch") from None
        model = model_cls(config)
        norm = dict(DEFAULT_NORM)
    return Classifier(model, kind="hf", backbone=backbone, labels=labels, image_size=image_size, norm=norm)


def _pretrained_norm(pretrained: str) -> dict[str, Any]:
    """Mean, std and channel order from the checkpoint's image processor config (MobileViT wants BGR)."""
    from transformers import AutoImageProcessor

    try:
        proc = AutoImageProcessor.from_pretrained(pretrained)
    except (OSError, ValueError):
        return dict(DEFAULT_NORM)
    if not getattr(proc, "do_normalize", True):
        return {"mean": [0.0] * 3, "std": [1.0] * 3, "bgr": bool(getattr(proc, "do_flip_channel_order", False))}
    return {
        "mean": list(proc.image_mean),
        "std": list(proc.image_std),
        "bgr": bool(getattr(proc, "do_flip_channel_order", False)),
    }


def _timm_classifier(labels, *, image_size, pretrained, arch):
    """GPU-workstation route: ``timm.create_model`` with hub weights (``timm/<name>``) or from config."""
    timm = _timm()
    name = (
        pretrained.removeprefix("hf-hub:").removeprefix("timm/")
        if pretrained
        else arch.get("model_name", "mobilenetv4_conv_small")
    )
    model = timm.create_model(name, pretrained=bool(pretrained), num_classes=len(labels))
    cfg = timm.data.resolve_data_config({}, model=model)
    norm = {"mean": list(cfg["mean"]), "std": list(cfg["std"]), "bgr": False}
    return Classifier(
        model, kind="timm", backbone="mobilenetv4", labels=labels, image_size=image_size, norm=norm, timm_name=name
    )


def _module_base():
    _, nn = torch_nn()
    return nn.Module


class Classifier(_module_base()):  # type: ignore[misc]
    """Pixels (N, 3, H, W), normalised as ``norm`` says, in; logits (N, classes) out."""

    def __init__(
        self,
        model,
        *,
        kind: str,
        backbone: str,
        labels: list[str],
        image_size: int,
        norm: dict[str, Any],
        timm_name: str = "",
    ) -> None:
        super().__init__()
        self.model = model
        self.kind, self.backbone, self.labels = kind, backbone, list(labels)
        self.image_size, self.norm, self.timm_name = image_size, norm, timm_name

    def forward(self, pixel_values):
        if self.kind == "timm":
            return self.model(pixel_values)
        return self.model(pixel_values=pixel_values).logits

    def meta(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "backbone": self.backbone,
            "labels": self.labels,
            "image_size": self.image_size,
            "norm": self.norm,
            "timm_name": self.timm_name,
        }

    def save(self, folder: Path) -> None:
        """``model/``: transformers' save_pretrained (or timm's state dict) and ``classifier.json``."""
        from tadka.atomic import write_text

        folder.mkdir(parents=True, exist_ok=True)
        if self.kind == "hf":
            self.model.save_pretrained(folder, safe_serialization=True)
        else:
            import torch

            torch.save(self.model.state_dict(), folder / "timm_state.pt")
        write_text(folder / "classifier.json", json.dumps(self.meta(), indent=2, ensure_ascii=False))


def load_classifier(folder: str | Path) -> Classifier:
    """A saved classifier, in eval mode (the reload that compress and the tests use)."""
    folder = Path(folder)
    meta_path = folder / "classifier.json"
    if not meta_path.is_file():
        raise ConfigError("not a saved image classifier (no classifier.json)", file=folder, field="model")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["kind"] == "timm":
        import torch

        timm = _timm()
        model = timm.create_model(meta["timm_name"], pretrained=False, num_classes=len(meta["labels"]))
        model.load_state_dict(torch.load(folder / "timm_state.pt", map_location="cpu"))
    else:
        import transformers

        model = getattr(transformers, HF_CLASSES[meta["backbone"]][1]).from_pretrained(folder)
    clf = Classifier(
        model,
        kind=meta["kind"],
        backbone=meta["backbone"],
        labels=meta["labels"],
        image_size=meta["image_size"],
        norm=meta["norm"],
        timm_name=meta.get("timm_name", ""),
    )
    return clf.eval()
