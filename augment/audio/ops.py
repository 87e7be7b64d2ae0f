"""Audio noise ops (extra ``audio``): audiomentations transforms with seeded, recorded parameters.

Each op draws its parameters from the op's ``random.Random`` (so output depends only on the global
seed, the op and the record), builds the audiomentations transform with exactly those values
(``min == max``, ``p=1``) and runs it with Python's and NumPy's global generators seeded from the
same Random — audiomentations draws its noise samples from them — and restored afterwards. The
parameters drawn (SNR, cut-offs, clip, bitrate level …) go into the ``ops`` entry, so a noised
file says exactly what was done to it.

| op | what | audiomentations |
| --- | --- | --- |
| ``noise`` | white noise at an SNR in [min_snr_db, max_snr_db] | AddGaussianSNR |
| ``background`` | a clip from corpora/noise/ (fan, traffic, babble, rain) at an SNR | AddBackgroundNoise |
| ``phone`` | telephone band: high-pass ~300 Hz, low-pass ~3.4 kHz | HighPassFilter + LowPassFilter |
| ``codec`` | MP3 (or Vorbis/Opus) at a low bitrate, re-aligned | libsndfile (:mod:`.codec`) |
| ``clipping`` | the loudest samples clipped (a percentile threshold) | ClippingDistortion |
| ``gain`` | louder or quieter (a cheap mic, a far speaker) | Gain |
| ``stretch`` | faster or slower speech, pitch kept | TimeStretch |
| ``pitch`` | higher or lower voice, tempo kept | PitchShift |
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from tadka.ops import op_string
from tadka.errors import ConfigError, MissingExtra
from tadka.registry import Registry

#: Audio noise ops by name (``noise``, ``background``, ``phone`` …).
audio_ops: Registry[type[AudioOp]] = Registry("audio noise op")


def audiomentations():
    try:
        import audiomentations
    except ImportError:
        raise MissingExtra("audiomentations", "audio", "audio noise") from None
    return audiomentations


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed Python's and NumPy's global generators for one call, then put their state back."""
    py_state, np_state = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


class AudioOp:
    """Base class: ``defaults`` (parameter ranges), ``draw`` (pick values), ``run`` (apply them)."""

    name: ClassVar[str] = ""
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **params: Any) -> None:
        unknown = set(params) - set(self.defaults)
        if unknown:
            raise ConfigError(
                f"unknown parameter(s) {sorted(unknown)} (allowed: {', '.join(sorted(self.defaults))})",
                field=f"audio:{self.name}",
            )
        self.params = {**self.defaults, **params}
        for lo, hi in self._ranges():
            if float(self.params[lo]) > float(self.params[hi]):
                raise ConfigError(f"{lo} must not exceed {hi}", field=f"audio:{self.name}.{lo}")

    def _ranges(self) -> list[tuple[str, str]]:
        return [(k, "max_" + k[4:]) for k in self.params if k.startswith("min_") and "max_" + k[4:] in self.params]

    def draw(self, rng: random.Random, sample_rate: int) -> dict[str, Any]:
        """The parameter values of one application (uniform in each min/max range)."""
        return {
            k[4:]: round(rng.uniform(float(self.params[k]), float(self.params["max_" + k[4:]])), 3)
            for k, _ in self._ranges()
        }

    def transform(self, values: dict[str, Any], sample_rate: int):
        """The audiomentations transform (or any callable(samples, sample_rate)) for these values."""
        raise NotImplementedError

    def run(self, samples: np.ndarray, sample_rate: int, rng: random.Random) -> tuple[np.ndarray, str]:
        """(noised samples, ops entry)."""
        values = self.draw(rng, sample_rate)
        t = self.transform(values, sample_rate)
        with seeded(rng.getrandbits(32)):
            out = t(samples=samples, sample_rate=sample_rate)
        values.update(self.applied(t))
        return np.asarray(out, dtype=np.float32), op_string(f"audio:{self.name}", **values)

    def applied(self, transform) -> dict[str, Any]:
        """Values only known after the call (the clip a background op picked)."""
        return {}


@audio_ops.register("noise")
class GaussianNoise(AudioOp):
    name = "noise"
    defaults = {"min_snr_db": 10.0, "max_snr_db": 30.0}

    def transform(self, values, sample_rate):
        snr = values["snr_db"]
        return audiomentations().AddGaussianSNR(min_snr_db=snr, max_snr_db=snr, p=1.0)


@lru_cache(maxsize=None)
def noise_clips() -> dict[str, Path]:
    """Background clips shipped in corpora/noise/, by name (regenerate: ``python -m tadka.augment.audio.synth``)."""
    from tadka.augment.audio.synth import noise_dir

    return {p.stem: p for p in sorted(noise_dir().glob("*.wav"))}


