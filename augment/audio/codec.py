"""Lossy codec round trip (MP3, or Ogg Vorbis/Opus) through libsndfile, in memory.

Why not audiomentations' ``Mp3Compression``: it needs ``fast-mp3-augment`` or ``lameenc`` beside
the ``audio`` extra, while soundfile's libsndfile (≥ 1.1) already encodes and decodes MPEG layer
III and Vorbis/Opus. The decoder may return the encoder's start-up delay (1105 samples at low
bitrates); the output is re-aligned to the input by cross-correlation and trimmed or padded to the
input's length, so a codec never shifts the audio in time.
"""

from __future__ import annotations

import io

import numpy as np

from tadka.augment.audio.io import soundfile

MP3_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})
OPUS_RATES = frozenset({8000, 12000, 16000, 24000, 48000})
FORMATS = ("mp3", "vorbis", "opus")
_SF = {"mp3": ("MP3", "MPEG_LAYER_III"), "vorbis": ("OGG", "VORBIS"), "opus": ("OGG", "OPUS")}
MAX_DELAY = 4096


def codec_for(fmt: str, sample_rate: int) -> str:
    """The format to use at this rate (Vorbis where MP3 or Opus cannot take the rate)."""
    if fmt == "mp3" and sample_rate not in MP3_RATES:
        return "vorbis"
    if fmt == "opus" and sample_rate not in OPUS_RATES:
        return "vorbis"
    return fmt


def round_trip(samples: np.ndarray, sample_rate: int, fmt: str, level: float) -> np.ndarray:
    """Encode and decode; ``level`` is libsndfile's compression level (0 best quality … 1 smallest)."""
    sf = soundfile()
    container, subtype = _SF[fmt]
    buf = io.BytesIO()
    kwargs = {"bitrate_mode": "CONSTANT"} if fmt == "mp3" else {}
    sf.write(
        buf,
        np.clip(samples, -1.0, 1.0),
        sample_rate,
        format=container,
        subtype=subtype,
        compression_level=float(level),
        **kwargs,
    )
    buf.seek(0)
    decoded, _ = sf.read(buf, dtype="float32", always_2d=False)
    if decoded.ndim > 1:
        decoded = decoded.mean(axis=1)
    return align(decoded.astype(np.float32), samples)


def align(decoded: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``decoded`` shifted by the lag that best matches ``reference``, cut or padded to its length."""
    from scipy.signal import correlate

    n = len(reference)
    extra = len(decoded) - n
    if extra > 0:
        span = min(extra, MAX_DELAY)
        window = min(n, 8 * MAX_DELAY)
        scores = correlate(decoded[: window + span], reference[:window], mode="valid", method="fft")
        lag = int(np.argmax(scores[: span + 1]))
        decoded = decoded[lag : lag + n]
    if len(decoded) < n:
        decoded = np.pad(decoded, (0, n - len(decoded)))
    return decoded
