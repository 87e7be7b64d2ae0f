"""What a text noise op is: a rate, a seed, the turns it touches, and ``apply(record, rng)``.

Every op changes *units* of text — words for most, character sites for OCR, number tokens for
digits — and its ``rate`` is the probability that one eligible unit is changed, drawn
independently per unit. What counts as eligible is each op's own definition (its class docstring
says it; ``unit`` names it), and :class:`Tally` counts both, so a run can print the observed rate
next to the requested one. A unit chosen is always changed (an op only calls a unit eligible if it
can change it), so the observed rate converges on the requested one.

Randomness: :meth:`TextOp.apply` takes a ``random.Random``; :meth:`TextOp.rng` seeds one from
(global seed, op name, record key) with :func:`tadka.curate.generate.mixer.codemixer.op_rng`, so output depends on
neither record order nor worker count. By default only ``user`` turns are touched (``roles``), and
never a protected piece (:mod:`tadka.augment.text.protect`).

An op that changed nothing returns the very Record it got (no op is logged, the id is unchanged);
otherwise a derived Record (``source.parent_id`` → the input, ``kind`` augment) with the op's name
and parameters appended to ``ops``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, ClassVar

from tadka.ops import op_rng, op_string
from tadka.augment.text.protect import ENTITY_MODES, Piece, segment
from tadka.errors import ConfigError
from tadka.records import ROLES, Record
from tadka.registry import Registry

#: The language pack of the record being noised (from its ``lang``: "ta-Latn+en" → "ta"), so that
#: ops with per-language tables (``variants``, ``sms``) use that pack's. A context variable, not an
#: argument, so every op keeps the one ``change(word, rng)`` signature; set by :meth:`TextOp.noise_record`.
CURRENT_PACK: ContextVar[str] = ContextVar("tadka_augment_pack", default="hi")

#: Text noise ops by the name tadka.yaml and the CLI use (``typo``, ``sms``, ``variants`` …).
text_ops: Registry[type[TextOp]] = Registry("text noise op")


@dataclass
class Tally:
    """Eligible units seen and units changed (observed rate = changed / eligible)."""

    eligible: int = 0
    changed: int = 0

    def add(self, other: Tally) -> None:
        self.eligible += other.eligible
        self.changed += other.changed

    @property
    def rate(self) -> float:
        return self.changed / self.eligible if self.eligible else 0.0


class TextOp:
    """Base class. Subclasses set ``name``, ``unit``, ``defaults`` and implement :meth:`noise`."""

    name: ClassVar[str] = ""
    unit: ClassVar[str] = "word"  # what `rate` is a share of
    defaults: ClassVar[dict[str, Any]] = {}  # op-specific parameters and their defaults

    def __init__(
        self,
        rate: float = 0.1,
        *,
        seed: int = 0,
        roles: Sequence[str] = ("user",),
        entities: str = "lexicon",
        **params: Any,
    ) -> None:
        if not 0.0 <= float(rate) <= 1.0:
            raise ConfigError(f"rate must be in [0, 1], got {rate}", field=f"{self.name}.rate")
        unknown = set(params) - set(self.defaults)
        if unknown:
            allowed = ", ".join(sorted(self.defaults)) or "none"
            raise ConfigError(f"unknown parameter(s) {sorted(unknown)} (allowed: {allowed})", field=self.name)
        bad_roles = [r for r in roles if r not in ROLES]
        if bad_roles:
            raise ConfigError(f"unknown role(s) {bad_roles}", field=f"{self.name}.roles", hint=", ".join(ROLES))
        if entities not in ENTITY_MODES:
            raise ConfigError(
                f"unknown entities mode {entities!r}", field=f"{self.name}.entities", hint=", ".join(ENTITY_MODES)
            )
        self.rate = float(rate)
        self.seed = int(seed)
        self.roles = tuple(roles)
        self.entities = entities
        self.params = {**self.defaults, **params}
        self.check()

    def check(self) -> None:
        """Validate ``self.params`` (raise ConfigError); called once by ``__init__``."""

    # -- what subclasses implement -------------------------------------------------------------
    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        """The turn's new text as a list of strings to join, or None when nothing changed.

        ``pieces`` are shared and immutable; count eligible and changed units in ``tally``.
        """
        raise NotImplementedError

    # -- the transform ------------------------------------------------------------------------
    def describe(self, **extra: Any) -> str:
        """The ``ops`` entry: name and every parameter, seed included (memoised: it is the same
        string for every record of a copy)."""
        key = tuple(sorted(extra.items()))
        memo = self.__dict__.setdefault("_described", {})
        if key not in memo:
            memo[key] = op_string(
                self.name, rate=self.rate, seed=self.seed, roles=list(self.roles), **self.params, **extra
            )
        return memo[key]

    def rng(self, key: str) -> random.Random:
        """The op's Random for one record (key: the record id, or ``id#copy``)."""
        return op_rng(self.seed, self.name, key)

    def noise_text(self, text: str, rng: random.Random, tally: Tally | None = None) -> str:
        """One string, noised (all of it: roles do not apply to a bare string)."""
        tally = tally if tally is not None else Tally()
        out = self.noise(segment(text, self.entities), rng, tally)
        return text if out is None else "".join(out)

    def noise_messages(
        self, messages: list[dict[str, str]], rng: random.Random, tally: Tally
    ) -> list[dict[str, str]] | None:
        """The turns with this op's roles noised (a new list), or None when nothing changed."""
        out = None
        for i, turn in enumerate(messages):
            if turn["role"] not in self.roles:
                continue
            text = self.noise_text(turn["content"], rng, tally)
            if text != turn["content"]:
                if out is None:
                    out = [dict(m) for m in messages]
                out[i]["content"] = text
        return out

    def noise_record(self, record: Record, rng: random.Random, **note: Any) -> tuple[Record, Tally]:
        """(noised Record or the same one, tally); ``note`` goes into the ops entry (``copy=1``)."""
        tally = Tally()
        from tadka.lang.pack import pack_of

        token = CURRENT_PACK.set(pack_of(record.lang))
        try:
            messages = self.noise_messages(record.messages, rng, tally)
        finally:
            CURRENT_PACK.reset(token)
        if messages is None:
            return record, tally
        # what Record.derive does, without copying the turns a second time
        return Record(
            messages=messages,
            lang=record.lang,
            media=dict(record.media),
            source={**record.source, "kind": "augment", "parent_id": record.id},
            ops=[*record.ops, self.describe(**note)],
        ), tally

    def apply(self, record: Record, rng: random.Random) -> Record:
        """The transform interface (``apply(record, rng) -> Record``): the noised Record, or the same one if nothing changed."""
        return self.noise_record(record, rng)[0]

    def __call__(self, record: Record) -> Record:
        """Apply with the op's own seed and the record id as key."""
        return self.apply(record, self.rng(record.id))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


