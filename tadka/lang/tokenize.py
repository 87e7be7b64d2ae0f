"""Text normalisation and a tokenizer for chat-style Hinglish.

Why our own regular expression instead of ``indicnlp.tokenize.indic_tokenize.trivial_tokenize``:
that tokenizer splits every punctuation character, so ``https://x.in`` becomes six tokens, ``@me``
and ``#tag`` lose their sigil, ``don't`` becomes three tokens and emoji sequences fall apart. Social
text needs those kept whole (they are ``univ`` for language ID and they must not count as words in
the code-mixing metrics). indic-nlp-library is still what normalises Indic-script tokens (nukta,
chandrabindu and vowel-sign variants, stray joiners): see :func:`normalize_indic`.

The pattern is compiled once at import and applied once per distinct whitespace-separated chunk
(memoised), because :func:`tokenize` runs on millions of records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tadka.lang import scripts

# Characters that carry no text and break matching: zero-width space, BOM, word joiner, soft hyphen,
# left-to-right/right-to-left marks. ZWJ/ZWNJ are handled separately (they glue emoji sequences).
_INVISIBLE = re.compile("[\u200b\ufeff\u2060\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JOINERS = "\u200c\u200d"

# A letter of any script, or a combining mark that belongs inside a word (matras, virama, nukta,
# harakat, accents), or a joiner. ``\w`` alone misses combining marks: "हिंदी" would fall apart.
_WCH = (
    r"[\w\u0300-\u036F\u0483-\u0489\u0591-\u05C7\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED"
    r"\u0900-\u0963\u0971-\u0DFF\u0E31\u0E34-\u0E3A\u0E47-\u0E4E\u1CD0-\u1CFF\uA8E0-\uA8FF"
    r"\u3099\u309A\u200C\u200D]"
)
# Units written after a number, with or without a space ("5 kg", "5kg"); the second list only when
# attached ("10th", "4G", "2x"), because "2 x 3" or "1 st…" are not one token.
UNIT_WORDS = frozenset(
    [
        "kg",
        "kgs",
        "gm",
        "gms",
        "g",
        "mg",
        "km",
        "kms",
        "cm",
        "mm",
        "m",
        "l",
        "ml",
        "ltr",
        "ltrs",
        "litre",
        "litres",
        "liter",
        "liters",
        "rs",
        "inr",
        "gb",
        "mb",
        "kb",
        "tb",
        "mbps",
        "gbps",
        "am",
        "pm",
        "hr",
        "hrs",
        "min",
        "mins",
        "sec",
        "secs",
        "%",
        "°c",
        "°f",
        "kmph",
        "km/h",
    ]
)
_UNITS = "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True))
_ATTACHED_UNITS = r"st|nd|rd|th|x|k|g|lakh|cr|s"  # ... and decades: "90s"
_EMOJI_CHAR = r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\u00A9\u00AE\u203C\u2049\u2122\u2139\u3030\u303D\u3297\u3299]"
_EMOJI_MOD = r"[\uFE0F\U0001F3FB-\U0001F3FF\U000E0020-\U000E007F]"

_PATTERNS = [
    # URLs with a scheme or www., and bare domains with a common top-level domain
    r"(?:https?://|www\.)[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}]",
    (
        r"(?<![\w@.])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:com|in|org|net|gov|edu|co|io|ai|app|info|nic)"
        r"(?:/[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}])?(?![\w.])"
    ),
    # e-mail, @mention, #tag
    r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
    rf"@{_WCH}+",
    rf"#{_WCH}+",
    # keycap and flag emoji, then emoji sequences glued with ZWJ
    r"[0-9#*]\uFE0F?\u20E3",
    r"[\U0001F1E6-\U0001F1FF]{2}",
    rf"{_EMOJI_CHAR}{_EMOJI_MOD}*(?:\u200D{_EMOJI_CHAR}{_EMOJI_MOD}*)*",
    # money and numbers with units: ₹500, Rs. 1,200, 5kg, 2.5 GB, 10:30, 4G, 10th, 100%
    rf"(?:(?:₹|\$|€|£|(?<![A-Za-z])(?:Rs|INR|USD)\.?)\s?)?\d+(?:[.,:/]\d+)*(?:\s?(?:{_UNITS})(?![A-Za-z])|(?:{_ATTACHED_UNITS})(?![A-Za-z]))?",
    # text emoticons: :) ;-P :'( <3, the metal horns [\m/], Facebook's thumbs-up (y), and the
    # eastern ^_^ -_- >_< T_T
    r"(?:[:;=][-'^]?[()\[\]DPpO/\\|*3]+|<3|\[?\\m/\]?|\([yY]\)|[-^>T;][_.][-^<T;])(?!\w)",
    # words, with contractions (don't, I'm) and hyphen compounds (phone-wala) kept whole
    rf"{_WCH}+(?:['’]{_WCH}+)*(?:-{_WCH}+(?:['’]{_WCH}+)*)*",
    # runs of the same sentence punctuation stay one token ("...", "!!!", "?!")
    r"\.{2,}|[!?]{2,}|-{2,}|…",
    r"\S",
]
TOKEN_RE = re.compile("|".join(_PATTERNS), re.IGNORECASE)


def normalize(text: str) -> str:
    """NFC, invisible characters removed, whitespace kept as it is (cheap on ASCII)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    return text


