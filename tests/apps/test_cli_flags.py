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
