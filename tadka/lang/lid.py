"""Word-level language ID: script, then lexicon, then a character model, then context.

Each distinct token gets an *entry* once (memoised): its tag, and whether the tag is final.

1. Script and kind decide most tokens outright: URLs, numbers, emoji, punctuation are ``univ``;
   Devanagari words are ``hi``; words of any other script are ``other``; a word mixing Devanagari
   and Latin letters ("phoneवाला") is ``mixed``.
2. A Roman word found in the lexicon (:mod:`tadka.lang.lid_data`) takes its tag from there. Words
   that are both Hindi and English ("to", "me", "main", "do", "is") carry a prior — how often
   they were Hindi in the tagged corpus — and are left for step 4.
3. Unknown Roman words: hyphen compounds and English stems with Hindi suffixes are ``mixed``;
   a capitalised unknown word is a named entity unless it opens the sentence; everything else
   goes to the fastText character model (batched, once per distinct word), whose unsure answers
   are also left for step 4.
4. Context: an undecided word is scored by its prior plus its nearest Hindi/English neighbours
   on each side and the balance of the whole sentence (weights fitted on the tagged corpus), so
   "aap **to** jaante ho" is Hindi and "go **to** school" English.

Tokens are tagged through a per-word memo (bounded), so a large corpus costs one dictionary
lookup per token after the first few thousand sentences.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property

from tadka.lang import scripts
from tadka.lang.ftmodel import ModelSpec, load_or_train
from tadka.lang.lid_data import LidData, training_code_version
from tadka.lang.pack import LanguagePack
from tadka.lang.tags import EN, HI, MIXED, NE, OTHER, UNIV
from tadka.lang.tokenize import token_kind

FIXED, OPEN, CAPITAL = 0, 1, 2  # entry kinds: final tag / context decides / name unless first
# Script classes that sentence ID counts: no letters (univ), the pack's script, Latin known to the
# lexicon, Latin the lexicon does not know, any other script.
NO_SCRIPT, NATIVE, LATIN_KNOWN, LATIN_UNKNOWN, FOREIGN = 0, 1, 2, 3, 4
_MEMO_MAX = 1_000_000

# Hindi suffixes on an English stem make a mixed word: "filmon", "doctoron", "phonewala".
_MIXED_SUFFIXES = ("walon", "wala", "wali", "wale", "waala", "waali", "waale", "on", "iyon", "ein")
# Weekdays and months are written capitalised mid-sentence but are English words, not names.
_CALENDAR = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"]
)
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
_PRIOR_SMOOTHING = 0.5
LEXICON_HI_BONUS = 2.0
LEXICON_EN_BONUS = 1.0
PRIOR_CAP = 4.0
# Words of the Roman Hindi text file the lexicon does not know: the character model decides,
# with this bonus towards Hindi.
WEAK_HINDI_BONUS = 2.0


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


# (tag, kind, log-odds of hi vs en, known to the lexicon, tag when it opens the sentence (CAPITAL
# entries; None when context must decide even then), script class). Built without the last two
# fields and completed by WordTagger._complete when stored.
Entry = tuple


class WordTagger:
    """Tags tokens of one pack's language against English.

    Safe to share between threads: the memo is a plain dict (whose operations the GIL keeps whole),
    so at worst two threads compute the same entry.
    """

    def __init__(self, pack: LanguagePack, data: LidData | None = None) -> None:
        self.pack = pack
        self._data = data
        self._memo: dict[str, Entry] = {}
        self._lock = threading.Lock()

    # ----- resources, built on first use -----
    @cached_property
    def data(self) -> LidData:
        return self._data if self._data is not None else LidData(self.pack)

    @cached_property
    def lexicon(self) -> dict[str, Entry]:
        """Lowercased Roman word → entry, for every word the corpora and lexicon know."""
        d = self.data
        hi, en, counts = d.hindi_vocab, d.english_vocab, d.tag_counts
        lex_hi = d.lexicon_hindi
        lex_en = self.pack.lexicon.english_words | self.pack.lexicon.loanwords
        out: dict[str, Entry] = {}
        for w in hi | en | set(counts):
            c = counts.get(w) or {}
            c_hi, c_en = c.get(HI, 0), c.get(EN, 0)
            c_ne, c_mixed, c_univ = c.get(NE, 0), c.get(MIXED, 0), c.get(UNIV, 0)
            in_hi, in_en = (w in hi or c_hi > 0), (w in en or c_en > 0)
            if c_univ > c_hi + c_en + c_ne + c_mixed:
                out[w] = (UNIV, FIXED, 0.0, True)
            elif c_mixed > c_hi + c_en:
                out[w] = (MIXED, FIXED, 0.0, True)
            elif c_ne > c_hi + c_en:
                out[w] = (NE, FIXED, 0.0, True)
            elif in_hi and in_en:
                prior = d.text_prior(w) + math.log((c_hi + _PRIOR_SMOOTHING) / (c_en + _PRIOR_SMOOTHING))
                if w in lex_hi:
                    prior += LEXICON_HI_BONUS
                if w in lex_en:
                    prior -= LEXICON_EN_BONUS
                prior = max(-PRIOR_CAP, min(PRIOR_CAP, prior))
                out[w] = (HI if prior >= 0 else EN, OPEN, prior, True)
            elif in_hi:
                out[w] = (HI, FIXED, 9.0, True)
            elif in_en:
                out[w] = (EN, FIXED, -9.0, True)
        return out

    @cached_property
    def model(self):
        """The fastText character model (hi vs en), trained into the cache on first use."""
        return load_or_train(self.model_spec(), self.data.word_training_lines)

    def model_spec(self) -> ModelSpec:
        pack = self.pack
        params = (("minn", 2), ("maxn", 5), ("dim", 24), ("bucket", 40000), ("epoch", 40),
                  ("lr", 0.3), ("wordNgrams", 1), ("loss", "softmax"))
        return ModelSpec(f"{pack.code}-word", tuple(pack.lid.all() + [pack.bilingual, pack.variants]),
                         params, version=training_code_version(pack) + self.data.fingerprint)

    def model_logits(self, words: Sequence[str]) -> list[float]:
        """Log-odds hi vs en of the character model, for lowercased words (one batched call)."""
        if not words:
            return []
        labels, probs = self.model.predict(list(words), k=2)
        return [_logit(float(dict(zip(labs, ps)).get("__label__hi", 0.5))) for labs, ps in zip(labels, probs)]

    # ----- entries -----
    def _static_entry(self, token: str) -> Entry | None:
        """The entry when no model is needed, else None (an unknown Roman word)."""
        if token_kind(token) != "word":
            return (UNIV, FIXED, 0.0, True)
        script = scripts.token_script(token)
        if script == scripts.MIXED:
            letters = scripts.letter_scripts(token)
            if self.pack.script in letters and scripts.LATN in letters:
                return (MIXED, FIXED, 0.0, True)
            script = max(letters, key=letters.get)
        if script == self.pack.script:
            return (HI, FIXED, 9.0, True)
        if script != scripts.LATN:
            return (UNIV, FIXED, 0.0, True) if script in scripts.NON_LETTER else (OTHER, FIXED, 0.0, True)
        low = token.lower().replace("’", "'")
        hit = self.lexicon.get(low)
        shape = _shape(token)
        if shape == "upper":
            # acronyms are English (UPI, OTP, PNR) unless known as names (IRCTC, SBI); shouted
            # words keep their lexicon tag
            if low in self.data.names:
                return (NE, FIXED, 0.0, True)
            if hit is not None and hit[0] in (HI, EN) and len(token) > 3:
                return hit
            return (EN, FIXED, -9.0, True)
        if shape == "camel":  # WhatsApp, PhonePe, iPhone, eNAM
            return (NE, FIXED, 0.0, True)
        if shape == "title":
            if low in _CALENDAR:
                return (EN, FIXED, -9.0, True)
            first = hit if hit is not None and hit[0] != NE else None
            if first is None and "-" in low and low not in self.data.names:
                compound = self._compound(low)
                first = compound if compound[0] != UNIV else None
            if first is None and low not in self.data.names:
                return None  # the model decides what it is if it opens the sentence
            if first is None:
                return (NE, CAPITAL, 0.0, True, NE)
            return (NE, CAPITAL, first[2], True, first[0] if first[1] == FIXED else None)
        if hit is not None:
            return hit
        if "-" in low:
            return self._compound(low)
        return self._suffixed(low)

    def _compound(self, low: str) -> Entry:
        tags = set()
        for part in (p for p in low.split("-") if p):
            e = self.lexicon.get(part)
            if e is not None and e[0] in (HI, EN):
                tags.add(e[0])
            elif e is None and part.isalpha():
                tags.add(HI if self.model_logits([part])[0] > 0 else EN)
        if tags == {HI, EN}:
            return (MIXED, FIXED, 0.0, True)
        if tags == {EN}:
            return (EN, FIXED, -9.0, True)
        if tags == {HI}:
            return (HI, FIXED, 9.0, True)
        return (UNIV, FIXED, 0.0, True)

    def _suffixed(self, low: str) -> Entry | None:
        """English stem + Hindi suffix ("friendon"), or Hindi stem + English plural ("parathas")."""
        english, hindi = self.data.english_vocab, self.data.hindi_vocab
        for suffix in _MIXED_SUFFIXES:
            stem = low[: -len(suffix)]
            if low.endswith(suffix) and len(stem) >= 4 and stem in english and stem not in hindi:
                return (MIXED, FIXED, 0.0, True)
        for suffix in ("s", "es"):
            stem = low[: -len(suffix)]
            if low.endswith(suffix) and len(stem) >= 4 and stem in hindi and stem not in english:
                return (MIXED, FIXED, 0.0, True)
        return None

    def _model_entry(self, token: str, logit: float) -> Entry:
        tag = HI if logit >= 0 else EN
        if _shape(token) == "title":
            # an unknown capitalised word: a name, unless it opens the sentence and the model is
            # sure it is an ordinary English or Hindi word
            return (NE, CAPITAL, logit, False, tag if abs(logit) >= MODEL_SURE else NE)
        return (tag, FIXED if abs(logit) >= MODEL_SURE else OPEN, logit, False)

    def _complete(self, token: str, e: Entry) -> Entry:
        """Entries as stored: (tag, kind, logit, known, first-word tag, script class)."""
        if e[0] == UNIV:
            sclass = NO_SCRIPT
        else:
            s = scripts.token_script(token)
            if s == scripts.LATN:
                sclass = LATIN_KNOWN if e[3] else LATIN_UNKNOWN
            elif s == self.pack.script or (s == scripts.MIXED and self.pack.script in scripts.letter_scripts(token)):
                sclass = NATIVE
            else:
                sclass = FOREIGN
        return (e[0], e[1], e[2], e[3], e[4] if len(e) > 4 else None, sclass)

    def learn(self, tokens: Iterable[str]) -> None:
        """Fill the memo for these tokens, with one batched model call for the unknown ones."""
        memo = self._memo
        if len(memo) > _MEMO_MAX:  # bounded: a long-running process sees an open vocabulary
            with self._lock:
                memo.clear()
        unknown: dict[str, None] = {}
        for tok in tokens:
            if tok in memo or tok in unknown:
                continue
            e = self._static_entry(tok)
            if e is None:
                unknown[tok] = None
            else:
                memo[tok] = self._complete(tok, e)
        if unknown:
            words = list(unknown)
            weak = self.data.weak_hindi
            for tok, logit in zip(words, self.model_logits([w.lower() for w in words])):
                if tok.lower() in weak:
                    logit += WEAK_HINDI_BONUS
                memo[tok] = self._complete(tok, self._model_entry(tok, logit))

    # ----- tagging -----
    def tag_tokens(self, tokens: Sequence[str]) -> list[str]:
        """One tag per token (see :mod:`tadka.lang.tags`)."""
        return self.tag_entries(tokens)[1]

    def tag_entries(self, tokens: Sequence[str]) -> tuple[list[Entry], list[str]]:
        """The entries of the tokens and their tags (entries feed sentence ID)."""
        memo = self._memo
        try:
            entries = [memo[t] for t in tokens]
        except KeyError:
            self.learn(tokens)
            entries = [memo.get(t) or self._entry_now(t) for t in tokens]
        tags = [e[0] for e in entries]
        if any([e[1] for e in entries]):  # noqa: C419 (a list is faster than a generator here)
            self._resolve(entries, tags, [i for i, e in enumerate(entries) if e[1]], tokens)
        return entries, tags

    def entries_of(self, tokens: Sequence[str]) -> list[Entry]:
        """The stored entries of these tokens (computed first where missing)."""
        memo = self._memo
        if any(t not in memo for t in tokens):
            self.learn(tokens)
        return [memo.get(t) or self._entry_now(t) for t in tokens]

    def _entry_now(self, token: str) -> Entry:
        self.learn([token])
        return self._memo[token]

    def learn_batch(self, token_lists: Sequence[Sequence[str]]) -> None:
        """Fill the memo for many token lists: their unknown words go to the model together."""
        memo = self._memo
        self.learn(t for toks in token_lists for t in toks if t not in memo)

    def tag_batch(self, token_lists: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tag many token lists (see :meth:`learn_batch`)."""
        self.learn_batch(token_lists)
        return [self.tag_tokens(toks) for toks in token_lists]

    def _resolve(self, entries: list[Entry], tags: list[str], pending: list[int],
                 tokens: Sequence[str] = ()) -> None:
        """Decide the OPEN and CAPITAL tokens of one line (which may hold several sentences)."""
        context: list[int] = []
        first_word = -1
        for i in pending:
            e = entries[i]
            if e[1] == CAPITAL:
                if first_word < 0:
                    first_word = next(j for j, t in enumerate(tags) if t != UNIV)
                if i != first_word and not _opens_sentence(tokens, tags, i):
                    continue  # a capitalised word inside the sentence stays a name
                if e[4] is not None:
                    tags[i] = e[4]
                    continue
            context.append(i)
        if not context:
            return
        # Hindi and English words whose tag is final (counted in C, then the undecided taken out)
        fixed_hi, fixed_en = tags.count(HI), tags.count(EN)
        for i in pending:
            if entries[i][1] == OPEN or i in context:
                if tags[i] == HI:
                    fixed_hi -= 1
                elif tags[i] == EN:
                    fixed_en -= 1
        balance = W_SENTENCE * (fixed_hi - fixed_en) / (fixed_hi + fixed_en + 1)
        n = len(entries)
        for i in context:
            score = entries[i][2] + balance + _side(tags, entries, i, -1, n) + _side(tags, entries, i, 1, n)
            tags[i] = HI if score >= 0 else EN


