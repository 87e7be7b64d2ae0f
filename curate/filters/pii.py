"""``pii``: find Indian and general personal identifiers, and redact them or drop the record.

Detected (in this order, so that a longer identifier is claimed before a shorter one inside it):
email; UPI ID (``name@okaxis``: a handle without a dotted domain); card number (13–19 digits, Luhn
valid); Aadhaar (12 digits starting 2–9, grouped 4-4-4 or not, Verhoeff valid); phone (+91/0091/0
prefix or a bare 10-digit mobile starting 6–9); PAN (``ABCPE1234F``, fourth letter the holder type);
IFSC (``SBIN0001234``); vehicle registration (``MH 12 AB 1234``, ``DL3CAB1234``, ``22 BH 1234 AA``).

The checksums are what keep this usable on real text: a 12-digit order number fails Verhoeff nine
times in ten, a 16-digit tracking number fails Luhn nine times in ten. No library covers these
Indian formats with their checksums (presidio's recognisers are regex-only for Aadhaar and need
spaCy), so the patterns and the two checksums are written here.

``redact`` returns a derived Record (new id, ``source.parent_id`` → the original) with each
identifier replaced by ``[AADHAAR]``, ``[PHONE]`` … and an op ``pii_redact:aadhaar=1,phone=2``;
``drop`` flags ``pii:<kind>`` for each kind found. Score ``pii``: identifiers found.
"""

from __future__ import annotations

import difflib
import re
from typing import Callable, Sequence

from tadka.curate.filters.base import Filter, Verdict, steps
from tadka.errors import ConfigError
from tadka.records import Record

# -- checksums ----------------------------------------------------------------------------------
# Verhoeff (1969): multiplication in the dihedral group D5, a fixed permutation applied
# position-many times, and the group inverse. UIDAI uses it for the last digit of an Aadhaar.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
_P = [list(range(10))]
for _ in range(7):
    _P.append([_P[-1][_P1[j]] for j in range(10)])
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]


def verhoeff_valid(digits: str) -> bool:
    """True when the last digit is the Verhoeff check digit of the others."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def verhoeff_check_digit(digits: str) -> str:
    """The digit that makes ``digits + check`` Verhoeff-valid."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return str(_INV[c])


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check used by payment card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


# -- patterns -----------------------------------------------------------------------------------
# A number must not continue a longer digit run on either side ("1234 5678 9012 3456" is one card,
# not an Aadhaar plus four digits).
_NB = r"(?<!\d)(?<!\d[ -])"
_NA = r"(?![ -]?\d)"
_STATES = ("AN|AP|AR|AS|BR|CH|CG|DD|DL|DN|GA|GJ|HP|HR|JH|JK|KA|KL|LA|LD|MH|ML|MN|MP|MZ|NL|OD|OR|PB|PY|RJ|SK"
           "|TN|TR|TS|UK|UA|UP|WB")

