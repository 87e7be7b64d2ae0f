"""Augmentation transforms: code-mixing to a target CMI band, and text, audio and image noise.

Modules are imported explicitly so that every op is registered once the package is (STYLE:
a registry name is only known after its module was imported). The code-mixer comes first: the
noise ops use its :func:`op_rng` and :func:`op_string`. Audio and image libraries load only when
an op runs, so importing this package needs no extra.
"""

from tadka.augment import codemix, codemix_frame, codemix_lexicon, codemix_tokens, codemix_transform  # noqa: F401
from tadka.augment import audio, image, text  # noqa: F401,E402  (register the noise ops)
from tadka.augment.codemix import CodeMixer, Mixed, op_rng, op_string, parse_band
from tadka.augment.codemix_transform import CodeMix

__all__ = ["CodeMix", "CodeMixer", "Mixed", "op_rng", "op_string", "parse_band"]
