"""MobileNetV4 through timm: the GPU-workstation route.

timm imports torchvision at ``import timm``, and PyPI's torchvision does not load beside the CPU torch 2.13.0
pinned here, so on this machine (and in CI) the route must refuse in one line, from the command line too.
Where timm does import (a workstation whose torch has its matching torchvision), the second test runs the
real route end to end: MobileNetV4 built from timm's config (no download), partial fine-tuning, save, reload,
same logits, and ONNX export with the same answers.
"""

import importlib

import numpy as np
import pytest


def _timm_imports() -> bool:
    try:
        importlib.import_module("timm")
    except Exception:  # no timm, no torchvision, or a torchvision built for another torch
        return False
    return True


def test_mobilenetv4_without_a_working_timm_is_one_line_from_the_cli(vision_stack, tmp_path):
    if _timm_imports():
        pytest.skip("timm imports here: the route is live (see the next test)")
    from click.testing import CliRunner

    from tadka.apps.cli import cli
    from tadka.vision.demo import write_demo
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    write_demo(tmp_path / "d", per_class=3, size=32, classes=("good", "dent"))
    r = CliRunner()
    assert r.invoke(cli, ["import", str(tmp_path / "d"), "-w", str(ws.root)]).exit_code == 0
    out = r.invoke(cli, ["train", "-w", str(ws.root), "--task", "image-classification", "--backbone", "mobilenetv4"])
    assert out.exit_code != 0 and out.output.startswith("error: ") and out.output.count("\n") == 1, out.output
    assert "timm" in out.output and "docs/vision.md" in out.output
    assert not ws.runs_dir.exists() or not list(ws.runs_dir.iterdir())  # refused before a run folder is made


@pytest.mark.skipif(not _timm_imports(), reason="timm does not import here (no torchvision for torch 2.13.0 CPU)")
def test_mobilenetv4_from_config_trains_partially_saves_reloads_and_exports(vision_stack, tmp_path):
    import onnxruntime as ort
    import torch

    from tadka.compress.vision.export import export_fp32
    from tadka.train.vision.finetune import apply_finetune
    from tadka.train.vision.models import build_classifier, load_classifier

    clf = build_classifier("mobilenetv4", ["good", "dent", "stain"], image_size=64)
    assert clf.kind == "timm" and clf.timm_name == "mobilenetv4_conv_small"
    clf = apply_finetune(clf, "partial", trainable_blocks=1, lora_r=8, lora_alpha=16, lora_dropout=0.0)
    trainable = [p for p in clf.parameters() if p.requires_grad]
    assert 0 < sum(p.numel() for p in trainable) < sum(p.numel() for p in clf.parameters())
    opt = torch.optim.AdamW(trainable, lr=1e-3)
    x = torch.randn(4, 3, 64, 64)
    loss = torch.nn.functional.cross_entropy(clf.train()(x), torch.tensor([0, 1, 2, 0]))
    loss.backward()
    opt.step()
    clf.eval().save(tmp_path / "m")
    again = load_classifier(tmp_path / "m")
    with torch.no_grad():
        logits = clf(x)
        assert torch.allclose(logits, again(x), atol=1e-5)
    onnx = export_fp32(again, tmp_path / "m.onnx")
    sess = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    out = sess.run(None, {sess.get_inputs()[0].name: x.numpy()})[0]
    assert (np.argmax(out, -1) == logits.argmax(-1).numpy()).all()
