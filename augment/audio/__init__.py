"""Audio noise (extra ``audio``): audiomentations ops, codec round trips, synthesised background clips.

audiomentations and soundfile are imported only when an op runs, so importing this package (and
listing its ops) works without the extra.
"""

from tadka.augment.audio.ops import AudioOp, audio_ops, build_audio_op, noise_clips

__all__ = ["AudioOp", "audio_ops", "build_audio_op", "noise_clips"]