Detector = tuple[re.Pattern, Callable[[str], bool] | None]
DETECTORS: dict[str, list[Detector]] = {
    "email": [(re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"), None)],
    "upi": [(re.compile(r"(?<![\w.+@-])[A-Za-z0-9][\w.-]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}\b(?![.@-]?\w)"), None)],
    "card": [(re.compile(_NB + r"[2-6](?:[ -]?\d){12,18}" + _NA), lambda s: luhn_valid(_digits(s)))],
    "aadhaar": [(re.compile(_NB + r"[2-9]\d{3}(?P<sep>[ -]?)\d{4}(?P=sep)\d{4}" + _NA),
                 lambda s: verhoeff_valid(_digits(s)))],
    "phone": [(re.compile(r"(?<![\w+])(?<!\d[ -])(?:(?:\+|00)\s?91[ -]?|91[ -]|0)?[6-9](?:[ -]?\d){9}" + _NA), None)],
    "pan": [(re.compile(r"\b[A-Za-z]{3}[PCHFATBLJGpchfatbljg][A-Za-z]\d{4}[A-Za-z]\b"), None)],
    "ifsc": [(re.compile(r"\b[A-Za-z]{4}0[A-Za-z0-9]{6}\b"), lambda s: any(c.isdigit() for c in s[5:]))],
    "vehicle": [
        # Spaced or hyphenated forms need the upper-case state code ("up 12 to 1234" is English).
        (re.compile(rf"\b(?:{_STATES})[ -]?\d{{1,2}}[ -]?(?:[A-Z]{{1,3}}[ -]?){{0,2}}\d{{4}}\b"), None),
        (re.compile(rf"\b(?i:{_STATES.lower()})\d{{1,2}}[a-zA-Z]{{0,3}}\d{{4}}\b"), None),
        (re.compile(r"\b\d{2}[ -]?BH[ -]?\d{4}[ -]?[A-Z]{1,2}\b"), None),
    ],
}
KINDS = tuple(DETECTORS)
# Cheap pre-checks decide which detectors can match at all (most text needs none): every number
# kind holds four digits with at most one separator between them, email and UPI an @, IFSC four
# letters and a 0.
_NUM4 = re.compile(r"\d[ -]?\d[ -]?\d[ -]?\d")
_IFSC_HINT = re.compile(r"[A-Za-z]{4}0")
_NEEDS = {"email": "at", "upi": "at", "ifsc": "ifsc"}


def find_pii(text: str, kinds: Sequence[str] = KINDS) -> tuple[str, dict[str, int]]:
    """(text with each identifier replaced by ``[KIND]``, count per kind found)."""
    counts: dict[str, int] = {}
    present = {"at": "@" in text, "num": _NUM4.search(text) is not None}
    present["ifsc"] = "0" in text and _IFSC_HINT.search(text) is not None
    if not any(present.values()):
        return text, counts
    for kind in KINDS:
        if kind not in kinds or not present[_NEEDS.get(kind, "num")]:
            continue
        for pattern, valid in DETECTORS[kind]:
            placeholder = f"[{kind.upper()}]"

            def replace(m: re.Match, kind=kind, valid=valid, placeholder=placeholder) -> str:
                if valid is not None and not valid(m.group(0)):
                    return m.group(0)
                counts[kind] = counts.get(kind, 0) + 1
                return placeholder

            text = pattern.sub(replace, text)
    return text, counts


@steps.register("pii")
class PiiFilter(Filter):
    name = "pii"

    def __init__(self, kinds: Sequence[str] = KINDS, action: str = "redact",
                 roles: Sequence[str] = ("system", "user", "assistant")) -> None:
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            close = difflib.get_close_matches(unknown[0], KINDS, n=1)
            raise ConfigError(f"unknown PII kind {unknown[0]!r} (known: {', '.join(KINDS)})", field="curate.pii_kinds",
                              hint=f"did you mean {close[0]!r}?" if close else None)
        self.kinds = tuple(kinds)
        self.action = action
        self.roles = tuple(roles)

    def _scan(self, record: Record) -> tuple[list[dict[str, str]] | None, dict[str, int]]:
        """(new turns, or None when nothing was found; count per kind)."""
        total: dict[str, int] = {}
        changed: dict[int, str] = {}
        for i, m in enumerate(record.messages):
            if m["role"] in self.roles:
                content, counts = find_pii(m["content"], self.kinds)
                if counts:
                    changed[i] = content
                    for k, v in counts.items():
                        total[k] = total.get(k, 0) + v
        if not changed:
            return None, total
        return [{"role": m["role"], "content": changed.get(i, m["content"])} for i, m in enumerate(record.messages)], total

    def transform(self, record: Record) -> Record:
        if self.action != "redact":
            return record
        messages, counts = self._scan(record)
        if messages is None:
            return record
        op = "pii_redact:" + ",".join(f"{k}={v}" for k, v in counts.items())
        return record.derive(messages=messages, ops=[*record.ops, op],
                             scores={**record.scores, "pii": float(sum(counts.values()))}, flags=list(record.flags))

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        if self.action == "redact":
            return {}, True  # transform already replaced (and counted) everything it found
        _, counts = self._scan(record)
        if not counts:
            return {}, True
        return {"pii": float(sum(counts.values()))}, (False, tuple(f"pii:{k}" for k in counts))

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]
