"""Training runs on the tiny model: what a run writes, every PEFT method, stop/resume, distillation,
and the bad inputs that must fail in one line before any training starts."""

import json
import sys
import threading

import pytest
from click.testing import CliRunner

from tadka.errors import TadkaError


def test_lora_run_writes_the_run_folder(ws, tiny_cfg, tiny):
    from tadka.train.run import train

    lines: list[str] = []
    result = train(ws, tiny_cfg(max_steps=4, eval_at_start=True), name="lora", echo=lines.append)
    run = result.path
    assert result.state == "finished" and result.step == 4
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    steps = [r["step"] for r in rows if "loss" in r]
    assert steps == [1, 2, 3, 4] and all(r["tokens_per_s"] > 0 for r in rows if "loss" in r)
    evals = [r for r in rows if "eval_loss" in r]
    assert [r["step"] for r in evals] == [0, 4] and evals[0]["eval_ppl"] > 1
    assert any("tok/s" in line and "ETA" in line and "loss" in line for line in lines)
    assert (run / "loss.png").read_bytes()[:4] == b"\x89PNG"
    card = json.loads((run / "run_card.json").read_text())
    assert card["dataset"]["data_hash"] and card["dataset"]["train"] == 35 and card["dataset"]["eval"] == {"split": 5}
    assert card["config"]["max_steps"] == 4 and card["versions"]["trl"] and card["versions"]["peft"]
    assert card["metrics"]["eval_before"]["eval_ppl"] == pytest.approx(evals[0]["eval_ppl"])
    assert card["metrics"]["eval_after"]["eval_ppl"] == pytest.approx(evals[1]["eval_ppl"])
    assert card["target_modules"] == ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"]
    assert "{% generation %}" in card["chat_template"]
    assert json.loads((run / "status.json").read_text())["state"] == "finished"
    assert "data hash" in (run / "README.md").read_text()

    # The adapter is small, loads back with peft and gives the trained model's logits.
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter = run / "adapter"
    assert (adapter / "adapter_model.safetensors").stat().st_size < (tiny / "model.safetensors").stat().st_size
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny), adapter).eval()
    base = AutoModelForCausalLM.from_pretrained(tiny).eval()
    ids = AutoTokenizer.from_pretrained(adapter)("Mandi ka rate batao", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert not torch.allclose(model(ids).logits, base(ids).logits)


def test_stopped_run_resumes_at_the_step_it_stopped(ws, tiny_cfg):
    from transformers import TrainerCallback

    from tadka.train.run import resolve_config, train

    stop = threading.Event()

    class StopAfter(TrainerCallback):
        def on_step_end(self, args, state, control, **kwargs):
            if state.global_step == 3:
                stop.set()

    first = train(ws, tiny_cfg(max_steps=7), name="resume", stop=stop, callbacks=[StopAfter()], echo=lambda _: None)
    assert (first.state, first.step) == ("stopped", 3)
    assert (first.path / "checkpoints" / "checkpoint-3").is_dir() and not (first.path / "adapter").exists()
    assert json.loads((first.path / "status.json").read_text())["state"] == "stopped"
    lines: list[str] = []
    second = train(ws, resolve_config(ws, name="resume"), name="resume", echo=lines.append)
    assert (second.state, second.step) == ("finished", 7)
    assert "resuming from checkpoint-3" in lines
    rows = [json.loads(line) for line in (second.path / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if "loss" in r] == [1, 2, 3, 4, 5, 6, 7]
    with pytest.raises(TadkaError, match="already finished"):
        train(ws, resolve_config(ws, name="resume"), name="resume")


@pytest.mark.parametrize("method", ["dora", "qlora", "prefix", "ia3", "none"])
def test_every_peft_method_trains_and_saves(ws, tiny_cfg, method):
    if method == "qlora":
        pytest.importorskip("bitsandbytes", reason="QLoRA needs the 'qlora' extra: pip install 'tadka[qlora]'")
    from peft import PeftConfig

    from tadka.train.run import train

    result = train(ws, tiny_cfg(peft=method, max_steps=2), name=f"peft-{method}", echo=lambda _: None)
    assert result.state == "finished" and result.step == 2
    if method == "none":
        assert (result.path / "adapter" / "model.safetensors").is_file()
    else:
        kind = str(PeftConfig.from_pretrained(result.path / "adapter").peft_type)
        assert {"dora": "LORA", "qlora": "LORA", "prefix": "PREFIX_TUNING", "ia3": "IA3"}[method] in kind


def test_packing_and_merge(ws, tiny_cfg, tiny):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from tadka.train.run import train

    result = train(
        ws, tiny_cfg(packing=True, merge=True, gradient_checkpointing=True), name="packed", echo=lambda _: None
    )
    assert result.merged is not None and (result.merged / "model.safetensors").is_file()
    merged = AutoModelForCausalLM.from_pretrained(result.merged).eval()
    assert next(merged.parameters()).dtype == torch.float32
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny), result.adapter).eval()
    ids = torch.tensor([[5, 17, 42, 99, 7]])
    with torch.no_grad():
        assert torch.allclose(merged(ids).logits, adapted(ids).logits, atol=1e-4)


