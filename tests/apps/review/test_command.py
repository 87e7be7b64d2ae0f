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


def test_users_add_list_and_a_server_off_loopback_needs_an_admin(tmp_path):
    ws = Workspace.init(tmp_path / "w")
    ws.write_stage("curated", [])  # a stage with no records: review still starts (and stats still answers)
    runner = CliRunner()
    result = runner.invoke(cli, ["review", "--host", "0.0.0.0", "-w", str(ws.root)])
    assert result.exit_code == 2
    assert "error: review.host: binding to 0.0.0.0 needs reviewer accounts" in result.output
    assert "tadka review users add NAME --role admin" in result.output
    add = ["review", "users", "add", "-w", str(ws.root), "--password-stdin"]
    assert runner.invoke(cli, [*add, "ravi"], input="pakoda-1234\n").exit_code == 0
    result = runner.invoke(cli, [*add, "asha", "--role", "admin"], input="short\n")
    assert result.exit_code == 2 and "at least 8 characters" in result.output
    result = runner.invoke(
        cli,
        ["review", "users", "add", "-w", str(ws.root), "asha", "--role", "admin"],
        input="chai-garam-hai\nchai-garam-hai\n",
    )
    assert result.exit_code == 0, result.output
    listed = runner.invoke(cli, ["review", "users", "list", "-w", str(ws.root)]).output.split("\n")
    assert [line.split() for line in listed if line] == [["asha", "admin", "active"], ["ravi", "reviewer", "active"]]
    stored = ws.review_db.read_bytes()
    assert b"chai-garam-hai" not in stored and b"pakoda-1234" not in stored
    result = runner.invoke(cli, ["stats", "-w", str(ws.root), "--stage", "curated"])
    assert result.exit_code == 0 and "curated: 0 records" in result.output


def test_export_refuses_an_existing_name_and_warns_when_empty(tmp_path):
    from tadka.records import Record
    from tadka.review.store import ReviewStore

    ws = Workspace.init(tmp_path / "w")
    rec = Record(messages=[{"role": "user", "content": "Chai?"}, {"role": "assistant", "content": "Haan, ek cup."}])
    ws.write_stage("curated", [rec])
    ReviewStore(ws.review_db).decide(rec.id, "rejected", stage="curated", reviewer="asha", base_version=0)
    runner = CliRunner()
    first = runner.invoke(cli, ["export", "-w", str(ws.root), "--name", "v1"])
    assert first.exit_code == 0 and "0 train, 0 eval" in first.output
    assert "warning: 0 records exported" in first.output
    again = runner.invoke(cli, ["export", "-w", str(ws.root), "--name", "v1"])
    assert again.exit_code == 2
    assert again.output.strip() == "error: --name: exports/v1 exists (pick another name, or delete it first)"


def test_import_measures_the_language_tag(tmp_path):
    import json

    rows = [
        {
            "messages": [
                {"role": "user", "content": "बारिश में फसल को कैसे बचाएं?"},
                {"role": "assistant", "content": "खेत में पानी निकलने का रास्ता बनाओ।"},
            ]
        },
        {
            "messages": [
                {"role": "user", "content": "Mandi mein aaj tomato ka rate kya hai?"},
                {"role": "assistant", "content": "Aaj tomato 20 rupaye kilo chal raha hai."},
            ]
        },
        {
            "messages": [
                {"role": "user", "content": "What is the capital of France?"},
                {"role": "assistant", "content": "The capital of France is Paris."},
            ]
        },
        {
            "messages": [{"role": "user", "content": "kya haal hai"}, {"role": "assistant", "content": "theek"}],
            "lang": "hi-Latn",
        },
    ]
    src = tmp_path / "chats.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    ws = Workspace.init(tmp_path / "w")
    assert CliRunner().invoke(cli, ["import", str(src), "-w", str(ws.root)]).exit_code == 0
    assert [r.lang for r in ws.records("imported")] == ["hi-Deva", "hi-Latn+en", "en", "hi-Latn"]
    assert (
        CliRunner().invoke(cli, ["import", str(src), "-w", str(ws.root), "--stage", "b", "--lang", "hi-Deva"]).exit_code
        == 0
    )
    assert [r.lang for r in ws.records("b")] == ["hi-Deva", "hi-Deva", "hi-Deva", "hi-Latn"]  # --lang fills untagged
