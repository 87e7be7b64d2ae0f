"""``torch:fp32`` (the merged model itself, the reference every other format is compared with),
``torch:int8`` (int8 weights, one scale per output channel, bf16 activations in the matmul) and
``torch:int8-dynamic`` (``torch.ao`` dynamic quantization: int8 weights *and* int8 activations).

Why torch:int8 is weight-only: torch.ao's dynamic quantization gives every call one activation scale
(7-bit on x86), and SmolLM2's first token carries activations up to ~3000 in some MLP inputs, so the
rest of the prompt loses most of its resolution — on a fine-tuned SmolLM2 it moved perplexity from
146 to 564 and kept the first greedy token on only 30 % of the eval prompts. torch:int8 stores the same
int8 weights but runs them with ``aten._weight_int8pack_mm`` (torch's int8 weight-only CPU kernel, the
one gpt-fast and torchao use) on bf16 activations: 2.4× faster than fp32 for one token here, and close
to fp32 in quality. torchao itself is not used: its int4 path needs ``mslk`` and its int8 modes ran
slower than fp32 on this CPU. Weight-only int4 in torch is not offered; ``gguf:q4_k_m`` is our int4.

Both int8 formats save their tensors as safetensors beside the config and tokenizer (never a pickle, so
loading a downloaded bundle cannot run code); loading rebuilds the model from its config, swaps the Linear
layers the same way and loads the tensors. torch.ao's dynamic Linear keeps a packed quantized weight that
safetensors cannot hold, so it is stored as its int8 values with its scale and zero point, and re-packed.
"""

from __future__ import annotations

import logging
import os
import shutil
import warnings
from pathlib import Path

from tadka.compress.deps import require
from tadka.compress.formats import Builder, Format, register

log = logging.getLogger(__name__)
INT8_FILE = "model-int8.safetensors"
DYNAMIC_FILE = "model-int8-dynamic.safetensors"
SIDE_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
)


def _int8_linear_class():
    import torch

    class Int8Linear(torch.nn.Module):
        """A Linear layer with int8 weights and one bf16 scale per output channel (weight-only)."""

        def __init__(self, in_features: int, out_features: int, bias: bool) -> None:
            super().__init__()
            self.in_features, self.out_features = in_features, out_features
            self.register_buffer("weight_int8", torch.zeros(out_features, in_features, dtype=torch.int8))
            self.register_buffer("scales", torch.ones(out_features, dtype=torch.bfloat16))
            self.bias = torch.nn.Parameter(torch.zeros(out_features), requires_grad=False) if bias else None

        @classmethod
        def of(cls, linear: torch.nn.Linear) -> "Int8Linear":
            layer = cls(linear.in_features, linear.out_features, linear.bias is not None)
            w = linear.weight.detach().float()
            scales = (w.abs().amax(dim=1) / 127).clamp(min=1e-12)
            layer.weight_int8.copy_(torch.round(w / scales[:, None]).clamp(-127, 127).to(torch.int8))
            layer.scales.copy_(scales.to(torch.bfloat16))
            if linear.bias is not None:
                layer.bias.data.copy_(linear.bias.detach())
            return layer

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            flat = x.reshape(-1, self.in_features).to(torch.bfloat16)
            y = torch.ops.aten._weight_int8pack_mm(flat, self.weight_int8, self.scales).to(x.dtype)
            if self.bias is not None:
                y = y + self.bias
            return y.reshape(*x.shape[:-1], self.out_features)

    return Int8Linear


def quantize_weights(model):
    """Swap every nn.Linear (the output head included) for an Int8Linear, in place."""
    import torch

    cls = _int8_linear_class()
    targets = [(name, m) for name, m in model.named_modules() if isinstance(m, torch.nn.Linear)]
    for name, linear in targets:
        parent_name, _, leaf = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, leaf, cls.of(linear))
    return model


def _quantize_dynamic(model):
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def _dynamic_linears(model) -> dict[str, object]:
    import torch

    kind = torch.ao.nn.quantized.dynamic.Linear
    return {name: m for name, m in model.named_modules() if isinstance(m, kind)}


def _plain_tensors(qmodel) -> dict[str, object]:
    """The model's tensors as safetensors can store them (plain, contiguous, unshared)."""
    import torch

    linears = _dynamic_linears(qmodel)
    out = {
        k: v.detach().contiguous().clone()
        for k, v in qmodel.state_dict().items()
        if isinstance(v, torch.Tensor)
        and not v.is_quantized
        and k.rpartition(".")[0] not in linears
        and not k.startswith(tuple(f"{n}." for n in linears))
    }
    for name, m in linears.items():
        weight, bias = m._weight_bias()
        out[f"{name}.weight_int8"] = weight.int_repr().contiguous()
        if weight.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
            out[f"{name}.weight_scales"] = weight.q_per_channel_scales().contiguous()
            out[f"{name}.weight_zero_points"] = weight.q_per_channel_zero_points().contiguous()
            out[f"{name}.weight_axis"] = torch.tensor([weight.q_per_channel_axis()])
        else:
            out[f"{name}.weight_scales"] = torch.tensor([weight.q_scale()], dtype=torch.float64)
            out[f"{name}.weight_zero_points"] = torch.tensor([weight.q_zero_point()])
        if bias is not None:
            out[f"{name}.bias"] = bias.detach().contiguous()
    return out


