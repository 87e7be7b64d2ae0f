"""Protected spans: the parts of a text no noise op may touch, and the pieces every op works on.

A text is cut into :class:`Piece` s that rebuild it exactly (``"".join(p.text for p in pieces)``):
runs of whitespace, words, punctuation, emoji, and the protected kinds

* ``code`` — fenced blocks (```` ``` ```` or ``~~~``, to the closing fence or the end of the text)
  and inline `` `code` ``;
* ``url``, ``email``, ``mention``, ``hashtag`` and ``number`` (money, units, times, dates) — as
  tadka.lang's tokenizer and :func:`tadka.lang.tokenize.token_kind` see them;
* ``entity`` — named entities: people, places, brands, apps, schemes (see below).

Named entities come from tadka.lang in one of two ways (``entities=``):

* ``"lexicon"`` (default, fast): the ``ne`` tokens of tadka.lang's tagged LID corpus
  (corpora/lid/mixed_tagged.conll) as a gazetteer, plus the casing cues Roman Hinglish writers give
  — an acronym ("UPI", "IRCTC"), inner capitals ("eNAM", "PhonePe"), a capitalised word that does
  not start a sentence ("Ramesh", "Nashik"). Memoised per word.
* ``"lid"``: tadka.lang's word-level language ID (:func:`tadka.lang.tag_tokens`, its ``ne`` tag),
  for text whose writers do not capitalise names; slower, as it tags every token.

Each word piece also carries a language guess (``hi``, ``en`` or ``""``), which the ops that only
make sense on Hindi words (spelling variants, script flips) ask for. With ``"lid"`` it is
tadka.lang's tag; with ``"lexicon"`` it comes from the language pack's vocabularies: a word only
the Roman Hindi lexicon knows is ``hi``, one only the English column knows is ``en``, and a word
both know ("to", "me", "main", "do") or neither knows ("milte", an inflection the lexicon lacks)
takes the language of the majority of the turn's known words (Hinglish turns are mostly
Hindi-framed, so a tie is ``hi``).

Why the segmentation is written here and not a plain ``tokenize()`` call: every op needs the text
between tokens back (to rebuild the turn byte for byte), and tadka.lang's token pattern tries its
URL and domain alternatives at every word, which costs ~80 µs a sentence where the ops' budget is
~50 µs a record. Plain ASCII prose (no digit, ``@``, ``#``, ``/``, ``:``, dotted name …) is cut by
:data:`_PLAIN`, to which tadka.lang's pattern reduces on such text; other text by tadka.lang's own
pattern behind :data:`_FAST_WORD`, an extra first alternative that only takes a plain ASCII word when
nothing that follows could make it a URL, an e-mail, a contraction, a compound or money ("Rs 500").
The tokens are the same either way (a test checks it on the shipped corpora).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from tadka.lang.tokenize import TOKEN_RE, normalize, token_kind

ENTITY_MODES = ("lexicon", "lid", "off")

#: Piece kinds no op may change (``number`` is changed only by the digits op, in its script alone).
PROTECTED_KINDS = frozenset({"code", "url", "email", "mention", "hashtag", "number", "entity"})

_CODE = re.compile(r"(```|~~~)[\s\S]*?(?:\1|\Z)|`[^`\n]+`")
_FAST_WORD = r"[A-Za-z]+(?=[\s,!?;)\]}\"]|\.(?!\w)|$)(?!\.?\s?\d)"
_SEGMENT = re.compile(r"(\s+)|(" + _FAST_WORD + r")|(?:" + TOKEN_RE.pattern + ")", re.IGNORECASE)
_PLAIN = re.compile(r"(\s+)|([A-Za-z]+(?:'[A-Za-z]+)*(?:-[A-Za-z]+(?:'[A-Za-z]+)*)*)|(\.{2,}|[!?]{2,}|-{2,}|\S)")
_NOT_PLAIN = re.compile(r"[0-9@#/:;=<*_\\`~]|\w\.\w|www", re.IGNORECASE)
_SENTENCE_END = frozenset({".", "?", "!", "...", "…", "?!", "!?", "!!", "??", "।", "॥", ":"})
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z0-9]")


class Piece(NamedTuple):
    """One piece of a text: what it says, what it is, its language guess (words only).

    Immutable (segmentations are cached and shared): an op returns new strings, never edits a piece.
    """

    text: str
    kind: str  # space, word, punct, emoji, emoticon, entity, code, url, email, mention, hashtag, number
    lang: str = ""  # hi, en or "" (unknown / not a word)

    @property
    def protected(self) -> bool:
        return self.kind in PROTECTED_KINDS


def render(pieces: Sequence[Piece]) -> str:
    return "".join([p.text for p in pieces])


# -- vocabularies and named entities -----------------------------------------------------------
@lru_cache(maxsize=1)
def vocabularies() -> tuple[frozenset[str], frozenset[str]]:
    """(Roman Hindi words, English words) of the Hindi pack's lexicon, lowercase."""
    from tadka.lang import get_pack

    lex = get_pack("hi").lexicon
    return frozenset(lex.roman_words), frozenset(lex.english_words)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(exact forms, lowercase forms) of the named entities in tadka.lang's tagged LID corpus.

    A lowercase form is only kept where it is no ordinary word ("aadhaar" yes; "jan", "mera" no:
    "Mera Ration" is an app, "mera" is "my").
    """
    from tadka.lang import resources

    hindi, english = vocabularies()
    exact: set[str] = set()
    lower: set[str] = set()
    for sentence in resources.read_conll("lid/mixed_tagged.conll"):
        for token, tag in sentence:
            if tag == "ne" and token:
                exact.add(token)
                if token.lower() not in hindi and token.lower() not in english:
                    lower.add(token.lower())
    return frozenset(exact), frozenset(lower)


def looks_like_entity(word: str, sentence_start: bool) -> bool:
    """The gazetteer and casing test of ``entities="lexicon"``."""
    exact, lower = gazetteer()
    if word.islower():  # the common case: only the gazetteer can make it a name
        return word in lower or word in exact
    if len(word) < 2:
        return False
    if word in exact or word.lower() in lower:
        return True
    if word.isupper() and len(word) <= 8 and _ACRONYM.fullmatch(word):
        return True
    if word[1:] != word[1:].lower():
        return True  # inner capitals: eNAM, PhonePe, iPhone, PM-KISAN
    return word[0].isupper() and not sentence_start


# -- segmentation ------------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def segment(text: str, entities: str = "lexicon") -> tuple[Piece, ...]:
    """Cut ``text`` into pieces that rebuild it exactly; see the module docstring for the kinds.

    Cached (a few thousand texts): a record's copies are made one after another, so each of
    them, and each op that finds the turn unchanged, reuses the cut.
    """
    raw: list[tuple[str, str]] = []
    pos = 0
    if "`" in text or "~~~" in text:
        for m in _CODE.finditer(text):
            _tokens(text[pos : m.start()], raw)
            raw.append((m.group(0), "code"))
            pos = m.end()
    _tokens(text[pos:], raw)
    if entities == "lid":
        return _mark_lid(raw)
    return _mark_lexicon(raw, entities != "off")


# word → (entity at a sentence start, entity elsewhere, language or "?", its pieces): memoised, as
# words repeat (Zipf) and this runs on every turn. "?" = both vocabularies know it, or neither.
_WORDS: dict[str, tuple] = {}
_OTHERS: dict[tuple[str, str], Piece] = {}
_MEMO_MAX = 100_000


def _classify(word: str) -> tuple:
    hit = _WORDS.get(word)
    if hit is None:
        hindi, english = vocabularies()
        low = word.lower()
        is_hi, is_en = low in hindi, low in english
        lang = "?" if is_hi == is_en else "hi" if is_hi else "en"
        hit = (
            looks_like_entity(word, True),
            looks_like_entity(word, False),
            lang,
            Piece(word, "entity"),
            Piece(word, "word", "hi"),
            Piece(word, "word", "en"),
        )
        if len(_WORDS) >= _MEMO_MAX:
            _WORDS.clear()
        _WORDS[word] = hit
    return hit


def _other(tok: str, kind: str) -> Piece:
    piece = _OTHERS.get((tok, kind))
    if piece is None:
        if len(_OTHERS) >= _MEMO_MAX:
            _OTHERS.clear()
        piece = _OTHERS[(tok, kind)] = Piece(tok, kind)
    return piece


def _mark_lexicon(raw: list[tuple[str, str]], find_entities: bool) -> tuple[Piece, ...]:
    out: list = []
    ambiguous: list[int] = []
    n_hi = n_en = 0
    start = True
    for tok, kind in raw:
        if kind != "word":
            out.append(_OTHERS.get((tok, kind)) or _other(tok, kind))
            if kind == "space":
                if not start and "\n" in tok:
                    start = True
            elif kind == "punct":
                if not start and tok in _SENTENCE_END:
                    start = True
            elif kind == "code":
                start = True
            elif kind != "emoji" and kind != "emoticon":
                start = False
            continue
        at_start, elsewhere, lang, entity, as_hi, as_en = _WORDS.get(tok) or _classify(tok)
        if find_entities and (at_start if start else elsewhere):
            out.append(entity)
        elif lang == "hi":
            n_hi += 1
            out.append(as_hi)
        elif lang == "en":
            n_en += 1
            out.append(as_en)
        else:
            ambiguous.append(len(out))
            out.append(tok)
        start = False
    if ambiguous:
        guess = 4 if n_hi >= n_en else 5
        for i in ambiguous:
            out[i] = _WORDS[out[i]][guess] if out[i] in _WORDS else _classify(out[i])[guess]
    return tuple(out)


def _mark_lid(raw: list[tuple[str, str]]) -> tuple[Piece, ...]:
    from tadka.lang import tag_tokens

    idx = [i for i, (_, kind) in enumerate(raw) if kind != "space" and kind != "code"]
    tags = tag_tokens([raw[i][0] for i in idx]) if idx else []
    out = [Piece(tok, kind) for tok, kind in raw]
    for i, tag in zip(idx, tags, strict=True):
        tok, kind = raw[i]
        if kind != "word":
            continue
        if tag == "ne":
            out[i] = Piece(tok, "entity")
        else:
            out[i] = Piece(tok, "word", tag if tag in ("hi", "en") else "")
    return tuple(out)


def _tokens(text: str, out: list[tuple[str, str]]) -> None:
    """Append (token, kind) for a stretch of text without code; gaps become ``space`` pieces.

    Plain ASCII prose (no digit, URL, e-mail, mention, tag or emoticon can be in it) needs only
    :data:`_PLAIN`: tadka.lang's pattern reduces to words, punctuation runs and single characters
    there (3x faster); anything else goes through the full pattern.
    """
    if not text:
        return
    if text.isascii() and not _NOT_PLAIN.search(text):
        _plain(text, out)
    else:
        _full(text, out)


def _plain(text: str, out: list[tuple[str, str]]) -> None:
    out += [(s, "space") if s else (w, "word") if w else (o, "punct") for s, w, o in _PLAIN.findall(text)]


def _full(text: str, out: list[tuple[str, str]]) -> None:
    pos = 0
    for m in _SEGMENT.finditer(text):
        if m.start() > pos:  # characters no pattern took (none expected; kept so text rebuilds)
            out.append((text[pos : m.start()], "punct"))
        tok = m.group(0)
        if m.lastindex == 1:
            out.append((tok, "space"))
        elif m.lastindex == 2:
            out.append((tok, "word"))
        else:
            kind = token_kind(normalize(tok))
            out.append((tok, kind if kind in _KEPT_KINDS else "word"))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], "space" if text[pos:].isspace() else "punct"))


_KEPT_KINDS = frozenset({"url", "email", "mention", "hashtag", "number", "emoji", "emoticon", "punct"})


def protected_spans(text: str, entities: str = "lexicon") -> list[tuple[str, str]]:
    """(kind, text) of every protected piece, in order: what a test checks survives an op."""
    return [(p.kind, p.text) for p in segment(text, entities) if p.protected]
