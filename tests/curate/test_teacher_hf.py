"""The `hf` teacher on a tiny Llama built from a config (no download), batched with its chat template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tadka.curate.generate.teachers import teachers
from tadka.curate.generate.teachers.base import GenParams, Request
from tadka.curate.generate.teachers.hf_teacher import HFTeacher

TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}</s>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
TEXT = [
    "UPI PIN kabhi kisi ko share mat karo",
    "train ka PNR status check karne ke liye IRCTC app kholo",
    "mandi mein aaj tomato ka rate kya hai",
    "bijli ka bill online kaise bharna hai",
    "namaste aap kaise ho",
]


def tiny_model(root: Path) -> Path:
    """A 2-layer Llama and a small BPE tokenizer with a chat template, saved to ``root/tiny``."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<pad>", "<s>", "</s>", "<|system|>", "<|user|>", "<|assistant|>"]
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.train_from_iterator(
        TEXT * 5,
        trainers.BpeTrainer(
            vocab_size=300, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    from tokenizers import decoders

    tok.decoder = decoders.ByteLevel()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>")
    fast.chat_template = TEMPLATE
    config = LlamaConfig(
        vocab_size=tok.get_vocab_size(),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=256,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    import torch

    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    path = root / "tiny"
    model.save_pretrained(path)
    fast.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    pytest.importorskip("torch", reason="needs the 'train' extra (pip install 'tadka[train]')")
    pytest.importorskip("transformers", reason="needs the 'train' extra (pip install 'tadka[train]')")
    return tiny_model(tmp_path_factory.mktemp("hf"))


def chats(n: int) -> list[Request]:
    return [
        Request(
            [
                {"role": "system", "content": "Hinglish mein jawab do."},
                {"role": "user", "content": TEXT[i % len(TEXT)] + " ?" * (i % 3)},
            ]
        )
        for i in range(n)
    ]


def test_registered_under_hf():
    assert teachers.get("hf") is HFTeacher


def test_batched_greedy_generation_matches_one_by_one(model_dir, tmp_path):
    params = GenParams(temperature=0.0, max_tokens=6, seed=0)
    with HFTeacher(str(model_dir), batch_size=4, cache=tmp_path / "t.db", progress=False) as teacher:
        batched = teacher.generate(chats(5), params)
        assert all(r.ok or r.error.startswith("length") for r in batched)
        assert all(r.prompt_tokens > 0 and 0 < r.completion_tokens <= 6 for r in batched)
        again = teacher.generate(chats(5), params)
        assert all(r.cached for r in again) and [r.text for r in again] == [r.text for r in batched]
    with HFTeacher(str(model_dir), batch_size=1, progress=False) as single:
        alone = single.generate(chats(5), params)
    assert [r.text for r in alone] == [r.text for r in batched]  # left padding does not change the answer


def test_sampling_is_seeded_and_finish_reason_length(model_dir):
    with HFTeacher(str(model_dir), batch_size=2, progress=False) as teacher:
        a = teacher.generate(chats(2), GenParams(temperature=1.0, top_p=1.0, max_tokens=5, seed=3))
        b = teacher.generate(chats(2), GenParams(temperature=1.0, top_p=1.0, max_tokens=5, seed=3))
    assert [r.text for r in a] == [r.text for r in b]
    assert any(r.finish_reason == "length" and "max_tokens=5" in r.error for r in a)


def test_json_schema_without_guided_decoding_ends_in_a_recorded_failure(model_dir):
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    with HFTeacher(str(model_dir), progress=False) as teacher:
        (r,) = teacher.generate(
            [Request([{"role": "user", "content": "JSON do"}], {"json_schema": schema})],
            GenParams(temperature=0.0, max_tokens=4),
        )
    # A random tiny model cannot write JSON: the answer is cut or unparseable, never a crash.
    assert not r.ok and (r.error.startswith("length") or r.error.startswith("invalid_json"))
    assert json.dumps(r.error)


def test_a_model_without_chat_template_is_a_config_error(model_dir, tmp_path):
    from tadka.errors import ConfigError
    import shutil

    bare = tmp_path / "bare"
    shutil.copytree(model_dir, bare)
    cfg = json.loads((bare / "tokenizer_config.json").read_text())
    cfg.pop("chat_template", None)
    (bare / "tokenizer_config.json").write_text(json.dumps(cfg))
    (bare / "chat_template.jinja").unlink(missing_ok=True)
    with pytest.raises(ConfigError, match="no chat template"):
        HFTeacher(str(bare), progress=False).load()
