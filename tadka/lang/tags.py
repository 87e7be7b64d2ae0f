"""The tag sets of language ID.

Word level (one tag per token):

* ``hi`` — a Hindi word, in Devanagari or Roman script (the pack's language; ``lang1``); with the
  Tamil pack, ``ta`` — a Tamil word in Tamil or Roman script. A word of the pack's own language is
  always tagged with the pack's code;
* ``en`` — an English word (``lang2``);
* ``ne`` — a named entity: a person, place, brand, app or organisation (language-independent);
* ``univ`` — punctuation, numbers (with units), emoji, URLs, e-mail, @mentions, #tags
  (language-independent);
* ``mixed`` — one token that mixes both languages: "phone-wala", "tension-free", "filmon";
* ``other`` — a word of a third language: any other script (Tamil, Bengali, Urdu/Arabic, CJK,
  Cyrillic …). Added to the shared tag set because a Tamil word is neither Hindi nor English, and
  calling it ``univ`` would make it vanish from the code-mixing metrics.

Sentence level: ``en``, ``hi-Deva`` (Hindi in Devanagari, English words allowed), ``hi-Latn``
(Romanised Hindi or Hinglish), ``ta-Taml`` and ``ta-Latn`` (Tamil in its script, and Romanised Tamil
or Tanglish), ``other`` (another language, or no language at all: an empty line, emoji only, numbers
only). A pack answers its own two tags, ``en`` or ``other``; :mod:`tadka.lang.detect` picks the pack.
"""

from __future__ import annotations

HI = "hi"
TA = "ta"
EN = "en"
NE = "ne"
UNIV = "univ"
MIXED = "mixed"
OTHER = "other"

WORD_TAGS = (HI, EN, NE, UNIV, MIXED, OTHER, TA)
LANGUAGE_INDEPENDENT = frozenset({NE, UNIV})

SENT_EN = "en"
SENT_HI_DEVA = "hi-Deva"
SENT_HI_LATN = "hi-Latn"
SENT_OTHER = "other"
SENT_TA_TAML = "ta-Taml"
SENT_TA_LATN = "ta-Latn"
SENTENCE_TAGS = (SENT_EN, SENT_HI_DEVA, SENT_HI_LATN, SENT_OTHER, SENT_TA_TAML, SENT_TA_LATN)
