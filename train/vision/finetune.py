"""Which weights train: full, partial (the last blocks and the head), head only, or PEFT LoRA on the
attention of a ViT/DeiT with the classifier head trained in full (``modules_to_save``)."""

from __future__ import annotations

from tadka.errors import ConfigError
from tadka.train.vision.models import LORA_TARGETS, Classifier

HEAD_NAMES = ("classifier", "head", "fc")


def pick_mode(finetune: str, backbone: str, pretrained: str) -> str:
    if finetune != "auto":
        return finetune
    return "lora" if pretrained and backbone in LORA_TARGETS else "full"


def _head(model):
    for name in HEAD_NAMES:
        if hasattr(model, name):
            return getattr(model, name)
    raise ConfigError(f"cannot find the classifier head of {type(model).__name__}", field="vision.finetune")


def _blocks(model):
    """The longest ``nn.ModuleList`` in the model: the transformer layers or the CNN's stages/blocks.

    Found by looking, not by a name table, so partial fine-tuning works for every backbone we build
    (``vit.encoder.layer``, ``mobilenet_v2.layer``, ``resnet.encoder.stages``, timm's ``blocks``).
    """
    from torch import nn

    lists = [m for m in model.modules() if isinstance(m, (nn.ModuleList, nn.Sequential)) and len(m) > 1]
    if not lists:
        raise ConfigError(
            f"{type(model).__name__} has no list of blocks to fine-tune partially",
            field="vision.finetune",
            hint="use full or head",
        )
    return max(lists, key=len)


def apply_finetune(
    clf: Classifier, mode: str, *, trainable_blocks: int, lora_r: int, lora_alpha: int, lora_dropout: float
) -> Classifier:
    """Set requires_grad (or wrap with LoRA) for ``mode``; returns the classifier (its .model may be a PeftModel)."""
    model = clf.model
    if mode == "full":
        return clf
    if mode == "lora":
        if clf.backbone not in LORA_TARGETS:
            raise ConfigError(
                f"LoRA is built for ViT/DeiT attention, not {clf.backbone}",
                field="vision.finetune",
                hint="use full or partial for a CNN",
            )
        from peft import LoraConfig, get_peft_model
        from torch import nn

        wanted = LORA_TARGETS[clf.backbone]  # found by looking, so a renamed layer is a clear error, not a no-op
        found = sorted(
            {
                n.rsplit(".", 1)[-1]
                for n, m in model.named_modules()
                if isinstance(m, nn.Linear) and n.rsplit(".", 1)[-1] in wanted
            }
        )
        if not found:
            raise ConfigError(
                f"no attention projections named {', '.join(wanted)} in {type(model).__name__}", field="vision.finetune"
            )
        config = LoraConfig(
            r=lora_r,
            lora_alpha=lora_alpha,
            lora_dropout=lora_dropout,
            target_modules=found,
            modules_to_save=["classifier"],
        )
        clf.model = get_peft_model(model, config)
        return clf
    for p in model.parameters():
        p.requires_grad_(False)
    keep = [_head(model)]
    if mode == "partial":
        keep += list(_blocks(model))[-trainable_blocks:]
    for module in keep:
        for p in module.parameters():
            p.requires_grad_(True)
    return clf


def merged(clf: Classifier) -> Classifier:
    """The classifier with a LoRA adapter merged into its weights (what is saved and exported)."""
    if hasattr(clf.model, "merge_and_unload"):
        clf.model = clf.model.merge_and_unload()
    return clf