def test_early_stopping_ends_a_diverging_run(ws, tiny_cfg):
    from tadka.train.run import train

    cfg = tiny_cfg(learning_rate=3.0, eval_every=1, early_stopping=1, max_steps=12, lr_scheduler="constant", warmup=0)
    result = train(ws, cfg, name="early", echo=lambda _: None)
    assert result.state == "finished" and result.step < 12
    assert (result.path / "adapter" / "adapter_model.safetensors").is_file()


@pytest.mark.parametrize("method, peft", [("gkd", "lora"), ("logit_kd", "lora"), ("auto", "prefix")])
def test_distillation(ws, tiny_cfg, tiny, tiny_student, method, peft):
    from tadka.train.run import train

    cfg = tiny_cfg(
        mode="distill",
        base=str(tiny_student),
        teacher=str(tiny),
        distill_method=method,
        peft=peft,
        max_steps=2,
        gkd_max_new_tokens=8,
    )
    result = train(ws, cfg, name=f"distill-{method}-{peft}", echo=lambda _: None)
    assert result.state == "finished" and result.metrics["eval_after"]["eval_ppl"] > 1


def test_kd_loss_is_cross_entropy_when_alpha_is_zero(torch_stack):
    import torch
    import torch.nn.functional as F

    from tadka.train.distill import kd_loss

    torch.manual_seed(0)
    student, teacher = torch.randn(2, 5, 11), torch.randn(2, 5, 11)
    labels = torch.tensor([[-100, -100, 3, 4, 1], [-100, 2, 2, 7, -100]])
    ce = F.cross_entropy(student[:, :-1].reshape(-1, 11), labels[:, 1:].reshape(-1), ignore_index=-100)
    assert torch.allclose(kd_loss(student, teacher, labels, temperature=2.0, alpha=0.0), ce)
    assert kd_loss(teacher, teacher, labels, temperature=2.0, alpha=1.0).abs() < 1e-6


def test_bad_inputs_fail_in_one_line_before_training(ws, tiny_cfg, tmp_path, monkeypatch):
    from tadka.train.run import train

    no_answers = tmp_path / "questions.jsonl"
    no_answers.write_text('{"messages": [{"role": "user", "content": "Koi jawab dega?"}]}\n')
    cases = {
        "dataset": dict(dataset=str(no_answers)),
        "base": dict(base=str(tmp_path / "no-such-model")),
        "max_length": dict(max_length=8),
    }
    for name, overrides in cases.items():
        with pytest.raises(TadkaError) as e:
            train(ws, tiny_cfg(**overrides), name=f"bad-{name}", echo=lambda _: None)
        assert "\n" not in str(e.value) and f"train.{name}" in str(e.value)
        assert not (ws.runs_dir / f"bad-{name}").exists()
    monkeypatch.setitem(sys.modules, "bitsandbytes", None)  # as if the qlora extra were not installed
    with pytest.raises(TadkaError) as e:
        train(ws, tiny_cfg(peft="qlora"), name="bad-qlora", echo=lambda _: None)
    assert "tadka[qlora]" in str(e.value) and "\n" not in str(e.value)


def test_cli_trains_and_prints_progress(ws, tiny):
    from tadka.apps.cli import cli

    result = CliRunner().invoke(
        cli,
        [
            "train",
            "-w",
            str(ws.root),
            "--dataset",
            "v1",
            "--base",
            str(tiny),
            "--max-steps",
            "2",
            "--max-length",
            "128",
            "--batch-size",
            "4",
            "--no-eval-at-start",
            "--name",
            "cli",
            "--set",
            "learning_rate=0.001",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "step 2/2" in result.output and "tok/s" in result.output and "ETA" in result.output
    assert "finished at step 2/2" in result.output
    bad = CliRunner().invoke(cli, ["train", "-w", str(ws.root), "--base", "./missing-model", "--name", "cli2"])
    assert bad.exit_code == 2 and bad.output.strip().startswith("error:") and "train.base" in bad.output
