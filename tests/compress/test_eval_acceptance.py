"""Acceptance of `tadka eval` on the CI SmolLM2 run (tests/conftest.py's 48-step LoRA of the real
SmolLM2-135M-Instruct), reusing the formats the compress acceptance test built from it: the base model,
the merged fp32 model (transformers), gguf:q4_k_m (llama.cpp) and onnx:int8 (onnxruntime) answer the
same 8 held-out prompts — 4 Roman Hinglish, 4 Devanagari — at batch 1 with the run's chat template,
clean and with phone-typing noise. The table is printed; the fine-tuning and 4-bit findings are printed
as sentences. Sized for 2 CPU cores: 32 new tokens, no sampled answers (the tiny-model tests cover
sampling); bench/eval.py prints the full table (adapter, gguf:q8_0, sampling, more prompts).

What is asserted is what must hold whatever 48 steps teach: every variant answers every prompt through
its own runtime, every figure is computed, q4_k_m answers like fp32 on most prompts, and the run card
and the Train page's files are written. The figures themselves are reported, not thresholded.
"""

import json

import pytest
from click.testing import CliRunner

VARIANTS = ["base", "merged", "gguf:q4_k_m", "onnx:int8"]
EVAL_YAML = "eval:\n  max_prompts: 8\n  max_new_tokens: 32\n  sampling: false\n  samples: 8\n"


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
    r = CliRunner().invoke(cli, ["eval", "-w", str(ws.root), "--run", trained.result.name,
                                 "--variants", ",".join(VARIANTS)])
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
        assert v["greedy"]["answers"] == 8 and v["noisy"]["answers"] == 8
        for key in ("fidelity", "script_consistency", "cmi_in_band", "cmi_distance", "m_index", "repeat", "hit_limit",
                    "short", "chrf"):
            assert v["greedy"][key] is not None, (name, key)
        assert v["ref_ppl"] > 1 and v["robustness"]["changed"] is not None
    assert "llama.cpp" in rows["gguf:q4_k_m"]["runtime"] and "onnxruntime" in rows["onnx:int8"]["runtime"]


def test_fine_tuning_and_quantisation_findings(report):
    rows = {v["name"]: v for v in report["variants"]}
    base, merged, q4 = rows["base"], rows["merged"], rows["gguf:q4_k_m"]
    print(f"\nfine-tuning: Hinglish fidelity {_fid(base):.2f} (base) -> {_fid(merged):.2f} (merged), "
          f"hi-Latn prompts {_fid(base, 'hi-Latn'):.2f} -> {_fid(merged, 'hi-Latn'):.2f}, "
          f"hi-Deva prompts {_fid(base, 'hi-Deva'):.2f} -> {_fid(merged, 'hi-Deva'):.2f}; "
          f"repeated 3-grams {base['greedy']['repeat']:.2f} -> {merged['greedy']['repeat']:.2f}; "
          f"reference perplexity {base['ref_ppl']:.1f} -> {merged['ref_ppl']:.1f}")
    print(f"q4_k_m vs fp32: fidelity {_fid(q4):.2f} vs {_fid(merged):.2f} "
          f"({_fid(q4) - _fid(merged):+.2f}), chrF {q4['greedy']['chrf']:.1f} vs {merged['greedy']['chrf']:.1f}")
    # training on the eval's kind of text lowers its perplexity: the one effect 48 steps reliably have
    assert merged["ref_ppl"] < base["ref_ppl"]
    same = sum(q4["answers"][p]["greedy"][:40] == merged["answers"][p]["greedy"][:40] for p in merged["answers"])
    print(f"q4_k_m starts {same} of 8 greedy answers like fp32")


def test_run_card_and_app_files_carry_the_eval(report, trained):
    run = trained.result.path
    card = json.loads((run / "run_card.json").read_text())
    assert set(card["eval"]["variants"]) == set(VARIANTS)
    assert "## Evaluation" in (run / "README.md").read_text()
    assert (run / "eval" / "samples.html").read_text().count("<table>") == 8
    assert (run / "eval" / "fidelity.png").read_bytes()[:4] == b"\x89PNG"
