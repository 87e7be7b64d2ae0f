"""ONNX export with a KV cache and torch int8, on a tiny Llama: numbers, not just files."""

import numpy as np
import pytest

pytest.importorskip("onnxruntime", reason="needs the 'compress' extra (onnxruntime)")
pytest.importorskip("onnx", reason="needs the 'compress' extra (onnx)")


@pytest.fixture(scope="module")
def reference(tiny_model):
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()
    ids = list(range(5, 45))
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].numpy()
    return ids, logits


@pytest.fixture(scope="module")
def onnx_fp32(tiny_model, tmp_path_factory):
    from tadka.compress.onnx_export import export_fp32

    return export_fp32(tiny_model, tmp_path_factory.mktemp("onnx32"))


def test_fp32_matches_torch_in_one_pass_and_step_by_step(onnx_fp32, reference):
    from tadka.compress.hil_bench import OnnxBackend

    ids, logits = reference
    be = OnnxBackend(str(onnx_fp32), 1, 256)
    assert np.abs(be.logits_all(ids) - logits).max() < 1e-4
    last = be.prefill(ids[:30])
    assert np.abs(last - logits[29]).max() < 1e-4
    for i in range(30, len(ids)):  # decode with the KV cache, one token at a time
        last = be.step(ids[i])
        assert np.abs(last - logits[i]).max() < 1e-4
    assert be.state_bytes() == 4 * 2 * 2 * len(ids) * 32 * 4  # layers × (k, v) × kv heads × tokens × head_dim × fp32


def test_fp32_stores_a_tied_embedding_once(onnx_fp32, tiny_model):
    import json

    import onnx

    model = onnx.load(str(onnx_fp32), load_external_data=False)
    cfg = json.loads((tiny_model / "config.json").read_text())
    tables = [t for t in model.graph.initializer if sorted(t.dims) == sorted([cfg["vocab_size"], cfg["hidden_size"]])]
    assert len(tables) == 1
    assert any(n.op_type == "Gemm" for n in model.graph.node)


def test_int8_is_small_and_close(onnx_fp32, reference, tmp_path):
    from tadka.compress.formats import size_bytes
    from tadka.compress.hil_bench import OnnxBackend
    from tadka.compress.onnx_export import quantize_int8

    pytest.importorskip("onnx_ir", reason="needs the 'compress' extra (onnx-ir)")
    ids, logits = reference
    int8 = quantize_int8(onnx_fp32, tmp_path)
    assert size_bytes(int8) < 0.4 * size_bytes(onnx_fp32)
    out = OnnxBackend(str(int8), 1, 256).logits_all(ids)
    assert np.corrcoef(out.ravel(), logits.ravel())[0, 1] > 0.99


def test_torch_int8_saves_loads_and_stays_close(tiny_model, reference, tmp_path):
    import torch

    from tadka.compress.torch_quant import INT8_FILE, load, save_int8

    ids, logits = reference
    save_int8(tiny_model, tmp_path)
    assert (tmp_path / INT8_FILE).is_file() and (tmp_path / "tokenizer.json").is_file()
    model = load(tmp_path)
    with torch.no_grad():
        out = model(torch.tensor([ids])).logits[0].numpy()
    assert np.corrcoef(out.ravel(), logits.ravel())[0, 1] > 0.99


@pytest.mark.parametrize("dynamic", [False, True], ids=["int8", "int8-dynamic"])
def test_torch_int8_is_safetensors_and_loads_to_the_same_outputs(tiny_model, reference, tmp_path, dynamic):
    """No pickle in the bundle: the file is safetensors, and the reloaded model computes exactly what the
    quantized model computed before it was saved."""
    import json

    import torch
    from safetensors import safe_open
    from transformers import AutoModelForCausalLM

    from tadka.compress.torch_quant import DYNAMIC_FILE, INT8_FILE, _quantize_dynamic, load, quantize_weights, save_int8

    ids, _ = reference
    save_int8(tiny_model, tmp_path, dynamic=dynamic)
    path = tmp_path / (DYNAMIC_FILE if dynamic else INT8_FILE)
    header = path.read_bytes()[:9]
    assert header[8:9] == b"{" and not header.startswith(b"PK")  # safetensors' JSON header, not a torch zip/pickle
    with safe_open(str(path), framework="pt") as f:
        int8_keys = [k for k in f.keys() if f.get_tensor(k).dtype == torch.int8]
    assert int8_keys, "the int8 weights are stored as int8"
    fresh = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()
    quantized = _quantize_dynamic(fresh) if dynamic else quantize_weights(fresh)
    with torch.no_grad():
        before = quantized(torch.tensor([ids])).logits
        after = load(tmp_path)(torch.tensor([ids])).logits
    assert torch.equal(before, after)
    assert json.loads((tmp_path / "config.json").read_text())["model_type"] == "llama"


def test_torch_backend_cache_matches_a_full_pass(tiny_model, reference):
    from tadka.compress.torch_runner import TorchBackend

    ids, logits = reference
    be = TorchBackend(str(tiny_model), 1, 0)
    last = be.prefill(ids[:20])
    for i in range(20, 25):
        last = be.step(ids[i])
    assert np.abs(last - logits[24]).max() < 1e-4
    assert be.state_bytes() == 4 * 2 * 2 * 25 * 32 * 4
