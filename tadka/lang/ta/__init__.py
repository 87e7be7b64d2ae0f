"""The Tamil pack: Tamil script ↔ Roman Tamil (Tanglish), the lexicon first, then rules.

Everything language-independent — the tagger, sentence ID, the candidates-and-ranking index, the
fastText models — is shared with Hindi (:mod:`tadka.lang.lid`, :mod:`tadka.lang.native_index`); this
package holds what is Tamil: the romaniser (:mod:`.romanize`), the spelling keys and variants
(:mod:`.spelling`), the Roman → Tamil lattice (:mod:`.lattice`), and the names of its corpora files.
wordfreq's Tamil list (68,000 words from Wikipedia, subtitles, news and social media, colloquial forms
such as இருக்கு, பண்ற, போறேன் among them) ranks the Tamil words a Roman spelling can stand for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tadka.lang import scripts
from tadka.lang.pack import LanguagePack, LidFiles, packs
from tadka.lang.ta.lattice import tamil_lattice, tamil_rules
from tadka.lang.ta.romanize import romanize_word as _romanize_word
from tadka.lang.ta.spelling import distance_form, native_prior, roman_key, roman_skeleton, roman_spellings
from tadka.lang.tokenize import normalize_indic

_DIGITS = str.maketrans({chr(0x0BE6 + i): str(i) for i in range(10)})


def _tamil_lid_files() -> LidFiles:
    """The Tamil pack's corpora files: its own under lid/ta/, English text and the shared chat-word
    and names tables (their English and language-independent rows) with its own after them."""
    return LidFiles(
        english="lid/en.txt",
        roman="lid/ta/ta_latn.txt",
        native="lid/ta/ta_taml.txt",
        other="lid/ta/other.txt",
        tagged="lid/ta/mixed_tagged.conll",
        chat=("lid/chat_words.tsv", "lid/ta/chat_words.tsv"),
        names=("lid/names.txt", "lid/ta/names.txt"),
        function_words="lid/ta/function_words.tsv",
        noised_words="lid/ta/noised_words.tsv",
        noised_lines="lid/ta/noised_lines.tsv",
    )


@dataclass
class TamilPack(LanguagePack):
    code: str = "ta"
    name: str = "Tamil"
    script: str = scripts.TAML
    bilingual: str = "lexicon/en_ta.tsv"
    variants: str = "lexicon/variants_ta.tsv"
    lid: LidFiles = field(default_factory=_tamil_lid_files)
    # Tanglish keeps Tamil grammar under many English nouns ("PMFBY crop insurance benefits ah short ah
    # sollunga"): chosen on the Tanglish and English sides of corpora/seeds/tasks_ta.jsonl (0.25 calls
    # 397 of 398 Tanglish sides ta-Latn and none of the English ones), never on the gold sets
    roman_share: float = 0.25
    sms: str = "noise_tables/sms_ta.tsv"  # Tanglish shorthand ("epdi", "rmba"), for the noise ops
    stopwords: str = "lid/ta/stopwords.txt"
    light_verb: str = "pannu"  # "padhivu pannu" (register), "check pannunga"
    mix_name: str = "Tanglish"
    helpline_example: str = "unga bank helpline"
    mix_style: str = (
        "Tamil grammar (case endings -la, -ku, -oda, verbs such as pannunga, irukku, venum) with "
        'English content words where people really use them ("UPI PIN ah yaar kittayum share '
        'pannaadheenga"). Use common spellings (enna, epdi, romba, illa, vandhu), never ISO 15919.'
    )

    def romanize_new(self, word: str) -> str:
        """One Tamil word → the Roman spelling people type ("வணக்கம்" → "vanakkam")."""
        return _romanize_word(normalize_indic(word), self.lexicon.native_to_roman.get)

    def romanize(self, text: str) -> str:
        """Tamil in ``text`` → Roman; Tamil digits become ASCII."""
        return super().romanize(text).translate(_DIGITS)

    def native_rules(self, roman: str) -> str:
        return tamil_rules(roman)

    def native_lattice(self, roman: str) -> list[list[tuple[str, float]]]:
        return tamil_lattice(roman)

    # --- spelling keys (tadka.lang.ta.spelling) ---
    def roman_key(self, word: str) -> str:
        return roman_key(word)

    def roman_skeleton(self, key: str) -> str:
        return roman_skeleton(key)

    def roman_spellings(self, native: str) -> list[tuple[str, float]]:
        return roman_spellings(native, self.romanize_word(native))

    def distance_form(self, roman: str) -> str:
        return distance_form(roman)

    def native_prior(self, native: str) -> float:
        return native_prior(native)


packs.register("ta")(TamilPack())
