"""Structured pruning of a Llama-family model to a target parameter fraction, then a short heal.

What can go: whole blocks (``layers``), MLP channels (``mlp``) and whole key/value head groups
(``heads``: one KV head with the query heads that share it, so grouped-query attention stays intact).
Importance is measured on calibration chats (a slice of the run's training set), never on the eval set:

* a block's *influence* is ``1 − cos(h_in, h_out)`` averaged over tokens — a block that barely turns
  the residual stream can go (ShortGPT's measure);
* an MLP channel's is ``mean|act(gate)·up| × ‖down[:, j]‖`` — how much it writes into the stream;
* a head group's is the mean norm of what its heads write through ``o_proj``.

Every layer keeps the same MLP width and head count (the most important ones of *that* layer), so the
config stays one ``intermediate_size`` / ``num_attention_heads`` and the result saves and loads with
``from_pretrained`` — and converts to GGUF and ONNX like any other model. The removal budget is split
evenly between the kinds asked for, in parameters. Without a heal the output is garbage; the heal
distils the unpruned model into the pruned one (KL between their token distributions on the
calibration chats, every weight trainable) for a few dozen steps.

Why by hand: torch-pruning 1.6 pruned SmolLM2's MLP in 3 s but hung in its dependency graph on heads,
and neither it nor LLM-Pruner removes whole blocks or keeps the config uniform for from_pretrained.
"""

from __future__ import annotations

import logging
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tadka.errors import ConfigError

log = logging.getLogger(__name__)


@dataclass
class PrunePlan:
    """What to remove; ``params_*`` count every weight (embeddings included)."""

    remove_layers: list[int] = field(default_factory=list)
    mlp_keep: int = 0  # channels kept per layer
    groups_keep: int = 0  # key/value head groups kept per layer
    params_before: int = 0
    params_after: int = 0

    @property
    def removed_fraction(self) -> float:
        return 1 - self.params_after / self.params_before if self.params_before else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "removed_fraction": round(self.removed_fraction, 4)}


def _dims(config) -> dict[str, int]:
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    return {
        "hidden": config.hidden_size,
        "inter": config.intermediate_size,
        "layers": config.num_hidden_layers,
        "heads": config.num_attention_heads,
        "kv": config.num_key_value_heads,
        "head_dim": head_dim,
        "group": config.num_attention_heads // config.num_key_value_heads,
    }


def _count(model) -> int:
    return sum(p.numel() for p in {id(p): p for p in model.parameters()}.values())


def _batches(tokenizer, chats: list[list[dict]], size: int, max_length: int, seed: int) -> list[dict]:
    """Padded batches of templated chats (right padding, attention mask), in a seeded order."""
    import torch

    texts = [tokenizer.apply_chat_template(c, tokenize=False) for c in chats]
    order = list(range(len(texts)))
    random.Random(seed).shuffle(order)
    out = []
    for i in range(0, len(order), size):
        enc = tokenizer(
            [texts[j] for j in order[i : i + size]],
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=max_length,
            add_special_tokens=False,
        )
        out.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"].to(torch.long)})
    return out


def importance(model, batches: list[dict]) -> dict[str, Any]:
    """Per-layer block influence, MLP channel and head-group scores, from forward hooks."""
    import torch

    d = _dims(model.config)
    layers = model.model.layers
    influence = torch.zeros(len(layers))
    channels = [torch.zeros(d["inter"]) for _ in layers]
    groups = [torch.zeros(d["kv"]) for _ in layers]
    tokens = [0]
    mask_now: dict[str, torch.Tensor] = {}
    hooks = []

    def block_hook(i):
        def f(module, args, kwargs, output):
            h_in = args[0] if args else kwargs["hidden_states"]
            h_out = output[0] if isinstance(output, tuple) else output
            cos = torch.nn.functional.cosine_similarity(h_in, h_out, dim=-1)
            m = mask_now["m"]
            influence[i] += ((1 - cos) * m).sum()

        return f

    def mlp_hook(i):
        def f(module, args):
            x = args[0].abs() * mask_now["m"].unsqueeze(-1)
            channels[i] += x.sum(dim=(0, 1))

        return f

    def head_hook(i, o_proj):
        def f(module, args):
            x = args[0]  # [B, S, heads * head_dim]: the heads' outputs before o_proj
            b, s, _ = x.shape
            xh = x.view(b, s, d["heads"], d["head_dim"])
            w = o_proj.weight.view(d["hidden"], d["heads"], d["head_dim"])
            written = torch.einsum("bshd,ohd->bsho", xh, w).norm(dim=-1)  # [B, S, heads]
            written = (written * mask_now["m"].unsqueeze(-1)).sum(dim=(0, 1))
            groups[i] += written.view(d["kv"], d["group"]).sum(dim=1)

        return f

    for i, layer in enumerate(layers):
        hooks.append(layer.register_forward_hook(block_hook(i), with_kwargs=True))
        hooks.append(layer.mlp.down_proj.register_forward_pre_hook(mlp_hook(i)))
        hooks.append(layer.self_attn.o_proj.register_forward_pre_hook(head_hook(i, layer.self_attn.o_proj)))
    try:
        with torch.inference_mode():
            for batch in batches:
                mask_now["m"] = batch["attention_mask"].float()
                tokens[0] += int(batch["attention_mask"].sum())
                model(**batch)
    finally:
        for h in hooks:
            h.remove()
    n = max(tokens[0], 1)
    down_norms = [layer.mlp.down_proj.weight.detach().norm(dim=0) for layer in layers]
    return {
        "influence": (influence / n).tolist(),
        "channels": [(c / n * w).tolist() for c, w in zip(channels, down_norms)],
        "groups": [(g / n).tolist() for g in groups],
        "tokens": tokens[0],
    }


