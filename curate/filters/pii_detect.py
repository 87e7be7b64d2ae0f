"""Finding Indian and general personal identifiers in chat text: spans with a kind.

Kinds, claimed in this order so that a longer identifier wins over a shorter one inside it:
email; UPI ID (``name@okaxis``: a handle without a dotted domain); GSTIN (15 characters, its
mod-36 check character valid); driving licence (state code, RTO, year, 7 digits:
``MH14 20110062821``); card number (13–19 digits, Luhn valid); Aadhaar (12 digits starting 2–9, grouped 4-4-4 or
not, Verhoeff valid); phone (+91/0091/0 prefix or a bare 10-digit mobile starting 6–9); PAN
(``ABCPE1234F``, fourth letter the holder type); voter ID / EPIC (``ABC1234567``); passport
(``J8369854``); IFSC (``SBIN0001234``); vehicle registration (``MH 12 AB 1234``, ``22 BH 1234 AA``).

What makes this work on Indian chat text:

* **Every Unicode decimal digit is read as its value** before matching (``९८७६५४३२१०``,
  ``৯৮৭৬…``, full-width digits): the text is translated character for character, so spans stay
  those of the original text.
* **Checksums**: Verhoeff for Aadhaar, Luhn for cards, the GSTIN check character. A 12-digit order
  number fails Verhoeff nine times in ten.
* **Context words** (corpora/pii/context.tsv, Hinglish and Devanagari included: "mera aadhaar",
  "aadhar no.", "voter card", "PAN card hai", "PNR", "order id", "OTP"): the context word nearest to
  a number-like candidate, within a short window on either side, decides the ambiguous cases — a
  10-digit number after "PNR" or "consumer no." is not a phone, a Verhoeff-valid 12-digit number
  after "order id" is not an Aadhaar, a passport number needs "passport" nearby, an EPIC-shaped
  code in lower case needs "voter"/"epic". An unspaced ``+91XXXXXXXXXX`` (twelve digits, and one
  in ten of them passes Verhoeff) is a phone, never an Aadhaar; ``91XXXXXXXXXX`` is an Aadhaar only
  with Aadhaar context.
* PNR, train numbers, OTPs and pincodes are not phones: their lengths do not match, and where they
  do (a 10-digit PNR) the context does.

Presidio (``presidio-analyzer``) has India recognisers too, and they do check Verhoeff for
Aadhaar; but they read only ASCII digits, have no UPI, IFSC or driving-licence recogniser, and
their context words are English. ``python bench/curate.py --part pii`` scores both on the same
labelled Hinglish set (corpora/eval/pii_heldout.tsv).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Callable, Sequence

# -- checksums ----------------------------------------------------------------------------------
# Verhoeff (1969): multiplication in the dihedral group D5, a fixed permutation applied
# position-many times, and the group inverse. UIDAI uses it for the last digit of an Aadhaar.
_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_P1 = [1, 5, 7, 6, 2, 8, 3, 0, 9, 4]
_P = [list(range(10))]
for _ in range(7):
    _P.append([_P[-1][_P1[j]] for j in range(10)])
_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9]
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
    return luhn_sum(digits) % 10 == 0


def luhn_sum(digits: str) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def gstin_check_char(first14: str) -> str:
    """The GSTIN check character: base-36 values, weights 1, 2, 1, 2 …, digit sums in base 36."""
    total = 0
    for i, ch in enumerate(first14.upper()):
        p = _B36.index(ch) * (2 if i % 2 else 1)
        total += p // 36 + p % 36
    return _B36[(36 - total % 36) % 36]


def gstin_valid(value: str) -> bool:
    v = value.upper()
    return len(v) == 15 and all(c in _B36 for c in v) and gstin_check_char(v[:14]) == v[14]


# -- digits of every script ---------------------------------------------------------------------
class _DigitTable(dict):
    """str.translate table: a Unicode decimal digit (category Nd) → its ASCII digit, any other
    character → itself; filled on first sight of each character (a full table would mean scanning
    all of Unicode at start-up)."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        value = unicodedata.decimal(ch, None)
        self[cp] = out = str(value) if value is not None else ch
        return out


