"""Which writing system a character or a token is in.

Language ID, transliteration and the tokenizer all branch on script first: a Devanagari word is
Hindi whatever it says, a Tamil word is never Hindi or English, and digits, emoji and punctuation
belong to no language. Codes are ISO 15924 where one exists (``Deva``, ``Latn``, ``Taml`` …); the
non-letter classes get plain names (``Digit``, ``Emoji``, ``Punct``), and a token whose letters come
from more than one script is ``Mixed``.

The table is written here rather than taken from ``unicodedata`` because the standard library has
no script property (only names and general categories), and the third-party ``regex`` module is not
a core dependency.
"""

from __future__ import annotations

import bisect
import unicodedata
from functools import lru_cache

DEVA = "Deva"
LATN = "Latn"
TAML = "Taml"
BENG = "Beng"
ARAB = "Arab"
HANI = "Hani"
KANA = "Kana"  # Hiragana and Katakana
HANG = "Hang"
GURU = "Guru"
GUJR = "Gujr"
ORYA = "Orya"
TELU = "Telu"
KNDA = "Knda"
MLYM = "Mlym"
SINH = "Sinh"
CYRL = "Cyrl"
GREK = "Grek"
HEBR = "Hebr"
THAI = "Thai"
DIGIT = "Digit"
EMOJI = "Emoji"
PUNCT = "Punct"  # punctuation and symbols (₹, +, %, …)
SPACE = "Space"
MARK = "Mark"  # joiners, variation selectors and other invisible format characters
MIXED = "Mixed"
OTHER = "Other"  # letters of a script not listed above

#: Scripts of the Indian subcontinent, for which indic-nlp-library has a normaliser.
INDIC = frozenset({DEVA, BENG, TAML, GURU, GUJR, ORYA, TELU, KNDA, MLYM, SINH})
#: Classes that carry no language: their tokens are ``univ`` for language ID.
NON_LETTER = frozenset({DIGIT, EMOJI, PUNCT, SPACE, MARK})

# (first, last, script), sorted by first code point; letters only (digits and emoji are checked
# before the table is consulted, so the Devanagari digits ०–९ are DIGIT, not DEVA).
_RANGES: list[tuple[int, int, str]] = sorted(
    [
        (0x0041, 0x005A, LATN),
        (0x0061, 0x007A, LATN),
        (0x00AA, 0x00AA, LATN),
        (0x00BA, 0x00BA, LATN),
        (0x00C0, 0x00D6, LATN),
        (0x00D8, 0x00F6, LATN),
        (0x00F8, 0x024F, LATN),
        (0x0250, 0x02AF, LATN),
        (0x1E00, 0x1EFF, LATN),
        (0xFF21, 0xFF3A, LATN),
        (0xFF41, 0xFF5A, LATN),
        (0x0300, 0x036F, MARK),
        (0x0370, 0x03FF, GREK),
        (0x1F00, 0x1FFF, GREK),
        (0x0400, 0x052F, CYRL),
        (0x0590, 0x05FF, HEBR),
        (0x0600, 0x06FF, ARAB),
        (0x0750, 0x077F, ARAB),
        (0x08A0, 0x08FF, ARAB),
        (0xFB50, 0xFDFF, ARAB),
        (0xFE70, 0xFEFF, ARAB),
        (0x0900, 0x097F, DEVA),
        (0xA8E0, 0xA8FF, DEVA),
        (0x1CD0, 0x1CFF, DEVA),
        (0x0980, 0x09FF, BENG),
        (0x0A00, 0x0A7F, GURU),
        (0x0A80, 0x0AFF, GUJR),
        (0x0B00, 0x0B7F, ORYA),
        (0x0B80, 0x0BFF, TAML),
        (0x11FC0, 0x11FFF, TAML),
        (0x0C00, 0x0C7F, TELU),
        (0x0C80, 0x0CFF, KNDA),
        (0x0D00, 0x0D7F, MLYM),
        (0x0D80, 0x0DFF, SINH),
        (0x0E00, 0x0E7F, THAI),
        (0x1100, 0x11FF, HANG),
        (0x3130, 0x318F, HANG),
        (0xAC00, 0xD7AF, HANG),
        (0x3040, 0x309F, KANA),
        (0x30A0, 0x30FF, KANA),
        (0x31F0, 0x31FF, KANA),
        (0xFF66, 0xFF9F, KANA),
        (0x2E80, 0x2FDF, HANI),
        (0x3005, 0x3007, HANI),
        (0x3400, 0x4DBF, HANI),
        (0x4E00, 0x9FFF, HANI),
        (0xF900, 0xFAFF, HANI),
        (0x20000, 0x323AF, HANI),
    ]
)
_STARTS = [r[0] for r in _RANGES]

# Emoji: pictographs, dingbats, regional indicators, keycap and the invisible parts of emoji
# sequences (variation selector 16, skin tones, tag characters). ZWJ (U+200D) is a MARK: it is emoji
# glue only between two emoji, and the tokenizer decides that.
_EMOJI_RANGES: list[tuple[int, int]] = [
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x2300, 0x23FF),
    (0x1F1E6, 0x1F1FF),
    (0xE0020, 0xE007F),
    (0x20E3, 0x20E3),
    (0xFE0F, 0xFE0F),
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
]


def _is_emoji(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


@lru_cache(maxsize=65536)
def char_script(ch: str) -> str:
    """The script class of one character (see the module constants)."""
    cp = ord(ch)
    if ch.isspace():
        return SPACE
    if _is_emoji(cp):
        return EMOJI
    cat = unicodedata.category(ch)
    if cat == "Nd" or cat == "No" and ch.isdigit():
        return DIGIT
    i = bisect.bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _RANGES[i][1]:
        script = _RANGES[i][2]
        # Danda, double danda and the abbreviation sign sit in the Devanagari block but are
        # punctuation; combining marks keep their block's script (a matra is Devanagari).
        if cat[0] in "PS":
            return PUNCT
        return script
    if cat[0] in "PS":
        return PUNCT
    if cat in ("Cf", "Mn", "Me", "Cc", "Zl", "Zp"):
        return MARK
    return OTHER


@lru_cache(maxsize=262144)
def token_script(token: str) -> str:
    """The script of a token: its letters' script, ``Mixed`` when letters of two scripts meet.

    A token with no letters is ``Digit`` if it has a digit, else ``Emoji`` if it has an emoji,
    else ``Punct``; an empty token is ``Space``. Letters decide over digits, so ``5kg`` is ``Latn``:
    the tokenizer's kind (number with unit) is what makes it language-independent.
    """
    if not token:
        return SPACE
    letters: set[str] = set()
    has_digit = has_emoji = has_punct = False
    for ch in token:
        s = char_script(ch)
        if s == DIGIT:
            has_digit = True
        elif s == EMOJI:
            has_emoji = True
        elif s == PUNCT:
            has_punct = True
        elif s not in (SPACE, MARK):
            letters.add(s)
    if len(letters) == 1:
        return next(iter(letters))
    if letters:
        return MIXED
    if has_digit:
        return DIGIT
    if has_emoji:
        return EMOJI
    if has_punct:
        return PUNCT
    return MARK


def letter_scripts(token: str) -> dict[str, int]:
    """How many characters of each writing system a token has (letters and their vowel signs;
    digits, emoji, punctuation and joiners left out)."""
    counts: dict[str, int] = {}
    for ch in token:
        s = char_script(ch)
        if s not in NON_LETTER:
            counts[s] = counts.get(s, 0) + 1
    return counts