def plan(model, scores: dict[str, Any], fraction: float, kinds: list[str], *, multiple: int = 32) -> PrunePlan:
    """How much of each kind to remove so that about ``fraction`` of all parameters goes.

    MLP widths are rounded to a multiple of ``multiple`` (GGUF's 32-blocks need it on ffn_down's rows).
    """
    d = _dims(model.config)
    total = _count(model)
    budget = fraction * total
    share = budget / len(kinds)
    per_channel = 3 * d["hidden"]
    per_group = 2 * d["hidden"] * d["head_dim"] * d["group"] + 2 * d["hidden"] * d["head_dim"]
    per_layer = per_channel * d["inter"] + per_group * d["kv"] + 2 * d["hidden"]
    remove_layers: list[int] = []
    if "layers" in kinds:
        n = min(int(round(share / per_layer)), d["layers"] // 2)
        ranked = sorted(range(d["layers"]), key=lambda i: scores["influence"][i])
        remove_layers = sorted(ranked[:n])
    left = d["layers"] - len(remove_layers)
    mlp_keep = d["inter"]
    if "mlp" in kinds:
        drop = share / (per_channel * left)
        mlp_keep = max(multiple, int(round((d["inter"] - drop) / multiple)) * multiple)
    groups_keep = d["kv"]
    if "heads" in kinds:
        drop = int(round(share / (per_group * left)))
        groups_keep = max(1, d["kv"] - drop)
    after = (
        total
        - len(remove_layers) * per_layer
        - left * per_channel * (d["inter"] - mlp_keep)
        - left * per_group * (d["kv"] - groups_keep)
    )
    result = PrunePlan(remove_layers, mlp_keep, groups_keep, total, int(after))
    if result.params_after >= total:
        raise ConfigError(
            f"pruning {fraction:.0%} by {', '.join(kinds)} removes nothing from this model",
            field="compress.prune",
            hint="raise the fraction or add a kind",
        )
    return result


def _linear(weight, bias=None):
    import torch

    layer = torch.nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias is not None:
            layer.bias.copy_(bias)
    return layer


def apply(model, pruning: PrunePlan, scores: dict[str, Any]) -> None:
    """Remove in place what ``pruning`` says, keeping each layer's most important channels and groups."""
    import torch

    d = _dims(model.config)
    keep_layers = [i for i in range(d["layers"]) if i not in pruning.remove_layers]
    with torch.no_grad():
        for i in keep_layers:
            layer = model.model.layers[i]
            if pruning.mlp_keep < d["inter"]:
                idx = torch.tensor(scores["channels"][i]).topk(pruning.mlp_keep).indices.sort().values
                mlp = layer.mlp
                mlp.gate_proj = _linear(
                    mlp.gate_proj.weight[idx], None if mlp.gate_proj.bias is None else mlp.gate_proj.bias[idx]
                )
                mlp.up_proj = _linear(
                    mlp.up_proj.weight[idx], None if mlp.up_proj.bias is None else mlp.up_proj.bias[idx]
                )
                mlp.down_proj = _linear(mlp.down_proj.weight[:, idx], mlp.down_proj.bias)
            if pruning.groups_keep < d["kv"]:
                attn = layer.self_attn
                kept = torch.tensor(scores["groups"][i]).topk(pruning.groups_keep).indices.sort().values
                kv_rows = torch.cat([torch.arange(g * d["head_dim"], (g + 1) * d["head_dim"]) for g in kept.tolist()])
                heads = [g * d["group"] + j for g in kept.tolist() for j in range(d["group"])]
                q_rows = torch.cat([torch.arange(h * d["head_dim"], (h + 1) * d["head_dim"]) for h in heads])

                def rows(lin, r):
                    return _linear(lin.weight[r], None if lin.bias is None else lin.bias[r])

                attn.q_proj, attn.k_proj, attn.v_proj = (
                    rows(attn.q_proj, q_rows),
                    rows(attn.k_proj, kv_rows),
                    rows(attn.v_proj, kv_rows),
                )
                attn.o_proj = _linear(attn.o_proj.weight[:, q_rows], attn.o_proj.bias)
        model.model.layers = torch.nn.ModuleList(model.model.layers[i] for i in keep_layers)
    for new, layer in enumerate(model.model.layers):
        layer.self_attn.layer_idx = new  # the KV cache is indexed by position in the stack
    c = model.config
    c.num_hidden_layers = len(keep_layers)
    c.intermediate_size = pruning.mlp_keep
    c.num_attention_heads = pruning.groups_keep * d["group"]
    c.num_key_value_heads = pruning.groups_keep
    c.head_dim = d["head_dim"]  # no longer hidden / heads once heads are gone
    if isinstance(getattr(c, "layer_types", None), list):
        c.layer_types = [t for i, t in enumerate(c.layer_types) if i in keep_layers]


def heal(student, teacher, batches: list[dict], steps: int, lr: float, seed: int, echo=None) -> list[float]:
    """Distil ``teacher`` into ``student``: KL(teacher ‖ student) per token, AdamW on every weight."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    student.train()
    teacher.eval()
    opt = torch.optim.AdamW(student.parameters(), lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))
    )
    losses = []
    for step in range(steps):
        batch = batches[step % len(batches)]
        mask = batch["attention_mask"].bool()
        with torch.no_grad():
            target = F.log_softmax(teacher(**batch).logits[mask], dim=-1)
        logp = F.log_softmax(student(**batch).logits[mask], dim=-1)
        loss = F.kl_div(logp, target, log_target=True, reduction="batchmean")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(round(float(loss.detach()), 4))
        if echo and (step + 1) % max(1, steps // 5) == 0:
            echo(f"  heal step {step + 1}/{steps}: KL {losses[-1]:.3f}")
    student.eval()
    return losses


def perplexity(model, tokenizer, records, chats: int = 0) -> float:
    """Perplexity of the last assistant reply of each eval chat — the same measure the bench reports."""
    import numpy as np
    import torch

    from tadka.compress.bench_inputs import ppl_item
    from tadka.compress.hil_bench import nll_sum

    total, count = 0.0, 0
    with torch.inference_mode():
        for record in records[:chats] if chats else records:
            item = ppl_item(tokenizer, record)
            logits = model(torch.tensor([item["ids"]])).logits[0].float().numpy()
            nll, n = nll_sum(logits, item["ids"], item["spans"])
            total, count = total + nll, count + n
    return round(float(np.exp(total / count)), 4)


def prune_model(
    model_dir: Path, out_dir: Path, chats: list[list[dict]], eval_records, cfg, seed: int, echo=None
) -> dict[str, Any]:
    """Prune the model in ``model_dir`` by ``cfg.prune`` and heal it; save to ``out_dir``; return the report."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from tadka.compress.onnx_decoder import check_supported

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    teacher = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    check_supported(teacher.config)
    batches = _batches(tokenizer, chats, cfg.heal_batch, cfg.max_length, seed)
    scores = importance(teacher, batches)
    student = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    pruning = plan(student, scores, cfg.prune, list(cfg.prune_kinds))
    report: dict[str, Any] = {
        "fraction": cfg.prune,
        "kinds": list(cfg.prune_kinds),
        "plan": pruning.to_dict(),
        "calibration_chats": len(chats),
        "calibration_tokens": scores["tokens"],
    }
    report["ppl_before"] = perplexity(teacher, tokenizer, eval_records, cfg.ppl_chats)
    apply(student, pruning, scores)
    report["params_after"] = _count(student)
    report["ppl_pruned"] = perplexity(student, tokenizer, eval_records, cfg.ppl_chats)
    if echo:
        echo(
            f"pruned {pruning.removed_fraction:.0%} of {pruning.params_before / 1e6:.1f}M parameters "
            f"(layers {pruning.remove_layers or 'none'}, MLP {_dims(teacher.config)['inter']}→{pruning.mlp_keep}, "
            f"KV groups {_dims(teacher.config)['kv']}→{pruning.groups_keep}); perplexity "
            f"{report['ppl_before']} → {report['ppl_pruned']}"
        )
    losses = heal(student, teacher, batches, cfg.heal_steps, cfg.heal_lr, seed, echo) if cfg.heal_steps else []
    report["heal"] = {
        "steps": cfg.heal_steps,
        "lr": cfg.heal_lr,
        "kl_first": losses[0] if losses else None,
        "kl_last": losses[-1] if losses else None,
    }
    report["ppl_healed"] = perplexity(student, tokenizer, eval_records, cfg.ppl_chats) if losses else None
    student.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    reloaded = AutoModelForCausalLM.from_pretrained(out_dir, dtype=torch.float32)
    if _count(reloaded) != report["params_after"]:
        raise RuntimeError("the pruned model does not reload with the same parameter count")
    return report
