"""Acceptance of `tadka eval` on the CI SmolLM2 run (tests/conftest.py's 32-step LoRA of the real
SmolLM2-135M-Instruct), reusing the formats the compress acceptance test built from it: the merged fp32
model (transformers), gguf:q4_k_m (llama.cpp) and onnx:int8 (onnxruntime) answer the same 6 held-out
prompts — 3 Roman Hinglish, 3 Devanagari — at batch 1 with the run's chat template, clean and with
phone-typing noise. The table and the q4_k_m-against-fp32 finding are printed. Sized for 2 CPU cores: 32
new tokens, no sampled answers (the tiny-model tests cover sampling, the adapter and the base);
bench/eval.py prints the full table for the same run (base, adapter, merged, gguf:q8_0, gguf:q4_k_m,
onnx:int8, sampled answers, more prompts) and the fine-tuning finding.

What is asserted is what must hold whatever 32 steps teach: every variant answers every prompt through
its own runtime, every figure is computed, 4-bit weights cost more reference perplexity than int8 ones,
and the run card and the Train page's files are written. The language figures themselves are reported,
not thresholded: 32 steps are not expected to teach much.
"""

import json

import pytest
from click.testing import CliRunner

VARIANTS = ["merged", "gguf:q4_k_m", "onnx:int8"]
EVAL_YAML = "eval:\n  max_prompts: 6\n  max_new_tokens: 32\n  sampling: false\n  samples: 6\n"


@pytest.fixture(scope="module")
def trained(request):
    for name in ("llama_cpp", "onnx_ir", "sentencepiece", "sacrebleu"):
        pytest.importorskip(name, reason=f"needs the 'compress' and 'llama' extras ({name})")
    return request.getfixturevalue("smollm2_run")


@pytest.fixture(scope="module")
def report(trained):
    from tadka.apps.cli import cli

    ws = trained.ws
    text = ws.config_path.read_text(encoding="utf-8")
    if "\neval:" in text:
        text = text.split("\neval:")[0] + "\n"
    ws.config_path.write_text(text + EVAL_YAML, encoding="utf-8")
    r = CliRunner().invoke(
        cli, ["eval", "-w", str(ws.root), "--run", trained.result.name, "--variants", ",".join(VARIANTS)]
    )
    assert r.exit_code == 0, r.output
    return json.loads((trained.result.path / "eval" / "eval.json").read_text())


def _fid(row, target=None):
    f = row["greedy"]
    return f["fidelity"] if target is None else f["fidelity_by_target"].get(target)


def test_every_variant_answers_every_prompt_through_its_runtime(report):
    rows = {v["name"]: v for v in report["variants"]}
    print("\n" + report["table"])
    print("seconds per variant: " + ", ".join(f"{n} {rows[n]['seconds']}" for n in VARIANTS))
    assert list(rows) == VARIANTS
    assert {p["target"] for p in report["prompts"]} == {"hi-Latn", "hi-Deva"}
    for name in VARIANTS:
        v = rows[name]
        assert "error" not in v, f"{name}: {v.get('error')}"
        assert v["greedy"]["answers"] == 6 and v["noisy"]["answers"] == 6
        for key in (
            "fidelity",
            "script_consistency",
            "cmi_in_band",
            "cmi_distance",
            "m_index",
            "repeat",
            "hit_limit",
            "short",
            "chrf",
        ):
            assert v["greedy"][key] is not None, (name, key)
        assert v["ref_ppl"] > 1 and v["robustness"]["changed"] is not None
    assert "llama.cpp" in rows["gguf:q4_k_m"]["runtime"] and "onnxruntime" in rows["onnx:int8"]["runtime"]


def test_quantisation_finding(report):
    rows = {v["name"]: v for v in report["variants"]}
    merged, q4 = rows["merged"], rows["gguf:q4_k_m"]
    same = sum(q4["answers"][p]["greedy"] == merged["answers"][p]["greedy"] for p in merged["answers"])
    print(
        f"\nq4_k_m vs fp32: fidelity {_fid(q4):.2f} vs {_fid(merged):.2f} ({_fid(q4) - _fid(merged):+.2f}), "
        f"chrF {q4['greedy']['chrf']:.1f} vs {merged['greedy']['chrf']:.1f}, reference perplexity "
        f"{q4['ref_ppl']:.1f} vs {merged['ref_ppl']:.1f}, {same} of 6 greedy answers identical"
    )
    # 4-bit weights cost some perplexity; int8 ONNX stays closer to fp32 than 4-bit GGUF does
    assert q4["ref_ppl"] >= merged["ref_ppl"] * 0.98
    assert (
        abs(rows["onnx:int8"]["ref_ppl"] - merged["ref_ppl"])
        <= abs(q4["ref_ppl"] - merged["ref_ppl"]) + 0.05 * merged["ref_ppl"]
    )


def test_run_card_and_app_files_carry_the_eval(report, trained):
    run = trained.result.path
    card = json.loads((run / "run_card.json").read_text())
    assert set(card["eval"]["variants"]) == set(VARIANTS)
    assert "## Evaluation" in (run / "README.md").read_text()
    assert (run / "eval" / "samples.html").read_text().count("<table>") == 6
    assert (run / "eval" / "fidelity.png").read_bytes()[:4] == b"\x89PNG"
