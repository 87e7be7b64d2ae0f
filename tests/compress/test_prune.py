"""Structured pruning on a tiny Llama: the plan reaches its target, the model reloads, the heal helps."""

import pytest

from tests.compress.conftest import eval_chats


@pytest.fixture(scope="module")
def setup(tiny_model):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from tadka.compress.prune import _batches, importance

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    chats = [row["messages"] for row in eval_chats(24)]
    batches = _batches(tokenizer, chats, 4, 96, seed=0)
    teacher = AutoModelForCausalLM.from_pretrained(tiny_model, dtype=torch.float32).eval()
    return tiny_model, tokenizer, batches, teacher, importance(teacher, batches)


def fresh(path):
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()


def test_importance_has_a_score_per_block_channel_and_group(setup):
    _, _, _, teacher, scores = setup
    c = teacher.config
    assert len(scores["influence"]) == c.num_hidden_layers and all(0 <= s <= 2 for s in scores["influence"])
    assert {len(ch) for ch in scores["channels"]} == {c.intermediate_size}
    assert {len(g) for g in scores["groups"]} == {c.num_key_value_heads}
    assert scores["tokens"] > 100


@pytest.mark.parametrize("kinds", [["mlp"], ["layers"], ["heads"], ["mlp", "layers", "heads"]])
def test_pruned_model_matches_its_plan_and_reloads(setup, kinds, tmp_path):
    import torch

    from tadka.compress.prune import _count, apply, plan

    path, tokenizer, batches, _, scores = setup
    model = fresh(path)
    p = plan(model, scores, 0.25, kinds, multiple=32)
    assert p.params_after < p.params_before
    apply(model, p, scores)
    assert _count(model) == p.params_after
    model.save_pretrained(tmp_path)
    again = fresh(tmp_path)
    assert again.config.num_hidden_layers == 4 - len(p.remove_layers)
    assert again.config.intermediate_size == p.mlp_keep and p.mlp_keep % 32 == 0
    assert again.config.num_key_value_heads == p.groups_keep
    with torch.no_grad():
        a = model(**batches[0]).logits
        b = again(**batches[0]).logits
    assert torch.allclose(a, b, atol=1e-5)
    if "layers" in kinds:  # the least influential blocks went
        ranked = sorted(range(4), key=lambda i: scores["influence"][i])
        assert p.remove_layers == sorted(ranked[: len(p.remove_layers)])


def test_a_pruned_model_still_exports_to_onnx(setup, tmp_path):
    import numpy as np
    import torch

    pytest.importorskip("onnxruntime", reason="needs the 'compress' extra (onnxruntime)")
    from tadka.compress.hil_bench import OnnxBackend
    from tadka.compress.onnx_export import export_fp32
    from tadka.compress.prune import apply, plan

    path, tokenizer, batches, _, scores = setup
    model = fresh(path)
    apply(model, plan(model, scores, 0.3, ["heads", "mlp"]), scores)
    model.save_pretrained(tmp_path / "m")
    tokenizer.save_pretrained(tmp_path / "m")
    onnx_path = export_fp32(tmp_path / "m", tmp_path)
    ids = batches[0]["input_ids"][0][:20].tolist()
    with torch.no_grad():
        ref = model(torch.tensor([ids])).logits[0].numpy()
    assert np.abs(OnnxBackend(str(onnx_path), 1, 64).logits_all(ids) - ref).max() < 1e-4


def test_heal_brings_the_pruned_model_back_toward_the_teacher(setup):
    from tadka.compress.prune import apply, heal, plan

    path, _, batches, teacher, scores = setup
    student = fresh(path)
    apply(student, plan(student, scores, 0.4, ["mlp", "layers"]), scores)
    losses = heal(student, teacher, batches, steps=24, lr=3e-3, seed=0)
    assert len(losses) == 24
    assert sum(losses[-4:]) / 4 < 0.7 * sum(losses[:4]) / 4
