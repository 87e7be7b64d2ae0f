"""The workspace: init layout, atomic stage swaps, the per-stage lock, SIGKILL safety, export and stats."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import datasets
import pytest

from tadka.config import ExportConfig, load_config
from tadka.errors import ConfigError, WorkspaceBusy, WorkspaceError
from tadka.export import export
from tadka.records import Record
from tadka.stats import workspace_stats
from tadka.workspace import Workspace

from .conftest import CHATS


def _records(n, prefix="sawal"):
    return [
        Record(
            messages=[
                {"role": "user", "content": f"{prefix} {i}: mandi bhav kya hai?"},
                {"role": "assistant", "content": f"jawab {i}: aaj ka rate 20 rupaye hai."},
            ]
        )
        for i in range(n)
    ]


def test_init_creates_the_layout(ws):
    for rel in ("tadka.yaml", "data", "cache/teacher.db", "review.db", "runs", "exports"):
        assert (ws.root / rel).exists(), rel
    cfg = load_config(ws.root / "tadka.yaml")
    assert cfg.project.name == "ws" and cfg.export.eval_fraction == 0.1
    text = (ws.root / "tadka.yaml").read_text()
    assert text.count("\n  # ") >= 8  # every key carries its help as a comment
    for db, kind in ((ws.review_db, "review"), (ws.teacher_db, "teacher")):
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] >= 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(WorkspaceError):
        Workspace.init(ws.root)


def test_find_walks_up(ws):
    (ws.root / "runs" / "x").mkdir()
    assert Workspace.find(ws.root / "runs" / "x").root == ws.root
    with pytest.raises(WorkspaceError):
        Workspace.find("/")


def test_stage_write_replace_append_and_load_from_disk(ws):
    assert ws.write_stage("generated", _records(5)) == 5
    assert ws.write_stage("generated", _records(8), mode="append") == 8  # 5 already there, 3 new
    ds = datasets.load_from_disk(str(ws.root / "data" / "generated"))  # what users will do
    assert ds.num_rows == 8 and len(set(ds["id"])) == 8
    assert ws.write_stage("generated", _records(2, "naya")) == 2
    assert len(list((ws.root / "data" / ".versions").glob("generated.*"))) <= 2  # old versions collected
    assert ws.stages() == ["generated"] and ws.latest_stage() == "generated"


def test_audit_log_is_append_only(ws):
    conn = sqlite3.connect(ws.review_db)
    conn.execute("INSERT INTO audit(ts, action, outcome) VALUES (1, 'accept', 'applied')")
    conn.commit()
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE audit SET outcome = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM audit")


LOCK_HOLDER = textwrap.dedent("""
    import sys, time
    from tadka.workspace import Workspace
    ws = Workspace(sys.argv[1])
    with ws.lock("generated"):
        print("locked", flush=True)
        time.sleep(30)
