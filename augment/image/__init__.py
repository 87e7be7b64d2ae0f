"""Image noise (extra ``image``): albumentations ops and bounded, checked image reading.

albumentations and Pillow are imported only when an op runs, so importing this package (and
listing its ops) works without the extra.
"""

from tadka.augment.image.ops import ImageOp, build_image_op, image_ops

__all__ = ["ImageOp", "build_image_op", "image_ops"]