_DIGITS = _DigitTable()


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit written in ASCII; same length, so spans carry over."""
    return text if text.isascii() else text.translate(_DIGITS)


def only_digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


# -- context words ------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def context_words() -> tuple[re.Pattern, dict[str, str]]:
    """(one pattern for every context phrase, phrase → kind) from corpora/pii/context.tsv."""
    text = files("tadka.corpora").joinpath("pii", "context.tsv").read_text(encoding="utf-8")
    kind_of: dict[str, str] = {}
    for line in text.splitlines()[1:]:
        if line.strip():
            kind, words = line.split("\t")
            for w in words.split("|"):
                kind_of[unicodedata.normalize("NFC", w.strip()).casefold()] = kind
    alternation = "|".join(re.escape(w) for w in sorted(kind_of, key=len, reverse=True))
    return re.compile(rf"(?<![\w]){'(?:' + alternation + ')'}(?![\w])", re.IGNORECASE), kind_of


LEFT, RIGHT = 32, 22  # characters searched for context before and after a candidate
_CLAUSE_END = re.compile(r"[,;\n|/(\[]|\baur\b|\band\b")


def nearest_context(text: str, start: int, end: int) -> str | None:
    """The kind of the context phrase nearest to text[start:end] (``none``: not an identifier)."""
    pattern, kind_of = context_words()
    best, best_gap = None, 10**9
    lo = max(0, start - LEFT)
    for m in pattern.finditer(text, lo, start):
        gap = start - m.end()
        if gap <= best_gap:
            best, best_gap = m.group(0), gap
    # after the candidate: only up to the end of its clause ("…, DL MH14…" names the next item)
    stop = _CLAUSE_END.search(text, end, min(len(text), end + RIGHT))
    m = pattern.search(text, end, stop.start() if stop else min(len(text), end + RIGHT))
    if m and 2 * (m.start() - end) < best_gap:  # words before a number name it more often than words after
        best = m.group(0)
    return kind_of[unicodedata.normalize("NFC", best).casefold()] if best else None


# -- patterns -----------------------------------------------------------------------------------
# A number must not continue a longer digit run on either side ("1234 5678 9012 3456" is one card,
# not an Aadhaar plus four digits).
_NB = r"(?<![\d])(?<!\d[ \-\u00a0])"
_NA = r"(?![ \-\u00a0]?\d)"
_SEP = r"[ \-\u00a0]"
STATES = (
    "AN|AP|AR|AS|BR|CH|CG|DD|DL|DN|GA|GJ|HP|HR|JH|JK|KA|KL|LA|LD|MH|ML|MN|MP|MZ|NL|OD|OR|PB|PY|RJ|SK"
    "|TN|TR|TS|UK|UA|UP|WB"
)

PATTERNS: dict[str, list[re.Pattern]] = {
    "email": [re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")],
    "upi": [re.compile(r"(?<![\w.+@-])[A-Za-z0-9][\w.-]{1,255}@[A-Za-z][A-Za-z0-9]{1,63}\b(?![.@-]?\w)")],
    "gstin": [re.compile(r"\b\d{2}[A-Za-z]{5}\d{4}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z]\b")],
    "dl": [re.compile(rf"\b(?:{STATES}|(?i:{STATES.lower()}))-?{_SEP}?\d{{2}}{_SEP}?(?:19|20)\d{{2}}{_SEP}?\d{{7}}\b")],
    "card": [re.compile(_NB + r"[2-6](?:" + _SEP + r"?\d){12,18}" + _NA)],
    # groups of four joined by the same separator: none, a space (or two), a dash or a dot
    "aadhaar": [re.compile(_NB + r"[2-9]\d{3}(?P<sep>(?:  ?|[\-.\u00a0])?)\d{4}(?P=sep)\d{4}" + _NA)],
    "phone": [re.compile(r"(?<![\w+])(?<!\d[ -])(?:(?:\+|00)\s?91[ -]?|91[ -]?|0)?[6-9](?:[ \-\u00a0]?\d){9}" + _NA)],
    "pan": [re.compile(r"\b[A-Za-z]{3}[PCHFATBLJGpchfatbljg][A-Za-z]\d{4}[A-Za-z]\b")],
    "voter": [re.compile(r"\b[A-Za-z]{3}\d{7}\b")],
    "passport": [re.compile(r"\b[A-Za-z]" + _SEP + r"?[1-9]\d{5}[1-9]\b")],
    "ifsc": [re.compile(r"\b[A-Za-z]{4}0[A-Za-z0-9]{6}\b")],
    "vehicle": [
        # Spaced or hyphenated forms need the upper-case state code ("up 12 to 1234" is English).
        re.compile(rf"\b(?:{STATES})[ -]?\d{{1,2}}[ -]?(?:[A-Z]{{1,3}}[ -]?){{0,2}}\d{{4}}\b"),
        re.compile(rf"\b(?i:{STATES.lower()})\d{{1,2}}[a-zA-Z]{{0,3}}\d{{4}}\b"),
        re.compile(r"\b\d{2}[ -]?BH[ -]?\d{4}[ -]?[A-Z]{1,2}\b"),
    ],
}
KINDS = tuple(PATTERNS)


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    kind: str
    text: str  # as written in the original text (digits in their own script)


def _aadhaar(t: str, m: re.Match) -> str | None:
    value = only_digits(m.group(0))
    if not verhoeff_valid(value) or value == value[::-1]:
        return None
    ctx = nearest_context(t, m.start(), m.end())
    if ctx == "aadhaar":
        return "aadhaar"
    if ctx == "none" or t[max(0, m.start() - 1) : m.start()] == "+":
        return None
    if value.startswith("91") and value[2] in "6789" and m.group("sep") == "":
        return None  # +91 and a mobile without the plus: a phone (the phone pattern claims it)
    return "aadhaar"


def _phone(t: str, m: re.Match) -> str | None:
    return None if nearest_context(t, m.start(), m.end()) == "none" and not _prefixed(m) else "phone"


def _prefixed(m: re.Match) -> bool:
    return m.group(0).lstrip().startswith(("+", "00"))


def _voter(t: str, m: re.Match) -> str | None:
    ctx = nearest_context(t, m.start(), m.end())
    if ctx == "voter":
        return "voter"
    return "voter" if ctx != "none" and m.group(0)[:3].isupper() else None


def _passport(t: str, m: re.Match) -> str | None:
    return "passport" if nearest_context(t, m.start(), m.end()) == "passport" else None


def _card(t: str, m: re.Match) -> str | None:
    if not luhn_valid(only_digits(m.group(0))):
        return None
    return None if nearest_context(t, m.start(), m.end()) == "none" else "card"


def _ifsc(t: str, m: re.Match) -> str | None:
    return "ifsc" if any(c.isdigit() for c in m.group(0)[5:]) else None


def _gstin(t: str, m: re.Match) -> str | None:
    return "gstin" if gstin_valid(m.group(0)) else None


CHECKS: dict[str, Callable[[str, re.Match], str | None]] = {
    "aadhaar": _aadhaar,
    "phone": _phone,
    "voter": _voter,
    "passport": _passport,
    "card": _card,
    "ifsc": _ifsc,
    "gstin": _gstin,
}
# Cheap pre-checks decide which patterns can match at all (most text needs none): every number kind
# holds four digits with at most one separator between them, email and UPI an @, IFSC four letters
# and a 0.
_NUM4 = re.compile(r"\d[ \-\u00a0]?\d[ \-\u00a0]?\d[ \-\u00a0]?\d")
_IFSC_HINT = re.compile(r"[A-Za-z]{4}0")
_NEEDS = {"email": "at", "upi": "at", "ifsc": "ifsc"}


def detect(text: str, kinds: Sequence[str] = KINDS) -> list[Span]:
    """Every identifier in ``text`` as a Span (non-overlapping, in text order)."""
    t = ascii_digits(text)
    present = {"at": "@" in t, "num": _NUM4.search(t) is not None}
    present["ifsc"] = "0" in t and _IFSC_HINT.search(t) is not None
    if not any(present.values()):
        return []
    taken: list[tuple[int, int]] = []
    spans: list[Span] = []
    for kind in KINDS:
        if kind not in kinds or not present[_NEEDS.get(kind, "num")]:
            continue
        check = CHECKS.get(kind)
        for pattern in PATTERNS[kind]:
            for m in pattern.finditer(t):
                s, e = m.span()
                if any(s < b and a < e for a, b in taken):
                    continue
                found = check(t, m) if check else kind
                if found is None:
                    continue
                taken.append((s, e))
                spans.append(Span(s, e, found, text[s:e]))
    spans.sort(key=lambda sp: sp.start)
    return spans


def find_pii(text: str, kinds: Sequence[str] = KINDS) -> tuple[str, dict[str, int]]:
    """(text with each identifier replaced by ``[KIND]``, count per kind found, in order of appearance)."""
    spans = detect(text, kinds)
    return replace_spans(text, spans, lambda sp: f"[{sp.kind.upper()}]")


def replace_spans(text: str, spans: Sequence[Span], by: Callable[[Span], str]) -> tuple[str, dict[str, int]]:
    """``text`` with each span replaced by ``by(span)``; counts per kind."""
    if not spans:
        return text, {}
    counts: dict[str, int] = {}
    out, at = [], 0
    for sp in spans:
        out += [text[at : sp.start], by(sp)]
        at = sp.end
        counts[sp.kind] = counts.get(sp.kind, 0) + 1
    out.append(text[at:])
    return "".join(out), counts
