"""Presets named for where the data will meet the world, and the plan a preset or op list becomes.

A preset is a list of steps. A text step runs on every copy with rate ``rate × weight`` (capped
at 1), or a ``fixed`` rate that ``--rate`` does not scale (ASR output has no capitals at all). A
media step (``audio:…``, ``image:…``) runs on a copy with probability ``p``, and each copy of a
record with that media gets at least one of them (picked by ``p`` when none was drawn), so no copy
is a silent duplicate; ``--rate`` does not apply to media ops, whose severity is in their
parameters.

* ``phone-typing`` — a thumb on a phone: typos, shorthand, spelling variants, dropped vowels,
  capitals and punctuation, elongation, emoji, the odd Devanagari word or digit.
* ``asr`` — a speech recogniser's transcript: homophones, splits and merges, dropped fillers,
  no capitals, no punctuation, spelling variants.
* ``ocr`` — text read off a photo or a scan: look-alike characters, lost punctuation.
* ``factory-camera`` — a cheap camera on a shop floor: sensor noise, motion and defocus blur,
  JPEG, low light, shadows, perspective (records with ``media.image``).
* ``street-mic`` — a phone mic in the street: traffic, babble, fan, rain at 5–20 dB SNR, white
  noise, phone band, codec, clipping, gain, tempo and pitch (records with ``media.audio``).
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tadka.augment.audio.ops import AudioOp, audio_ops
from tadka.ops import op_rng
from tadka.augment.image.ops import ImageOp, image_ops
from tadka.augment.text import TextOp, text_ops
from tadka.errors import ConfigError


@dataclass(frozen=True)
class Step:
    """One op of a preset: ``name`` (``typo``, ``audio:background``, ``image:jpeg``) and how it runs."""

    name: str
    weight: float = 1.0  # text: rate = min(1, rate × weight)
    fixed: float | None = None  # text: this rate whatever --rate says
    p: float = 1.0  # media: probability the op runs on a copy
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Preset:
    name: str
    help: str
    steps: tuple[Step, ...]


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            "phone-typing",
            "a thumb on a phone keyboard",
            (
                Step("variants", 1.0),
                Step("sms", 1.0),
                Step("typo", 1.0, params={"layout": "qwerty"}),
                Step("vowels", 0.3),
                Step("lowercase", 3.0),
                Step("nopunct", 2.0),
                Step("elongate", 0.3),
                Step("emoji", 0.2),
                Step("script", 0.2),
                Step("digits", 0.5),
            ),
        ),
        Preset(
            "asr",
            "a speech recogniser's transcript",
            (Step("asr", 1.0), Step("variants", 0.5), Step("lowercase", fixed=1.0), Step("nopunct", fixed=1.0)),
        ),
        Preset("ocr", "text read off a photo or a scan", (Step("ocr", 1.0), Step("nopunct", 0.5))),
        Preset(
            "factory-camera",
            "a cheap camera on a shop floor (media.image)",
            (
                Step("image:sensor", p=0.8),
                Step("image:motion_blur", p=0.35),
                Step("image:defocus", p=0.25),
                Step("image:jpeg", p=0.6),
                Step("image:low_light", p=0.35),
                Step("image:brightness", p=0.4),
                Step("image:shadow", p=0.3),
                Step("image:perspective", p=0.35),
            ),
        ),
        Preset(
            "street-mic",
            "a phone microphone in the street (media.audio)",
            (
                Step("audio:background", p=0.9),
                Step("audio:noise", p=0.3),
                Step("audio:phone", p=0.3),
                Step("audio:codec", p=0.4),
                Step("audio:clipping", p=0.1),
                Step("audio:gain", p=0.4),
                Step("audio:stretch", p=0.15),
                Step("audio:pitch", p=0.15),
            ),
        ),
    )
}


def kind_of(name: str) -> tuple[str, str]:
    """("text" | "audio" | "image", bare op name) for ``typo``, ``audio:noise``, ``image:jpeg``.

    A bare media op name (``background``, ``jpeg``) is accepted too, as op names never collide.
    """
    if ":" in name:
        kind, _, bare = name.partition(":")
        registry = {"audio": audio_ops, "image": image_ops, "text": text_ops}.get(kind)
        if registry is None:
            raise ConfigError(f"unknown op kind {kind!r} in {name!r}", field="augment.ops", hint="audio: or image:")
        registry.get(bare)
        return kind, bare
    for kind, registry in (("text", text_ops), ("audio", audio_ops), ("image", image_ops)):
        if name in registry:
            return kind, name
    known = text_ops.names() + [f"audio:{n}" for n in audio_ops.names()] + [f"image:{n}" for n in image_ops.names()]
    close = difflib.get_close_matches(name, known + audio_ops.names() + image_ops.names(), n=1)
    raise ConfigError(
        f"unknown noise op {name!r}; known: {', '.join(known)}",
        field="augment.ops",
        hint=f"did you mean {close[0]!r}?" if close else None,
    )


@dataclass
class Plan:
    """The ops one run applies: text ops with their rates, media ops with their probabilities."""

    text: list[TextOp]
    audio: list[tuple[AudioOp, float]]
    image: list[tuple[ImageOp, float]]
    seed: int

    def pick_media(self, kind: str, key: str) -> list:
        """The media ops one copy gets (each by its p; at least one when there are any)."""
        steps = self.audio if kind == "audio" else self.image
        if not steps:
            return []
        rng = op_rng(self.seed, f"{kind}-pick", key)
        chosen = [op for op, p in steps if rng.random() < p]
        if not chosen:
            ops, weights = zip(*steps, strict=True)
            chosen = [rng.choices(ops, weights=[max(w, 1e-6) for w in weights])[0]]
        return chosen

    def media_rng(self, op, key: str) -> random.Random:
        return op_rng(self.seed, f"{'audio' if isinstance(op, AudioOp) else 'image'}:{op.name}", key)

    @property
    def empty(self) -> bool:
        return not (self.text or self.audio or self.image)


def build_plan(
    preset: str | None,
    ops: Sequence[str] = (),
    *,
    rate: float = 0.1,
    seed: int = 0,
    roles: Sequence[str] = ("user",),
    entities: str = "lexicon",
    op_params: dict[str, dict[str, Any]] | None = None,
) -> Plan:
    """A Plan from a preset name, or from a list of op names (each at ``rate`` / p=1), or both.

    ``op_params`` overrides parameters by op name (``{"typo": {"layout": "t9"},
    "audio:background": {"min_snr_db": 0}}``).
    """
    if not 0.0 <= rate <= 1.0:
        raise ConfigError(f"must be in [0, 1], got {rate}", field="augment.rate")
    steps: list[Step] = []
    if preset:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset {preset!r}; known: {', '.join(PRESETS)}", field="augment.preset")
        steps += PRESETS[preset].steps
    steps += [Step(name) for name in ops]
    if not steps:
        raise ConfigError(
            "no noise ops: give a preset or a list of ops",
            field="augment.preset",
            hint=f"presets: {', '.join(PRESETS)}",
        )
    op_params = op_params or {}
    plan = Plan([], [], [], seed)
    for step in steps:
        kind, bare = kind_of(step.name)
        params = {**step.params, **op_params.get(step.name, {}), **op_params.get(f"{kind}:{bare}", {})}
        if kind == "text":
            r = step.fixed if step.fixed is not None else min(1.0, rate * step.weight)
            plan.text.append(text_ops.get(bare)(r, seed=seed, roles=roles, entities=entities, **params))
        elif kind == "audio":
            plan.audio.append((audio_ops.get(bare)(**params), step.p))
        else:
            plan.image.append((image_ops.get(bare)(**params), step.p))
    unused = set(op_params) - {s.name for s in steps} - {":".join(kind_of(s.name)) for s in steps}
    if unused:
        raise ConfigError(f"parameters for op(s) not in the plan: {sorted(unused)}", field="augment.op_params")
    return plan
