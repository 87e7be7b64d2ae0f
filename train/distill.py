"""Distillation, teacher checkpoint → smaller student sharing its tokenizer.

``gkd``: TRL's GKDTrainer (now in ``trl.experimental``): generalized JSD to the teacher, on the data and,
for a share ``lmbda`` of steps, on the student's own samples (on-policy). ``logit_kd``: written here
because TRL's maintained ``DistillationTrainer`` rejects prompt-learning students such as prefix tuning
(and GKD is experimental): cross-entropy on the data plus the KL divergence from the teacher's softened
next-token distribution (Hinton et al., 2015), on the same assistant tokens the SFT loss uses.

Both evaluate with plain cross-entropy on the eval chats, so eval perplexity stays comparable with SFT
runs (GKD's own eval loss would be the divergence to the teacher).

Heavy module: imported only when a distill run starts.
"""

from __future__ import annotations

from typing import Any

from tadka.train.deps import require_training

require_training()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from trl import SFTConfig, SFTTrainer  # noqa: E402
from trl.experimental.gkd import GKDConfig, GKDTrainer  # noqa: E402


def kd_loss(
    student_logits: torch.Tensor,
    teacher_logits: torch.Tensor,
    labels: torch.Tensor,
    *,
    temperature: float,
    alpha: float,
) -> torch.Tensor:
    """(1 - alpha) · CE(student, labels) + alpha · T² · KL(teacher_T ‖ student_T) over positions with a label."""
    logits, teacher, targets = student_logits[:, :-1], teacher_logits[:, :-1], labels[:, 1:]
    mask = targets != -100
    if not mask.any():
        return logits.sum() * 0.0
    s, t, y = logits[mask].float(), teacher[mask].float(), targets[mask]
    ce = F.cross_entropy(s, y)
    kl = (
        F.kl_div(
            F.log_softmax(s / temperature, -1),
            F.log_softmax(t / temperature, -1),
            log_target=True,
            reduction="batchmean",
        )
        * temperature**2
    )
    return (1 - alpha) * ce + alpha * kl


class LogitKDTrainer(SFTTrainer):
    """SFTTrainer whose training loss adds the teacher's soft targets; evaluation stays plain SFT loss."""

    def __init__(self, *args, teacher_model, temperature: float, alpha: float, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.teacher = self.accelerator.prepare_model(teacher_model, evaluation_mode=True)
        self.temperature, self.alpha = temperature, alpha

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if not model.training:
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        labels = inputs["labels"]
        forward = {k: v for k, v in inputs.items() if k != "labels"}
        outputs = model(**forward, use_cache=False)
        with torch.no_grad():
            teacher_logits = self.teacher(**forward, use_cache=False).logits
        loss = kd_loss(outputs.logits, teacher_logits, labels, temperature=self.temperature, alpha=self.alpha)
        if "attention_mask" in inputs:  # what SFTTrainer logs as num_tokens, so tokens/s stays comparable
            self._total_train_tokens += self.accelerator.gather_for_metrics(inputs["attention_mask"].sum()).sum().item()
        self._metrics["train"]["num_tokens"] = [self._total_train_tokens]
        return (loss, outputs) if return_outputs else loss


def logit_kd_trainer(cfg, sft_kwargs: dict[str, Any], teacher, common: dict[str, Any]) -> LogitKDTrainer:
    return LogitKDTrainer(
        args=SFTConfig(**sft_kwargs),
        teacher_model=teacher,
        temperature=cfg.kd_temperature,
        alpha=cfg.kd_alpha,
        **common,
    )


def causal_ce(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits[:, :-1].flatten(0, 1).float(), labels[:, 1:].flatten(), ignore_index=-100)


class GKDWithCE(GKDTrainer):
    """GKDTrainer that evaluates cross-entropy (perplexity) and counts trained tokens for tokens/s."""

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if model.training:
            self._total_train_tokens += self.accelerator.gather_for_metrics(inputs["attention_mask"].sum()).sum().item()
            self._metrics["train"]["num_tokens"] = [self._total_train_tokens]
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        outputs = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        loss = causal_ce(outputs.logits, inputs["labels"])
        return (loss, outputs) if return_outputs else loss


def gkd_trainer(cfg, sft_kwargs: dict[str, Any], teacher, common: dict[str, Any]) -> GKDWithCE:
    # GKD's collator builds prompt/completion pairs itself; packing and TRL's assistant masks do not apply.
    kw = {**sft_kwargs, "packing": False, "assistant_only_loss": False}
    args = GKDConfig(
        **kw,
        temperature=cfg.kd_temperature,
        lmbda=cfg.gkd_lmbda,
        beta=cfg.gkd_beta,
        max_new_tokens=cfg.gkd_max_new_tokens,
    )
    return GKDWithCE(args=args, teacher_model=teacher, **common)
