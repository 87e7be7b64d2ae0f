"""What a curate step is: a per-record Filter, or a GlobalStep that needs the whole stage (dedup).

A Filter answers one question per record, as in datatrove: ``keep(record)`` returns True or
``(False, reason)``; it may first ``score`` the record (numbers land in ``scores``) and, for PII,
``transform`` it (a derived Record). :meth:`Filter.apply` glues those together and returns a copy:
Records are never changed in place. A step never drops anything itself; it adds a flag, and the
pipeline splits flagged records into the rejects stage, so each reject carries all its reasons.

A GlobalStep (exact and near dedup) runs in two halves so that it scales out like the rest: a
``sketch`` per record (a hash, a MinHash signature), computed in the workers beside the filters,
and a ``resolve`` over the sketches of the records no step has rejected, which decides who is a
duplicate of whom — comparing lineages, never a copy with its own parent or siblings
(:mod:`tadka.curate.dedup.lineage`, :mod:`tadka.curate.dedup.cluster`).

Steps are built on the driver from the config (``from_config``), pickled to the workers, and load
their lists and models in ``setup`` on first use there — parameters in ``__init__``, loaded state in
attributes ending in ``_`` (scikit-learn's rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Sequence

import numpy as np

from tadka.records import Record
from tadka.registry import Registry

if TYPE_CHECKING:
    from tadka.curate.config import CurateConfig
    from tadka.curate.dedup.cluster import Decisions
    from tadka.curate.dedup.lineage import Lineage
    from tadka.curate.dedup.sketches import SketchView

#: Every curate step, by the name tadka.yaml uses (``length``, ``pii``, ``minhash`` …).
steps: Registry[type["Step"]] = Registry("curate step")

Verdict = bool | tuple[bool, str] | tuple[bool, tuple[str, ...]]


@dataclass
class StepContext:
    """What a step may need from its surroundings when it is built (never pickled to workers)."""

    root: Path | None = None  # the workspace folder, when there is one
    config: Any = None  # the whole tadka.yaml (tadka.config.Config), when there is one


class Step:
    """Common to both kinds: a name, the config prefix, lazy per-worker setup."""

    name: ClassVar[str] = ""
    prefix: ClassVar[str] = ""  # config key prefix; empty means the registry name
    _ready: bool = False

    @classmethod
    def from_config(cls, cfg: "CurateConfig", ctx: StepContext | None = None) -> "Step":
        """Build from the ``curate:`` section (keys ``<prefix>_*``)."""
        from tadka.curate.config import step_params

        return cls(**step_params(cfg, cls.prefix or cls.name))

    def setup(self) -> None:
        """Load word lists, models, eval n-grams: once per worker process, before the first record."""

    def ensure_setup(self) -> None:
        if not self._ready:
            self.setup()
            self._ready = True

    def __getstate__(self) -> dict:
        # Ship parameters, not loaded state: each worker loads its own copy in setup().
        state = {k: v for k, v in self.__dict__.items() if not k.endswith("_")}
        state["_ready"] = False
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def role_text(record: Record, roles: Sequence[str]) -> str:
    """The contents of the turns with these roles, joined by newlines."""
    return "\n".join(m["content"] for m in record.messages if m["role"] in roles)


def with_marks(record: Record, scores: dict[str, float] | None = None, flags: Sequence[str] = ()) -> Record:
    """A copy of ``record`` with scores merged and flags appended (same id: the content is unchanged)."""
    # Built directly rather than with dataclasses.replace, which re-reads the fields every call:
    # this runs once per record per step.
    return Record(
        messages=record.messages,
        lang=record.lang,
        media=record.media,
        source=record.source,
        ops=record.ops,
        scores={**record.scores, **scores} if scores else dict(record.scores),
        flags=[*record.flags, *flags],
        status=record.status,
        id=record.id,
    )


class Filter(Step):
    """A per-record step. Subclasses implement ``keep`` and, where useful, ``score``/``transform``."""

    def transform(self, record: Record) -> Record:
        """Change the content (PII redaction): return ``record.derive(...)`` with an op, or ``record``."""
        return record

    def score(self, record: Record) -> dict[str, float]:
        """Numbers worth keeping whatever the verdict (cmi, chars …), written to ``scores``."""
        return {}

    def keep(self, record: Record) -> Verdict:
        """True, or ``(False, reason)``; the reason becomes a flag (``too_short``, ``pii:aadhaar``)."""
        raise NotImplementedError

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        """Scores and verdict together; a step that computes both in one pass overrides this."""
        scores = self.score(record)
        return scores, self.keep(with_marks(record, scores) if scores else record)

    def apply(self, record: Record) -> Record:
        """transform → score → keep, returned as one new Record with the scores and any flag added."""
        self.ensure_setup()
        record = self.transform(record)
        scores, verdict = self.evaluate(record)
        reasons: tuple[str, ...] = ()
        if verdict is not True:
            _, why = verdict  # type: ignore[misc]
            reasons = (why,) if isinstance(why, str) else tuple(why)
        if not scores and not reasons:
            return record
        return with_marks(record, scores, reasons)

    @property
    def changes_content(self) -> bool:
        """True for a step that may hand back a derived Record (PII redaction): the pipeline then
        runs its :meth:`apply_batch`; every other step goes through :meth:`evaluate_batch`."""
        cls = type(self)
        lean = cls.apply_batch is Filter.apply_batch or cls.evaluate_batch is not Filter.evaluate_batch
        return cls.transform is not Filter.transform or not lean

    def evaluate_batch(self, records: Sequence[Record]) -> list[tuple[dict[str, float], tuple[str, ...]]]:
        """(scores, reasons) per record, content unchanged: the pipeline keeps them beside the batch
        instead of building a new Record per step and record. A step with a batch-friendly model
        (language ID, the meta-talk classifier) overrides this."""
        self.ensure_setup()
        evaluate = self.evaluate
        out = []
        for rec in records:
            scores, verdict = evaluate(rec)
            out.append((scores, reasons_of(verdict)))
        return out

    def apply_batch(self, records: Sequence[Record]) -> list[Record]:
        """:meth:`apply` over a batch, as new Records (the pipeline itself uses :meth:`evaluate_batch`
        for steps that do not change the content)."""
        self.ensure_setup()
        if type(self).transform is not Filter.transform:
            return [self.apply(r) for r in records]
        return [
            with_marks(rec, scores, reasons) if scores or reasons else rec
            for rec, (scores, reasons) in zip(records, self.evaluate_batch(records))
        ]


def reasons_of(verdict: Verdict) -> tuple[str, ...]:
    """The flags a verdict adds: () for True, else its reason or reasons."""
    if verdict is True:
        return ()
    why = verdict[1]  # type: ignore[index]
    return (why,) if isinstance(why, str) else tuple(why)


class GlobalStep(Step):
    """A step that compares records with each other: a sketch per record, then stages on the driver.

    ``sketch`` (in the workers, beside the filters) gives a fixed-width byte string per record;
    ``pairs`` finds and confirms candidate pairs among the sketches; :func:`cluster.assign` picks
    the keepers by the deterministic keeper rule. Each stage is a function over numpy arrays
    (:mod:`tadka.curate.dedup.cluster`), so a distributed engine can run them apart.
    """

    flag: ClassVar[str] = ""  # the reason a claimed record gets (``dup``, ``near_dup``)
    width: int = 16  # bytes per sketch

    def sketch(self, record: Record) -> bytes:
        """A compact per-record summary (a hash, a signature) of exactly ``width`` bytes."""
        raise NotImplementedError

    def sketch_batch(self, records: Sequence[Record]) -> list[bytes]:
        """Sketches of a batch; a step that vectorises across records overrides this."""
        return [self.sketch(r) for r in records]

    def pairs(self, sketches: "SketchView", rank: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Confirmed (a, b, similarity) pairs among the view's rows (width bytes each, read a column
        range at a time: :mod:`tadka.curate.dedup.sketches`), rank[a] < rank[b]."""
        raise NotImplementedError

    def resolve(self, sketches: "SketchView | np.ndarray", lineage: "Lineage") -> "Decisions":
        """Keepers among live rows: pairs → pairs across lineages → the keeper rule (driver side).
        ``sketches`` is a view of a sketch store, or a rows × width uint8 matrix."""
        from tadka.curate.dedup.cluster import assign, keeper_order
        from tadka.curate.dedup.sketches import SketchView

        view = SketchView.of(sketches)
        rank = keeper_order(lineage)
        a, b, sim = self.pairs(view, rank)
        view.done()
        other = lineage.key[a] != lineage.key[b]  # a copy is never its parent's or sibling's duplicate
        a, b, sim = a[other], b[other], sim[other]
        return assign(len(view), a, b, sim, lineage, rank)
