"""Users' scripts call tadka with flags: a restructure must not rename, drop or add one by accident.

cli_flags.json was recorded from the command tree before the CLI flags were generated from the config
models; every command keeps the same option names (and arguments) as then.
"""

import json
from pathlib import Path

import click

from tadka.apps.cli import cli


def _flag_sets(cmd: click.Command, path: list[str], out: dict) -> dict:
    opts = sorted(o for p in cmd.params if isinstance(p, click.Option) for o in (*p.opts, *p.secondary_opts))
    args = [p.name for p in cmd.params if isinstance(p, click.Argument)]
    out[" ".join(path)] = {"options": opts, "arguments": args}
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            _flag_sets(sub, [*path, name], out)
    return out


def test_every_command_keeps_its_flags():
    recorded = json.loads((Path(__file__).parent / "cli_flags.json").read_text(encoding="utf-8"))
    now = _flag_sets(cli, ["tadka"], {})
    assert sorted(now) == sorted(recorded)
    for name, flags in recorded.items():
        assert now[name] == flags, name


def test_help_lists_the_recorded_flags():
    """The flags are also what `--help` prints (a hidden or broken option would not show)."""
    from click.testing import CliRunner

    recorded = json.loads((Path(__file__).parent / "cli_flags.json").read_text(encoding="utf-8"))
    out = CliRunner().invoke(cli, ["curate", "--help"]).output
    for flag in recorded["tadka curate"]["options"]:
        assert flag in out, flag


def test_no_config_default_is_typed_by_hand_in_the_cli():
    """`[section.key: default]` in --help is rendered from the section model (tadka.cli_options), never
    written into a string, where it would drift from the default it names."""
    import ast
    import re

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\[(project|import|generate|augment|curate|review|export|train|compress|eval|vision)\.\w+")
    sources = [*sorted((root / "apps").rglob("*.py")), root / "train" / "cli.py", root / "train" / "vision" / "cli.py"]
    found = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.search(node.value):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not found


def test_a_flag_shows_the_key_and_default_it_mirrors():
    from click.testing import CliRunner

    out = " ".join(CliRunner().invoke(cli, ["augment", "--help"]).output.split())
    assert "[augment.copies: 1]" in out and "[augment.rate: 0.1]" in out and "[augment.stage]" in out
