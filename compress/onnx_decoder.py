"""A Llama-family decoder step with explicit past key/values, written to be exported to ONNX.

Why by hand: without a KV cache every decoded token recomputes the whole sequence (a third of the
speed); `optimum-onnx`, which exports one, pins transformers < 4.58 and cannot share our environment;
onnxruntime-genai's builder emits contrib ops that need its own runtime on the device; and tracing
transformers' own forward drags its cache classes and mask builders into the graph. This module calls
the loaded model's own layers (embeddings, norms, rotary embedding, projections, MLP, head) and only
spells out the attention over ``cat(past, new)``, so the weights are the model's and the graph has one
plain input/output per cache tensor — the contract that hil_bench.py and the tadka bench run.

Inputs: ``input_ids`` [batch, seq], ``logits_to_keep`` (scalar: logits are returned for the last N
positions; prefill for generation asks for 1, perplexity for all), ``past_key_values.{i}.key/value``
[batch, kv_heads, past, head_dim] (past may be 0). Outputs: ``logits`` and ``present.{i}.key/value``.
"""

from __future__ import annotations

import torch
from torch import nn

from tadka.errors import ConfigError

SUPPORTED = ("llama", "mistral", "qwen2")


def check_supported(config) -> None:
    kind = getattr(config, "model_type", "")
    if kind not in SUPPORTED:
        raise ConfigError(
            f"ONNX export supports Llama-family decoders ({', '.join(SUPPORTED)}), not {kind!r}",
            field="--formats",
            hint="use a gguf:* format for this model",
        )
    if getattr(config, "sliding_window", None) and getattr(config, "use_sliding_window", True) and kind != "llama":
        raise ConfigError("ONNX export does not implement sliding-window attention", field="--formats")
    if kind == "llama" and getattr(config, "rope_parameters", {}).get("rope_type", "default") == "dynamic":
        raise ConfigError("ONNX export does not implement dynamic RoPE scaling", field="--formats")


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class DecoderStep(nn.Module):
    """``forward(input_ids, logits_to_keep, *past) -> (logits, *present)`` over a loaded HF model."""

    def __init__(self, model) -> None:
        super().__init__()
        check_supported(model.config)
        c = model.config
        self.model = model
        self.n_layers = c.num_hidden_layers
        self.n_heads = c.num_attention_heads
        self.n_kv = c.num_key_value_heads
        self.head_dim = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
        self.tied = model.get_output_embeddings().weight is model.get_input_embeddings().weight

    def names(self) -> tuple[list[str], list[str]]:
        past = [f"past_key_values.{i}.{kv}" for i in range(self.n_layers) for kv in ("key", "value")]
        present = [f"present.{i}.{kv}" for i in range(self.n_layers) for kv in ("key", "value")]
        return ["input_ids", "logits_to_keep", *past], ["logits", *present]

    def forward(self, input_ids: torch.Tensor, logits_to_keep: torch.Tensor, *past: torch.Tensor):
        inner = self.model.model
        batch, seq = input_ids.shape
        n_past = past[0].shape[2]
        positions = (torch.arange(seq, dtype=torch.int64) + n_past).unsqueeze(0)
        h = inner.embed_tokens(input_ids)
        cos, sin = inner.rotary_emb(h, positions)
        cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
        total = n_past + seq
        allowed = torch.arange(total).unsqueeze(0) <= (torch.arange(seq) + n_past).unsqueeze(1)
        bias = torch.zeros(seq, total).masked_fill(~allowed, float("-inf"))
        group = self.n_heads // self.n_kv
        present = []
        for i, layer in enumerate(inner.layers):
            attn = layer.self_attn
            x = layer.input_layernorm(h)
            q = attn.q_proj(x).view(batch, seq, self.n_heads, self.head_dim).transpose(1, 2)
            k = attn.k_proj(x).view(batch, seq, self.n_kv, self.head_dim).transpose(1, 2)
            v = attn.v_proj(x).view(batch, seq, self.n_kv, self.head_dim).transpose(1, 2)
            q = q * cos + _rotate_half(q) * sin
            k = k * cos + _rotate_half(k) * sin
            k = torch.cat([past[2 * i], k], dim=2)
            v = torch.cat([past[2 * i + 1], v], dim=2)
            present += [k, v]
            # grouped-query attention without copying k/v per query head: fold each group's queries together
            qg = q.reshape(batch, self.n_kv, group * seq, self.head_dim)
            scores = torch.matmul(qg, k.transpose(2, 3)) * attn.scaling
            scores = scores.view(batch, self.n_kv, group, seq, total) + bias
            probs = torch.softmax(scores, dim=-1).view(batch, self.n_kv, group * seq, total)
            out = torch.matmul(probs, v).view(batch, self.n_heads, seq, self.head_dim)
            h = h + attn.o_proj(out.transpose(1, 2).reshape(batch, seq, self.n_heads * self.head_dim))
            h = h + layer.mlp(layer.post_attention_layernorm(h))
        h = inner.norm(h)[:, seq - logits_to_keep :, :]
        kept = h.shape[1]
        head = self.model.get_output_embeddings()
        # 2-D input makes the exporter emit Gemm(transB=1) on the weight itself: a tied head then shares
        # the embedding's initializer instead of storing a transposed copy (113 MB for SmolLM2).
        logits = nn.functional.linear(h.reshape(batch * kept, -1), head.weight, head.bias)
        return (logits.reshape(batch, kept, -1), *present)

    def example_inputs(self, seq: int = 8) -> tuple[torch.Tensor, ...]:
        ids = torch.arange(seq, dtype=torch.int64).unsqueeze(0) + 10
        past = [torch.zeros(1, self.n_kv, 0, self.head_dim) for _ in range(2 * self.n_layers)]
        return (ids, torch.tensor(seq, dtype=torch.int64), *past)