@lru_cache(maxsize=16)
def _background(paths: tuple[str, ...]):
    # cached: the transform reads each clip's duration once
    return audiomentations().AddBackgroundNoise(sounds_path=list(paths), min_snr_db=10.0, max_snr_db=10.0, p=1.0)


@audio_ops.register("background")
class BackgroundNoise(AudioOp):
    name = "background"
    defaults = {"min_snr_db": 5.0, "max_snr_db": 20.0, "clips": []}

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        known = noise_clips()
        wanted = list(self.params["clips"]) or list(known)
        missing = [c for c in wanted if c not in known]
        if missing or not wanted:
            raise ConfigError(
                f"unknown noise clip(s) {missing} (known: {', '.join(known) or 'none'})",
                field="audio:background.clips",
                hint="python -m tadka.augment.audio.synth",
            )
        self._paths = tuple(str(known[c]) for c in wanted)

    def transform(self, values, sample_rate):
        t = _background(self._paths)
        t.min_snr_db = t.max_snr_db = values["snr_db"]
        return t

    def applied(self, transform) -> dict[str, Any]:
        p = transform.parameters
        return {"clip": Path(p["noise_file_path"]).stem, "offset_s": round(float(p["offset"]), 3)}


@audio_ops.register("phone")
class PhoneLine(AudioOp):
    name = "phone"
    defaults = {
        "min_low_hz": 250.0,
        "max_low_hz": 350.0,
        "min_high_hz": 3000.0,
        "max_high_hz": 3600.0,
        "rolloff_db": 24,
    }

    def transform(self, values, sample_rate):
        am = audiomentations()
        low = values["low_hz"]
        high = min(values["high_hz"], 0.45 * sample_rate)
        roll = int(self.params["rolloff_db"])
        return am.Compose(
            [
                am.HighPassFilter(min_cutoff_freq=low, max_cutoff_freq=low, min_rolloff=roll, max_rolloff=roll, p=1.0),
                am.LowPassFilter(min_cutoff_freq=high, max_cutoff_freq=high, min_rolloff=roll, max_rolloff=roll, p=1.0),
            ],
            p=1.0,
        )


@audio_ops.register("codec")
class Codec(AudioOp):
    name = "codec"
    defaults = {"format": "mp3", "min_level": 0.6, "max_level": 0.95}

    def __init__(self, **params: Any) -> None:
        from tadka.augment.audio.codec import FORMATS

        super().__init__(**params)
        if self.params["format"] not in FORMATS:
            raise ConfigError(
                f"unknown format {self.params['format']!r}", field="audio:codec.format", hint=", ".join(FORMATS)
            )
        if not 0 <= float(self.params["min_level"]) <= float(self.params["max_level"]) <= 1:
            raise ConfigError("levels are in [0, 1]", field="audio:codec.min_level")

    def transform(self, values, sample_rate):
        from tadka.augment.audio.codec import codec_for, round_trip

        fmt = codec_for(self.params["format"], sample_rate)
        values["format"] = fmt
        return lambda samples, sample_rate: round_trip(samples, sample_rate, fmt, values["level"])


@audio_ops.register("clipping")
class Clipping(AudioOp):
    name = "clipping"
    defaults = {"min_percentile": 2, "max_percentile": 20}

    def draw(self, rng, sample_rate):
        return {"percentile": rng.randint(int(self.params["min_percentile"]), int(self.params["max_percentile"]))}

    def transform(self, values, sample_rate):
        pc = values["percentile"]
        return audiomentations().ClippingDistortion(min_percentile_threshold=pc, max_percentile_threshold=pc, p=1.0)


@audio_ops.register("gain")
class GainChange(AudioOp):
    name = "gain"
    defaults = {"min_gain_db": -12.0, "max_gain_db": 6.0}

    def transform(self, values, sample_rate):
        g = values["gain_db"]
        return audiomentations().Gain(min_gain_db=g, max_gain_db=g, p=1.0)


@audio_ops.register("stretch")
class Stretch(AudioOp):
    name = "stretch"
    defaults = {"min_rate": 0.85, "max_rate": 1.15}

    def transform(self, values, sample_rate):
        r = values["rate"]
        return audiomentations().TimeStretch(min_rate=r, max_rate=r, leave_length_unchanged=False, p=1.0)


@audio_ops.register("pitch")
class Pitch(AudioOp):
    name = "pitch"
    defaults = {"min_semitones": -2.0, "max_semitones": 2.0}

    def transform(self, values, sample_rate):
        s = values["semitones"]
        return audiomentations().PitchShift(min_semitones=s, max_semitones=s, p=1.0)


def build_audio_op(name: str, **params: Any) -> AudioOp:
    return audio_ops.get(name)(**params)
