"""Text noise ops, one module per family; each registers itself in :data:`text_ops`.

Imported explicitly so that every name is known once the package is (docs/architecture.md: registries).
"""

from tadka.augment.text import (  # noqa: F401
    asr,
    casing,
    digits,
    elongation,
    emoji,
    keyboard,
    ocr,
    script,
    sms,
    variants,
    vowels,
)
from tadka.augment.text.base import Tally, TextOp, WordOp, build_op, text_ops
from tadka.augment.text.protect import Piece, protected_spans, segment

__all__ = ["Piece", "Tally", "TextOp", "WordOp", "build_op", "protected_spans", "segment", "text_ops"]
