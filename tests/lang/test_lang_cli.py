"""`tadka lang …` on files and standard input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tadka.apps.commands.lang import command


@pytest.fixture()
def runner():
    return CliRunner()


def test_every_command_shows_an_example(runner):
    for name in (None, "tag", "romanize", "devanagari", "metrics"):
        args = [name, "--help"] if name else ["--help"]
        result = runner.invoke(command, args)
        assert result.exit_code == 0 and "Example:" in result.output


def test_tag_one_object_per_line(runner):
    text = "Mujhe kal office jaana hai\n\n😂😂\nमुझे नहीं पता\n"
    result = runner.invoke(command, ["tag", "-"], input=text)
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 4
    assert rows[0] == {
        "tokens": ["Mujhe", "kal", "office", "jaana", "hai"],
        "tags": ["hi", "hi", "en", "hi", "hi"],
        "lang": "hi-Latn",
        "cmi": 20.0,
    }
    assert rows[1] == {"tokens": [], "tags": [], "lang": "other", "cmi": 0.0}
    assert rows[2]["tags"] == ["univ", "univ"] and rows[3]["lang"] == "hi-Deva"


def test_bad_bytes_do_not_crash(runner, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"kya \xff\xfe haal hai\r\n\x00\n")
    result = runner.invoke(command, ["tag", str(path)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == 2 and rows[0]["tokens"][0] == "kya"


def test_romanize_and_devanagari_line_for_line(runner):
    result = runner.invoke(command, ["romanize", "-"], input="मुझे नहीं पता।\n\nok 👍\n")
    assert result.exit_code == 0 and result.output.splitlines() == ["mujhe nahi pata.", "", "ok 👍"]
    result = runner.invoke(command, ["devanagari", "-"], input="mujhe nahi pata, kal phone karna\n\n")
    assert result.exit_code == 0 and result.output.splitlines() == ["मुझे नहीं पता, कल phone करना", ""]


def test_metrics_corpus_and_plot(runner, tmp_path):
    plot = tmp_path / "cmi.png"
    text = "Mujhe kal office jaana hai, boss ne bola\nI am fine\n\n"
    result = runner.invoke(command, ["metrics", "-", "--corpus", "--plot", str(plot)], input=text)
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(lines) == 4
    first = lines[0]
    for key in (
        "cmi",
        "cu",
        "m_index",
        "i_index",
        "lang_entropy",
        "burstiness",
        "span_entropy",
        "memory",
        "spf",
        "switch_points",
        "lang",
    ):
        assert key in first
    assert first["cmi"] == pytest.approx(25.0) and first["switch_points"] == 4
    assert lines[2]["cmi"] == 0.0 and lines[2]["burstiness"] is None  # the empty line
    assert lines[3]["corpus"]["utterances"] == 3
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["cmi.png"]  # written atomically, nothing left over
