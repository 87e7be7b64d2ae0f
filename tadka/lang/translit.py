"""Text-level transliteration: native script → Roman, and Roman → native script.

Word-level rules live in the packs (:mod:`tadka.lang.hi`); this module applies them to whole texts
and keeps everything else — spacing, punctuation, emoji, URLs — exactly as it was.
"""

from __future__ import annotations

from tadka.lang.pack import get_pack
from tadka.lang.tokenize import TOKEN_RE, normalize


def romanize(text: str, pack: str = "hi") -> str:
    """Native-script words → Roman as people type them ("मुझे नहीं पता" → "mujhe nahi pata")."""
    if not text:
        return ""
    return get_pack(pack).romanize(normalize(text))


def romanize_variants(word: str, pack: str = "hi") -> list[str]:
    """The Roman spellings people type for one native-script word, the most common first
    ("कहाँ" → kahan, kahaan, kaha …)."""
    if not word:
        return []
    return get_pack(pack).romanize_variants(normalize(word))


def to_native(text: str, pack: str = "hi", only_native: bool = True) -> str:
    """Roman words → native script (lexicon first, rules after); everything else kept.

    With ``only_native`` (the default) only the words language ID tags as the pack's language are
    converted, so English words in Hinglish stay in Roman ("kal phone karna" → "कल phone करना");
    without it every Latin-script word is converted.
    """
    if not text:
        return ""
    from tadka.lang.analyze import get_analyzer

    lang_pack = get_pack(pack)
    text = normalize(text)
    matches = list(TOKEN_RE.finditer(text))
    tokens = [m.group(0) for m in matches]
    own = lang_pack.code
    if only_native:
        tags = get_analyzer(pack).tag_tokens(tokens)
    else:
        tags = [own] * len(tokens)
    out: list[str] = []
    last = 0
    for m, tok, tag in zip(matches, tokens, tags):
        out.append(text[last : m.start()])
        if tag == own and tok.isascii() and tok.replace("'", "").isalpha():
            out.append(lang_pack.native_word(tok))
        else:
            out.append(tok)
        last = m.end()
    out.append(text[last:])
    return "".join(out)
