"""Word frequencies of real text, from ``wordfreq`` (read once per language, on first use).

Why wordfreq: transliteration must choose between spellings that Roman script cannot tell apart
(आता "comes" and आटा "flour" are both "aata"; दर and डर both "dar"), and language ID must know
whether "insaan" or "mohabbat" is a Hindi word although no table of ours lists it. Both need to
know which words people actually write, and how often. wordfreq ships such lists for ~40 languages
(Hindi among them: 26,653 Devanagari words from Wikipedia, subtitles, news, books and social media),
built by its authors from several independent sources, which a hand-made table of ours could not
match. Its Hindi list is in Devanagari only; Roman Hindi reaches it through the pack's spelling keys
(:mod:`tadka.lang.native_index`).

Frequencies are given as Zipf values (log10 of occurrences per billion words: 7 for "के", 3 for a
word seen once per million words); a word that is not in the list is 0.
"""

from __future__ import annotations

import math
import pickle
import threading
from functools import lru_cache
from pathlib import Path

from tadka.atomic import write_bytes
from tadka.lang import resources

_LOCK = threading.Lock()


@lru_cache(maxsize=32)
def zipf_table(lang: str, wordlist: str = "small") -> dict[str, float]:
    """Word → Zipf frequency for one language ({} when wordfreq has no list for it).

    ``wordlist`` is wordfreq's "small" (words down to Zipf 3) or "large" (down to Zipf 1.5, only for
    some languages: English among them). Kept in the machine cache as a pickle, keyed by wordfreq's
    version: building English's large table from wordfreq's lists costs a third of a second in every
    process that tags a word (a `tadka curate` run spent a tenth of its time on its tables), reading
    it back a tenth of that.
    """
    with _LOCK:
        try:
            path = Path(resources.cache_dir()) / f"zipf-{lang}-{wordlist}-{version()}.pkl"
            with open(path, "rb") as f:
                table = pickle.load(f)
            if isinstance(table, dict):
                return table
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            pass  # missing or unreadable: built below
        table = _build_zipf_table(lang, wordlist)
        try:
            path = Path(resources.cache_dir()) / f"zipf-{lang}-{wordlist}-{version()}.pkl"
            write_bytes(path, pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only cache: built again next time
        return table


def _build_zipf_table(lang: str, wordlist: str) -> dict[str, float]:
    from wordfreq import available_languages, get_frequency_dict

    if lang not in available_languages(wordlist):
        return {}
    return {w: round(math.log10(f) + 9.0, 3) for w, f in get_frequency_dict(lang, wordlist).items() if f > 0}


def zipf(word: str, lang: str, wordlist: str = "small") -> float:
    """The Zipf frequency of one (lowercased) word, 0.0 when it is not listed."""
    return zipf_table(lang, wordlist).get(word, 0.0)


def top_words(lang: str, n: int) -> list[str]:
    """The ``n`` most frequent words of a language, most frequent first."""
    table = zipf_table(lang)
    return sorted(table, key=table.__getitem__, reverse=True)[:n]


def version() -> str:
    """wordfreq's version, part of every cache key built from its lists."""
    from importlib.metadata import version as dist_version

    return "wordfreq-" + dist_version("wordfreq")
