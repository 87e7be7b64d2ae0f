"""tadka.lang: the Indic language core, one pack per language: Hindi (``hi``) and Tamil (``ta``);
every function takes ``pack=`` (see docs/languages.md, also for adding a pack).

* scripts and tokens: :func:`token_script`, :func:`tokenize`, :func:`normalize`
* transliteration: :func:`romanize` (Devanagari → Roman as people type it; :func:`romanize_variants`
  for the other spellings people use), :func:`to_native` (Roman → Devanagari by candidates and
  ranking on a real word-frequency list)
* language ID: :func:`analyze`, :func:`analyze_batch`, :func:`tag_tokens`, :func:`sentence_lang`;
  across packs: :func:`tadka.lang.detect.identify_batch` (en, hi-Deva, hi-Latn, ta-Taml, ta-Latn, other)
* code-mixing metrics: :mod:`tadka.lang.metrics` (CMI, Cu, Cc, M-index, I-index, entropy,
  burstiness, span entropy, memory, switch-point fraction)
* spelling variants: :func:`canonical_spelling`, :func:`normalize_spelling`

Importing this package is cheap: the lexicon is read and the fastText models are loaded (or trained
into the cache) on first use.
"""

from tadka.lang.analyze import Analysis, Analyzer, analyze, analyze_batch, get_analyzer, sentence_lang, tag_tokens
from tadka.lang.metrics import corpus_metrics, utterance_metrics
from tadka.lang.pack import LanguagePack, get_pack, packs
from tadka.lang.scripts import token_script
from tadka.lang.tags import SENTENCE_TAGS, WORD_TAGS
from tadka.lang.tokenize import normalize, tokenize
from tadka.lang.translit import romanize, romanize_variants, to_native
from tadka.lang.variants import canonical_spelling, normalize_spelling, spelling_variants

__all__ = [
    "SENTENCE_TAGS",
    "WORD_TAGS",
    "Analysis",
    "Analyzer",
    "LanguagePack",
    "analyze",
    "analyze_batch",
    "canonical_spelling",
    "corpus_metrics",
    "get_analyzer",
    "get_pack",
    "normalize",
    "normalize_spelling",
    "packs",
    "romanize",
    "romanize_variants",
    "sentence_lang",
    "spelling_variants",
    "tag_tokens",
    "to_native",
    "token_script",
    "tokenize",
    "utterance_metrics",
]
