"""Fixtures: a tiny random Llama (fast, for mechanics) shared by the compress tests."""

import json
from importlib import resources
from pathlib import Path

import pytest

pytest.importorskip("torch", reason="needs the 'compress' extra (torch)")
pytest.importorskip("transformers", reason="needs the 'compress' extra (transformers)")


def eval_chats(n: int = 12) -> list[dict]:
    path = Path(str(resources.files("tadka.corpora") / "eval" / "hinglish_eval.jsonl"))
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows[:n]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """A 4-layer, hidden-128 Llama with grouped-query attention over a BPE trained on the eval chats."""
    from tadka.train.models import build_tiny, tiny_tokenizer

    texts = [m["content"] for row in eval_chats(120) for m in row["messages"]]
    tokenizer = tiny_tokenizer(texts, vocab_size=600)
    return build_tiny(tmp_path_factory.mktemp("tiny") / "model", tokenizer, hidden=128, layers=4)
