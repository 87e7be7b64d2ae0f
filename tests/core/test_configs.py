"""Every shipped recipe under configs/ loads and validates through the config code its command uses,
and `--config FILE` reaches that command (a recipe sits between tadka.yaml and the flags)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tadka.apps.cli import cli
from tadka.compress.config import CompressConfig
from tadka.compress.config import resolve as resolve_compress
from tadka.config import SECTIONS, config_file_section, discover_sections, load_config, load_yaml, override
from tadka.train.config import TrainConfig, check, config_file_values
from tadka.train.config import resolve as resolve_train
from tadka.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
RECIPES = sorted((ROOT / "configs").rglob("*.yaml"))
SAMPLE = ROOT / "corpora" / "samples" / "hinglish_chat.jsonl"


def _train(path: Path) -> object:
    cfg = resolve_train(TrainConfig(), config_file_values(path), source=str(path))
    check(cfg)
    return cfg


def _curate(path: Path) -> object:
    discover_sections()  # the curate section's class, wherever the curate package keeps it
    return override(SECTIONS["curate"](), config_file_section(path, "curate"), "curate").validate()


def _compress(path: Path) -> object:
    return resolve_compress(CompressConfig(), config_file_section(path, "compress"))


# The section a recipe is about → the resolution its command runs (cross-key checks included).
COMMANDS = {"train": _train, "curate": _curate, "compress": _compress}


def test_the_shipped_recipes_are_there():
    names = {p.relative_to(ROOT / "configs").as_posix() for p in RECIPES}
    assert {
        "train/hinglish-chat-lora.yaml",
        "train/qlora-7b-1gpu.yaml",
        "train/distill-smollm2.yaml",
        "curate/strict.yaml",
        "compress/phone-edge.yaml",
    } <= names


@pytest.mark.parametrize("path", RECIPES, ids=lambda p: p.relative_to(ROOT / "configs").as_posix())
def test_every_recipe_validates_as_its_command_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), "a recipe starts with comments saying what it is for and the hardware it assumes"
    assert "Hardware it assumes" in text
    load_config(path)  # the whole file as tadka.yaml: unknown sections and keys, types
    sections = [name for name in load_yaml(text) if name in COMMANDS]
    assert sections, f"{path}: no train, curate or compress section"
    for name in sections:
        cfg = COMMANDS[name](path)
        given = load_yaml(text)[name]
        for key, value in given.items():  # every key the file sets arrives in the resolved config
            assert getattr(cfg, key) == value, (path, key)


def test_the_readme_names_every_recipe():
    readme = (ROOT / "README.md").read_text(encoding="utf-8") + (ROOT / "configs" / "README.md").read_text()
    for path in RECIPES:
        assert path.relative_to(ROOT).as_posix() in readme


def _curate_json(runner, ws, *args):
    res = runner.invoke(cli, ["curate", "-w", str(ws.root), "--dry-run", "--json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_curate_takes_a_recipe_between_tadka_yaml_and_the_flags(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(SAMPLE), "-w", str(ws.root)]).exit_code == 0
    extra = tmp_path / "extra.jsonl"  # kept by the defaults: a 4-word answer, and PII (redacted, not dropped)
    extra.write_text(
        json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "Kal office aana hai kya?"},
                    {"role": "assistant", "content": "Haan bhai, kal aana."},
                ]
            }
        )
        + "\n"
        + json.dumps(
            {
                "messages": [
                    {"role": "user", "content": "Plumber ka number de do please, tap leak ho raha hai."},
                    {
                        "role": "assistant",
                        "content": "Haan, Ramesh plumber ka number 9876543210 hai, unko "
                        "abhi call kar lo, woh aaj hi aa jayenge.",
                    },
                ]
            }
        )
        + "\n"
    )
    assert runner.invoke(cli, ["import", str(extra), "-w", str(ws.root)]).exit_code == 0
    plain = _curate_json(runner, ws)
    strict = _curate_json(runner, ws, "--config", str(ROOT / "configs" / "curate" / "strict.yaml"))
    assert strict["input"] == plain["input"] == 42
    assert strict["curated"] <= plain["curated"] - 2, (plain, strict)
    assert strict["reasons"].get("too_short") and strict["reasons"].get("pii:phone"), strict["reasons"]
    assert "quality" in strict["per_step"] and "quality" not in plain["per_step"]
    only = _curate_json(runner, ws, "--config", str(ROOT / "configs" / "curate" / "strict.yaml"), "--steps", "length")
    assert list(only["per_step"]) == ["length"]  # a flag wins over the recipe


def test_a_bad_recipe_is_one_line_naming_file_line_and_key(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    bad = tmp_path / "bad.yaml"
    bad.write_text("# x\ncurate:\n  workers: 2\n  minhash_treshold: 0.4\n")
    res = CliRunner().invoke(cli, ["curate", "-w", str(ws.root), "--config", str(bad), "--dry-run"])
    assert res.exit_code == 2 and f"{bad}:4: curate.minhash_treshold" in res.output
    assert "did you mean 'minhash_threshold'" in res.output
    neg = tmp_path / "neg.yaml"
    neg.write_text("compress:\n  budget_ms: -5\n")
    res = CliRunner().invoke(cli, ["compress", "-w", str(ws.root), "--config", str(neg), "--run", "nosuch"])
    assert res.exit_code == 2 and "compress.budget_ms" in res.output and "negative" in res.output
    res = CliRunner().invoke(
        cli, ["compress", "-w", str(ws.root), "--config", str(tmp_path / "none.yaml"), "--run", "x"]
    )
    assert res.exit_code == 2 and "no such config file" in res.output
