"""The word tagger's weights and what they make: log-odds constants chosen by cross-validation, the
table of every known word's tag and prior, and the evidence a word's neighbours give
(:mod:`tadka.lang.lid` applies them)."""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from tadka.lang.lid_entry import FIXED, OPEN, Entry
from tadka.lang.tags import EN, MIXED, NE, OTHER, UNIV

# Weekdays and months are written capitalised mid-sentence but are English words, not names.
CALENDAR = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)
# Laughter and humming carry no language ("hahaha", "hehe", "hmmm"): univ, like emoji.
LAUGHTER = re.compile(r"(?:a?h[ae]h[ae](?:h[ae])*h?|(?:hi){2,}|hu(?:hu)+|h+m+|m{2,}|(?:ja){2,})")
# The weights below are in log-odds units. They were chosen by 5-fold cross-validation on
# lid/mixed_tagged.conll (token accuracy 97.2 %); accuracy moves by less than 0.5 points over a
# wide range of each, so they are round numbers rather than the last decimal of a search.
# Context: nearest and second-nearest Hindi/English word on each side, and the sentence's balance.
W_NEAR, W_FAR, W_SENTENCE = 1.6, 1.0, 2.5
# A character-model answer less sure than this is left to context.
MODEL_SURE = 3.0
# Priors of words that are both Hindi and English: log((hi + a) / (en + a)) over their tags in the
# tagged corpus, plus their relative frequency in the Roman Hindi and English text files, plus a
# bonus for a lexicon Hindi spelling ("dal", "chai") or English headword, capped so that no prior
# outweighs a sentence whose neighbours all say the other language ("call me" is English).
PRIOR_SMOOTHING = 0.5
LEXICON_HI_BONUS = 2.0
LEXICON_EN_BONUS = 1.0
PRIOR_CAP = 4.0
# Words of the Roman Hindi text file the lexicon does not know: the character model decides,
# with this bonus towards Hindi.
WEAK_HINDI_BONUS = 2.0
# The prior of a chat word whose language context must confirm ("ya", "k", "fr": see the table).
CHAT_PRIOR = 1.5
# Unknown words: the character model's log-odds are capped and scaled down (trained on each word
# once, it is sure of almost everything, right or wrong), and word frequencies added: the score of
# the best Hindi word the spelling can stand for, minus the spelling's English Zipf frequency
# weighed 1.5 times (English words written in Devanagari — ट्वीट, टेंशन — are frequent in Hindi
# text too, while Roman spellings of Hindi words are rare in English text), capped.
MODEL_CAP, MODEL_WEIGHT = 4.0, 0.5
ENGLISH_WEIGHT = 1.5
FREQ_CAP = 6.0
# Words both Hindi and English that the tagged corpus never shows: this share of the frequency
# evidence joins their prior ("house", "use" lean English by it).
OPEN_FREQ_WEIGHT = 0.5
OPEN_SURE = 3.0
# An unknown word this sure is not left to context: context is for the function words both
# languages share, while an unknown word is mostly a content word, and Hinglish puts English
# content words into Hindi sentences all the time.
UNKNOWN_SURE = 1.5
# A frequency-attested word (its capital says how the line is cased), and "no word anyone knows".
ATTESTED_HINDI, ATTESTED_ENGLISH = 2.5, 3.5
NO_EVIDENCE_HINDI, NO_EVIDENCE_ENGLISH = 1.0, 3.0
# Longest all-capital unknown word read as an acronym ("UPI", "OTP", "GST") where casing informs;
# and longest all-capital Hindi word ("FIR", "BP", "JEE" are Hindi spellings too), where "NAHI" and
# "BHAI" are emphasis.
ACRONYM_MAX = 5
ACRONYM_HINDI_MAX = 3


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def side_evidence(tags: list[str], entries: list[Entry], i: int, step: int, n: int, own: str) -> float:
    """Evidence from the two nearest own-language/English words on one side (names and univ
    skipped); ``own`` is the pack's tag."""
    total = 0.0
    seen = 0
    j = i + step
    while 0 <= j < n and seen < 2:
        t = tags[j]
        if step > 0 and entries[j][12]:
            seen += 1  # a light verb after the word: "use karo" says nothing about "use"
        elif t == own or t == EN:
            w = W_NEAR if seen == 0 else W_FAR
            # an undecided neighbour on the right counts with its prior's sign, at half weight
            if step > 0 and entries[j][1] != FIXED:
                w *= 0.5
            total += w if t == own else -w
            seen += 1
        elif t == MIXED or t == OTHER:
            seen += 1
        j += step
    return total


def word_table(data: Any, pack: Any, frequency_evidence: Callable[[str], tuple[float, float]]) -> dict[str, tuple]:
    """Lowercased Roman word → (tag, kind, logit), for every word the corpora and lexicon know."""
    d, own = data, pack.code
    hi, en, counts = d.own_vocab, d.english_vocab, d.tag_counts
    lex_hi = d.lexicon_own
    lex_en = pack.lexicon.english_words | pack.lexicon.loanwords
    out: dict[str, tuple] = {}
    for w in hi | en | set(counts):
        c: dict = counts.get(w) or {}
        c_hi, c_en = c.get(own, 0), c.get(EN, 0)
        c_ne, c_mixed, c_univ = c.get(NE, 0), c.get(MIXED, 0), c.get(UNIV, 0)
        in_hi, in_en = (w in hi or c_hi > 0), (w in en or c_en > 0)
        if c_univ > c_hi + c_en + c_ne + c_mixed:
            out[w] = (UNIV, FIXED, 0.0)
        elif c_mixed > c_hi + c_en:
            out[w] = (MIXED, FIXED, 0.0)
        elif c_ne > c_hi + c_en:
            out[w] = (NE, FIXED, 0.0)
        elif in_hi and in_en:
            prior = d.text_prior(w) + math.log((c_hi + PRIOR_SMOOTHING) / (c_en + PRIOR_SMOOTHING))
            if w in lex_hi:
                prior += LEXICON_HI_BONUS
            if w in lex_en:
                prior -= LEXICON_EN_BONUS
            kind = OPEN
            if c_hi + c_en == 0 and w.isascii():  # no tagged use: real frequencies say more
                hindi, english = frequency_evidence(w)
                prior += OPEN_FREQ_WEIGHT * max(-FREQ_CAP, min(FREQ_CAP, hindi - ENGLISH_WEIGHT * english))
                # and a sure answer stands against context, like an unknown word's: an English
                # noun in a Hindi sentence ("pakka house banana") is what Hinglish is made of
                kind = FIXED if abs(prior) >= OPEN_SURE else OPEN
            prior = max(-PRIOR_CAP, min(PRIOR_CAP, prior))
            out[w] = (own if prior >= 0 else EN, kind, prior)
        elif in_hi:
            out[w] = (own, FIXED, 9.0)
        elif in_en:
            out[w] = (EN, FIXED, -9.0)
    for w, (tag, open_) in d.chat_words.items():  # the chat table speaks last: it is about chat
        prior = CHAT_PRIOR if tag == own else -CHAT_PRIOR
        out[w] = (tag, OPEN, prior) if open_ and tag in (own, EN) else (tag, FIXED, 9.0 if tag == own else -9.0)
    return out
