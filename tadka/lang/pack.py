"""The language-pack interface: what one Indic language brings to tadka.lang.

A pack knows its native script, how to romanise and de-romanise its words, where its lexicon and
language-ID training text live under corpora/, and its frequent-word table. Hindi (``hi``) is the
first; Tamil and Bengali packs add a subclass and a ``packs.register`` line, with their own
corpora files, and everything downstream (LID, metrics, the CLI) works from the pack.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from tadka.lang import scripts
from tadka.lang.lexicon import Lexicon, load_lexicon
from tadka.registry import Registry

packs: Registry[LanguagePack] = Registry("language pack")


@dataclass
class LidFiles:
    """corpora/ paths of a pack's language-ID training text (see brief: corpora formats). ``chat`` and
    ``names`` may name several files (a tuple), read in order: the Tamil pack reads the shared tables'
    English and language-independent rows, then its own."""

    english: str = "lid/en.txt"
    roman: str = "lid/hi_latn.txt"
    native: str = "lid/hi_deva.txt"
    other: str = "lid/other.txt"
    tagged: str = "lid/mixed_tagged.conll"
    chat: str | tuple[str, ...] = "lid/chat_words.tsv"  # chat shorthand and slang: word, tag, fixed/open
    names: str | tuple[str, ...] = "lid/names.txt"  # named entities (gazetteer)
    function_words: str = "lid/function_words.tsv"  # per-language evidence for sentence ID
    # made by tadka's noise ops from the files above (python -m tadka.augment.text.lid_noise)
    noised_words: str = "lid/noised_words.tsv"
    noised_lines: str = "lid/noised_lines.tsv"

    def all(self) -> list[str]:
        return [
            self.english,
            self.roman,
            self.native,
            self.other,
            self.tagged,
            *paths(self.chat),
            *paths(self.names),
            self.noised_words,
            self.noised_lines,
            self.function_words,
        ]


def paths(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """One corpora path or several, as a tuple."""
    return (value,) if isinstance(value, str) else tuple(value)


MAX_RANKED_WORD = 40  # longer "words" are pasted blobs: kept as they are, never ranked


def _remember(memo: dict[str, str], key: str, value: str, limit: int = 200_000) -> None:
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value


@dataclass
class LanguagePack:
    """Base class; subclasses implement the two word-level transliterations."""

    code: str  # ISO 639-1: "hi"
    name: str  # "Hindi"
    script: str  # ISO 15924 of the native script: "Deva"
    bilingual: str = "lexicon/en_hi.tsv"
    variants: str = "lexicon/variants.tsv"
    lid: LidFiles = field(default_factory=LidFiles)
    # Share of the pack's words among its own + English words from which Roman text is the pack's
    # (hi-Latn, ta-Latn) rather than en (see tadka.lang.sentence)
    roman_share: float = 0.4
    # What teacher prompts call the Roman code-mix and how they describe it (the recipes read these)
    mix_name: str = "Hinglish"
    mix_style: str = (
        "Hindi grammar (postpositions, auxiliaries and verb endings in Hindi) with English content "
        'words where people really use them ("UPI PIN kabhi kisi ko share mat karo"). Use common '
        "spellings (hai, nahi, kya, mein), never ITRANS."
    )
    stopwords: str = (
        ""  # corpora list of the pack's function words for curate's stop-word rule ("": the built-in Hindi one)
    )
    light_verb: str = "karna"  # the verb of "noun + verb" verbs ("check karna"), as the lexicon writes it
    helpline_example: str = "apne bank ki helpline"  # what prompts suggest instead of an invented number
    sms: str = ""  # the pack's own chat-shorthand table, joined to the shared noise_tables/sms.tsv ("": none)

    @property
    def native_tag(self) -> str:
        """Sentence tag for native-script text: ``hi-Deva``."""
        return f"{self.code}-{self.script}"

    @property
    def roman_tag(self) -> str:
        """Sentence tag for Romanised text (code-mixed with English or not): ``hi-Latn``."""
        return f"{self.code}-Latn"

    @cached_property
    def lexicon(self) -> Lexicon:
        """The pack's bilingual lexicon (columns ``<code>_latn`` and ``<code>_<script>``) and variants."""
        return load_lexicon(self.bilingual, self.variants, f"{self.code}_latn", f"{self.code}_{self.script.lower()}")

    # word memos (a corpus repeats its words; bounded like the tagger's)
    _to_roman: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _to_native: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    # --- word level: memoised here, the script work in each pack's hooks ---
    def romanize_word(self, word: str) -> str:
        """One native-script word → the Roman spelling people type ("समझना" → "samajhna")."""
        hit = self._to_roman.get(word)
        if hit is None:
            hit = self.romanize_new(word)
            _remember(self._to_roman, word, hit)
        return hit

    def native_word(self, word: str) -> str:
        """One Roman word → native script: the best-ranked real word of the pack it can spell
        (:mod:`tadka.lang.native_index`: wordfreq's list and the lexicon, ranked by frequency and
        closeness of spelling), else the pack's rules (:meth:`native_rules`)."""
        hit = self._to_native.get(word)
        if hit is None:
            hit = self._native_word(word.lower())
            _remember(self._to_native, word, hit)
        return hit

    def _native_word(self, w: str) -> str:
        from tadka.lang.tokenize import deelongate

        w = deelongate(w)
        if not w.isascii() or not any(ch.isalpha() for ch in w):
            return w
        if "-" in w.strip("-"):  # khana-peena, dheere-dheere: word by word
            return "-".join(self._native_word(part) if part else part for part in w.split("-"))
        if len(w) > MAX_RANKED_WORD:  # no word is this long: a pasted blob, kept as it is
            return w
        return self.native_index.transliterate(self, w) or self.native_rules(w)

    def romanize_new(self, word: str) -> str:
        """:meth:`romanize_word` without the memo: the pack's own romaniser."""
        raise NotImplementedError

    def native_rules(self, roman: str) -> str:
        """A Roman word → native script by the pack's rules alone (the fallback of :meth:`native_word`)."""
        raise NotImplementedError

    def roman_key(self, word: str) -> str:
        """The key that the common Roman spellings of one word share (see native_index)."""
        raise NotImplementedError

    def roman_skeleton(self, key: str) -> str:
        """A key without its inner vowels, for texting spellings ("bht", "mjhe")."""
        raise NotImplementedError

    def roman_spellings(self, native: str) -> list[tuple[str, float]]:
        """(Roman spelling, cost in edits) of one native word, the one most people type first (cost 0)."""
        raise NotImplementedError

    def native_lattice(self, roman: str) -> list[list[tuple[str, float]]]:
        """The native spellings rules allow for a Roman word, as slots of (text, cost) alternatives,
        the rule's own choice first in each (see tadka.lang.charlm.best_path)."""
        raise NotImplementedError

    def romanize_variants(self, word: str) -> list[str]:
        """The Roman spellings of one native-script word, the one most people type first (for the
        spelling-variant tables and the augmenter: see tadka.lang.variants.spelling_variants)."""
        from tadka.lang.tokenize import normalize_indic

        return [s for s, _ in self.roman_spellings(normalize_indic(word))]

    def distance_form(self, roman: str) -> str:
        """A Roman spelling with differences that do not tell words apart folded, for edit distances
        (default: lowercase)."""
        return roman.lower()

    def native_prior(self, native: str) -> float:
        """Zipf points added to a native word's frequency when it competes as the reading of a Roman
        spelling (default: none)."""
        return 0.0

    # --- candidates and ranking, shared (tadka.lang.native_index) ---
    @property
    def frequency_language(self) -> str:
        """wordfreq's code for the pack's language (its native-script list)."""
        return self.code

    def native_vocabulary(self) -> Iterator[tuple[str, float]]:
        """(native word, Zipf frequency) of every native-script word of the frequency list; spellings
        that normalise to one word have their frequencies added."""
        from tadka.lang.frequency import zipf_table
        from tadka.lang.tokenize import normalize_indic

        totals: dict[str, float] = {}
        for word, z in zipf_table(self.frequency_language).items():
            if scripts.token_script(word) != self.script or not _native_run(self.script).fullmatch(word):
                continue
            norm = normalize_indic(word)
            totals[norm] = totals.get(norm, 0.0) + 10.0**z
        for word, f in totals.items():
            yield word, round(math.log10(f), 3)

    def curated_pairs(self) -> Iterator[tuple[str, str]]:
        """(Roman spelling, native word) pairs of the pack's own tables: one word on each side."""
        for roman, native in self.lexicon.roman_to_native.items():
            if " " not in roman and " " not in native and roman.isascii() and roman.isalpha():
                yield roman, native

    @cached_property
    def native_index(self):
        """The Roman → native candidates index (built or loaded on first use)."""
        from tadka.lang.native_index import load_or_build

        return load_or_build(self)

    def native_candidates(self, word: str, limit: int = 5) -> list[tuple[float, str]]:
        """(score, native word) readings of one Roman word, best first (see native_index)."""
        from tadka.lang.tokenize import deelongate

        return self.native_index.ranked(self, deelongate(word), limit)

    def code_version(self) -> str:
        """A hash of the pack's own modules: keys of caches built from its rules change with them."""
        import importlib
        from pathlib import Path

        module = importlib.import_module(type(self).__module__)
        path = Path(module.__file__ or "")
        files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
        h = hashlib.sha256()
        for f in files:
            h.update(f.read_bytes())
        return h.hexdigest()[:12]

    # --- text level, shared ---
    def romanize(self, text: str) -> str:
        """Native-script words of ``text`` → Roman; everything else (English, emoji, URLs) kept."""
        return _native_run(self.script).sub(lambda m: self.romanize_word(m.group(0)), text)

    def is_native(self, token: str) -> bool:
        return scripts.token_script(token) == self.script


