"""The per-machine cache (trained language models, converted base models, llama.cpp's converter): one
folder, one variable.

``$TADKA_CACHE_DIR``, else ``$XDG_CACHE_HOME/tadka``, else ``~/.cache/tadka``. ``$TADKA_CACHE`` (the
language core's name for it until the two were merged) is still read, with a DeprecationWarning, when
``$TADKA_CACHE_DIR`` is not set. A workspace's own cache/ (teacher answers, spills) is another thing.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

VARIABLE = "TADKA_CACHE_DIR"
DEPRECATED = "TADKA_CACHE"


def cache_dir() -> Path:
    """The machine's tadka cache folder (not created here)."""
    if os.environ.get(VARIABLE):
        return Path(os.environ[VARIABLE])
    if os.environ.get(DEPRECATED):
        warnings.warn(f"${DEPRECATED} is deprecated: set ${VARIABLE} instead", DeprecationWarning, stacklevel=2)
        return Path(os.environ[DEPRECATED])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tadka"
