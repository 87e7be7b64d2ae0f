"""Which words of a turn carry its topic, in one spelling: what the junk gates compare between a prompt
and an answer, or between an edge sentence and the rest of the answer.

Meta-talk shares no topic with the task ("Main aapko step by step samjhata hoon" says nothing of
PM-KISAN), and neither does a whole answer that ignores what it was asked (an upsell sent in reply to
"Legal notice kya hota hai, explain karo"). Both readings need the same two things: the words that
carry no topic (function words of both languages, the words of asking itself, single digits, "kaam",
"yaad") and one spelling per word, so that "ur qstn ka ans nichhe h" reads as the words the grammar
and the tables were written in.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from tadka.curate.filters.text import match_words

#: Words that carry no topic: function words of both languages and the words of asking itself, so
#: that "Main aapko step by step samjhata hoon" shares nothing with "Step by step samjhao"; single
#: digits ("1 se 5 star dein" shares nothing with "5 quintal"), "kaam" and "yaad" (any sentence's words).
_COMMON = frozenset(
    """
the and for are you your yours with this that these those have has had will would could should can
what when where which who whom how why from into about there here then than them they their our
ours we us me my mine i am is was were be been being do does did done not no yes just also very
please plz kindly thanks thank sure okay ok also only more most some any all each every
explain detail details step steps simple simply easy short brief quick answer question query
samjhao samjhaiye samjha samjhana batao bataiye bata batana kaise kya kyun kyon karo kariye kijiye
karna karein chahiye hain hoga hogi honge wala wali wale liye mein main mujhe mera meri mere aap
aapka aapki aapke aapko tum tumhe tumhara apna apni apne hum hame yeh woh iska uska isko usko
0 1 2 3 4 5 6 7 8 9 kaam yaad
""".split()
)
#: Variant-table keys that are also English words: left as they are ("he", "me", "are").
_ENGLISH_KEYS = frozenset("he me are ha to so no is".split())


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """The words that carry no topic (above) and Hindi's stop words."""
    from tadka.curate.filters.language import HINDI_STOPWORDS

    return _COMMON | HINDI_STOPWORDS


@lru_cache(maxsize=1)
def _canonical_table() -> dict[str, str]:
    """SMS shorthand and Roman Hindi spelling variants → one spelling ("qstn" → "question", "ans" →
    "answer", "nhi" → "nahi"): the grammar is written in dictionary spellings, users and teachers
    type "ur qstn ka ans nichhe h". The tables are the ones augment writes its noise from
    (corpora/noise_tables/sms.tsv, the language pack's variant table), read here in reverse."""
    from tadka.lang.pack import get_pack

    table: dict[str, str] = {}
    text = files("tadka.corpora").joinpath("noise_tables", "sms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        word, _, shorthands = line.partition("\t")
        for short in shorthands.split("|"):
            table.setdefault(short.strip().lower(), word.lower())
    for variant, canonical in get_pack("hi").lexicon.variant_to_canonical.items():
        if variant not in _ENGLISH_KEYS:
            table.setdefault(variant, canonical)
    return table


def canonical_words(words: list[str] | tuple[str, ...]) -> list[str]:
    """Lower-case words in one spelling each (see :func:`_canonical_table`)."""
    table = _canonical_table()
    return [table.get(w, w) for w in words]


def topic_words(text: str) -> set[str]:
    """The words of ``text`` that carry a topic, in one spelling."""
    return set(canonical_words(match_words(text))).difference(common_words())


def shares_topic(prompt: str, answer: str) -> bool:
    """True when the answer names anything the prompt asked about: a topic word in common, or one
    that starts with the same four letters ("notice" / "notices", "banwaun" / "banwana"); also
    True when the prompt names no topic at all."""
    asked = topic_words(prompt)
    if not asked:  # a prompt of only asking words ("Process samjhao") names nothing to share
        return True
    stems = {w[:4] for w in asked if len(w) >= 4}
    return any(w in asked or (len(w) >= 4 and w[:4] in stems) for w in topic_words(answer))
