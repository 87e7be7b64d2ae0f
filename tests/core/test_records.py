"""The Record: validation messages, stable ids, and reading every supported shape and file type."""

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tadka.errors import InputError
from tadka.records import Record, read_records, record_id, validate_record, write_records

from .conftest import CHATS


def test_id_is_stable_and_content_based():
    a = Record(messages=CHATS[0]["messages"])
    b = Record(messages=[dict(m) for m in CHATS[0]["messages"]], lang="hi-Deva", ops=["typo(rate=0.1)"])
    assert a.id == b.id  # metadata does not change identity
    assert len(a.id) == 16
    # Unicode normalisation and surrounding whitespace do not change the id either
    decomposed = [{"role": "user", "content": "  cafe\u0301 \r\n"}, {"role": "assistant", "content": "haan"}]
    composed = [{"role": "user", "content": "caf\u00e9"}, {"role": "assistant", "content": "haan"}]
    assert record_id(decomposed) == record_id(composed)
    changed = [{"role": "user", "content": "café"}, {"role": "assistant", "content": "nahi"}]
    assert record_id(changed) != record_id(composed)


def test_derive_points_back_to_parent():
    parent = Record(messages=CHATS[0]["messages"], scores={"cmi": 30.0}, flags=["too_short"])
    child = parent.derive(
        messages=[{"role": "user", "content": "Tomato ka rate?"}, {"role": "assistant", "content": "20 rupaye kilo."}],
        source={"kind": "edit"},
    )
    assert child.source["parent_id"] == parent.id
    assert child.id != parent.id
    assert child.flags == [] and child.scores == {}


@pytest.mark.parametrize(
    "messages, field, fragment",
    [
        (
            [{"role": "user", "content": "hi"}, {"role": "assitant", "content": "x"}],
            "messages[1].role",
            "did you mean 'assistant'",
        ),
        (
            [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "  "}],
            "messages[1].content",
            "empty assistant message",
        ),
        (
            [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}],
            "messages[1].role",
            "two 'user' turns in a row",
        ),
        ([{"role": "assistant", "content": "a"}], "messages[0].role", "first turn after system must be 'user'"),
        (
            [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}],
            "messages[1].role",
            "system turn may only come first",
        ),
        ([{"role": "user", "content": 5}], "messages[0].content", "must be a string"),
        ([], "messages", "no turns"),
    ],
)
def test_validation_names_the_field(messages, field, fragment):
    with pytest.raises(InputError) as e:
        validate_record({"messages": messages})
    assert e.value.field == field
    assert fragment in str(e.value)


def test_validation_of_other_fields():
    ok = {"messages": CHATS[0]["messages"]}
    for bad, field in [
        ({**ok, "lang": "hinglish"}, "lang"),
        ({**ok, "status": "approved"}, "status"),
        ({**ok, "scores": {"cmi": "high"}}, "scores.cmi"),
        ({**ok, "source": {"kind": "scraped"}}, "source.kind"),
        ({**ok, "media": {"video": "a.mp4"}}, "media.video"),
        ({**ok, "colour": "red"}, "colour"),
    ]:
        with pytest.raises(InputError) as e:
            validate_record(bad)
        assert e.value.field == field


def _rows_in_all_shapes():
    """The same three chats written in each input shape people have."""
    openai = [dict(c) for c in CHATS]
    sharegpt = []
    for c in CHATS:
        conv = [
            {"from": {"user": "human", "assistant": "gpt", "system": "system"}[m["role"]], "value": m["content"]}
            for m in c["messages"]
        ]
        sharegpt.append({"conversations": conv})
    two_turn = [c for c in CHATS if len(c["messages"]) == 2]
    alpaca = [
        {"instruction": c["messages"][0]["content"], "input": "", "output": c["messages"][1]["content"]}
        for c in two_turn
    ]
    prompt_response = [
        {"prompt": c["messages"][0]["content"], "response": c["messages"][1]["content"]} for c in two_turn
    ]
    return {"openai": openai, "sharegpt": sharegpt, "alpaca": alpaca, "prompt-response": prompt_response}


def _write(rows, path):
    kind = path.suffix
    if kind == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    elif kind == ".json":
        path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    elif kind == ".csv":
        cols = sorted({k for r in rows for k in r})
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, cols)
            w.writeheader()
            for r in rows:
                w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in r.items()})
    elif kind == ".parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
    else:  # saved HF dataset
        import datasets

        datasets.Dataset.from_list(rows).save_to_disk(str(path))


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".parquet", ""])
@pytest.mark.parametrize("shape", ["openai", "sharegpt", "alpaca", "prompt-response"])
def test_every_shape_and_file_type_round_trips(tmp_path, shape, suffix):
    rows = _rows_in_all_shapes()[shape]
    src = tmp_path / f"in{suffix or '_hf'}"
    _write(rows, src)
    first = list(read_records(src))
    assert len(first) == len(rows)
    assert all(r.source["kind"] == "import" for r in first)
    out = tmp_path / "out.jsonl"
    write_records(first, out)
    again = list(read_records(out))
    assert [r.id for r in again] == [r.id for r in first]
    # ids equal those of the canonical chats: the shape does not change identity
    expected = {Record(messages=c["messages"]).id for c in CHATS}
    assert {r.id for r in first} <= expected


def test_alpaca_input_is_appended_to_the_instruction(tmp_path):
    src = tmp_path / "a.jsonl"
    _write(
        [
            {
                "instruction": "Is SMS ko Hinglish mein likho",
                "input": "Your order has shipped.",
                "output": "Aapka order ship ho gaya hai.",
            }
        ],
        src,
    )
    (rec,) = read_records(src)
    assert rec.messages[0]["content"] == "Is SMS ko Hinglish mein likho\n\nYour order has shipped."


def test_tadka_jsonl_keeps_its_metadata(tmp_path):
    rec = Record(
        messages=CHATS[0]["messages"],
        lang="hi-Latn+en",
        scores={"cmi": 23.5},
        flags=["x"],
        ops=["typo(rate=0.1,seed=3)"],
        source={"kind": "mixer", "recipe": "translate"},
    )
    path = tmp_path / "r.jsonl"
    write_records([rec], path)
    (back,) = read_records(path)
    assert back.to_dict() == rec.to_dict()


def test_media_ids_hash_file_content(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG one")
    row = {"messages": CHATS[0]["messages"], "media": {"image": "a.png"}}
    path = tmp_path / "m.jsonl"
    _write([row], path)
    (first,) = read_records(path)
    (tmp_path / "a.png").write_bytes(b"\x89PNG two")
    (second,) = read_records(path)
    assert first.id != second.id and first.media == {"image": "a.png"}
    (tmp_path / "a.png").unlink()
    with pytest.raises(InputError) as e:
        list(read_records(path))
    assert e.value.field == "media.image" and e.value.line == 1
