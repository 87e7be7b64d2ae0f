"""Training chat templates: the model's own text, plus ``{% generation %}`` markers for the loss mask.

TRL's assistant-only loss asks the tokenizer which tokens came from inside ``{% generation %}`` blocks.
Most chat templates lack the markers. TRL ships marked copies of some (Qwen2.5, Llama 3, Phi-3 …);
``corpora/templates/*_training.j2`` adds ours (SmolLM2, Zephyr/TinyLlama). A marked template is only used
for a model when it renders exactly the same text as the model's own on probe chats, so training sees
the format the model will be prompted with.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from tadka.errors import ConfigError

MARKERS = re.compile(r"{%-?\s*(?:end)?generation\s*-?%}")
PROBES = [
    [{"role": "user", "content": "Kal mandi kab khulegi?"}, {"role": "assistant", "content": "Subah 6 baje."}],
    [
        {"role": "system", "content": "Tum ek helpful assistant ho."},
        {"role": "user", "content": "UPI PIN kaise badlun?"},
        {"role": "assistant", "content": "App mein 'Change PIN'."},
        {"role": "user", "content": "Aur bhool gaya toh?"},
        {"role": "assistant", "content": "'Forgot PIN' dabao."},
    ],
    [{"role": "user", "content": "Namaste!"}],
]


def shipped() -> dict[str, str]:
    """Name → text of the training templates in tadka.corpora/templates (``smollm2`` for smollm2_training.j2)."""
    folder = resources.files("tadka.corpora") / "templates"
    return {
        p.name.removesuffix("_training.j2"): p.read_text(encoding="utf-8")
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith("_training.j2")
    }


def inference_template(name: str) -> str:
    """A shipped training template without its markers: the text the model itself is prompted with."""
    return MARKERS.sub("", shipped()[name])


def has_markers(template: str | None) -> bool:
    return bool(template) and MARKERS.search(template) is not None


def _render(tokenizer, template: str, messages: list[dict], prompt: bool) -> str:
    return tokenizer.apply_chat_template(messages, chat_template=template, tokenize=False, add_generation_prompt=prompt)


def renders_same(tokenizer, template: str, reference: str) -> bool:
    """True when both templates give identical text on every probe chat, with and without the generation prompt."""
    from jinja2 import TemplateError

    try:
        return all(
            _render(tokenizer, template, m, p) == _render(tokenizer, reference, m, p)
            for m in PROBES
            for p in (False, True)
        )
    except (TemplateError, TypeError, ValueError, KeyError):
        return False


def _from_choice(choice: str) -> str:
    path = Path(choice).expanduser()
    if path.suffix in (".j2", ".jinja"):
        if not path.is_file():
            raise ConfigError("no such template file", file=path, field="train.chat_template")
        return path.read_text(encoding="utf-8")
    known = shipped()
    if choice not in known:
        raise ConfigError(
            f"unknown chat template {choice!r} (shipped: {', '.join(known)})",
            field="train.chat_template",
            hint="or give a .j2/.jinja file",
        )
    return known[choice]


def training_template(tokenizer, choice: str = "", assistant_only_loss: bool = True) -> str | None:
    """The template to train with, or None to keep the tokenizer's own (already marked, or masks not needed)."""
    if choice:
        template = _from_choice(choice)
        if assistant_only_loss and not has_markers(template):
            raise ConfigError(
                "template has no {% generation %} markers, which assistant-only loss needs",
                field="train.chat_template",
                hint="add them, or set assistant_only_loss: false",
            )
        return template
    own = tokenizer.chat_template
    if isinstance(own, dict):
        own = own.get("default")
    if not own:
        raise ConfigError(
            "the base model's tokenizer has no chat template",
            field="train.chat_template",
            hint="name one: train.chat_template: smollm2, or a .j2 file",
        )
    if not assistant_only_loss or has_markers(own):
        return None
    for template in shipped().values():
        if renders_same(tokenizer, template, own):
            return template
    from trl.chat_template_utils import get_training_chat_template

    try:
        return get_training_chat_template(tokenizer)
    except ValueError:
        raise ConfigError(
            "no training template (with {% generation %} markers) matches this model's chat template",
            field="train.chat_template",
            hint="give a marked .j2 file, or set assistant_only_loss: false",
        ) from None


def stop_token_trained(tokenizer, template: str | None) -> bool:
    """Whether the assistant's end-of-turn token falls inside the loss mask (else the model never learns to stop)."""
    from trl.chat_template_utils import is_chat_template_stop_token_trained

    return is_chat_template_stop_token_trained(tokenizer, chat_template=template)
