"""``pii``: find Indian and general personal identifiers; redact, pseudonymise, or drop the record.

Detection (what is found and why) lives in :mod:`tadka.curate.filters.pii_detect`; fake values for
``pseudonymize`` in :mod:`tadka.curate.filters.pii_fake`.

* ``redact`` returns a derived Record (new id, ``source.parent_id`` → the original) with each
  identifier replaced by ``[AADHAAR]``, ``[PHONE]`` … and an op ``pii_redact:aadhaar=1,phone=2``;
* ``pseudonymize`` replaces each identifier with a fake one of the same format — valid checksum,
  same separators, same digit script (Devanagari digits stay Devanagari) — so training text stays
  realistic; op ``pii_pseudonymize:…``. The same value gets the same fake everywhere in a run (a
  noised copy stays a copy of its parent), keyed by a secret kept in the workspace
  (``cache/pii.key``): without the key, a fake cannot be traced back by trying every number;
* ``drop`` flags ``pii:<kind>`` for each kind found.

Score ``pii``: identifiers found.
"""

from __future__ import annotations

import difflib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Sequence

from tadka.curate.filters.base import Filter, StepContext, Verdict, steps
from tadka.curate.filters.pii_detect import (  # noqa: F401  (the public names of the pii step)
    KINDS,
    Span,
    detect,
    find_pii,
    luhn_valid,
    replace_spans,
    verhoeff_check_digit,
    verhoeff_valid,
)

from tadka.config import Section, opt
from tadka.errors import ConfigError
from tadka.records import Record

ACTIONS = ("redact", "pseudonymize", "drop")


def workspace_key(root: Path) -> str:
    """The workspace's pseudonymisation key (created once, readable by the owner only)."""
    from tadka.atomic import write_text

    path = root / "cache" / "pii.key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(16)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, key + "\n")
    path.chmod(0o600)
    return key


@dataclass
class PiiParams(Section):
    """The ``curate.pii_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    kinds: list[str] = opt(
        ["email", "upi", "gstin", "dl", "card", "aadhaar", "phone", "pan", "voter", "passport", "ifsc", "vehicle"],
        "What to look for (digits of any script count): e-mail, UPI ID, GSTIN (check character), driving licence, "
        "card (Luhn), Aadhaar (Verhoeff), phone (+91 and bare 10-digit mobiles; not PNRs, OTPs, order ids), PAN, "
        "voter ID (EPIC), passport, IFSC, vehicle registration.",
    )
    action: Literal["redact", "pseudonymize", "drop"] = opt(
        "redact",
        "redact (replace with [AADHAAR], [PHONE] … in a derived record), pseudonymize (a fake value of the "
        "same format: valid checksum, same separators and digit script) or drop (flag pii:KIND).",
    )
    key: str = opt(
        "",
        "Secret for pseudonymize (the same value gets the same fake); empty: a random key kept in "
        "the workspace at cache/pii.key.",
    )
    roles: list[str] = opt(["system", "user", "assistant"], "Turns searched for PII.")


@steps.register("pii")
class PiiFilter(Filter):
    params: ClassVar[type] = PiiParams
    name = "pii"

    def __init__(
        self,
        kinds: Sequence[str] = KINDS,
        action: str = "redact",
        roles: Sequence[str] = ("system", "user", "assistant"),
        key: str = "",
    ) -> None:
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            close = difflib.get_close_matches(unknown[0], KINDS, n=1)
            raise ConfigError(
                f"unknown PII kind {unknown[0]!r} (known: {', '.join(KINDS)})",
                field="curate.pii_kinds",
                hint=f"did you mean {close[0]!r}?" if close else None,
            )
        if action not in ACTIONS:
            raise ConfigError(f"unknown action {action!r}", field="curate.pii_action", hint=", ".join(ACTIONS))
        self.kinds = tuple(kinds)
        self.action = action
        self.roles = tuple(roles)
        # drawn on the driver, so every worker of a run makes the same fakes
        self.key = key or secrets.token_hex(16)

    @classmethod
    def from_config(cls, cfg, ctx: StepContext | None = None) -> "PiiFilter":
        key = cfg.pii_key
        if not key and cfg.pii_action == "pseudonymize" and ctx is not None and ctx.root is not None:
            key = workspace_key(Path(ctx.root))
        return cls(kinds=cfg.pii_kinds, action=cfg.pii_action, roles=cfg.pii_roles, key=key)

    def _scan(self, record: Record, rewrite: bool) -> tuple[list[dict[str, str]] | None, dict[str, int]]:
        """(new turns, or None when nothing was found; count per kind, in order of appearance)."""
        total: dict[str, int] = {}
        changed: dict[int, str] = {}
        for i, m in enumerate(record.messages):
            if m["role"] not in self.roles:
                continue
            spans = detect(m["content"], self.kinds)
            if not spans:
                continue
            if rewrite:
                content, counts = replace_spans(m["content"], spans, self._replacement)
                changed[i] = content
            else:
                content, counts = m["content"], {}
                for sp in spans:
                    counts[sp.kind] = counts.get(sp.kind, 0) + 1
            for k, v in counts.items():
                total[k] = total.get(k, 0) + v
        if not total or not rewrite:
            return None, total
        return [
            {"role": m["role"], "content": changed.get(i, m["content"])} for i, m in enumerate(record.messages)
        ], total

    def _replacement(self, span: Span) -> str:
        if self.action == "pseudonymize":
            from tadka.curate.filters.pii_fake import fake

            return fake(span.kind, span.text, self.key)
        return f"[{span.kind.upper()}]"

    def transform(self, record: Record) -> Record:
        if self.action == "drop":
            return record
        messages, counts = self._scan(record, rewrite=True)
        if messages is None:
            return record
        verb = "pii_redact" if self.action == "redact" else "pii_pseudonymize"
        op = f"{verb}:" + ",".join(f"{k}={v}" for k, v in counts.items())
        return record.derive(
            messages=messages,
            ops=[*record.ops, op],
            scores={**record.scores, "pii": float(sum(counts.values()))},
            flags=list(record.flags),
        )

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        if self.action != "drop":
            return {}, True  # transform already replaced (and counted) everything it found
        _, counts = self._scan(record, rewrite=False)
        if not counts:
            return {}, True
        return {"pii": float(sum(counts.values()))}, (False, tuple(f"pii:{k}" for k in counts))

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]
