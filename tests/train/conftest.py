"""Fixtures for the train tests: a tiny Llama (2 layers, hidden 128) over a BPE tokenizer trained here in
~0.05 s, and a small workspace with an export. Most tests train that tiny model for a few steps; only
test_acceptance.py loads the real SmolLM2-135M."""

import json
from importlib import resources
from pathlib import Path

import pytest

from tadka.config import ExportConfig

SAMPLES = Path(str(resources.files("tadka.corpora") / "samples" / "hinglish_chat.jsonl"))

CHATS = [
    {
        "messages": [
            {"role": "user", "content": "Mandi mein aaj tomato ka rate kya hai?"},
            {"role": "assistant", "content": "Aaj Azadpur mandi mein tomato 20 rupaye kilo chal raha hai."},
        ]
    },
    {
        "messages": [
            {"role": "system", "content": "Tum ek helpful assistant ho."},
            {"role": "user", "content": "UPI PIN kaise change karu?"},
            {"role": "assistant", "content": "App kholo, bank account select karo, phir 'Change UPI PIN' dabao."},
            {"role": "user", "content": "Aur agar PIN bhool gaya?"},
            {"role": "assistant", "content": "'Forgot PIN' choose karo aur debit card details daalo."},
        ]
    },
]


def sample_texts() -> list[str]:
    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [m["content"] for row in rows + CHATS for m in row["messages"]]


@pytest.fixture(scope="session")
def tiny_tokenizer(torch_stack):
    from tadka.train.models import tiny_tokenizer

    return tiny_tokenizer(sample_texts())


@pytest.fixture(scope="session")
def tiny(tmp_path_factory, tiny_tokenizer) -> Path:
    from tadka.train.models import build_tiny

    return build_tiny(tmp_path_factory.mktemp("models") / "tiny", tiny_tokenizer)


@pytest.fixture(scope="session")
def tiny_student(tmp_path_factory, tiny_tokenizer) -> Path:
    from tadka.train.models import build_tiny

    return build_tiny(tmp_path_factory.mktemp("models") / "tiny1", tiny_tokenizer, layers=1, hidden=64, seed=1)


@pytest.fixture(scope="session")
def ws(tmp_path_factory):
    """A workspace with the shipped sample chats, exported as exports/v1 (35 train, 5 eval)."""
    from tadka.export import export
    from tadka.records import read_records
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path_factory.mktemp("train") / "ws")
    ws.write_stage("imported", list(read_records(SAMPLES)))
    export(ws, ExportConfig(format="jsonl", eval_fraction=0.12), name="v1")
    return ws


@pytest.fixture
def tiny_cfg(ws, tiny):
    """Builds a train config for a fast tiny run (a few steps, short rows, no start-of-run eval)."""
    from tadka.train.config import resolve

    def build(**overrides):
        values = {
            "dataset": "v1",
            "base": str(tiny),
            "max_length": 128,
            "max_steps": 3,
            "batch_size": 4,
            "eval_at_start": False,
            "save_every": 100,
            "learning_rate": 1e-3,
            **overrides,
        }
        return resolve(ws.config["train"], values)

    return build
