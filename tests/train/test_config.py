"""The train section, its CLI flags and the rule that tadka.train imports without torch."""

import dataclasses
import json
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from tadka.config import SECTIONS, build_section, render_template
from tadka.errors import ConfigError, MissingExtra, TadkaError
from tadka.train.cli import command, flag_name, parse_sets
from tadka.train.config import TrainConfig, check, config_file_values, resolve, train_fields
from tadka.train.run import resolve_config


def test_every_key_is_documented_and_rendered():
    assert SECTIONS["train"] is TrainConfig
    text = render_template()
    for f in train_fields():
        assert len(f.metadata.get("help", "")) > 15, f.name
        assert f"  {f.name}:" in text, f.name


def test_every_key_has_a_flag():
    flags = {opt for p in command.params for opt in p.opts}
    for f in train_fields():
        assert flag_name(f.name) in flags, f.name


@pytest.mark.parametrize(
    "values, field",
    [
        ({"peft": "lorax"}, "train.peft"),
        ({"max_length": "long"}, "train.max_length"),
        ({"learning_rat": 1e-4}, "train.learning_rat"),
    ],
)
def test_bad_keys_are_one_line_config_errors(values, field):
    with pytest.raises(ConfigError) as e:
        build_section("train", values, file="tadka.yaml")
    assert field in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"mode": "distill"}, "train.teacher"),
        ({"lora_r": 0}, "train.lora_r"),
        ({"max_steps": 0}, "train.max_steps"),
        ({"precision": "fp16", "device": "cpu"}, "train.precision"),
        ({"merge": True, "peft": "prefix"}, "train.merge"),
    ],
)
def test_cross_key_checks(values, field):
    with pytest.raises(ConfigError, match=field):
        check(resolve(TrainConfig(), values))


def test_precedence_yaml_then_config_file_then_flags(tmp_path):
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    text = (
        ws.config_path.read_text().replace("  lora_r: 8", "  lora_r: 4").replace("  batch_size: 8", "  batch_size: 2")
    )
    ws.config_path.write_text(text)
    ws = Workspace(ws.root)
    extra = tmp_path / "train.yaml"
    extra.write_text("lora_r: 32\npacking: true\n")
    cfg = resolve_config(ws, config_file=str(extra), flags={"packing": False, "max_length": None})
    assert (cfg.lora_r, cfg.batch_size, cfg.packing, cfg.max_length) == (32, 2, False, 512)
    whole = tmp_path / "other.yaml"
    whole.write_text(yaml.safe_dump({"train": {"peft": "dora"}, "project": {"seed": 3}}))
    assert config_file_values(whole) == {"peft": "dora"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("lora_rank: 8\n")
    with pytest.raises(ConfigError, match="did you mean 'lora_r'"):
        config_file_values(bad)


def test_resuming_a_run_keeps_its_settings(tmp_path):
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    run = ws.runs_dir / "r1"
    run.mkdir(parents=True)
    saved = dataclasses.replace(TrainConfig(), lora_r=16, max_steps=10)
    (run / "config.yaml").write_text(yaml.safe_dump(saved.to_dict()))
    assert resolve_config(ws, name="r1", flags={"max_steps": 20}).lora_r == 16
    with pytest.raises(ConfigError, match="other settings for lora_r"):
        resolve_config(ws, name="r1", flags={"lora_r": 4})


def test_set_values_parse_as_yaml():
    assert parse_sets(("max_steps=5", "eval_files=[a.jsonl]", "base=x/y")) == {
        "max_steps": 5,
        "eval_files": ["a.jsonl"],
        "base": "x/y",
    }
    with pytest.raises(ConfigError):
        parse_sets(("max_steps",))


def test_cli_reports_bad_config_in_one_line(tmp_path):
    from tadka.apps.cli import cli
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    result = CliRunner().invoke(cli, ["train", "-w", str(ws.root), "--set", "peft=adapterx"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "train.peft" in lines[0]


def test_package_imports_without_torch(tmp_path):
    """The core install has no torch: tadka.train, its CLI and the runs API must import, and training
    must fail with a MissingExtra naming the extra."""
    code = (
        "import sys\n"
        "for name in ('torch', 'transformers', 'trl', 'peft', 'accelerate'):\n"
        "    sys.modules[name] = None\n"
        "import tadka.train, tadka.train.config, tadka.train.runs, tadka.train.cli, tadka.train.run\n"
        "import tadka.train.data, tadka.train.templates, tadka.train.models, tadka.train.card\n"
        "from tadka.train.deps import require_training\n"
        "try:\n"
        "    require_training()\n"
        "except Exception as e:\n"
        "    print(type(e).__name__, e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("MissingExtra") and "tadka[train]" in proc.stdout and "'torch'" in proc.stdout


def test_missing_extra_is_a_tadka_error():
    err = MissingExtra("torch", "train", "training")
    assert isinstance(err, TadkaError) and "pip install 'tadka[train]'" in str(err)


def test_config_dump_round_trips():
    cfg = resolve(TrainConfig(), {"target_modules": ["q_proj", "v_proj"], "eval_files": ["e.jsonl"]})
    again = resolve(TrainConfig(), json.loads(json.dumps(cfg.to_dict())))
    assert again == cfg
