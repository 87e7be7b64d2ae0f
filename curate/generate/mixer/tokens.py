"""Tokens and language tags for the code-mixer: split text so it rebuilds exactly, tag it.

The mixer works on tadka.lang's tokenization (one regular expression, :data:`TOKEN_RE`) and keeps
the text between tokens, so that a swap changes only the word it touches. Tags come from a
:data:`Tagger` — tadka.lang's language ID in production (:func:`default_tagger`), or the
lexicon alone (:func:`text_tagger`), which needs no model and is exact in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tadka.curate.generate.mixer.lexicon import EN_FUNCTION_WORDS, MixLexicon, load_mix_lexicon
from tadka.lang.tokenize import TOKEN_RE, normalize, token_kind

SENTENCE_END = frozenset({".", "?", "!", "।", "...", "…", "?!", "!!", "!?", "??"})

#: text → (tokens, tags). Tags are tadka.lang's word-level ones: hi, en, ne, univ, other, mixed.
Tagger = Callable[[list[str]], list[tuple[list[str], list[str]]]]


@dataclass
class Tok:
    """One token of the text being mixed: what precedes it, its words now, their tags."""

    gap: str  # text between the previous token and this one (spaces, usually)
    words: list[str]  # [] once deleted; two words after "kholo" → "open karo"
    tags: list[str]
    frozen: bool = False
    swapped: bool = False  # this token is the result of a swap
    source: str = ""  # the original token

    @property
    def word(self) -> str:
        return self.words[0] if self.words else ""

    @property
    def tag(self) -> str:
        return self.tags[0] if self.tags else ""


def split_tokens(text: str) -> list[Tok]:
    """Tokens with the text between them, so the text rebuilds exactly (tadka.lang's tokenizer)."""
    text = normalize(text)
    toks: list[Tok] = []
    pos = 0
    for m in TOKEN_RE.finditer(text):
        toks.append(Tok(text[pos : m.start()], [m.group(0)], [""], source=m.group(0)))
        pos = m.end()
    return toks


def render(toks: list[Tok]) -> str:
    """The text again, with each token's current words in place of the original."""
    out: list[str] = []
    for t in toks:
        if t.words:
            out.append(t.gap if out else "")
            out.append(" ".join(t.words))
    return "".join(out).strip()


def flat_tags(toks: list[Tok]) -> list[str]:
    """One tag per word, in order (a swapped token may hold two words)."""
    return [tag for t in toks for tag in t.tags]


# -- taggers -----------------------------------------------------------------------------------
def lexicon_tagger(lex: MixLexicon, english_hint: str = "") -> Callable[[list[str]], list[str]]:
    """Tags from the lexicon alone: the mixer's own bookkeeping for tokens the LID did not tag.

    Order of evidence: non-words are ``univ``; acronyms, inner capitals, hyphenated or digit-bearing
    tokens and mid-sentence capitalised words are ``ne``; Hindi function words and light verbs are ``hi``; a word the
    English source also uses, or an English lexicon word, is ``en``; a Hindi lexicon word is ``hi``;
    anything else in Roman script is taken as Hindi (most unknown words of a Hindi-frame sentence
    are inflected Hindi).
    """
    hint = {w.lower() for w in TOKEN_RE.findall(english_hint)} if english_hint else set()

    def tag(tokens: list[str]) -> list[str]:
        tags = []
        sentence_start = True
        for tok in tokens:
            kind = token_kind(tok)
            if kind != "word":
                tags.append("univ")
                sentence_start = tok in SENTENCE_END or sentence_start and kind == "punct"
                continue
            low = tok.lower()
            own = lex.own
            if not tok.isascii():
                tags.append(own if _native(tok, own) else "other")
            elif looks_like_entity(tok, sentence_start):
                tags.append("ne")
            elif lex.is_hindi_function(low):
                tags.append(own)
            elif low in hint or low in lex.en_words or low in EN_FUNCTION_WORDS:
                tags.append(own if low in lex.hi_words and low not in hint else "en")
            else:
                tags.append(own)
            sentence_start = False
        return tags

    return tag


def _native(tok: str, own: str) -> bool:
    """Whether a token is in the native script of the pack ``own`` (Devanagari for hi, Tamil for ta)."""
    if own == "hi":
        return any("\u0900" <= ch <= "\u097f" for ch in tok)
    from tadka.lang.pack import get_pack

    return get_pack(own).is_native(tok)


def looks_like_entity(tok: str, sentence_start: bool) -> bool:
    """A named entity, brand or acronym the mixer must leave alone ("UPI", "eNAM", "Aadhaar")."""
    if "-" in tok or any(ch.isdigit() for ch in tok):
        return True
    if any(ch.isupper() for ch in tok[1:]):
        return True
    # Mid-sentence capitals in Roman Hinglish mark names, places, schemes and brands ("Tatkal",
    # "National Consumer Helpline"), whatever the lexicon says the word means.
    return tok[:1].isupper() and not sentence_start


def text_tagger(lex: MixLexicon | None = None) -> Tagger:
    """:func:`lexicon_tagger` as a :data:`Tagger` over whole texts (no model; used in tests)."""

    def tag(texts: list[str]) -> list[tuple[list[str], list[str]]]:
        table = lex or load_mix_lexicon()
        out = []
        for text in texts:
            words = [t.word for t in split_tokens(text)]
            out.append((words, lexicon_tagger(table)(words)))
        return out

    return tag


def default_tagger(pack: str = "hi") -> Tagger:
    """tadka.lang's word-level language ID (of the pack ``pack``) as a :data:`Tagger`: what CMI is
    measured with."""
    from tadka.lang import analyze_batch

    def tag(texts: list[str]) -> list[tuple[list[str], list[str]]]:
        return [(list(a.tokens), list(a.tags)) for a in analyze_batch(texts, pack)]

    return tag


def is_hindi_frame(text: str, lex: MixLexicon | None = None) -> bool:
    """Whether a text already has Hindi grammar (Devanagari, or Roman with Hindi function words).

    Counts only function words that are not also English ("hai", "ka", "mein", "nahi"; not "to",
    "do", "main"), so English prose never passes for Hindi.
    """
    lex = lex or load_mix_lexicon()
    words = [w for w in TOKEN_RE.findall(normalize(text)) if token_kind(w) == "word"]
    if not words:
        return False
    if any(_native(w, lex.own) for w in words):
        return True
    hits = sum(
        1
        for w in words
        if lex.is_hindi_function(w.lower()) and w.lower() not in lex.en_words and w.lower() not in EN_FUNCTION_WORDS
    )
    return hits >= max(1, 0.15 * len(words))


def explode(toks: list[Tok]) -> list[Tok]:
    """One Tok per word again after swaps ("open karo" → two), keeping which ones are frozen."""
    out: list[Tok] = []
    for t in toks:
        for j, (w, tag) in enumerate(zip(t.words, t.tags)):
            out.append(Tok(t.gap if j == 0 else " ", [w], [tag], frozen=t.frozen, swapped=t.swapped, source=t.source))
    return out
