"""The tag sets of language ID.

Word level (one tag per token):

* ``hi`` — a Hindi word, in Devanagari or Roman script (the pack's language; ``lang1``);
* ``en`` — an English word (``lang2``);
* ``ne`` — a named entity: a person, place, brand, app or organisation (language-independent);
* ``univ`` — punctuation, numbers (with units), emoji, URLs, e-mail, @mentions, #tags
  (language-independent);
* ``mixed`` — one token that mixes both languages: "phone-wala", "tension-free", "filmon";
* ``other`` — a word of a third language: any other script (Tamil, Bengali, Urdu/Arabic, CJK,
  Cyrillic …). Added to the shared tag set because a Tamil word is neither Hindi nor English, and
  calling it ``univ`` would make it vanish from the code-mixing metrics.

Sentence level: ``en``, ``hi-Deva`` (Hindi in Devanagari, English words allowed), ``hi-Latn``
(Romanised Hindi or Hinglish), ``other`` (another language, or no language at all: an empty line,
emoji only, numbers only).
"""

from __future__ import annotations

HI = "hi"
EN = "en"
NE = "ne"
UNIV = "univ"
MIXED = "mixed"
OTHER = "other"

WORD_TAGS = (HI, EN, NE, UNIV, MIXED, OTHER)
LANGUAGE_INDEPENDENT = frozenset({NE, UNIV})

SENT_EN = "en"
SENT_HI_DEVA = "hi-Deva"
SENT_HI_LATN = "hi-Latn"
SENT_OTHER = "other"
SENTENCE_TAGS = (SENT_EN, SENT_HI_DEVA, SENT_HI_LATN, SENT_OTHER)
