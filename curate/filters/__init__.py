"""Curate steps, one module per step, each registered by the name tadka.yaml uses.

Imported explicitly here (a registry name is only known once its module is imported):
length, repetition, language, refusal, profanity, pii, decontam, judge, quality
(:mod:`tadka.curate.quality`, beside its trainer), and the global steps dedup and minhash
(:mod:`tadka.curate.dedup`, which compare records with each other).
"""

from tadka.curate import dedup as _dedup  # noqa: F401,E402  (registers `dedup` and `minhash`)
from tadka.curate import quality as _quality  # noqa: F401,E402  (registers `quality`)
from tadka.curate.filters import (  # noqa: F401  (each registers its step)
    decontam,
    judge,
    language,
    length,
    pii,
    profanity,
    refusal,
    repetition,
)
from tadka.curate.filters.base import Filter, GlobalStep, Step, StepContext, steps, with_marks


def _plugin_steps() -> None:
    """Steps other packages ship (entry points ``tadka.curate_steps``): importing one registers it and its keys."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="tadka.curate_steps"):
        ep.load()


_plugin_steps()

__all__ = ["Filter", "GlobalStep", "Step", "StepContext", "steps", "with_marks"]
