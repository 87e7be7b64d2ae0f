"""The demo training set: the shipped Hinglish chats plus the Hinglish (hi_latn) side of the seed tasks,
imported into a workspace and exported — what the docs, the tests and bench/train.py train on.

The held-out Hinglish eval set (corpora/eval/hinglish_eval.jsonl) is kept out of the workspace: it is
passed as ``train.eval_files`` so its perplexity is measured before and after training.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from tadka.config import ExportConfig
from tadka.records import Record, read_records

CORPORA = resources.files("tadka.corpora")


def hinglish_eval_file() -> Path | None:
    path = Path(str(CORPORA / "eval" / "hinglish_eval.jsonl"))
    return path if path.is_file() else None


def seed_task_chats(lang: str = "hi-Latn+en") -> list[Record]:
    """One user/assistant chat per seed task that has both halves of its hi_latn pair."""
    out = []
    with (CORPORA / "seeds" / "tasks.jsonl").open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            task = json.loads(line)
            pair = task.get("hi_latn") or {}
            if pair.get("instruction") and pair.get("response"):
                out.append(
                    Record(
                        lang=lang,
                        source={"kind": "seed", "seed_id": task.get("id")},
                        messages=[
                            {"role": "user", "content": pair["instruction"]},
                            {"role": "assistant", "content": pair["response"]},
                        ],
                    )
                )
    return out


def demo_workspace(root: str | Path, *, name: str = "demo", eval_fraction: float = 0.1):
    """Create a workspace at ``root`` with the demo chats and export them as exports/NAME; returns it."""
    from tadka.export import export
    from tadka.workspace import Workspace

    ws = Workspace.init(root)
    chats = list(read_records(Path(str(CORPORA / "samples" / "hinglish_chat.jsonl"))))
    ws.write_stage("imported", chats + seed_task_chats())
    export(ws, ExportConfig(format="jsonl", eval_fraction=eval_fraction), name=name)
    return ws