""")


def test_second_writer_gets_workspace_is_busy(ws):
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(ws.root)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WorkspaceBusy, match="workspace is busy"):
            ws.write_stage("generated", _records(1))
        ws.write_stage("curated", _records(1))  # another stage is not blocked
        # and through the CLI: one line, exit 2
        src = ws.root / "in.jsonl"
        src.write_text("".join(json.dumps(c) + "\n" for c in CHATS))
        proc = subprocess.run(
            [sys.executable, "-m", "tadka.apps.cli", "import", str(src), "-w", str(ws.root), "--stage", "generated"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 2 and "workspace is busy" in proc.stderr
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # the kernel dropped the lock with the process: no stale lock
    assert ws.write_stage("generated", _records(1)) == 1


@pytest.mark.parametrize("when", ["reading", "writing"])
def test_import_killed_with_sigkill_leaves_the_stage_intact(tmp_path, ws, when):
    ws.write_stage("imported", _records(50, "purana"))
    before = sorted(ws.dataset("imported")["id"])
    big = tmp_path / "big.jsonl"
    with open(big, "w") as f:
        for i in range(150_000):
            f.write(json.dumps({"prompt": f"prompt {i} kya hai", "response": f"jawab {i} " * 20}) + "\n")
    env = {**os.environ, "TADKA_NO_PROGRESS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tadka.apps.cli", "import", str(big), "-w", str(ws.root)],
        env=env,
        stderr=subprocess.PIPE,
    )
    versions = ws.root / "data" / ".versions"
    deadline = time.time() + 120
    if when == "reading":
        time.sleep(2.0)
    else:  # wait until the new version folder is being written
        while time.time() < deadline and len(list(versions.glob("imported.*"))) < 2:
            time.sleep(0.01)
    assert proc.poll() is None, "import finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    after = Workspace(ws.root)
    assert sorted(after.dataset("imported")["id"]) == before
    # and the next write cleans up the half-written version
    after.write_stage("imported", _records(1, "naya"), mode="append")
    assert after.dataset("imported").num_rows == 51


def test_export_split_is_seeded_and_stable(ws, tmp_path):
    ws.write_stage("curated", _records(400))
    r1 = export(ws, ExportConfig(eval_fraction=0.2, seed=7), name="a")
    r2 = export(ws, ExportConfig(eval_fraction=0.2, seed=7), name="b")
    r3 = export(ws, ExportConfig(eval_fraction=0.2, seed=8), name="c")
    read = lambda r, s: [json.loads(l)["id"] for l in (r.path / f"{s}.jsonl").read_text().splitlines()]
    assert read(r1, "eval") == read(r2, "eval")
    assert read(r1, "eval") != read(r3, "eval")
    assert 40 <= r1.eval <= 120 and r1.train + r1.eval == 400
    assert not set(read(r1, "eval")) & set(read(r1, "train"))
    # adding records never moves an old one across the split
    ws.write_stage("curated", _records(500), mode="append")
    r4 = export(ws, ExportConfig(eval_fraction=0.2, seed=7), name="d")
    assert set(read(r1, "eval")) <= set(read(r4, "eval"))
    manifest = json.loads((r1.path / "manifest.json").read_text())
    assert manifest["train"] == r1.train and manifest["seed"] == 7


@pytest.mark.parametrize("fmt", ["parquet", "hf"])
def test_export_formats_load_with_standard_tools(ws, fmt):
    ws.write_stage("curated", _records(30))
    r = export(ws, ExportConfig(format=fmt, eval_fraction=0.1), name=fmt)
    if fmt == "hf":
        dd = datasets.load_from_disk(str(r.path))
        assert set(dd) == {"train", "eval"} and dd["train"].num_rows == r.train
    else:
        dd = datasets.load_dataset(
            "parquet", data_files={"train": str(r.path / "train.parquet")}, cache_dir=str(ws.root / "cache" / "hf")
        )
        assert dd["train"].num_rows == r.train


def test_export_after_review_takes_accepted_and_edited_latest(ws):
    recs = _records(6)
    ws.write_stage("curated", recs)
    edited = recs[2].derive(
        messages=[
            {"role": "user", "content": "sudhara hua sawal"},
            {"role": "assistant", "content": "sudhara hua jawab"},
        ],
        source={"kind": "edit"},
    )
    conn = sqlite3.connect(ws.review_db)
    rows = [
        (recs[0].id, "accepted", None),
        (recs[1].id, "rejected", None),
        (recs[2].id, "edited", json.dumps(edited.to_dict())),
    ]
    conn.executemany(
        "INSERT INTO items(record_id, stage, status, version, current_json) VALUES (?, 'curated', ?, 1, ?)", rows
    )
    conn.commit()
    r = export(ws, ExportConfig(eval_fraction=0.0), name="reviewed")
    out = [json.loads(l) for l in (r.path / "train.jsonl").read_text().splitlines()]
    assert {o["id"] for o in out} == {recs[0].id, edited.id}
    assert {o["status"] for o in out} == {"accepted", "edited"}
    assert r.skipped == {"pending": 3, "rejected": 1}
    stats = {s.stage: s for s in workspace_stats(ws)}
    assert stats["curated"].by_status == {"pending": 3, "accepted": 1, "rejected": 1, "edited": 1}


def test_stats_counts_and_percentiles(ws):
    recs = _records(10) + [Record(messages=CHATS[1]["messages"], lang="hi-Deva", source={"kind": "mixer"})]
    ws.write_stage("generated", recs)
    (s,) = workspace_stats(ws)
    assert s.records == 11 and s.by_lang == {"hi-Latn+en": 10, "hi-Deva": 1}
    assert s.by_source == {"import": 10, "mixer": 1}
    assert s.turns["max"] == 5 and s.turns["p50"] == 2
    assert s.chars["max"] == sum(len(m["content"]) for m in CHATS[1]["messages"])


def test_config_errors_name_file_line_and_key(ws):
    path = ws.root / "tadka.yaml"
    path.write_text("project:\n  seed: 3\nexport:\n  eval_fracton: 0.2\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert (e.value.line, e.value.field) == (4, "export.eval_fracton") and "eval_fraction" in str(e.value)
    path.write_text("exprot:\n  format: jsonl\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert e.value.field == "exprot" and "did you mean 'export'" in str(e.value)
    path.write_text("export:\n  eval_fraction: lots\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert (e.value.line, e.value.field) == (2, "export.eval_fraction")


def test_stats_measure_code_mixing(ws):
    english = Record(
        messages=[
            {"role": "user", "content": "What is the weather today in the city?"},
            {"role": "assistant", "content": "It will rain in the evening, so carry an umbrella."},
        ]
    )
    hinglish = Record(
        messages=[
            {"role": "user", "content": "Mujhe apna UPI PIN change karna hai, kaise karun?"},
            {"role": "assistant", "content": "App kholo aur bank account select karo, phir PIN reset karo."},
        ]
    )
    ws.write_stage("generated", [english, hinglish])
    (s,) = workspace_stats(ws)
    assert s.extra["cmi"]["p10"] == 0.0  # the English record: one language, CMI 0
    assert s.extra["cmi"]["max"] > 10.0  # the Hinglish one is mixed
    assert s.extra["sentence"] == {"en": 1.0, "hi-Latn": 1.0}
    (quick,) = workspace_stats(ws, mixing_sample=0)
    assert "cmi" not in quick.extra


def test_stats_token_budget_under_a_student_tokenizer(ws, tmp_path):
    tokenizers = pytest.importorskip("tokenizers", reason="the token budget needs tokenizers (extra: train)")
    from click.testing import CliRunner

    from tadka.apps.cli import cli

    tok = tokenizers.Tokenizer(tokenizers.models.BPE(unk_token="[UNK]"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    trainer = tokenizers.trainers.BpeTrainer(vocab_size=200, special_tokens=["[UNK]"])
    tok.train_from_iterator([m["content"] for c in CHATS for m in c["messages"]] * 5, trainer)
    path = tmp_path / "tokenizer.json"
    tok.save(str(path))
    ws.write_stage("curated", _records(20))
    result = CliRunner().invoke(
        cli, ["stats", "-w", str(ws.root), "--tokenizer", str(path), "--json", "--mixing-sample", "0"]
    )
    assert result.exit_code == 0, result.output
    (stage,) = json.loads(result.output)
    expected = sum(len(tok.encode(m["content"]).ids) for r in _records(20) for m in r.messages)
    assert 0 < stage["extra"]["tokens"]["total"] and abs(stage["extra"]["tokens"]["total"] - expected) <= 20 * 4


def test_stage_writer_streams_a_stage_datasets_reads_and_swaps_it_in_atomically(ws):
    from tadka.records import ARROW_SCHEMA, to_table
    from tadka.stage_writer import hf_features

    assert hf_features(ARROW_SCHEMA) == datasets.Features.from_arrow_schema(ARROW_SCHEMA).to_dict()
    ws.write_stage("curated", _records(3, "purana"))
    with ws.stage_writer("curated", meta={"note": "batches"}) as w:
        for start in (0, 1500):
            w.write(to_table(_records(1500, f"b{start}")))
        assert ws.table("curated").num_rows == 3  # readers see the old version until the commit
    ds = datasets.load_from_disk(str(ws.root / "data" / "curated"))
    assert ds.num_rows == 3000 and ds.features == datasets.Features.from_arrow_schema(ARROW_SCHEMA)
    assert ws.stage_table("curated")["id"].to_pylist() == ds["id"]
    assert sum(t.num_rows for t in ws.stage_batches("curated")) == 3000
    meta = json.loads((ws.root / "data" / "curated" / "tadka_stage.json").read_text())
    assert meta["rows"] == 3000 and meta["note"] == "batches"
    # an error while writing, or a repeated id, leaves the stage as it was
    with pytest.raises(RuntimeError):
        with ws.stage_writer("curated") as w:
            w.write(to_table(_records(2, "aadha")))
            raise RuntimeError("killed half way")
    with pytest.raises(WorkspaceError, match="id repeats"):
        with ws.stage_writer("curated") as w:
            w.write(to_table(_records(2, "dohra")))
            w.write(to_table(_records(1, "dohra")))
    assert ws.table("curated").num_rows == 3000
    assert len(list((ws.root / "data" / ".versions").glob("curated.*"))) <= 2
    with ws.stage_writer("empty"):
        pass
    assert ws.table("empty").num_rows == 0 and list(ws.stage_batches("empty")) == []


def test_stats_prints_counts_in_full():
    """Sentence-language counts over 999 read as counts ("hi-Latn 1426"), not "1.43e+03"."""
    from tadka.stats import StageStats, format_stats

    s = StageStats(
        stage="augmented",
        records=1426,
        by_lang={"hi-Latn+en": 1426},
        by_status={},
        by_source={},
        chars={"p50": 330.0, "mean": 327.62},
        turns={"p50": 2.0},
        extra={"sentence": {"hi-Latn": 1426.0}, "cmi": {"p50": 30.94}},
    )
    text = format_stats([s])
    assert "hi-Latn 1426" in text and "e+03" not in text
    assert "mean 327.6" in text and "p50 30.9" in text
