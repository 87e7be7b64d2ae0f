"""The ``vision:`` section of tadka.yaml: what `tadka train --task image-classification` adds to ``train:``.

``train:`` keeps what every run shares (dataset, max_steps, batch_size, learning_rate, seed, threads,
save_every, resume, the LoRA rank …); this section names the backbone, how it is fine-tuned and the
noise it sees. Importable without torch: the CLI builds ``--backbone``, ``--noise-preset`` … from it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from tadka.config import Section, merge, opt, section

BACKBONES = ("vit", "deit", "mobilevit", "mobilenet_v2", "resnet", "mobilenetv4")
FINETUNE = ("auto", "full", "partial", "head", "lora")


@section("vision", "`tadka train --task image-classification`: the camera track's backbone, fine-tuning and noise.")
@dataclass
class VisionConfig(Section):
    """`tadka train --task image-classification`: the camera track's backbone, fine-tuning and noise."""

    backbone: Literal["vit", "deit", "mobilevit", "mobilenet_v2", "resnet", "mobilenetv4"] = opt(
        "mobilenet_v2",
        "vit, deit, mobilevit, mobilenet_v2, resnet (transformers; no torchvision needed) or "
        "mobilenetv4 (timm: needs a torch with its matching torchvision, i.e. a GPU workstation).",
    )
    pretrained: str = opt(
        "",
        "Weights to start from: a hub id or local folder (e.g. google/vit-base-patch16-224, "
        "facebook/deit-tiny-patch16-224, apple/mobilevit-xx-small, google/mobilenet_v2_1.0_224, "
        "timm/mobilenetv4_conv_small.e2400_r224_in1k). Empty: random init from config.",
    )
    arch: dict[str, Any] = opt(
        {},
        "Random init only: keys of the transformers config (hidden_size, "
        "num_hidden_layers, depth_multiplier …) over the backbone's small defaults.",
    )
    image_size: int = opt(
        224, "Side of the square the images are resized to (pretrained weights expect theirs).", ge=16, le=1024
    )
    finetune: Literal["auto", "full", "partial", "head", "lora"] = opt(
        "auto",
        "full; partial (the last trainable_blocks blocks and the head); head (a linear probe); lora (PEFT "
        "LoRA on ViT/DeiT attention, the head trained in full); auto: lora for a pretrained ViT/DeiT, else full.",
    )
    trainable_blocks: int = opt(2, "partial: how many of the last blocks/stages train.", ge=1)
    noise_preset: str = opt(
        "factory-camera",
        "Image noise preset applied on the fly during training (see `tadka augment --list`); empty: no "
        "training-time noise.",
    )
    camera_side: int = opt(
        512,
        "Long side of the camera frame that field noise is applied to, before the resize to image_size "
        "(grain, blur and JPEG blocks are sized in the camera's pixels, not the model's); larger images "
        "are scaled down to it first, smaller ones are noised at their own size.",
        ge=16,
        le=4096,
    )
    noise_rate: float = opt(
        0.5, "Share of training images noised (each with the preset's ops, drawn per image).", ge=0, le=1
    )
    eval_noise_preset: str = opt(
        "factory-camera", "Preset of the noised eval set (fixed seed); empty: clean eval only."
    )
    flips: bool = opt(
        True,
        "Random flips and quarter turns in training (right for a top-down camera; off for "
        "pictures that have an up, such as crop leaves on a stem).",
    )
    eval_fraction: float = opt(
        0.2,
        "Share of each class held out for eval when the dataset is a stage "
        "(a seeded stratified split; an export keeps its own split).",
        gt=0,
        lt=1,
    )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def vision_fields() -> list[dataclasses.Field]:
    return list(dataclasses.fields(VisionConfig))


def resolve_vision(base: VisionConfig, *layers: dict[str, Any], source: str = "<command line>") -> VisionConfig:
    """The one merge (defaults < tadka.yaml < the run's saved keys < --config < flags), then every key's bounds."""
    return merge(base, *layers, source=source).check()