# indic-nlp-library language codes for the scripts it normalises (one normaliser per script).
_INDIC_LANG = {
    scripts.DEVA: "hi",
    scripts.BENG: "bn",
    scripts.TAML: "ta",
    scripts.GURU: "pa",
    scripts.GUJR: "gu",
    scripts.ORYA: "or",
    scripts.TELU: "te",
    scripts.KNDA: "kn",
    scripts.MLYM: "ml",
}
_normalizers: dict[str, object] = {}


def _normalizer(lang: str):
    if lang not in _normalizers:
        from indicnlp.normalize.indic_normalize import IndicNormalizerFactory

        _normalizers[lang] = IndicNormalizerFactory().get_normalizer(lang)
    return _normalizers[lang]


@lru_cache(maxsize=262144)
def normalize_indic(token: str) -> str:
    """Normalise one Indic-script token with indic-nlp-library (its script's normaliser).

    It folds the Unicode variants of one spelling into one (two-part vowel signs, nukta forms,
    chandra variants) and removes ZWJ/ZWNJ. Only ever applied to a single token: on whole lines
    it would also delete the ZWJ inside emoji sequences.
    """
    lang = _INDIC_LANG.get(scripts.token_script(token))
    if lang is None:
        return token
    return _normalizer(lang).normalize(token)


def _clean(token: str) -> str:
    """Strip joiners from a word (they only steer rendering); keep them inside emoji sequences."""
    if token[0] in _JOINERS or token[-1] in _JOINERS or scripts.token_script(token) != scripts.EMOJI:
        return token.replace("\u200c", "").replace("\u200d", "")
    return token


def _chunk_tokens(chunk: str) -> tuple[str, ...]:
    """Tokens of one whitespace-free chunk."""
    if chunk.isalpha() and chunk.isascii():
        return (chunk,)
    tokens = TOKEN_RE.findall(chunk)
    if "\u200c" in chunk or "\u200d" in chunk:
        tokens = [t for t in map(_clean, tokens) if t]
    return tuple(tokens)


_CHUNKS: dict[str, tuple[str, ...]] = {}
_CHUNK_CACHE_MAX = 500_000
_HAS_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_CURRENCY_WORDS = frozenset({"rs", "inr", "usd", "₹", "$", "€", "£"})


