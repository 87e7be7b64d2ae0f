"""The noise tables under corpora/noise_tables/, read once per process.

Written for tadka by hand (see corpora/noise_tables/README.md): SMS shorthand, ASR homophones,
splits, merges and fillers, OCR confusions, emoji. Keys are lowercase; alternatives are
``|``-separated, most common first. Read through tadka.lang's corpora reader, so a wheel install
finds them too.
"""

from __future__ import annotations

from functools import lru_cache

from tadka.lang import resources

FOLDER = "noise_tables"


def _alts(cell: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in cell.split("|") if s.strip())


def _pairs(name: str, key: str, value: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for row in resources.read_tsv(f"{FOLDER}/{name}"):
        k = row.get(key, "").strip()
        alts = tuple(a for a in _alts(row.get(value, "")) if a != k)
        if k and alts:
            out[k] = alts
    return out


@lru_cache(maxsize=1)
def sms() -> dict[str, tuple[str, ...]]:
    """word → shorthands ("please" → pls, plz, plzz)."""
    return {k.lower(): v for k, v in _pairs("sms.tsv", "word", "shorthand").items()}


@lru_cache(maxsize=4)
def sms_for(pack: str = "hi") -> dict[str, tuple[str, ...]]:
    """The shorthand table of a language pack: the shared one, with the pack's own
    (``LanguagePack.sms``, e.g. noise_tables/sms_ta.tsv) joined in."""
    if pack == "hi":
        return sms()
    from tadka.lang.pack import get_pack

    own = get_pack(pack).sms
    if not own:
        return sms()
    out = dict(sms())
    for k, v in _pairs(own.removeprefix(f"{FOLDER}/"), "word", "shorthand").items():
        out[k.lower()] = v
    return out


@lru_cache(maxsize=1)
def homophones() -> dict[str, tuple[str, ...]]:
    """word → what a recogniser may write instead ("their" → there; "main" → mein)."""
    return {k.lower(): v for k, v in _pairs("homophones.tsv", "word", "confusions").items()}


@lru_cache(maxsize=1)
def splits() -> dict[str, tuple[str, ...]]:
    """word → the two-word form a recogniser may write ("whatsapp" → "whats app")."""
    return {k.lower(): v for k, v in _pairs("splits.tsv", "word", "split").items()}


@lru_cache(maxsize=1)
def merges() -> dict[tuple[str, str], str]:
    """(first, second) → one word ("ho", "gaya" → "hogaya")."""
    out: dict[tuple[str, str], str] = {}
    for row in resources.read_tsv(f"{FOLDER}/merges.tsv"):
        a, b, m = row.get("first", ""), row.get("second", ""), row.get("merged", "")
        if a and b and m:
            out[(a.lower(), b.lower())] = m
    return out


@lru_cache(maxsize=1)
def fillers() -> frozenset[str]:
    """Disfluencies a recogniser drops (um, uh, hmm)."""
    return frozenset(line.lower() for line in resources.read_lines(f"{FOLDER}/fillers.txt"))


@lru_cache(maxsize=1)
def ocr() -> dict[str, tuple[str, ...]]:
    """character sequence → what OCR may read instead ("rn" → m, "l" → 1, I; Devanagari "ख" → "रव")."""
    return _pairs("ocr.tsv", "from", "to")


@lru_cache(maxsize=1)
def emoji() -> dict[str, tuple[str, ...]]:
    """word → emoji that fit it ("thanks" → 🙏)."""
    return {k.lower(): v for k, v in _pairs("emoji.tsv", "word", "emoji").items()}


@lru_cache(maxsize=1)
def emoji_pool() -> tuple[str, ...]:
    """Emoji for words without one of their own."""
    return tuple(resources.read_lines(f"{FOLDER}/emoji_pool.txt"))
