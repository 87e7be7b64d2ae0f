"""The ``augment:`` section of tadka.yaml: which noise, how much, how many copies, where media go.

Light on purpose (no numpy, no audiomentations): `tadka init` renders it and `tadka augment`
validates it before any record is read. Defaults < tadka.yaml < `tadka augment` flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tadka.config import Section, opt, section
from tadka.errors import ConfigError

PRESET_NAMES = ("phone-typing", "asr", "ocr", "factory-camera", "street-mic")
ENTITY_MODES = ("lexicon", "lid", "off")
IMAGE_FORMATS = ("png", "jpg")
OVERSIZE = ("downscale", "reject")


@section("augment", "`tadka augment`: noised copies of a stage (text, audio, image) beside the originals.")
@dataclass
class AugmentConfig(Section):
    stage: str = opt("", "Stage to read; empty picks the latest of generated, imported.")
    output: str = opt(
        "augmented", "Stage written: the originals plus their noised copies (each with source.parent_id)."
    )
    preset: str = opt("phone-typing", "phone-typing, asr, ocr, factory-camera or street-mic; empty to run `ops` alone.")
    ops: list[str] = opt(
        [],
        "Ops added to the preset (or the only ops when preset is empty): variants, sms, vowels, typo, lowercase, "
        "nopunct, elongate, emoji, asr, ocr, script, digits, audio:noise, audio:background, audio:phone, "
        "audio:codec, audio:clipping, audio:gain, audio:stretch, audio:pitch, image:sensor, image:motion_blur, "
        "image:defocus, image:jpeg, image:low_light, image:brightness, image:shadow, image:perspective.",
    )
    rate: float = opt(
        0.1,
        "Text ops: share of eligible units (words, marks, numbers …) each op changes, scaled per op by the preset.",
        ge=0,
        le=1,
    )
    copies: int = opt(1, "Noised copies made of each record (a copy identical to its original is skipped).", ge=1)
    roles: list[str] = opt(["user"], "Turns the text ops touch (user, assistant, system).")
    seed: int = opt(-1, "Seed of every op; -1 uses project.seed. Same seed, same output, whatever the worker count.")
    entities: Literal["lexicon", "lid", "off"] = opt(
        "lexicon",
        "How named entities are found (never noised): lexicon (gazetteer + casing, fast), lid (tadka.lang word LID) or off.",
    )
    op_params: dict[str, dict[str, Any]] = opt(
        {}, "Parameters per op, e.g. {typo: {layout: t9}, 'audio:background': {min_snr_db: 0, max_snr_db: 10}}."
    )
    workers: int = opt(1, "Processes; output is byte-identical whatever the number.", ge=1)
    media_dir: str = opt("media/augmented", "Folder (inside the workspace) for noised audio and image files.")
    image_max_pixels: int = opt(
        16_000_000, "Larger images are downscaled to this many pixels (or refused, see image_oversize).", ge=1
    )
    image_oversize: Literal["downscale", "reject"] = opt(
        "downscale", "downscale or reject images above image_max_pixels."
    )
    image_format: Literal["png", "jpg"] = opt(
        "png", "png (lossless: exactly what the ops made) or jpg for noised images."
    )
    audio_max_seconds: float = opt(600.0, "Refuse audio longer than this (seconds).", gt=0)
    rejects: str = opt(
        "reports/augment-rejects.jsonl", "Report of rejected and converted media (inside the workspace)."
    )

    def rules(self) -> None:
        """Refuse values the stage cannot work with, before any record is read."""
        if self.preset and self.preset not in PRESET_NAMES:
            raise ConfigError(f"unknown preset {self.preset!r}", field="augment.preset", hint=", ".join(PRESET_NAMES))
        if not self.preset and not self.ops:
            raise ConfigError("no preset and no ops", field="augment.preset", hint="name a preset or list ops")
        if not self.roles:
            raise ConfigError("needs at least one role", field="augment.roles")


def check_augment_config(cfg: AugmentConfig) -> AugmentConfig:
    """:meth:`AugmentConfig.check` (the name callers used before every section had one)."""
    return cfg.check()
