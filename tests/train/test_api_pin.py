"""Pins the TRL / PEFT / transformers API we build on: our config → SFTConfig, GKDConfig and PEFT configs.

An upstream rename (TRL's max_seq_length → max_length broke users once) must fail here, in our CI,
not in a user's run. Building the configs needs no model.
"""

import dataclasses

import pytest

from tadka.train.config import TrainConfig, resolve


@pytest.fixture
def device(torch_stack):
    from tadka.train.trainer import Device

    return Device(use_cpu=True, precision="fp32")


def test_sft_config_from_our_config(tmp_path, device):
    from trl import SFTConfig

    from tadka.train.trainer import sft_kwargs

    cfg = resolve(
        TrainConfig(),
        {
            "max_length": 256,
            "packing": True,
            "max_steps": 7,
            "batch_size": 3,
            "grad_accum": 2,
            "eval_every": 5,
            "early_stopping": 2,
            "warmup": 2,
            "gradient_checkpointing": True,
        },
    )
    args = SFTConfig(**sft_kwargs(cfg, tmp_path, seed=11, device=device, eval_sets=["split", "hinglish_eval"]))
    expected = {
        "max_length": 256,
        "packing": True,
        "assistant_only_loss": True,
        "max_steps": 7,
        "per_device_train_batch_size": 3,
        "gradient_accumulation_steps": 2,
        "seed": 11,
        "use_cpu": True,
        "bf16": False,
        "fp16": False,
        "eval_steps": 5,
        "save_steps": 5,
        "load_best_model_at_end": True,
        "metric_for_best_model": "eval_split_loss",
        "eval_on_start": True,
        "warmup_steps": 2,
        "learning_rate": cfg.learning_rate,
        "lr_scheduler_type": "cosine",
        "logging_steps": 1,
        "gradient_checkpointing": True,
        "save_total_limit": 2,
        "report_to": [],
    }
    got = {key: getattr(args, key) for key in expected}
    got["lr_scheduler_type"] = str(getattr(got["lr_scheduler_type"], "value", got["lr_scheduler_type"]))
    assert got == expected
    assert str(getattr(args.eval_strategy, "value", args.eval_strategy)) == "steps"


def test_sft_config_without_eval(tmp_path, device):
    from trl import SFTConfig

    from tadka.train.trainer import sft_kwargs

    args = SFTConfig(**sft_kwargs(TrainConfig(), tmp_path, seed=0, device=device, eval_sets=[]))
    assert str(getattr(args.eval_strategy, "value", args.eval_strategy)) == "no" and not args.eval_on_start
    assert args.gradient_checkpointing is False and args.bf16 is False  # TRL's own defaults are True


def test_gkd_config_from_our_config(tmp_path, device):
    from trl.experimental.gkd import GKDConfig

    from tadka.train.trainer import sft_kwargs

    cfg = resolve(
        TrainConfig(),
        {
            "mode": "distill",
            "teacher": "t",
            "gkd_lmbda": 0.25,
            "gkd_beta": 0.1,
            "kd_temperature": 0.9,
            "gkd_max_new_tokens": 12,
        },
    )
    args = GKDConfig(
        **sft_kwargs(cfg, tmp_path, seed=0, device=device, eval_sets=[]),
        lmbda=cfg.gkd_lmbda,
        beta=cfg.gkd_beta,
        temperature=cfg.kd_temperature,
        max_new_tokens=cfg.gkd_max_new_tokens,
    )
    assert (args.lmbda, args.beta, args.temperature, args.max_new_tokens) == (0.25, 0.1, 0.9, 12)


@pytest.mark.parametrize(
    "method, cls, fields",
    [
        ("lora", "LoraConfig", {"r": 4, "lora_alpha": 8, "lora_dropout": 0.1, "use_dora": False}),
        ("qlora", "LoraConfig", {"r": 4, "use_dora": False}),
        ("dora", "LoraConfig", {"use_dora": True}),
        ("prefix", "PrefixTuningConfig", {"num_virtual_tokens": 5}),
        ("ia3", "IA3Config", {}),
    ],
)
def test_peft_configs_from_our_config(torch_stack, method, cls, fields):
    import peft

    from tadka.train.adapters import peft_config

    cfg = resolve(
        TrainConfig(), {"peft": method, "lora_r": 4, "lora_alpha": 8, "lora_dropout": 0.1, "prefix_tokens": 5}
    )
    built = peft_config(cfg, ["q_proj", "down_proj"], ["down_proj"])
    assert type(built) is getattr(peft, cls)
    assert str(built.task_type) in ("CAUSAL_LM", "TaskType.CAUSAL_LM")
    for key, value in fields.items():
        assert getattr(built, key) == value, key
    if method == "ia3":
        assert set(built.target_modules) == {"q_proj", "down_proj"} and set(built.feedforward_modules) == {"down_proj"}
    assert peft_config(dataclasses.replace(cfg, peft="none")) is None


def test_targets_found_on_the_model(tiny):
    from transformers import AutoModelForCausalLM

    from tadka.errors import ConfigError
    from tadka.train.adapters import find_targets, ia3_layers

    model = AutoModelForCausalLM.from_pretrained(tiny)
    assert find_targets(model) == ["down_proj", "gate_proj", "k_proj", "o_proj", "q_proj", "up_proj", "v_proj"]
    assert find_targets(model, ["q_proj", "v_proj"]) == ["q_proj", "v_proj"]
    with pytest.raises(ConfigError, match="no layer named c_attn"):
        find_targets(model, ["c_attn"])
    targets, feedforward = ia3_layers(model)
    assert "down_proj" in targets and feedforward == ["down_proj"]
    targets, feedforward = ia3_layers(model, ["q_proj", "down_proj"])
    assert (targets, feedforward) == (["q_proj", "down_proj"], ["down_proj"])
