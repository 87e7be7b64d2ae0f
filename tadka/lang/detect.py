"""Sentence ID across every language pack: ``en``, ``hi-Deva``, ``hi-Latn``, ``ta-Taml``, ``ta-Latn`` or
``other``.

Each pack's analyzer answers only its own two tags, ``en`` or ``other`` (:mod:`tadka.lang.sentence`),
and a pack's word tagger, which knows only its own language and English, tags any unfamiliar Roman
word as its own: to the Hindi pack "vaanga padam" looks like Hindi. So the packs are asked side by
side and the sentence goes to the pack whose *known* words it holds most of:

* a pack that finds its native script dominant (``hi-Deva``, ``ta-Taml``) decides: scripts do not
  overlap between packs;
* otherwise each pack counts the words it tagged as its own that are in its own Roman vocabulary
  (lexicon, tagged corpus, romanised native text, chat table; English words left out); the pack
  with the most decides, with its own verdict: its Roman tag, ``en``, or ``other`` (a third
  language it recognises, such as Malayalam or Telugu for the Tamil pack, or the sister pack's
  frequent words it was given as third-language evidence);
* on a tie a pack that claims the sentence goes first, then the order of ``codes``.

Hand-written because this is tadka's own combination of its own packs; each pack's analyzer does the
work, so a batch costs one ``analyze_batch`` per pack.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tadka.lang.analyze import Analysis, get_analyzer
from tadka.lang.pack import pack_codes


def identify_batch(texts: Iterable[str], codes: Sequence[str] | None = None) -> list[str]:
    """The sentence tag of each text, over the packs ``codes`` (default: every registered pack)."""
    codes = list(codes or pack_codes())
    texts = list(texts)
    per_pack = {code: get_analyzer(code).analyze_batch(texts) for code in codes}
    return [_combine(codes, {code: per_pack[code][i] for code in codes}) for i in range(len(texts))]


def identify(text: str, codes: Sequence[str] | None = None) -> str:
    """The sentence tag of one text (see :func:`identify_batch`)."""
    return identify_batch([text], codes)[0]


def _combine(codes: list[str], analyses: dict[str, Analysis]) -> str:
    for code in codes:
        if analyses[code].lang == get_analyzer(code).pack.native_tag:
            return analyses[code].lang
    best = max(
        codes,
        key=lambda code: (
            _known_own(code, analyses[code]),
            analyses[code].lang.startswith(code + "-"),
            -codes.index(code),
        ),
    )
    return analyses[best].lang


def _known_own(code: str, analysis: Analysis) -> int:
    """Words of the sentence that the pack tagged as its own and that its Roman vocabulary lists."""
    vocab = _vocabulary(code)
    return sum(1 for tok, tag in zip(analysis.tokens, analysis.tags) if tag == code and tok.lower() in vocab)


_VOCABULARIES: dict[str, frozenset[str]] = {}


def _vocabulary(code: str) -> frozenset[str]:
    vocab = _VOCABULARIES.get(code)
    if vocab is None:
        data = get_analyzer(code).tagger.data
        chat = {w for w, (tag, _) in data.chat_words.items() if tag == code}
        vocab = _VOCABULARIES[code] = frozenset((data.own_vocab | chat) - data.english_vocab)
    return vocab
