"""Background noise clips for ``background``, synthesised from signal generators (no recordings).

``python -m tadka.augment.audio.synth`` regenerates corpora/noise/*.wav byte for byte: every clip
comes from a fixed seed, plain numpy/scipy arithmetic and 16-bit PCM. No downloaded audio and no
text-to-speech go in, so the clips carry no one's voice or licence. Each is 3 s, 16 kHz mono
(~96 KB); the background op loops or offsets them as needed.

* ``fan_hum`` — a ceiling fan: 50 Hz mains hum with its harmonics (the 100 Hz motor hum
  strongest), and broadband air noise swelling at the blade-pass rate.
* ``traffic_rumble`` — a road: brown-noise rumble under 400 Hz, vehicles passing (engine firing
  harmonics in a swelling envelope) and a two-tone horn.
* ``crowd_babble`` — a crowd: ten pseudo-voices, each a glottal pulse train at its own pitch
  through formant resonators that move from vowel to vowel at a syllable rate, with fricative
  bursts between; summed, low-passed and given a little room reverberation. Speech-like in
  spectrum and rhythm, with no words in it.
* ``rain`` — monsoon rain: a steady high-passed hiss and random droplet clicks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
SECONDS = 3.0
RMS_DBFS = -20.0
SEED = 20261125


def _butter(kind: str, freq, sr: int, order: int = 4):
    from scipy.signal import butter

    return butter(order, freq, btype=kind, fs=sr, output="sos")


def _filter(x: np.ndarray, kind: str, freq, sr: int, order: int = 4) -> np.ndarray:
    from scipy.signal import sosfilt

    return sosfilt(_butter(kind, freq, sr, order), x)


def _pink(n: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise by shaping white noise's spectrum."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spec), dtype=float)
    f[0] = 1.0
    return np.fft.irfft(spec / np.sqrt(f), n)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = x - x.mean()
    rms = np.sqrt(np.mean(x**2))
    x = x * (10 ** (RMS_DBFS / 20) / rms)
    peak = np.abs(x).max()
    return x * (0.95 / peak) if peak > 0.95 else x


def fan_hum(sr: int, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    hum = sum(
        a * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
        for f, a in ((50, 0.5), (100, 1.0), (150, 0.3), (200, 0.25), (300, 0.1))
    )
    air = _filter(_pink(n, rng), "bandpass", (150, 2500), sr)
    blade = 1.0 + 0.35 * np.sin(2 * np.pi * 14.5 * t) + 0.1 * np.sin(2 * np.pi * 0.3 * t)
    air = air / np.std(air)
    return 0.6 * hum / np.std(hum) + 0.8 * air * blade


def traffic_rumble(sr: int, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    brown = np.cumsum(rng.standard_normal(n))
    rumble = _filter(_filter(brown, "highpass", 20, sr, 2), "lowpass", 400, sr)
    out = rumble / np.std(rumble)
    for _ in range(4):  # vehicles passing
        centre, width = rng.uniform(0.2, SECONDS - 0.2), rng.uniform(0.4, 0.9)
        env = np.exp(-0.5 * ((t - centre) / (width / 2)) ** 2)
        firing = rng.uniform(28, 55) * (1 + 0.05 * np.tanh((t - centre) * 3))  # pitch drops as it passes
        phase = 2 * np.pi * np.cumsum(firing) / sr
        engine = sum(np.sin(k * phase) / k for k in range(1, 8))
        tyre = _filter(rng.standard_normal(n), "bandpass", (300, 1800), sr)
        out += env * (0.9 * engine / np.std(engine) + 0.6 * tyre / np.std(tyre)) * rng.uniform(0.8, 1.6)
    start, length = rng.uniform(0.3, SECONDS - 0.8), rng.uniform(0.3, 0.5)  # a horn
    gate = np.clip(np.minimum(t - start, start + length - t) / 0.02, 0, 1)
    horn = sum(np.sign(np.sin(2 * np.pi * f * t)) for f in (420.0, 510.0))
    out += 0.7 * gate * _filter(horn, "lowpass", 3000, sr)
    return out


_VOWELS = ((730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480), (570, 840, 2410))


def _formant_filter(x: np.ndarray, segments: list[tuple[int, int, tuple[float, ...]]], sr: int) -> np.ndarray:
    """Three parallel two-pole resonators whose centres change per segment (state carried over)."""
    from scipy.signal import lfilter

    out = np.zeros_like(x)
    for k, (bandwidth, gain) in enumerate(((80.0, 1.0), (120.0, 0.6), (160.0, 0.3))):
        r = np.exp(-np.pi * bandwidth / sr)
        state = np.zeros(2)
        for start, end, formants in segments:
            a = [1.0, -2 * r * np.cos(2 * np.pi * formants[k] / sr), r * r]
            y, state = lfilter([1 - r], a, x[start:end], zi=state)
            out[start:end] += gain * y
    return out


def _voice(sr: int, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / sr
    f0 = rng.uniform(95, 250) * (1 + 0.08 * np.sin(2 * np.pi * rng.uniform(0.2, 0.6) * t + rng.uniform(0, 6)))
    phase = np.cumsum(f0) / sr
    pulses = np.diff(np.floor(phase), prepend=0.0)
    pulses -= pulses.mean()
    segments: list[tuple[int, int, tuple[float, ...]]] = []
    envelope = np.zeros(n)
    fricative = np.zeros(n)
    formants: tuple[float, ...] = _VOWELS[0]
    pos = int(rng.uniform(0, 0.3) * sr)
    segments.append((0, pos, formants))
    while pos < n:
        end = min(n, pos + int(rng.uniform(0.12, 0.3) * sr))
        formants = tuple(f * rng.uniform(0.9, 1.1) for f in _VOWELS[rng.integers(len(_VOWELS))])
        envelope[pos:end] = np.sin(np.pi * np.linspace(0, 1, end - pos)) ** 0.7
        if rng.random() < 0.4:  # a fricative before the next syllable
            f_end = min(n, end + int(0.05 * sr))
            fricative[end:f_end] = 1.0
            end = f_end
        gap = min(n, end + int(rng.uniform(0.02, 0.25) * sr))
        segments.append((pos, gap, formants))  # formants held through the pause after the syllable
        pos = gap
    voiced = _formant_filter(pulses, segments, sr)
    hiss = _filter(rng.standard_normal(n), "highpass", 2500, sr) * fricative
    return voiced / (np.std(voiced) + 1e-9) * envelope + 0.3 * hiss


def crowd_babble(sr: int, n: int, rng: np.random.Generator) -> np.ndarray:
    lead = sr // 2  # rendered longer and cut, so that the clip does not open in silence
    mix = sum(_voice(sr, n + lead, rng) * rng.uniform(0.4, 1.0) for _ in range(10))[lead:]
    mix = _filter(mix, "lowpass", 3800, sr)
    tail = np.exp(-np.arange(int(0.25 * sr)) / (0.06 * sr)) * rng.standard_normal(int(0.25 * sr)) * 0.04
    tail[0] = 1.0
    return np.convolve(mix, tail)[:n]


def rain(sr: int, n: int, rng: np.random.Generator) -> np.ndarray:
    hiss = _filter(_pink(n, rng) + 0.3 * rng.standard_normal(n), "highpass", 600, sr)
    out = hiss / np.std(hiss)
    drops = np.zeros(n)
    for pos in rng.integers(0, n - 400, size=int(90 * SECONDS)):
        k = np.arange(400)
        freq = rng.uniform(1500, 5000)
        drops[pos : pos + 400] += (
            rng.uniform(0.5, 2.5) * np.exp(-k / rng.uniform(20, 70)) * np.sin(2 * np.pi * freq * k / sr)
        )
    return out + drops


CLIPS: dict[str, Callable[[int, int, np.random.Generator], np.ndarray]] = {
    "fan_hum": fan_hum,
    "traffic_rumble": traffic_rumble,
    "crowd_babble": crowd_babble,
    "rain": rain,
}


def render(name: str, sr: int = SAMPLE_RATE, seconds: float = SECONDS) -> np.ndarray:
    """One clip as float32 samples in [-1, 1] (the same numbers on every run)."""
    rng = np.random.default_rng([SEED, list(CLIPS).index(name)])
    return _normalise(CLIPS[name](sr, int(sr * seconds), rng)).astype(np.float32)


def noise_dir() -> Path:
    """corpora/noise/ of the installed tadka.corpora package."""
    import tadka.corpora

    return Path(tadka.corpora.__file__).resolve().parent / "noise"


def write_clips(out: Path) -> list[Path]:
    """Render every clip into ``out`` as 16-bit PCM WAV; returns the paths written."""
    import soundfile as sf

    from tadka.atomic import atomic_file

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in CLIPS:
        path = out / f"{name}.wav"
        with atomic_file(path, "wb") as f:
            sf.write(f, render(name), SAMPLE_RATE, subtype="PCM_16", format="WAV")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tadka.augment.audio.synth", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder to write to (default: corpora/noise/)")
    args = parser.parse_args(argv)
    for path in write_clips(args.out or noise_dir()):
        print(f"{path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
