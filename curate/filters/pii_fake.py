"""Fake identifiers for ``pii_action: pseudonymize``: the same format, a valid checksum, the same script.

A redacted ``[PHONE]`` teaches a model to say "[PHONE]"; a fake number keeps the text as people write
it. Each fake keeps what the format fixes and is not personal — separators and spacing, the +91/0
prefix, the case of letters, the digit script (Devanagari digits stay Devanagari), a PAN's holder-type
letter, a GSTIN's state code, an IFSC's bank code, a vehicle's or licence's state code, a UPI
handle's PSP, a public webmail domain — and draws the rest, then makes the checksum valid again
(Verhoeff for Aadhaar, Luhn for cards, the GSTIN check character). Mobile numbers start with 6–9,
Aadhaar numbers with 2–9.

The draw is seeded by an HMAC of (kind, value) under a secret key, so one value always becomes the
same fake within a workspace — a chat that repeats a number repeats its fake, and a noised copy still
matches its parent — while nobody without the key can map fakes back by trying every number.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import string

from tadka.curate.filters.pii_detect import ascii_digits, gstin_check_char, luhn_sum, verhoeff_check_digit

PUBLIC_MAIL = frozenset(
    {
        "gmail.com",
        "yahoo.com",
        "yahoo.co.in",
        "yahoo.in",
        "rediffmail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "protonmail.com",
        "zoho.com",
        "ymail.com",
    }
)


def _rng(kind: str, value: str, key: str) -> random.Random:
    digest = hmac.new(key.encode(), f"{kind}\x1f{ascii_digits(value).casefold()}".encode(), hashlib.sha256).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _digit_in_script(template: str, d: int) -> str:
    """Digit ``d`` in the script of the digit ``template`` (its zero is the code point minus its value)."""
    zero = ord(template) - int(ascii_digits(template))
    return chr(zero + d)


class _Shape:
    """The characters of a value, with positions of its digits and letters, for in-place rewriting."""

    def __init__(self, text: str) -> None:
        self.chars = list(text)
        self.digits = [i for i, c in enumerate(text) if c.isdigit()]
        self.letters = [i for i, c in enumerate(text) if c.isascii() and c.isalpha()]

    def set_digit(self, k: int, d: int) -> None:
        i = self.digits[k]
        self.chars[i] = _digit_in_script(self.chars[i], d)

    def set_letter(self, k: int, ch: str) -> None:
        i = self.letters[k]
        self.chars[i] = ch.lower() if self.chars[i].islower() else ch.upper()

    def digit_values(self) -> list[int]:
        return [int(ascii_digits(self.chars[i])) for i in self.digits]

    def __str__(self) -> str:
        return "".join(self.chars)


def _draw_digits(shape: _Shape, rng: random.Random, first: int, last: int, lead: str = "0123456789") -> None:
    """Random digits at digit positions first..last-1; the first of them drawn from ``lead``."""
    for k in range(first, last):
        shape.set_digit(k, int(rng.choice(lead)) if k == first else rng.randrange(10))


def _draw_letters(shape: _Shape, rng: random.Random, positions: range | list[int]) -> None:
    for k in positions:
        shape.set_letter(k, rng.choice(string.ascii_uppercase))


def _aadhaar(s: _Shape, rng: random.Random) -> None:
    _draw_digits(s, rng, 0, 11, "23456789")
    s.set_digit(11, int(verhoeff_check_digit("".join(map(str, s.digit_values()[:11])))))


def _phone(s: _Shape, rng: random.Random) -> None:
    n = len(s.digits)  # a country code or trunk 0 first: keep it
    _draw_digits(s, rng, n - 10, n, "6789")


def _card(s: _Shape, rng: random.Random) -> None:
    n = len(s.digits)  # keep the network's first digit (4 Visa, 5 Mastercard …)
    _draw_digits(s, rng, 1, n - 1)
    s.set_digit(n - 1, 0)
    s.set_digit(n - 1, (10 - luhn_sum("".join(map(str, s.digit_values()))) % 10) % 10)


def _pan(s: _Shape, rng: random.Random) -> None:
    _draw_letters(s, rng, [0, 1, 2, 4, 5])  # the 4th letter (holder type) stays
    _draw_digits(s, rng, 0, 4)


def _gstin(s: _Shape, rng: random.Random) -> None:
    _draw_letters(s, rng, [0, 1, 2, 4, 5])  # state code, the PAN's holder type and the Z stay
    _draw_digits(s, rng, 2, 6)
    chars = s.chars
    chars[12] = rng.choice("123456789") if chars[12].isdigit() else rng.choice(string.ascii_uppercase)
    check = gstin_check_char(ascii_digits("".join(chars[:14])))
    chars[14] = check.lower() if chars[14].islower() else check


def _voter(s: _Shape, rng: random.Random) -> None:
    _draw_letters(s, rng, range(3))
    _draw_digits(s, rng, 0, 7)


def _passport(s: _Shape, rng: random.Random) -> None:
    s.set_letter(0, rng.choice("ABCGHJKLMNPRSTUVWZ"))
    _draw_digits(s, rng, 0, 7, "123456789")
    s.set_digit(6, rng.randrange(1, 10))


def _dl(s: _Shape, rng: random.Random) -> None:  # state code and year stay
    _draw_digits(s, rng, 0, 2)
    _draw_digits(s, rng, 6, len(s.digits))


def _vehicle(s: _Shape, rng: random.Random) -> None:
    _draw_digits(s, rng, 0, len(s.digits))
    # the first two letters (the state code, or "BH" in a BH-series number) stay; the series is drawn
    _draw_letters(s, rng, range(2, len(s.letters)))


def _ifsc(s: _Shape, rng: random.Random) -> None:  # bank code and the 0 stay; branch drawn
    chars = str(s)
    branch = "".join(
        rng.choice(string.digits) if c.isdigit() else rng.choice(string.ascii_uppercase) for c in chars[5:]
    )
    s.chars = list(chars[:5] + (branch.lower() if chars[5:].islower() else branch))


def _mailbox(local: str, rng: random.Random) -> str:
    return "".join(
        rng.choice(string.ascii_lowercase) if c.isalpha() else rng.choice(string.digits) if c.isdigit() else c
        for c in local
    )


def _email(value: str, rng: random.Random) -> str:
    local, _, domain = value.rpartition("@")
    new = _mailbox(local, rng)
    if local.isupper():
        new = new.upper()
    keep = domain if domain.lower() in PUBLIC_MAIL else ("EXAMPLE.COM" if domain.isupper() else "example.com")
    return f"{new}@{keep}"


def _upi(value: str, rng: random.Random) -> str:
    handle, _, psp = value.rpartition("@")
    if ascii_digits(handle).isdigit() and len(handle) == 10:  # a mobile number as the handle
        s = _Shape(handle)
        _phone(s, rng)
        return f"{s}@{psp}"
    return f"{_mailbox(handle, rng)}@{psp}"


_SHAPED = {
    "aadhaar": _aadhaar,
    "phone": _phone,
    "card": _card,
    "pan": _pan,
    "gstin": _gstin,
    "voter": _voter,
    "passport": _passport,
    "dl": _dl,
    "vehicle": _vehicle,
    "ifsc": _ifsc,
}


def fake(kind: str, value: str, key: str) -> str:
    """A fake ``kind`` identifier in the format of ``value`` (never ``value`` itself)."""
    rng = _rng(kind, value, key)
    for _ in range(8):
        if kind == "email":
            out = _email(value, rng)
        elif kind == "upi":
            out = _upi(value, rng)
        else:
            shape = _Shape(value)
            _SHAPED[kind](shape, rng)
            out = str(shape)
        if out != value:
            return out
    return out
