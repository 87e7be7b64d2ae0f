"""Reading exports into training rows: formats, skipped chats, the data hash, and bad datasets."""

import json

import pytest

from tadka.config import ExportConfig
from tadka.errors import ConfigError, InputError
from tadka.export import export
from tadka.train.data import fit_length, load_splits, locate, to_row

from .conftest import CHATS


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_rows_end_with_the_last_assistant_turn():
    chat = CHATS[1]["messages"] + [{"role": "user", "content": "Thanks bhai"}]
    row = to_row(chat)
    assert row["messages"][-1]["role"] == "assistant" and len(row["messages"]) == 5
    assert to_row([{"role": "user", "content": "Koi hai?"}]) is None


@pytest.mark.parametrize("fmt", ["jsonl", "parquet", "hf"])
def test_every_export_format_gives_the_same_rows(ws, fmt):
    cfg = ExportConfig(format=fmt, eval_fraction=0.12)
    path = export(ws, cfg, name=f"fmt-{fmt}").path
    splits = load_splits(path)
    reference = load_splits(ws.exports_dir / "v1")
    assert [r["messages"] for r in splits.train] == [r["messages"] for r in reference.train]
    assert splits.data_hash == reference.data_hash
    assert set(splits.eval) == {"split"} and len(splits.eval["split"]) == 5 and len(splits.train) == 35


@pytest.mark.parametrize("fmt", ["jsonl", "hf"])
def test_an_export_without_eval_split(ws, fmt):
    path = export(ws, ExportConfig(format=fmt, eval_fraction=0.0), name=f"noeval-{fmt}").path
    splits = load_splits(path)
    assert len(splits.train) == 40 and splits.eval == {}


def test_newest_export_is_the_default(ws):
    assert locate("", ws.root, ws.exports_dir).parent == ws.exports_dir
    assert locate("v1", ws.root, ws.exports_dir) == (ws.exports_dir / "v1").resolve()
    with pytest.raises(InputError, match="train.dataset"):
        locate("exports/nope", ws.root, ws.exports_dir)


def test_single_file_and_extra_eval_files(tmp_path):
    data = _write(tmp_path / "chats.jsonl", CHATS + [{"messages": [{"role": "user", "content": "Sirf sawaal"}]}])
    held = _write(tmp_path / "held.out.jsonl", CHATS[:1])
    splits = load_splits(data, [str(held)])
    assert len(splits.train) == 2 and splits.skipped == {"no_assistant_turn": 1}
    assert list(splits.eval) == ["held_out"]
    with pytest.raises(InputError, match="train.eval_files"):
        load_splits(data, [str(tmp_path / "missing.jsonl")])


def test_a_dataset_without_assistant_turns_is_refused(tmp_path):
    data = _write(
        tmp_path / "questions.jsonl", [{"messages": [{"role": "user", "content": f"Sawaal {i}?"}]} for i in range(3)]
    )
    with pytest.raises(InputError) as e:
        load_splits(data)
    assert "no chat with an assistant turn" in str(e.value) and "\n" not in str(e.value)


def test_max_length_shorter_than_every_prompt(tmp_path, tiny_tokenizer):
    from tadka.train.templates import shipped

    template = shipped()["smollm2"]
    splits = load_splits(_write(tmp_path / "c.jsonl", CHATS))
    kept = fit_length(splits, tiny_tokenizer, template, 512)
    assert len(kept.train) == 2
    with pytest.raises(ConfigError) as e:
        fit_length(splits, tiny_tokenizer, template, 8)
    assert "shorter than every prompt" in str(e.value) and "train.max_length" in str(e.value)


@pytest.mark.parametrize("fmt", ["jsonl", "hf"])
def test_an_export_with_media_records_reads_and_skips_them(tmp_path, fmt):
    """Media paths in an export are relative to the workspace, not to exports/NAME/."""
    from tadka.records import Record
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "ws")
    (ws.root / "media").mkdir()
    (ws.root / "media" / "leaf.png").write_bytes(b"\x89PNG not really")
    chat = [
        {"role": "user", "content": "Is patte mein kya bimari hai?"},
        {"role": "assistant", "content": "Leaf blight lagta hai."},
    ]
    records = [Record(messages=chat, lang="hi-Latn+en", media={"image": "media/leaf.png"})]
    records += [Record(messages=c["messages"], lang="hi-Latn+en") for c in CHATS]
    ws.write_stage("imported", records)
    path = export(ws, ExportConfig(format=fmt, eval_fraction=0.0), name="media").path
    splits = load_splits(path)
    assert len(splits.train) == 2 and splits.skipped == {"has_media": 1}
