"""Training material for language ID, built from a pack's corpora files.

Three sources, each used for what it is good at (file names are the Hindi pack's; every pack names
its own in :class:`tadka.lang.pack.LidFiles`, and the pack's language is tagged with its code):

* the tagged sentences (lid/mixed_tagged.conll) give per-word tag counts — the priors of words
  that are both Hindi and English ("to", "me", "main", "do", "is") — and named entities;
* the lexicon (en_hi.tsv, variants.tsv) gives Roman Hindi spellings and English words; a Roman
  spelling identical to its English headword ("office", "time") is a loanword and counts as
  English, because that is how Hinglish text is tagged;
* the monolingual text files give vocabulary: English words from lid/en.txt (lowercase
  occurrences; words only ever capitalised there are names), Roman Hindi words from
  lid/hi_latn.txt that English text never uses, and the pack's romanisation of the words in
  lid/hi_deva.txt (so Hindi words written only in Devanagari still teach the character model).
  Their relative frequencies in the Roman Hindi and English files also tilt the prior of words
  that are both.

The same material trains the fastText character model for out-of-vocabulary words. Names below
say "own" for the pack's language (Hindi for ``hi``, Tamil for ``ta``).
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from tadka.lang import resources, scripts
from tadka.lang.frequency import zipf
from tadka.lang.pack import LanguagePack, paths
from tadka.lang.tokenize import tokenize

#: A romanised native word this frequent in English text is an English loanword ("alarm", "ticket").
ENGLISH_LOANWORD_ZIPF = 3.5
#: A word of another language's frequency list is evidence of that language only if it is rarer than
#: this in English and has no Hindi reading this good (see LidData.function_words).
FOREIGN_MAX_ENGLISH = 4.0
FOREIGN_MAX_HINDI = 4.5
_ALPHA = re.compile(r"^[a-z]+(?:['’][a-z]+)?$")


def _alpha(word: str) -> bool:
    return bool(_ALPHA.match(word))


def _text_counts(lines: list[str]) -> tuple[Counter, Counter]:
    """(lowercase word counts, counts of words written capitalised but not sentence-initially)."""
    lower: Counter = Counter()
    capital: Counter = Counter()
    for line in lines:
        for i, tok in enumerate(t for t in tokenize(line) if t[:1].isalpha()):
            if tok.islower():
                lower[tok] += 1
            elif i > 0:
                capital[tok] += 1
    return lower, capital


@dataclass
class LidData:
    """Vocabularies, priors and training lines for one pack (each computed on first use).

    ``tagged_sentences`` defaults to the pack's tagged corpus; passing other sentences (for
    cross-validation) also changes :attr:`fingerprint`, and with it the cached model's name.
    """

    pack: LanguagePack
    tagged_sentences: list[list[tuple[str, str]]] | None = None
    fingerprint: str = field(default="", init=False)

    def __post_init__(self) -> None:
        if self.tagged_sentences is None:
            self.tagged_sentences = resources.read_conll(self.pack.lid.tagged)
        else:
            h = hashlib.sha256(repr(self.tagged_sentences).encode()).hexdigest()[:8]
            self.fingerprint = f"cv{h}"

    @cached_property
    def tag_counts(self) -> dict[str, Counter]:
        """Lowercased word → Counter of its tags in the tagged sentences."""
        counts: dict[str, Counter] = {}
        for sent in self.tagged_sentences or []:
            for token, tag in sent:
                counts.setdefault(token.lower(), Counter())[tag] += 1
        return counts

    @cached_property
    def _english_text(self) -> tuple[Counter, Counter]:
        return _text_counts(resources.read_lines(self.pack.lid.english))

    @cached_property
    def _roman_text(self) -> tuple[Counter, Counter]:
        return _text_counts(resources.read_lines(self.pack.lid.roman))

    @cached_property
    def english_vocab(self) -> frozenset[str]:
        """English words: lowercase words of English text, the lexicon's English column and its
        loanwords, words tagged en."""
        lex = self.pack.lexicon
        lower, _ = self._english_text
        words = {w for w in lower if _alpha(w)} | lex.english_words | lex.loanwords
        words |= {w for w, c in self.tag_counts.items() if c["en"] > 0 and _alpha(w)}
        return frozenset(words)

    @cached_property
    def native_romanized(self) -> frozenset[str]:
        """The pack's romanisation of every native-script word of the native text file, except
        English words written in the native script (अलार्म "alarm", टिकट "ticket": frequent English
        words by wordfreq), which Roman-script text writes as English."""
        words: set[str] = set()
        for line in resources.read_lines(self.pack.lid.native):
            for tok in tokenize(line):
                if scripts.token_script(tok) == self.pack.script:
                    roman = self.pack.romanize_word(tok)
                    if _alpha(roman) and zipf(roman, "en") < ENGLISH_LOANWORD_ZIPF:
                        words.add(roman)
        return frozenset(words)

    @cached_property
    def lexicon_own(self) -> frozenset[str]:
        """Roman spellings of the pack's language in the lexicon and variant list, loanwords left out."""
        lex = self.pack.lexicon
        return frozenset(w for w in lex.roman_words if _alpha(w)) - lex.loanwords

    @cached_property
    def own_vocab(self) -> frozenset[str]:
        """Roman words of the pack's language: lexicon spellings and variants, words tagged with the
        pack's code, romanised native text (minus English words)."""
        own = self.pack.code
        words = set(self.lexicon_own)
        words |= {w for w, c in self.tag_counts.items() if c[own] > 0 and _alpha(w)}
        words |= self.native_romanized - self.english_vocab
        return frozenset(words)

    @cached_property
    def weak_own(self) -> frozenset[str]:
        """Words of the Roman Hindi text that English text and the lexicon never use as English.

        Mostly Hindi, but Hinglish text also carries English words the English file happens not
        to have ("tension", "spray"), so these only add a bonus to the character model's score.
        """
        lex = self.pack.lexicon
        english_lower, _ = self._english_text
        roman_lower, _ = self._roman_text
        return frozenset(
            w
            for w in roman_lower
            if _alpha(w)
            and w not in english_lower
            and w not in self.english_vocab
            and w not in self.own_vocab
            and w not in lex.loanwords
        )

    @cached_property
    def names(self) -> frozenset[str]:
        """Lowercased named entities: the names gazetteer (lid/names.txt), words tagged ne more than
        anything else, and words only ever written capitalised (not sentence-initially) in the
        English and Roman Hindi text. Some are also ordinary words ("raj", "amazon"): the tagger
        makes those names only where the line's casing says so."""
        own = self.pack.code
        out = {w for w, c in self.tag_counts.items() if c["ne"] > c[own] + c["en"]}
        lex = self.pack.lexicon
        ordinary = (lex.roman_words - lex.loanwords) | lex.english_words
        for lower, capital in (self._english_text, self._roman_text):
            out |= {w.lower() for w in capital if w.lower() not in lower and w[1:].islower()} - ordinary
        for rel in paths(self.pack.lid.names):
            out |= {line.lower() for line in resources.read_lines(rel) if not line.startswith("#") and " " not in line}
        return frozenset(out)

    @cached_property
    def function_words(self) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
        """Sentence-ID evidence (lid/function_words.tsv): (word → language, [(language, script,
        suffix or letter)]). Rows of kind ``wordfreq`` take that language's N most frequent words
        from wordfreq, less any word of the pack's own lexicon or chat table, any frequent English
        word and any spelling of a frequent Hindi word (a Roman Hindi word is no evidence of
        Malay, whatever wordfreq's Malay list says). A row of kind ``corpus`` takes the pack's own N
        most frequent Roman words from its training text (lid/hi_latn.txt); a row of kind ``pack``
        the same words of another registered pack (Tamil's for Hindi and Hindi's for Tamil, so that
        each pack knows Romanised text of the other for what it is), less anything this pack knows."""
        from tadka.lang.frequency import top_words

        words: dict[str, str] = {}
        suffixes: list[tuple[str, str, str]] = []
        known = set(self.own_vocab) | set(self.english_vocab) | set(self.chat_words)
        for row in resources.read_tsv(self.pack.lid.function_words):
            lang, script, kind, items = (row.get(k, "") for k in ("lang", "script", "kind", "items"))
            if not lang or not items:
                continue
            if kind == "word":
                for w in items.split():
                    words.setdefault(w.lower(), lang)
            elif kind == "suffix":
                suffixes += [(lang, script, x) for x in items.split()]
            elif kind == "corpus" and items.isdigit() and lang == self.pack.code:
                # the pack's own most frequent Roman words (its training text), English ones left out
                for w in self.top_roman_words(int(items)):
                    words[w] = lang
            elif kind == "pack" and items.isdigit() and lang != self.pack.code:
                from tadka.lang.pack import get_pack

                for w in LidData(get_pack(lang)).top_roman_words(int(items)):
                    if w not in known and len(w) > 1:
                        words.setdefault(w, lang)
            elif kind == "wordfreq" and items.isdigit():
                index = self.pack.native_index
                for w in top_words(lang, int(items)):
                    if (
                        len(w) > 1
                        and w.isalpha()
                        and w not in known
                        and zipf(w, "en") < FOREIGN_MAX_ENGLISH
                        and index.best_score(self.pack, w) < FOREIGN_MAX_HINDI
                    ):
                        words.setdefault(w, lang)
        return words, suffixes

    def top_roman_words(self, n: int) -> list[str]:
        """The pack's ``n`` most frequent Roman words of its training text that English text never
        uses (most frequent first)."""
        lower, _ = self._roman_text
        english_lower, _ = self._english_text
        ranked = [
            w for w, _ in lower.most_common() if _alpha(w) and w not in english_lower and w not in self.english_vocab
        ]
        return ranked[:n]

    def _suffix_row(self, kind: str) -> tuple[str, ...]:
        out: list[str] = []
        for row in resources.read_tsv(self.pack.lid.function_words):
            if row.get("kind") == kind and row.get("lang") == self.pack.code:
                out += [w.lower() for w in row.get("items", "").split()]
        return tuple(out)

    @cached_property
    def mixed_suffixes(self) -> tuple[str, ...]:
        """Suffixes of the pack's language that make a ``mixed`` word of an English stem (Hindi
        "filmon", "phonewala"; Tamil "officeku", "busla"): the ``mixedsuffix`` row, in order."""
        return self._suffix_row("mixedsuffix")

    @cached_property
    def english_suffixes(self) -> tuple[str, ...]:
        """English suffixes that make a ``mixed`` word of a stem of the pack's language ("parathas"):
        the ``ensuffix`` row."""
        return self._suffix_row("ensuffix")

    @cached_property
    def light_verbs(self) -> frozenset[str]:
        """Forms of the verbs that make compound verbs of a noun ("use karo", "check kiya", "late
        hua"): rows of kind ``lightverb`` in lid/function_words.tsv. The word before one is as often
        English as Hindi, so language ID does not count it as Hindi context for that word."""
        out: set[str] = set()
        for row in resources.read_tsv(self.pack.lid.function_words):
            if row.get("kind") == "lightverb" and row.get("lang") == self.pack.code:
                out.update(w.lower() for w in row.get("items", "").split())
        return frozenset(out)

    @cached_property
    def chat_words(self) -> dict[str, tuple[str, bool]]:
        """Chat shorthand and slang (lid/chat_words.tsv): word → (tag, whether context decides)."""
        out: dict[str, tuple[str, bool]] = {}
        for rel in paths(self.pack.lid.chat):  # later files speak last
            for row in resources.read_tsv(rel):
                word, tag = row.get("word", "").lower(), row.get("tag", "")
                if word and tag in (self.pack.code, "en", "univ", "ne"):
                    out[word] = (tag, row.get("kind", "fixed") == "open")
        return out

    def text_prior(self, word: str) -> float:
        """log of the word's rate in Roman Hindi text over its rate in English text, in ±2."""
        hi_counts, _ = self._roman_text
        en_counts, _ = self._english_text
        hi_total = sum(hi_counts.values()) or 1
        en_total = sum(en_counts.values()) or 1
        rate_hi = 1000.0 * hi_counts.get(word, 0) / hi_total
        rate_en = 1000.0 * en_counts.get(word, 0) / en_total
        return max(-2.0, min(2.0, math.log((rate_hi + 0.2) / (rate_en + 0.2))))

    def word_training_lines(self) -> list[str]:
        """``__label__hi word`` / ``__label__en word`` lines for the character model (the pack's
        code as the first label).

        Words in both vocabularies are left out (their character shape says nothing); each word
        appears once, so frequent words do not drown the rare ones the model is for; the chat-word
        table's fixed words and the noised spellings of lid/noised_words.tsv are added.
        """
        own = self.pack.code
        hi, en = set(self.own_vocab), set(self.english_vocab)
        for word, (tag, open_) in self.chat_words.items():
            if not open_ and _alpha(word):
                (hi if tag == own else en if tag == "en" else set()).add(word)
        lines = [f"__label__{own} {w}" for w in sorted(hi - en)]
        lines += [f"__label__en {w}" for w in sorted(en - hi)]
        # noised spellings of the same words, made by tadka's noise ops (lid/noised_words.tsv)
        for row in resources.read_tsv(self.pack.lid.noised_words):
            word, tag = row.get("word", ""), row.get("tag", "")
            if tag in (own, "en") and word and word not in hi and word not in en:
                lines.append(f"__label__{tag} {word}")
        return _shuffled(lines)

    def sentence_training_lines(self) -> list[str]:
        """One labelled line per sentence of the four monolingual files (lowercased); labels ``en``,
        ``<code>_latn``, ``<code>_native`` and ``other``."""
        lid, own = self.pack.lid, self.pack.code
        out: list[str] = []
        for label, rel in (
            ("en", lid.english),
            (f"{own}_latn", lid.roman),
            (f"{own}_native", lid.native),
            ("other", lid.other),
        ):
            for line in resources.read_lines(rel):
                out.append(f"__label__{label} " + " ".join(tokenize(line.lower())))
        for row in resources.read_tsv(lid.noised_lines):  # the same lines through tadka's noise ops
            if row.get("label") in ("en", f"{own}_latn") and row.get("text"):
                out.append(f"__label__{row['label']} " + " ".join(tokenize(row["text"].lower())))
        return _shuffled(out)


def _shuffled(lines: list[str]) -> list[str]:
    """Training lines in a fixed random order. fastText reads its input in order and never shuffles,
    so lines grouped by label (all Hindi words, then all English ones) leave a model that leans to
    the label it saw last, and is sure of it."""
    out = list(lines)
    random.Random(0).shuffle(out)
    return out


def training_code_version(pack: LanguagePack) -> str:
    """A hash of the code that shapes the training text (these modules and the pack's own), so that
    changing a rule retrains the cached models instead of loading ones built from the old text."""
    import importlib
    from pathlib import Path

    files = [
        Path(str(importlib.import_module(name).__file__))
        for name in ("tadka.lang.lid_data", "tadka.lang.lexicon", "tadka.lang.tokenize")
    ]
    pack_module = importlib.import_module(type(pack).__module__)
    if pack_module.__file__ and Path(pack_module.__file__).name == "__init__.py":
        files += sorted(Path(pack_module.__file__).parent.glob("*.py"))
    h = hashlib.sha256()
    for path in files:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]
