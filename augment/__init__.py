"""Augmentation: seeded, rate-controlled text, audio and image noise beside the originals.

Modules are imported explicitly so that every op is registered once the package is (a registry
name is only known after its module was imported; docs/architecture.md). Audio and image libraries load only
when an op runs, so importing this package needs no extra. The code-mixer that used to live here is
generation (:mod:`tadka.curate.generate.mixer`); the seeded Random and op string every op records
come from :mod:`tadka.ops`.
"""

from tadka.augment import audio, image, text  # noqa: F401  (register the noise ops)
from tadka.ops import op_rng, op_string

__all__ = ["op_rng", "op_string"]
