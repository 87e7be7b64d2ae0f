"""Reading and writing audio for the noise ops: soundfile (libsndfile), checked, never trusted.

A file that is missing, unreadable, empty, non-finite or longer than the configured limit raises
:class:`~tadka.augment.media.MediaError` with the reason the rejects report shows. Several
channels are mixed down to mono (the ops and the background clips are mono), and that is reported
as a conversion, not an error. Output is 16-bit PCM WAV at the input's sample rate, clipped to
[-1, 1] as a real device would, written atomically.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tadka.augment.media import MediaError
from tadka.errors import MissingExtra


def soundfile():
    try:
        import soundfile as sf
    except ImportError:
        raise MissingExtra("soundfile", "audio", "audio noise") from None
    return sf


@dataclass
class Audio:
    """Mono float32 samples, their rate, and what was done to read them (``notes``)."""

    samples: np.ndarray
    sample_rate: int
    notes: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.sample_rate


def load_audio(path: str | os.PathLike, max_seconds: float = 0.0) -> Audio:
    """Read one file; MediaError (corrupt, empty, too_long) for what cannot be noised."""
    sf = soundfile()
    try:
        info = sf.info(str(path))
        if max_seconds and info.frames / max(1, info.samplerate) > max_seconds:
            raise MediaError("too_long", "audio", f"{info.frames / info.samplerate:.0f} s > {max_seconds:g} s")
        data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError, EOFError) as e:  # libsndfile's errors
        raise MediaError("corrupt", "audio", str(e).splitlines()[0][:200]) from None
    if data.shape[0] == 0:
        raise MediaError("empty", "audio", "no samples")
    if not np.isfinite(data).all():
        raise MediaError("corrupt", "audio", "samples are not finite")
    notes = []
    if data.shape[1] > 1:
        notes.append(f"mixed {data.shape[1]} channels to mono")
    samples = np.ascontiguousarray(data.mean(axis=1), dtype=np.float32)
    return Audio(samples, int(sr), notes)


def save_audio(path: Path, samples: np.ndarray, sample_rate: int) -> None:
    """16-bit PCM WAV, clipped to [-1, 1], atomically."""
    from tadka.atomic import atomic_file

    sf = soundfile()
    buf = io.BytesIO()
    sf.write(buf, np.clip(samples, -1.0, 1.0), sample_rate, subtype="PCM_16", format="WAV")
    with atomic_file(path, "wb") as f:
        f.write(buf.getvalue())


def snr_db(clean: np.ndarray, noisy: np.ndarray) -> float:
    """Signal-to-noise ratio of ``noisy`` against ``clean`` (same length), in dB."""
    noise = noisy.astype(np.float64) - clean.astype(np.float64)
    return float(10 * np.log10(np.sum(clean.astype(np.float64) ** 2) / max(np.sum(noise**2), 1e-20)))