_RUNS: dict[str, re.Pattern] = {}
# Letters and signs of each script, without its digits and dandas (those are not word characters).
_BLOCKS = {
    scripts.DEVA: "\u0900-\u0963\u0971-\u097f\ua8e0-\ua8ff",
    scripts.BENG: "\u0980-\u09e5\u09f0-\u09f1",
    scripts.TAML: "\u0b80-\u0be5",
}


def _native_run(script: str) -> re.Pattern:
    """A pattern for runs of one script's characters, joined by hyphens and joiners."""
    if script not in _RUNS:
        block = _BLOCKS[script]
        _RUNS[script] = re.compile(f"[{block}\u200c\u200d]+(?:-[{block}\u200c\u200d]+)*")
    return _RUNS[script]


def get_pack(code: str = "hi") -> LanguagePack:
    """The registered pack for a language code (unknown codes list the known ones)."""
    import tadka.lang.hi  # noqa: F401  (registers the Hindi pack)
    import tadka.lang.ta  # noqa: F401  (registers the Tamil pack)

    return packs.get(code)


def pack_codes() -> list[str]:
    """The codes of every registered pack, sorted ("hi", "ta")."""
    get_pack("hi")
    return packs.names()


def pack_of(lang: str | None, default: str = "hi") -> str:
    """The pack a Record's ``lang`` tag names: its first subtag that is a registered pack's code
    ("ta-Latn+en" → "ta", "hi-Deva" → "hi"); ``default`` for "en", "" or an unknown language."""
    codes = pack_codes()
    for part in (lang or "").replace("+", "-").split("-"):
        if part.lower() in codes:
            return part.lower()
    return default


def check_lang_tag(lang: str) -> str:
    """A project's ``lang`` tag, checked: each ``+`` part is ``en`` or ``<pack>-<script>`` of a
    registered pack in its Roman or native script ("ta-Latn+en", "hi-Deva"). ValueError otherwise."""
    parts = [p.strip() for p in lang.split("+")]
    for part in parts:
        if part == "en":
            continue
        code, _, script = part.partition("-")
        if code not in pack_codes():
            raise ValueError(f"{part!r}: no language pack {code!r} (packs: {', '.join(pack_codes())})")
        pack = get_pack(code)
        if script not in ("Latn", pack.script):
            raise ValueError(f"{part!r}: the {pack.name} pack writes Latn or {pack.script}")
    if not any(p != "en" for p in parts):
        raise ValueError(f"{lang!r}: name a language pack, e.g. hi-Latn+en or ta-Latn+en")
    return "+".join(parts)
