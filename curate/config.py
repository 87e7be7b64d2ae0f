"""The ``curate:`` section of tadka.yaml: which steps run, on what, and every threshold they use.

The run's own keys (stage, steps, engine …) are declared here; every step declares its keys beside its
code (``LengthFilter.params``, a small dataclass) and the section is composed from the step registry
(:func:`tadka.config.compose_section`), so a new step — in the tree or from a plugin's entry point
``tadka.curate_steps`` — brings its keys to tadka.yaml, ``tadka init`` and the flags without editing
this file. Keys stay flat and prefixed by the step (``length_min_chars``, ``pii_action``) so that
tadka.yaml shows each one with its own comment; a step's ``from_config`` picks the keys with its
prefix. The defaults are the tuned ones described in each step's module docstring; the Gopher
thresholds (Rae et al. 2021, table A1) are kept where Hinglish chat did not need a change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from tadka.config import Section, opt, section
from tadka.config_compose import compose_section
from tadka.errors import ConfigError

DEFAULT_STEPS = [
    "length",
    "repetition",
    "language",
    "refusal",
    "profanity",
    "pii",
    "decontam",
    "judge",
    "dedup",
    "minhash",
]
ENGINES = ("local", "ray")


@dataclass
class CurateRun(Section):
    """The run's own keys; :data:`CurateConfig` is this class composed with every step's keys."""

    stage: str = opt("", "Stage to curate; empty picks the latest of augmented, generated, imported, seeds.")
    output: str = opt("curated", "Stage that kept records are written to.")
    rejects: str = opt("rejects", "Stage that dropped records are written to, each with all its reasons in `flags`.")
    steps: list[str] = opt(
        DEFAULT_STEPS,
        "Steps in order (length, repetition, language, refusal, profanity, pii, decontam, judge, quality, "
        "dedup, minhash). Every record goes through every step, so a reject lists all its reasons; dedup and "
        "minhash run last over the whole stage and keep one unflagged record per cluster.",
    )
    engine: Literal["local", "ray"] = opt(
        "local",
        "local (this process, or --workers processes) or ray (Ray tasks; extra `ray`): "
        "tadka.executor runs the batches either way.",
    )
    workers: int = opt(
        0, "Processes for the per-record steps (worker processes, or Ray workers); 0: every usable core.", ge=0
    )
    batch_size: int = opt(1000, "Records per batch handed to a worker.", ge=1)
    report: bool = opt(True, "Write reports/curate/ (HTML page, PNG histograms, summary.json) after the run.")
    report_examples: int = opt(3, "Examples shown per reject reason in the report.")
    lineage_kinds: list[str] = opt(
        ["augment", "edit"],
        "Source kinds whose parent_id makes a lineage: dedup never compares a record with its own parent or "
        "siblings, and drops a copy only with its parent or when it duplicates another lineage.",
    )

    def rules(self) -> None:
        """Cross-field checks the types and bounds cannot do; raises ConfigError naming the key."""
        from tadka.curate.filters import steps as registry

        for name in self.steps:
            registry.get(name)  # unknown names list the known ones
        if len(set(self.steps)) != len(self.steps):
            raise ConfigError("a step is listed twice", field="curate.steps")
        if self.output == self.rejects:
            raise ConfigError("output and rejects must be different stages", field="curate.rejects")

    def validate(self) -> "CurateRun":
        """:meth:`check` (the name callers used before every section had one)."""
        return self.check()


def compose(registry: Any = None) -> type[CurateRun]:
    """The run's keys plus each step's of ``registry`` (default: every registered step)."""
    if registry is None:
        from tadka.curate.filters import steps as registry  # imports every step module, so each has registered

    # the pipeline's order (tadka init lists the keys so), then any other step by name
    order = {name: i for i, name in enumerate(DEFAULT_STEPS)}
    ranked = sorted(registry.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    parts = [(cls.prefix or name, cls.params) for name, cls in ranked if getattr(cls, "params", None)]
    return compose_section(CurateRun, parts, "CurateConfig")


HELP = "`tadka curate`: filter, dedup and score a stage into curated/ and rejects/, with a report."
CurateConfig: Any = section("curate", HELP)(compose())


def step_params(cfg: CurateRun, prefix: str) -> dict:
    """The keys of one step (``length_min_chars`` → ``min_chars`` for prefix ``length``)."""
    start = prefix + "_"
    return {f.name[len(start) :]: getattr(cfg, f.name) for f in fields(cfg) if f.name.startswith(start)}