class WordOp(TextOp):
    """An op that rewrites single words: subclasses define :meth:`eligible` and :meth:`change`."""

    def eligible(self, piece: Piece) -> bool:
        """Whether this word piece is one this op can change (``piece.kind`` is ``word``)."""
        raise NotImplementedError

    def change(self, word: str, rng: random.Random) -> str:
        """A different spelling of ``word`` (only called on eligible words)."""
        raise NotImplementedError

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        rate = self.rate
        out: list[str] | None = None
        # eligibility depends on the word and its language guess only: memoised per op
        memo = self.__dict__.setdefault("_eligible", {})
        if len(memo) > 100_000:
            memo.clear()
        pack = CURRENT_PACK.get()
        for i, p in enumerate(pieces):
            if p.kind != "word":
                continue
            key = p if pack == "hi" else (pack, p)  # another pack's tables decide otherwise
            ok = memo.get(key)
            if ok is None:
                ok = memo[key] = self.eligible(p)
            if ok:
                tally.eligible += 1
                if rng.random() < rate:
                    new = self.change(p.text, rng)
                    if new != p.text:
                        if out is None:
                            out = [q.text for q in pieces]
                        out[i] = new
                        tally.changed += 1
        return out


def match_case(template: str, word: str) -> str:
    """``word`` in the casing of ``template``: "Please" → "Pls", "PLEASE" → "PLS"."""
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def build_op(name: str, rate: float = 0.1, **kwargs: Any) -> TextOp:
    """An op by registry name (``typo``), with a readable error for an unknown one."""
    return text_ops.get(name)(rate, **kwargs)
