"""The batch API other stages call: text → tokens, word tags, sentence language, CMI.

``analyze_batch`` is built for millions of records on one core: the tokenizer is one compiled
regular expression, word tags come from a per-word memo, unknown words of a whole batch go to the
fastText model in one call, and CMI and switch points are counted in the same pass over the tags.
Nothing heavy happens at import: the lexicon is read and the models are loaded (or trained) on
the first call.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import ne

from tadka.lang.lid import WordTagger
from tadka.lang.metrics import UtteranceMetrics, utterance_metrics
from tadka.lang.pack import LanguagePack, get_pack
from tadka.lang.sentence import SentenceIdentifier, sentence_counts
from tadka.lang.tags import EN, HI, MIXED, OTHER
from tadka.lang.tokenize import tokenize


@dataclass(slots=True)
class Analysis:
    """What language ID found in one text."""

    text: str
    tokens: list[str]
    tags: list[str]
    lang: str  # sentence tag: en, hi-Deva, hi-Latn or other
    cmi: float  # Das & Gambäck (2014), 0–100
    switch_points: int

    def metrics(self) -> UtteranceMetrics:
        """Every utterance-level code-mixing metric (see :mod:`tadka.lang.metrics`)."""
        return utterance_metrics(self.tags)

    def to_dict(self) -> dict:
        return {"tokens": self.tokens, "tags": self.tags, "lang": self.lang, "cmi": self.cmi}


def cmi_and_switches(tags: Sequence[str], own: str = HI) -> tuple[float, int]:
    """CMI and switch points of one tagged sentence (definitions of :mod:`tadka.lang.metrics`),
    counted with list methods so that a monolingual sentence costs a few C-level passes. ``own`` is
    the tag of the pack's language."""
    n_hi, n_en, n_other = tags.count(own), tags.count(EN), tags.count(OTHER)
    n_lang = n_hi + n_en + n_other + tags.count(MIXED)
    if n_lang == 0:
        return 0.0, 0
    top = max(n_hi, n_en, n_other)
    cmi = 100.0 * (1.0 - top / n_lang)
    if top == n_hi + n_en + n_other:  # one language (plus mixed words): no switch
        return cmi, 0
    langs = (own, EN, OTHER)
    stream = [t for t in tags if t in langs]
    return cmi, sum(map(ne, stream, stream[1:]))


def _text(x) -> str:
    """Whatever a caller passes becomes a string (None → ''), so a bad record never raises."""
    if isinstance(x, str):
        return x
    if x is None:
        return ""
    if isinstance(x, bytes):
        return x.decode("utf-8", errors="replace")
    return str(x)


class Analyzer:
    """Tokenizer, word tagger and sentence identifier of one language pack."""

    def __init__(self, pack: LanguagePack | str = "hi") -> None:
        self.pack = get_pack(pack) if isinstance(pack, str) else pack
        self.tagger = WordTagger(self.pack)
        self.sentences = SentenceIdentifier(self.tagger)

    def warm(self) -> Analyzer:
        """Load (or build) every model and table now rather than on the first call: the fastText
        models, the lexicon, the function-word table and the pack's native-word index."""
        tagger = self.tagger
        _ = (tagger.model, tagger.lexicon, tagger.data.function_words, self.pack.native_index, self.sentences.model)
        return self

    def tag_tokens(self, tokens: Sequence[str]) -> list[str]:
        """Word tags for a given token sequence (e.g. a gold tokenisation)."""
        return self.tagger.tag_tokens([_text(t) for t in tokens])

    def sentence_lang(self, tokens: Sequence[str], tags: Sequence[str] | None = None) -> str:
        if tags is None:
            tags = self.tag_tokens(tokens)
        return self.sentences.identify(tokens, tags)

    def analyze(self, text: str) -> Analysis:
        return self.analyze_batch([text])[0]

    def analyze_batch(self, texts: Iterable[str]) -> list[Analysis]:
        """Analyse many texts; unknown words and unfamiliar sentences of the whole batch go to the
        fastText models in one call each."""
        texts = [_text(t) for t in texts]
        token_lists = [tokenize(t) for t in texts]
        tagger = self.tagger
        tagger.learn_batch(token_lists)
        decide = self.sentences.decide
        own = self.pack.code
        results: list[tuple] = []
        decisions: list[str] = []
        counts: list[tuple[float, float]] = []
        for tokens in token_lists:
            entries, tags = tagger.tag_entries(tokens)
            stats = sentence_counts(entries, tags, own)
            decisions.append(decide(*stats))
            counts.append(stats[4:6])
            cmi, switches = cmi_and_switches(tags, own)
            results.append((tokens, tags, cmi, switches))
        self.sentences.settle(decisions, token_lists, counts)
        return [
            Analysis(text, tokens, tags, lang, cmi, switches)
            for text, (tokens, tags, cmi, switches), lang in zip(texts, results, decisions)
        ]


_ANALYZERS: dict[str, Analyzer] = {}
_LOCK = threading.Lock()


def get_analyzer(pack: str = "hi") -> Analyzer:
    """The shared analyzer of a pack (created once per process)."""
    analyzer = _ANALYZERS.get(pack)
    if analyzer is None:
        with _LOCK:
            analyzer = _ANALYZERS.get(pack) or Analyzer(pack)
            _ANALYZERS[pack] = analyzer
    return analyzer


def analyze(text: str, pack: str = "hi") -> Analysis:
    """Tokens, word tags, sentence language and CMI of one text."""
    return get_analyzer(pack).analyze(text)


def analyze_batch(texts: Iterable[str], pack: str = "hi") -> list[Analysis]:
    """:func:`analyze` over many texts, with the unknown words of the batch tagged together."""
    return get_analyzer(pack).analyze_batch(texts)


def tag_tokens(tokens: Sequence[str], pack: str = "hi") -> list[str]:
    """Word tags for an existing tokenisation (one tag per token)."""
    return get_analyzer(pack).tag_tokens(tokens)


def sentence_lang(text: str, pack: str = "hi") -> str:
    """Sentence tag of one text: en, hi-Deva, hi-Latn or other."""
    return analyze(text, pack).lang