def _shape(token: str) -> str:
    """Letter case of a Latin token: lower, title (Delhi), upper (UPI), camel (WhatsApp)."""
    token = token.replace("’", "'").split("'")[0]  # I'm, Don't: the shape of the word before
    if len(token) <= 1 or token.islower() or not any(c.isupper() for c in token):
        return "lower"
    if token.isupper():
        return "upper"
    if token[0].isupper() and token[1:].islower():
        return "title"
    if "-" in token and all(p[:1].isupper() and p[1:].islower() for p in token.split("-") if p):
        return "title"
    return "camel"


_SENTENCE_END = frozenset(".!?।॥…")


def _opens_sentence(tokens: Sequence[str], tags: Sequence[str], i: int) -> bool:
    """True when the nearest token before ``i`` that is not a quote or bracket ends a sentence.

    A capitalised word after "." is capitalised because it starts a sentence ("Bank jao. Apna form
    bharo."), so it must not be read as a name for that reason alone.
    """
    j = i - 1
    while j >= 0 and tokens and tokens[j] in ('"', "'", "(", ")", "“", "”", "‘", "’"):
        j -= 1
    return j >= 0 and bool(tokens) and tags[j] == UNIV and tokens[j][-1:] in _SENTENCE_END


def _side(tags: list[str], entries: list[Entry], i: int, step: int, n: int) -> float:
    """Evidence from the two nearest Hindi/English words on one side (names and univ skipped)."""
    total = 0.0
    seen = 0
    j = i + step
    while 0 <= j < n and seen < 2:
        t = tags[j]
        if t == HI or t == EN:
            w = W_NEAR if seen == 0 else W_FAR
            # an undecided neighbour on the right counts with its prior's sign, at half weight
            if step > 0 and entries[j][1] != FIXED:
                w *= 0.5
            total += w if t == HI else -w
            seen += 1
        elif t == MIXED or t == OTHER:
            seen += 1
        j += step
    return total