def _join_across_spaces(tokens: list[str]) -> list[str]:
    """Re-join what the pattern keeps whole across one space: "5 kg", "Rs. 500", "₹ 20"."""
    # Most tokens are neither a currency word (all of them three characters or fewer) nor start
    # with a digit (every number does): cheap tests on the characters first, the regular
    # expression only for the few that pass (this loop runs over every token of a line with a digit).
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if len(tok) <= 3 and i + 1 < n and tok.lower() in _CURRENCY_WORDS:
            low = tok.lower()
            j = i + 2 if tokens[i + 1] == "." and low.isalpha() and i + 2 < n else i + 1
            if tokens[j][:1].isdigit():
                tok = tok + ("." if j == i + 2 else "") + " " + tokens[j]
                i = j
        last = tok.rsplit(" ", 1)[-1] if " " in tok else tok
        if i + 1 < n and last[:1].isdigit() and _NUMBER.fullmatch(last) and tokens[i + 1].lower() in UNIT_WORDS:
            tok = tok + " " + tokens[i + 1]
            i += 1
        out.append(tok)
        i += 1
    return out


def tokenize(text: str) -> list[str]:
    """Split text into tokens; URLs, @mentions, #tags, numbers with units, emoji and contractions
    stay whole. Never raises: any string (empty, emoji only, mixed scripts) gives a list.

    Text is split at whitespace first and each distinct chunk is tokenized once (memoised), which
    is what makes a corpus of millions of lines affordable.
    """
    if not text:
        return []
    text = normalize(text)
    cache = _CHUNKS
    out: list[str] = []
    for chunk in text.split():
        toks = cache.get(chunk)
        if toks is None:
            toks = _chunk_tokens(chunk)
            if len(cache) >= _CHUNK_CACHE_MAX:
                cache.clear()
            cache[chunk] = toks
        out += toks
    if len(out) > 1 and _HAS_DIGIT.search(text):
        out = _join_across_spaces(out)
    return out


_RUN3 = re.compile(r"([^\W\d_])\1{2,}")


def deelongate(word: str) -> str:
    """A word with its stretched letters back to one ("bhaiiii" → "bhai", "plzzz" → "plz").

    A letter three or more times in a row is emphasis, not spelling (no English or Roman Hindi word
    has one); doubled letters stay ("yaar", "pakka"). Callers that know the word list try the
    doubled form too (:func:`elongation_forms`).
    """
    return _RUN3.sub(r"\1", word) if len(word) > 2 else word


def elongation_forms(word: str) -> tuple[str, ...]:
    """The spellings a stretched word may stand for: runs cut to one letter and to two
    ("yaaaar" → "yar", "yaar"); ``()`` when the word is not stretched."""
    if len(word) < 3 or not _RUN3.search(word):
        return ()
    one = _RUN3.sub(r"\1", word)
    two = _RUN3.sub(r"\1\1", word)
    return (one, two) if one != two else (one,)


_KIND_PATTERNS = [
    ("url", re.compile("|".join(_PATTERNS[:2]), re.IGNORECASE)),
    ("email", re.compile(_PATTERNS[2])),
    ("emoji", re.compile("|".join(_PATTERNS[5:8]))),
    ("mention", re.compile(_PATTERNS[3])),
    ("hashtag", re.compile(_PATTERNS[4])),
    ("number", re.compile(_PATTERNS[8], re.IGNORECASE)),
    ("emoticon", re.compile(_PATTERNS[9])),
]


@lru_cache(maxsize=262144)
def token_kind(token: str) -> str:
    """What a token is: url, email, mention, hashtag, number, emoji, emoticon, punct or word.

    Everything but ``word`` is language-independent (``univ`` for language ID).
    """
    for kind, pattern in _KIND_PATTERNS:
        if pattern.fullmatch(token):
            return kind
    script = scripts.token_script(token)
    if script == scripts.EMOJI:
        return "emoji"
    if script == scripts.DIGIT:
        return "number"
    if script in (scripts.PUNCT, scripts.MARK, scripts.SPACE):
        return "punct"
    return "word"
