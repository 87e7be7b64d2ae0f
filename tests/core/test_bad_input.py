"""Bad input: one line naming file, line and field; exit 2; the workspace byte-identical afterwards."""

import json
import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from tadka.apps.cli import cli

from .conftest import CHATS, tree_hash

GOOD = json.dumps(CHATS[0], ensure_ascii=False)


def _jsonl(*rows):
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)


def _broken_line_7(p):
    p.write_text(_jsonl(*[GOOD] * 6, '{"messages": [{"role": "user", "content": "x"}', GOOD), encoding="utf-8")


def _assitant(p):
    p.write_text(
        _jsonl(
            GOOD,
            GOOD,
            {"messages": [{"role": "user", "content": "kya haal hai"}, {"role": "assitant", "content": "sab badhiya"}]},
        ),
        encoding="utf-8",
    )


def _empty_assistant(p):
    p.write_text(
        _jsonl(GOOD, {"messages": [{"role": "user", "content": "kya haal hai"}, {"role": "assistant", "content": ""}]}),
        encoding="utf-8",
    )


def _two_users(p):
    p.write_text(
        _jsonl(
            {
                "messages": [
                    {"role": "user", "content": "a"},
                    {"role": "user", "content": "b"},
                    {"role": "assistant", "content": "c"},
                ]
            }
        ),
        encoding="utf-8",
    )


def _not_utf8(p):
    p.write_bytes(_jsonl(GOOD, GOOD, GOOD).encode() + b'{"prompt": "caf\xe9", "response": "x"}\n')


def _huge_line(p):
    big = "a" * (50 * 2**20)
    p.write_text(_jsonl({"prompt": big, "response": "ok"}), encoding="utf-8")


def _empty(p):
    p.write_bytes(b"")


def _directory(p):
    p.mkdir()
    (p / "notes.txt").write_text("not a dataset")


def _csv_no_response(p):
    p.write_text("prompt,answer\nkya haal hai,theek\n", encoding="utf-8")


def _parquet_wrong_types(p):
    pq.write_table(pa.table({"prompt": ["kya haal hai", "aur batao"], "response": [1, 2]}), p)


CASES = [
    # (name, file name, writer, expected line, expected field, text in the message)
    ("broken-json", "broken.jsonl", _broken_line_7, 7, "<json>", "invalid JSON"),
    ("assitant", "roles.jsonl", _assitant, 3, "messages[1].role", "did you mean 'assistant'"),
    ("empty-assistant", "empty_turn.jsonl", _empty_assistant, 2, "messages[1].content", "empty assistant message"),
    ("two-users", "twice.jsonl", _two_users, 1, "messages[1].role", "two 'user' turns in a row"),
    ("not-utf8", "latin1.jsonl", _not_utf8, 4, "<encoding>", "not valid UTF-8"),
    ("50mb-line", "huge.jsonl", _huge_line, 1, "<line>", "over the 8 MiB limit"),
    ("empty-file", "empty.jsonl", _empty, 1, "<file>", "empty"),
    ("directory", "folder", _directory, None, "<path>", "is a directory"),
    ("csv-no-response", "pairs.csv", _csv_no_response, 1, "response", "missing column"),
    ("parquet-types", "pairs.parquet", _parquet_wrong_types, 1, "response", "expected a string column, got int64"),
]


@pytest.mark.parametrize("name, filename, make, line, field, text", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_and_changes_nothing(tmp_path, ws, name, filename, make, line, field, text):
    # a stage already exists, so there is something to damage
    seed = tmp_path / "seed.jsonl"
    seed.write_text(_jsonl(*CHATS), encoding="utf-8")
    run = [sys.executable, "-m", "tadka.apps.cli"]
    env = {**os.environ, "TADKA_NO_PROGRESS": "1"}
    # the good import in this process (a fresh interpreter costs a second); the bad one as a user runs it
    done = CliRunner().invoke(cli, ["import", str(seed), "-w", str(ws.root)], env={"TADKA_NO_PROGRESS": "1"})
    assert done.exit_code == 0, done.output
    before = tree_hash(ws.root)

    bad = tmp_path / filename
    make(bad)
    proc = subprocess.run(
        [*run, "import", str(bad), "-w", str(ws.root)], capture_output=True, text=True, env=env, timeout=300
    )

    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr  # one line, no traceback
    message = lines[0]
    assert message.startswith(f"error: {bad}")
    if line is not None:
        assert message.startswith(f"error: {bad}:{line}: "), message
    assert f" {field}: " in message, message
    assert text in message, message
    assert "Traceback" not in proc.stderr
    assert tree_hash(ws.root) == before


def test_debug_shows_the_traceback(tmp_path, ws):
    bad = tmp_path / "roles.jsonl"
    _assitant(bad)
    proc = subprocess.run(
        [sys.executable, "-m", "tadka.apps.cli", "--debug", "import", str(bad), "-w", str(ws.root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode != 0 and "Traceback" in proc.stderr