def _load_plain_tensors(qmodel, state: dict[str, object]) -> None:
    """Inverse of :func:`_plain_tensors`: re-pack the dynamic Linears, load the rest strictly."""
    import torch

    linears = _dynamic_linears(qmodel)
    for name, m in linears.items():
        values, scales, zeros = (
            state.pop(f"{name}.{k}") for k in ("weight_int8", "weight_scales", "weight_zero_points")
        )
        axis = state.pop(f"{name}.weight_axis", None)
        if axis is None:
            weight = torch._make_per_tensor_quantized_tensor(values, float(scales[0]), int(zeros[0]))
        else:
            weight = torch._make_per_channel_quantized_tensor(values, scales, zeros, int(axis[0]))
        m.set_weight_bias(weight, state.pop(f"{name}.bias", None))
    # The model's own state dict carries the per-module versions that torch.ao's Linear needs when loading;
    # its re-packed Linears stay as set above and every other tensor comes from the file.
    full = qmodel.state_dict()
    plain = {
        k
        for k, v in full.items()
        if isinstance(v, torch.Tensor) and not v.is_quantized and not k.startswith(tuple(f"{n}." for n in linears))
    }
    if plain != set(state):
        raise RuntimeError(
            f"int8 tensors do not match the model: missing {sorted(plain - set(state))[:5]}, "
            f"unexpected {sorted(set(state) - plain)[:5]}"
        )
    full.update(state)
    qmodel.load_state_dict(full, strict=True)


def save_int8(model_dir: Path, out_dir: Path, *, dynamic: bool = False) -> Path:
    """Quantize the fp32 model in ``model_dir`` and save it (plus config and tokenizer) to ``out_dir``."""
    require("torch", "transformers")
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32).eval()
    qmodel = _quantize_dynamic(model) if dynamic else quantize_weights(model)
    from safetensors.torch import save_file

    save_file(_plain_tensors(qmodel), str(out_dir / (DYNAMIC_FILE if dynamic else INT8_FILE)))
    for name in SIDE_FILES:
        if (model_dir / name).is_file():
            shutil.copy2(model_dir / name, out_dir / name)
    return out_dir


def load(path: Path):
    """A model saved by either torch format, in eval mode."""
    require("torch", "transformers")
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    path = Path(path)
    dynamic = (path / DYNAMIC_FILE).is_file()
    if not dynamic and not (path / INT8_FILE).is_file():
        return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    config = AutoConfig.from_pretrained(path)
    # built on the CPU, not the meta device: non-persistent buffers (the rotary frequencies) are not in
    # the state dict and must be computed by the constructor
    skeleton = AutoModelForCausalLM.from_config(config, dtype=torch.float32).eval()
    qmodel = _quantize_dynamic(skeleton) if dynamic else quantize_weights(skeleton)
    from safetensors.torch import load_file

    _load_plain_tensors(qmodel, load_file(str(path / (DYNAMIC_FILE if dynamic else INT8_FILE)), device="cpu"))
    return qmodel.eval()


def _fp32(builder: Builder, folder: Path) -> Path:
    """The merged model as it is: its files linked (not copied) into the variant folder."""
    for f in sorted(builder.source.iterdir()):
        if f.is_file():
            os.symlink(f.resolve(), folder / f.name)
    return folder


def _int8(builder: Builder, folder: Path) -> Path:
    return save_int8(builder.source, folder)


def _int8_dynamic(builder: Builder, folder: Path) -> Path:
    return save_int8(builder.source, folder, dynamic=True)


register(
    Format(
        "torch:fp32",
        "torch",
        _fp32,
        "the merged model, fp32 (transformers); the reference",
        needs=("torch", "transformers"),
    )
)
register(
    Format(
        "torch:int8",
        "torch",
        _int8,
        "int8 weights per output channel, bf16 activations (weight-only)",
        needs=("torch", "transformers"),
        version=3,
    )
)
register(
    Format(
        "torch:int8-dynamic",
        "torch",
        _int8_dynamic,
        "torch.ao dynamic int8 (int8 activations per call: fast, but flips first tokens on SmolLM2)",
        needs=("torch", "transformers"),
        version=2,
    )
)
