"""The language-pack interface: what one Indic language brings to tadka.lang.

A pack knows its native script, how to romanise and de-romanise its words, where its lexicon and
language-ID training text live under corpora/, and its frequent-word table. Hindi (``hi``) is the
first; Tamil and Bengali packs add a subclass and a ``packs.register`` line, with their own
corpora files, and everything downstream (LID, metrics, the CLI) works from the pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from tadka.lang import scripts
from tadka.lang.lexicon import Lexicon, load_lexicon
from tadka.registry import Registry

packs: Registry[LanguagePack] = Registry("language pack")


@dataclass
class LidFiles:
    """corpora/ paths of a pack's language-ID training text (see brief: corpora formats)."""

    english: str = "lid/en.txt"
    roman: str = "lid/hi_latn.txt"
    native: str = "lid/hi_deva.txt"
    other: str = "lid/other.txt"
    tagged: str = "lid/mixed_tagged.conll"

    def all(self) -> list[str]:
        return [self.english, self.roman, self.native, self.other, self.tagged]


@dataclass
class LanguagePack:
    """Base class; subclasses implement the two word-level transliterations."""

    code: str  # ISO 639-1: "hi"
    name: str  # "Hindi"
    script: str  # ISO 15924 of the native script: "Deva"
    bilingual: str = "lexicon/en_hi.tsv"
    variants: str = "lexicon/variants.tsv"
    lid: LidFiles = field(default_factory=LidFiles)

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
        return load_lexicon(self.bilingual, self.variants)

    # --- word level, implemented by each pack ---
    def romanize_word(self, word: str) -> str:
        raise NotImplementedError

    def native_word(self, word: str) -> str:
        raise NotImplementedError

    # --- text level, shared ---
    def romanize(self, text: str) -> str:
        """Native-script words of ``text`` → Roman; everything else (English, emoji, URLs) kept."""
        return _native_run(self.script).sub(lambda m: self.romanize_word(m.group(0)), text)

    def is_native(self, token: str) -> bool:
        return scripts.token_script(token) == self.script


_RUNS: dict[str, re.Pattern] = {}
# Letters and signs of each script, without its digits and dandas (those are not word characters).
_BLOCKS = {
    scripts.DEVA: "\u0900-\u0963\u0971-\u097F\uA8E0-\uA8FF",
    scripts.BENG: "\u0980-\u09E5\u09F0-\u09F1",
    scripts.TAML: "\u0B80-\u0BE5",
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

    return packs.get(code)
