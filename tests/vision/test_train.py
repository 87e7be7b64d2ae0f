"""`tadka train --task image-classification`: the acceptance run, reload, LoRA/partial fine-tuning, resume,
and the one-line refusals (no torch needed for the refusals)."""

import json

import numpy as np
import pytest

from tadka.errors import ConfigError, MissingExtra


def test_demo_run_reaches_090_clean_in_under_3_minutes_and_reloads(vision_run):
    m = json.loads((vision_run.run / "metrics.json").read_text())
    assert m["eval_clean_accuracy"] >= 0.90, m
    # Under 3 minutes of work: CPU seconds, not wall, because a shared CI runner stretches wall time several-fold
    # (measured here: 30 s CPU, 130-300 s wall at load 8-12). The wall figure is printed by the fixture.
    assert vision_run.cpu_seconds < 180, (vision_run.cpu_seconds, vision_run.seconds)
    assert m["reload_same_predictions"] is True
    for split in ("clean", "noisy"):
        assert (vision_run.run / f"confusion-{split}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert np.array(m[f"eval_{split}_confusion"]).sum() == 200
    assert "step 900/900 | loss" in vision_run.output and "img/s" in vision_run.output and "ETA" in vision_run.output
    assert (vision_run.run / "checkpoints" / "last.pt").is_file()


def test_saved_model_reloads_and_predicts_the_same_labels(vision_run):
    from tadka.train.vision import data as vdata
    from tadka.train.vision.models import load_classifier
    from tadka.train.vision.run import predict

    clf = load_classifier(vision_run.run / "model")
    recs = list(vision_run.ws.records("images"))[:40]
    images = vdata.image_set(recs, vision_run.ws.root, clf.labels, clf.image_size).images
    again = load_classifier(vision_run.run / "model")
    assert (predict(clf, images) == predict(again, images)).all()


def test_lora_on_vit_trains_adapters_and_head_only_then_merges(vision_stack, tmp_path):
    import torch

    from tadka.train.vision.finetune import apply_finetune, merged
    from tadka.train.vision.models import build_classifier, load_classifier

    clf = build_classifier(
        "vit",
        ["a", "b", "c"],
        image_size=32,
        arch={"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64},
    )
    clf = apply_finetune(clf, "lora", trainable_blocks=1, lora_r=4, lora_alpha=8, lora_dropout=0.0)
    names = [n for n, p in clf.named_parameters() if p.requires_grad]
    assert names and all("lora_" in n or "classifier" in n for n in names)
    assert any("q_proj" in n or "query" in n for n in names) and any("v_proj" in n or "value" in n for n in names)
    opt = torch.optim.AdamW([p for p in clf.parameters() if p.requires_grad], lr=1e-2)
    x = torch.randn(4, 3, 32, 32)
    for _ in range(2):
        loss = torch.nn.functional.cross_entropy(clf(x), torch.tensor([0, 1, 2, 0]))
        loss.backward()
        opt.step()
        opt.zero_grad()
    clf = merged(clf).eval()
    clf.save(tmp_path / "m")
    with torch.no_grad():
        assert torch.allclose(clf(x), load_classifier(tmp_path / "m")(x), atol=1e-5)


def test_partial_fine_tuning_trains_the_last_blocks_and_the_head(vision_stack):
    from tadka.train.vision.finetune import apply_finetune
    from tadka.train.vision.models import build_classifier

    clf = build_classifier("mobilenet_v2", ["a", "b"], image_size=32)
    total = sum(p.numel() for p in clf.parameters())
    clf = apply_finetune(clf, "partial", trainable_blocks=2, lora_r=8, lora_alpha=16, lora_dropout=0.0)
    trainable = [n for n, p in clf.named_parameters() if p.requires_grad]
    assert any(n.startswith("model.classifier") for n in trainable)
    assert 0 < sum(p.numel() for p in clf.parameters() if p.requires_grad) < total
    assert not any("conv_stem" in n for n in trainable)


def test_a_finished_run_resumes_from_its_last_checkpoint(vision_stack, tmp_path):
    from click.testing import CliRunner

    from tadka.apps.cli import cli
    from tadka.vision.demo import write_demo
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    write_demo(tmp_path / "d", per_class=4, size=32, classes=("good", "stain"))
    r = CliRunner()
    assert r.invoke(cli, ["import", str(tmp_path / "d"), "-w", str(ws.root)]).exit_code == 0
    args = [
        "train",
        "-w",
        str(ws.root),
        "--name",
        "small",
        "--task",
        "image-classification",
        "--dataset",
        "images",
        "--backbone",
        "resnet",
        "--image-size",
        "32",
        "--batch-size",
        "4",
        "--log-every",
        "1",
        "--noise-rate",
        "0.5",
    ]
    first = r.invoke(cli, [*args, "--max-steps", "2"])
    assert first.exit_code == 0, first.output
    second = r.invoke(cli, [*args, "--max-steps", "3"])
    assert second.exit_code == 0, second.output
    assert "resumed small from step 2" in second.output and "step 3/3" in second.output
    assert "step 1/" not in second.output
    changed = r.invoke(cli, [*args, "--max-steps", "3", "--image-size", "40"])
    assert changed.exit_code == 2 and "other vision settings for image_size" in changed.output


def test_a_chat_stage_is_refused_in_one_line(vision_stack, tmp_path):
    from click.testing import CliRunner

    from tadka.apps.cli import cli
    from tadka.records import Record
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage(
        "chats",
        [
            Record(
                messages=[{"role": "user", "content": "kya haal hai"}, {"role": "assistant", "content": "sab badhiya"}]
            )
        ]
        * 1,
    )
    out = CliRunner().invoke(cli, ["train", "-w", str(ws.root), "--task", "image-classification", "--dataset", "chats"])
    assert out.exit_code == 2
    assert out.output.startswith("error: ") and "not a labelled image" in out.output and out.output.count("\n") == 1


def test_unreachable_pretrained_weights_are_one_line(vision_stack):
    from tadka.train.vision.models import build_classifier

    with pytest.raises(ConfigError) as e:  # the hub is off in tests: the real loading path, refused in one line
        build_classifier("vit", ["a", "b"], image_size=224, pretrained="google/vit-base-patch16-224")
    assert e.value.field == "vision.pretrained" and "\n" not in str(e.value)


def test_mobilenetv4_without_timm_is_one_line():
    import importlib.util

    from tadka.train.vision.deps import require_vision

    if importlib.util.find_spec("timm") is not None:
        pytest.skip("timm is installed here (a GPU workstation): the route is live")
    with pytest.raises(MissingExtra) as e:
        require_vision("mobilenetv4")
    assert "timm" in str(e.value) and "torchvision" in str(e.value)


def test_bad_vision_values_are_config_errors():
    from tadka.train.vision.config import VisionConfig, resolve_vision

    with pytest.raises(ConfigError) as e:
        resolve_vision(VisionConfig(), {"noise_rate": 2})
    assert e.value.field == "vision.noise_rate"
    with pytest.raises(ConfigError):
        resolve_vision(VisionConfig(), {"backbone": "alexnet"})
