"""Every documented value of every option, written plainly in the commented tadka.yaml template, loads.

YAML 1.1 (PyYAML's default) reads unquoted on/off/yes/no as booleans, so `json_mode: off` — the value
the template's own comment documents — used to be refused. The test edits the real template `tadka
init` writes, one option and one value at a time, exactly as a user would.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest
import yaml

from tadka.config import SECTIONS, build_section, discover_sections, load_config, load_yaml, render_template
from tadka.errors import ConfigError


def write_plainly(template: str, values: dict[tuple[str, str], str]) -> str:
    """The template with each ``(section, key)`` set to its value, unquoted, on the line the template gives it."""
    out, current, done = [], None, set()
    for line in template.splitlines():
        if line and not line.startswith((" ", "#")) and line.endswith(":"):
            current = line[:-1]
        elif current is not None and line.startswith("  ") and ":" in line:
            key = line[2:].split(":", 1)[0]
            if (current, key) in values:
                line = f"  {key}: {values[current, key]}"
                done.add((current, key))
        out.append(line)
    assert done == set(values), f"not in the template: {sorted(set(values) - done)}"
    return "\n".join(out) + "\n"


def word_options() -> list[tuple[str, str, str]]:
    discover_sections()
    cases = []
    for name, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if typing.get_origin(hints[f.name]) is typing.Literal:
                cases += [(name, f.name, str(v)) for v in typing.get_args(hints[f.name])]
    return cases


def bool_options() -> list[tuple[str, str]]:
    discover_sections()
    return [
        (name, f.name)
        for name, cls in SECTIONS.items()
        for f in dataclasses.fields(cls)
        if typing.get_type_hints(cls)[f.name] is bool
    ]


def test_every_documented_word_written_plainly_loads_as_itself(tmp_path):
    template = render_template()
    cases = word_options()
    assert ("generate", "json_mode", "off") in cases and len(cases) >= 20
    # each option takes its values in turn, all options at once: one load per round, not per value
    by_key: dict[tuple[str, str], list[str]] = {}
    for section, key, value in cases:
        by_key.setdefault((section, key), []).append(value)
    for turn in range(max(map(len, by_key.values()))):
        values = {k: vs[turn] for k, vs in by_key.items() if turn < len(vs)}
        path = tmp_path / "tadka.yaml"
        path.write_text(write_plainly(template, values), encoding="utf-8")
        config = load_config(path)
        for (section, key), value in values.items():
            loaded = getattr(config[section], key)
            assert loaded == value, (section, key, value, loaded)


@pytest.mark.parametrize(
    "word, expected", [("on", True), ("yes", True), ("true", True), ("off", False), ("no", False), ("false", False)]
)
def test_bool_options_still_take_every_yaml_boolean_word(tmp_path, word, expected):
    template = render_template()
    options = bool_options()
    assert ("generate", "cache") in options
    path = tmp_path / "tadka.yaml"
    path.write_text(write_plainly(template, dict.fromkeys(options, word)), encoding="utf-8")
    config = load_config(path)
    for section, key in options:
        assert getattr(config[section], key) is expected, (section, key, word)


def test_json_mode_off_written_plainly_reaches_the_teacher(tmp_path):
    from tadka.curate.generate.teachers.openai_teacher import OpenAITeacher

    path = tmp_path / "tadka.yaml"
    path.write_text(write_plainly(render_template(), {("generate", "json_mode"): "off"}), encoding="utf-8")
    cfg = load_config(path)["generate"]
    cfg.model, cfg.base_url = "m", "http://127.0.0.1:9/v1"
    with OpenAITeacher.from_config(cfg) as teacher:
        assert teacher.ladder.step == "text" and teacher.json_mode == "off"


def test_a_boolean_from_another_loader_maps_back_to_its_word():
    discover_sections()
    # yaml.safe_load (YAML 1.1) turns `off` into False; the section still takes it as the word.
    values = yaml.safe_load("json_mode: off\ncache: no")
    assert values == {"json_mode": False, "cache": False}
    cfg = build_section("generate", values)
    assert cfg.json_mode == "off" and cfg.cache is False
    with pytest.raises(ConfigError, match="script"):  # no word of that option is a boolean: still refused
        build_section("generate", {"script": False})
    assert load_yaml("a: off\nb: True\nc: ~") == {"a": "off", "b": True, "c": None}
