"""Audio noise: SNR within the requested range (±1 dB), the ops' effects, bad input, the noise clips.

Signals are generated here (tones, a pseudo-voice), never downloaded.
"""

import hashlib
import json
import random
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("audiomentations", reason="needs the 'audio' extra: pip install 'tadka[audio]'")
sf = pytest.importorskip("soundfile", reason="needs the 'audio' extra: pip install 'tadka[audio]'")

from tadka.augment.audio import build_audio_op, noise_clips  # noqa: E402
from tadka.augment.audio.codec import round_trip  # noqa: E402
from tadka.augment.audio.io import snr_db  # noqa: E402
from tadka.augment.audio.synth import CLIPS, SAMPLE_RATE, noise_dir, write_clips  # noqa: E402
from tadka.augment.pipeline import MediaSettings, augment_records  # noqa: E402
from tadka.augment.presets import build_plan  # noqa: E402
from tadka.records import Record  # noqa: E402

SR = 16000


def signal(seconds: float = 2.0, seed: int = 0) -> np.ndarray:
    """A voice-like test signal: harmonics of a wandering pitch under a syllable-rate envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    f0 = 140 * (1 + 0.1 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(f0) / SR
    x = sum(np.sin(k * phase + rng.uniform(0, 6)) / k for k in range(1, 12))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t) ** 2
    return (0.25 * x * envelope / np.abs(x).max()).astype(np.float32)


def values(entry: str) -> dict:
    return json.loads(entry.split(" ", 1)[1])


@pytest.mark.parametrize("op_name", ["noise", "background"])
@pytest.mark.parametrize("lo,hi", [(0.0, 5.0), (10.0, 10.0), (5.0, 20.0), (25.0, 35.0)])
def test_snr_falls_in_the_requested_range(op_name, lo, hi):
    x = signal()
    op = build_audio_op(op_name, min_snr_db=lo, max_snr_db=hi)
    for seed in range(4):
        y, entry = op.run(x, SR, random.Random(seed))
        measured = snr_db(x, y)
        assert lo - 1 <= measured <= hi + 1, (op_name, lo, hi, measured)
        assert abs(measured - values(entry)["snr_db"]) <= 1.0, entry


def test_snr_of_the_written_file(tmp_path):
    """End to end: the WAV the stage writes, read back, against the input file."""
    x = signal(3.0, seed=1)
    sf.write(tmp_path / "in.wav", x, SR, subtype="PCM_16")
    clean, _ = sf.read(tmp_path / "in.wav", dtype="float32")
    record = Record(
        messages=[{"role": "user", "content": "suno"}, {"role": "assistant", "content": "ok"}],
        media={"audio": "in.wav"},
    )
    for lo, hi in ((3.0, 8.0), (15.0, 20.0)):
        plan = build_plan(
            None, ["audio:background"], seed=2, op_params={"audio:background": {"min_snr_db": lo, "max_snr_db": hi}}
        )
        result = augment_records([record], plan, copies=3, media=MediaSettings(str(tmp_path), str(tmp_path / "out")))
        assert result.copies == 3
        for copy in result.records[1:]:
            noisy, sr = sf.read(tmp_path / copy.media["audio"], dtype="float32")
            assert sr == SR and len(noisy) == len(clean)
            assert lo - 1 <= snr_db(clean, noisy) <= hi + 1
            assert copy.ops[-1].startswith("audio:background ")


def test_phone_band_cuts_lows_and_highs():
    t = np.arange(SR) / SR
    x = (0.2 * (np.sin(2 * np.pi * 80 * t) + np.sin(2 * np.pi * 1000 * t) + np.sin(2 * np.pi * 6000 * t))).astype(
        np.float32
    )
    y, _ = build_audio_op("phone").run(x, SR, random.Random(0))
    spectrum = np.abs(np.fft.rfft(y[SR // 4 :]))
    freqs = np.fft.rfftfreq(len(y) - SR // 4, 1 / SR)

    def level(f):
        return spectrum[np.argmin(np.abs(freqs - f))]

    assert level(80) < 0.1 * level(1000) and level(6000) < 0.05 * level(1000)


def test_codec_keeps_length_and_alignment():
    x = signal(2.0, seed=3)
    for level in (0.3, 0.95):
        y = round_trip(x, SR, "mp3", level)
        assert len(y) == len(x)
        lags = np.arange(-50, 51)
        scores = [np.dot(x[100:-100], np.roll(y, -lag)[100:-100]) for lag in lags]
        assert abs(lags[int(np.argmax(scores))]) <= 1
        assert snr_db(x, y) > 3


def test_stretch_pitch_gain_clipping():
    x = signal(2.0)
    y, entry = build_audio_op("stretch", min_rate=1.25, max_rate=1.25).run(x, SR, random.Random(0))
    assert abs(len(y) - len(x) / 1.25) < 0.02 * len(x)
    y, _ = build_audio_op("pitch").run(x, SR, random.Random(0))
    assert len(y) == len(x) and not np.allclose(x, y)
    y, entry = build_audio_op("gain", min_gain_db=-6, max_gain_db=-6).run(x, SR, random.Random(0))
    assert np.allclose(y, x * 10 ** (-6 / 20), atol=1e-6)
    y, _ = build_audio_op("clipping", min_percentile=20, max_percentile=20).run(x, SR, random.Random(0))
    assert np.abs(y).max() < np.abs(x).max()


def test_same_seed_same_file_another_seed_differs(tmp_path):
    sf.write(tmp_path / "in.wav", signal(), SR, subtype="PCM_16")
    record = Record(
        messages=[{"role": "user", "content": "suno"}, {"role": "assistant", "content": "ok"}],
        media={"audio": "in.wav"},
    )

    def run(seed, out):
        result = augment_records(
            [record], build_plan("street-mic", seed=seed), 2, MediaSettings(str(tmp_path), str(tmp_path / out))
        )
        return [(tmp_path / c.media["audio"]).read_bytes() for c in result.records[1:]]

    assert run(1, "a") == run(1, "b")
    assert run(1, "a") != run(2, "c")


def test_bad_audio_is_rejected_and_the_batch_goes_on(tmp_path):
    sf.write(tmp_path / "good.wav", signal(), SR, subtype="PCM_16")
    sf.write(tmp_path / "stereo.wav", np.stack([signal(), signal(seed=5)], 1), SR, subtype="PCM_16")
    sf.write(tmp_path / "empty.wav", np.zeros(0, dtype=np.float32), SR, subtype="PCM_16")
    (tmp_path / "corrupt.wav").write_bytes(
        b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(random.Random(0).randrange(256) for _ in range(200))
    )
    (tmp_path / "text.wav").write_text("not audio at all")
    sf.write(tmp_path / "long.wav", np.zeros(SR * 5, dtype=np.float32), SR, subtype="PCM_16")
    names = ["good.wav", "missing.wav", "corrupt.wav", "text.wav", "empty.wav", "stereo.wav", "long.wav"]
    records = [
        Record(
            messages=[{"role": "user", "content": f"audio {n}"}, {"role": "assistant", "content": "ok"}],
            media={"audio": n},
        )
        for n in names
    ]
    before = {n: hashlib.sha1((tmp_path / n).read_bytes()).hexdigest() for n in names if (tmp_path / n).exists()}
    media = MediaSettings(str(tmp_path), str(tmp_path / "out"), audio_max_seconds=4.0)
    result = augment_records(records, build_plan("street-mic", seed=0), 1, media)
    reasons = {n["id"]: (n["outcome"], n["reason"]) for n in result.notes}
    by_name = {r.media["audio"]: r for r in result.records if r.source.get("kind") != "augment"}
    assert reasons[by_name["missing.wav"].id] == ("rejected", "media:missing:audio")
    assert reasons[by_name["corrupt.wav"].id] == ("rejected", "media:corrupt:audio")
    assert reasons[by_name["text.wav"].id] == ("rejected", "media:corrupt:audio")
    assert reasons[by_name["empty.wav"].id] == ("rejected", "media:empty:audio")
    assert reasons[by_name["long.wav"].id] == ("rejected", "media:too_long:audio")
    assert reasons[by_name["stereo.wav"].id] == ("converted", "audio")
    assert "media:missing:audio" in by_name["missing.wav"].flags and not by_name["good.wav"].flags
    copies = {r.source["parent_id"]: r for r in result.records if r.source.get("kind") == "augment"}
    assert set(copies) == {by_name["good.wav"].id, by_name["stereo.wav"].id}
    out, sr = sf.read(tmp_path / copies[by_name["stereo.wav"].id].media["audio"])
    assert out.ndim == 1 and sr == SR
    assert result.rejected == 5 and len(result.records) == len(names) + 2
    after = {n: hashlib.sha1((tmp_path / n).read_bytes()).hexdigest() for n in before}
    assert after == before  # inputs never overwritten
    assert all(c.media["audio"].startswith("out/") for c in copies.values())


def test_noise_clips_are_shipped_small_and_reproducible(tmp_path):
    shipped = noise_clips()
    assert set(shipped) == set(CLIPS)
    total = 0
    for name, path in shipped.items():
        info = sf.info(path)
        assert info.samplerate == SAMPLE_RATE and info.channels == 1 and 2.0 <= info.duration <= 5.0, name
        data, _ = sf.read(path)
        assert 0.03 < np.sqrt(np.mean(data**2)) < 0.3  # not silent, not clipped flat
        total += path.stat().st_size
    assert total < 1_000_000
    regenerated = write_clips(tmp_path)
    for path in regenerated:
        ours, _ = sf.read(path, dtype="int16")
        theirs, _ = sf.read(noise_dir() / path.name, dtype="int16")
        assert np.abs(ours.astype(int) - theirs.astype(int)).max() <= 1, path.name  # same up to float rounding
    assert Path(noise_dir()).name == "noise"
