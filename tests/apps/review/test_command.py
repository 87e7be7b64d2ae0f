"""`tadka review`: config section rendered by init, flags validated before the server starts."""

from __future__ import annotations

from click.testing import CliRunner

from tadka.apps.cli import cli
from tadka.apps.commands.review import _is_loopback
from tadka.workspace import Workspace


def test_init_renders_the_review_section(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    text = ws.config_path.read_text()
    assert "\nreview:\n" in text and "reject_reasons:" in text and "host: 127.0.0.1" in text
    cfg = ws.config["review"]
    assert cfg.order == "quality" and cfg.port == 8501 and len(cfg.reject_reasons) == 7


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["review", "--help"])
    assert result.exit_code == 0 and "tadka review my-project" in result.output


def test_bad_settings_are_one_line_errors(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    runner = CliRunner()
    result = runner.invoke(cli, ["review", str(ws.root)])
    assert result.exit_code == 2 and "no data yet" in result.output
    ws.config_path.write_text(ws.config_path.read_text().replace("overlap: 0.0", "overlap: 1.5"))
    result = runner.invoke(cli, ["review", str(ws.root)])
    assert result.exit_code == 2 and "review.overlap: must be in [0, 1]" in result.output
    result = runner.invoke(cli, ["review", str(ws.root), "--order", "sideways"])
    assert result.exit_code == 2 and "sideways" in result.output


def test_loopback_detection():
    assert _is_loopback("127.0.0.1") and _is_loopback("localhost") and _is_loopback("::1")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.5")
