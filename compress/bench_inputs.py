"""bench_inputs.json: every prompt the bench feeds a model, as token ids, so that each runtime — and the
device that runs hil_bench.py without a tokenizer — sees exactly the same tokens.

* ``prompt``: a Hinglish user turn cut to ``prompt_tokens`` tokens *inside* the chat template (the
  template's prefix and generation prompt stay whole), for time to first token and decode speed;
* ``ppl``: held-out chats with the span of their last assistant reply (its end-of-turn token included),
  for perplexity;
* ``agreement``: prompts whose first greedy token is compared with the fp32 model;
* ``flip``: (clean, noisy) prompt pairs — the noisy one from :func:`tadka.augment.pipeline.noisy_eval`
  with the configured preset, deterministic in the seed — for the flip rate.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tadka.errors import InputError
from tadka.records import Record

SENTINEL = "\u2063"  # a character no eval prompt contains, to find where the user text sits in the template


def eval_records(path: str | Path) -> list[Record]:
    from tadka.records import read_records

    path = Path(path)
    if not path.is_file():
        raise InputError("no such eval file", file=path, field="compress.eval_file")
    records = [
        r
        for r in read_records(path)
        if any(m["role"] == "assistant" for m in r.messages) and r.messages[0]["role"] in ("user", "system")
    ]
    if not records:
        raise InputError("no chat with a user prompt and an assistant reply", file=path, field="compress.eval_file")
    return records


def default_eval_file() -> Path:
    from importlib import resources

    return Path(str(resources.files("tadka.corpora") / "eval" / "hinglish_eval.jsonl"))


def _prompt_messages(record: Record) -> list[dict]:
    first = next(i for i, m in enumerate(record.messages) if m["role"] == "assistant")
    return [{"role": m["role"], "content": m["content"]} for m in record.messages[:first]]


def _ids(tokenizer, messages: list[dict], prompt: bool) -> list[int]:
    out = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=prompt, return_dict=True)
    return list(out["input_ids"])


def bench_prompt(tokenizer, records: list[Record], n_tokens: int) -> list[int]:
    """A templated user turn of exactly ``n_tokens`` tokens, built from the eval prompts (repeated if short)."""
    around = _ids(tokenizer, [{"role": "user", "content": SENTINEL}], True)
    mark = tokenizer.encode(SENTINEL, add_special_tokens=False)
    at = next(i for i in range(len(around)) if around[i : i + len(mark)] == mark)
    prefix, suffix = around[:at], around[at + len(mark) :]
    room = n_tokens - len(prefix) - len(suffix)
    if room < 1:
        raise InputError(
            f"the chat template alone takes {len(prefix) + len(suffix)} tokens",
            field="compress.prompt_tokens",
            hint="raise prompt_tokens",
        )
    text = " ".join(m["content"] for r in records for m in _prompt_messages(r) if m["role"] == "user")
    body = tokenizer.encode(text, add_special_tokens=False)
    while len(body) < room:
        body = body + body
    return prefix + body[:room] + suffix


def ppl_item(tokenizer, record: Record) -> dict[str, Any]:
    """Token ids of the chat up to its last assistant reply, and the reply's [start, end) span."""
    last = max(i for i, m in enumerate(record.messages) if m["role"] == "assistant")
    messages = [{"role": m["role"], "content": m["content"]} for m in record.messages[: last + 1]]
    start = len(_ids(tokenizer, messages[:-1], True))
    ids = _ids(tokenizer, messages, False)
    end = len(ids)
    eot = tokenizer.eos_token_id
    while end > start and ids[end - 1] != eot:  # stop after the end-of-turn token (drop the template's newline)
        end -= 1
    return {"ids": ids, "spans": [[start, end if end > start else len(ids)]]}


def stop_tokens(tokenizer) -> list[int]:
    found = {tokenizer.eos_token_id}
    for text in ("<|im_end|>", "<|endoftext|>", "<|eot_id|>", "</s>"):
        tid = tokenizer.convert_tokens_to_ids(text)
        if isinstance(tid, int) and tid != tokenizer.unk_token_id:
            found.add(tid)
    return sorted(t for t in found if t is not None)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def build_inputs(model_dir: Path, eval_file: Path, cfg, seed: int) -> dict[str, Any]:
    """bench_inputs.json for the model in ``model_dir`` (its tokenizer) and the eval chats in ``eval_file``."""
    from transformers import AutoTokenizer

    from tadka.augment.pipeline import noisy_eval

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    records = eval_records(eval_file)
    ppl_records = records[: cfg.ppl_chats] if cfg.ppl_chats else records
    ppl = [ppl_item(tokenizer, r) for r in ppl_records]
    agreement = [_ids(tokenizer, _prompt_messages(r), True) for r in records[: cfg.agreement_prompts]]
    flip = []
    if cfg.flip_prompts:
        pairs = noisy_eval(records[: cfg.flip_prompts], preset=cfg.noise, rate=cfg.noise_rate, seed=seed)
        flip = [
            {
                "clean": _ids(tokenizer, _prompt_messages(clean), True),
                "noisy": _ids(tokenizer, _prompt_messages(noisy), True),
            }
            for clean, noisy in pairs
        ]
    prompt = bench_prompt(tokenizer, records, cfg.prompt_tokens)
    longest = max(
        [len(prompt) + cfg.decode_tokens + 8]
        + [len(p["ids"]) for p in ppl]
        + [len(f["clean"]) + cfg.flip_tokens for f in flip]
        + [len(f["noisy"]) + cfg.flip_tokens for f in flip]
        + [len(a) for a in agreement]
    )
    return {
        "schema": 1,
        "eval_file": Path(eval_file).name,
        "eval_sha256": file_sha256(eval_file),
        "noise": {
            "preset": cfg.noise,
            "rate": cfg.noise_rate,
            "seed": seed,
            "changed": sum(f["clean"] != f["noisy"] for f in flip),
        },
        "n_ctx": -(-longest // 64) * 64,
        "eos": stop_tokens(tokenizer),
        "settings": {"decode_tokens": cfg.decode_tokens, "repeats": cfg.repeats, "flip_tokens": cfg.flip_tokens},
        "prompt": prompt,
        "ppl": ppl,
        "agreement": agreement,
        "flip": flip,
    }
