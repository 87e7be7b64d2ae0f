"""Word-level language ID: script, then word tables, then word frequencies and a character model,
then the line's casing and context.

Each distinct token gets an *entry* once (memoised): its tag, and how final that tag is.

1. Script and kind decide most tokens outright: URLs, numbers, emoji, emoticons, punctuation,
   @mentions and #hashtags are ``univ``; Devanagari words are ``hi``; words of any other script are
   ``other``; a word mixing Devanagari and Latin letters ("phoneवाला") is ``mixed``.
2. A Roman word is looked up *whatever its case*, stretched letters undone ("bhaiiii", "plzzz"):
   the chat-word table (corpora/lid/chat_words.tsv: "u", "plz", "thnx" English; "h", "nhi", "mjhe",
   "hy" Hindi; "rt", "hmm" univ), the lexicon and the tagged corpus (:mod:`tadka.lang.lid_data`),
   the names gazetteer (corpora/lid/names.txt). A known word keeps its tag in Title Case and ALL
   CAPS lines. Words that are both Hindi and English ("to", "me", "main", "do", "is") carry a
   prior — how often they were Hindi in the tagged corpus — and are left for step 5.
3. Unknown Roman words: hyphen compounds and English stems with the pack's suffixes are ``mixed``;
   the rest are scored by the fastText character model (batched, once per distinct word) plus the
   evidence of real word frequencies: how frequent the best Hindi word is that the spelling can
   stand for (:class:`tadka.lang.native_index.NativeIndex`: "insaan" → इंसान, "mjhe" → मुझे) against
   how frequent the spelling is in English (wordfreq). Unsure answers are left for step 5.
4. Casing is evidence only where the line's casing is informative (:func:`casing_informative`): in
   a line that capitalises its ordinary words (Title Case, ALL CAPS, aLtErNaTiNg) a capital says
   nothing. Where it is informative, a capitalised unknown word inside a sentence is a name (``ne``)
   and a capitalised unknown short word an acronym; otherwise ``ne`` needs a known name or a word
   that neither the lexicon nor any frequency list knows.
5. Context: an undecided word is scored by its prior plus its nearest Hindi/English neighbours
   on each side and the balance of the whole sentence (weights fitted on the tagged corpus), so
   "aap **to** jaante ho" is Hindi and "go **to** school" English.

Steps 4 and 5 read the whole line, so they live in :mod:`tadka.lang.lid_context`.
Tokens are tagged through a per-word memo (bounded), so a large corpus costs one dictionary
lookup per token after the first few thousand sentences; lines without capitals skip step 4.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from functools import cached_property

from tadka.lang import frequency, scripts
from tadka.lang.ftmodel import ModelSpec, load_or_train
from tadka.lang.lid_context import resolve_line
from tadka.lang.lid_data import LidData, training_code_version
from tadka.lang.lid_entry import (
    CAPITAL,
    FIXED,
    FOREIGN,
    LATIN_KNOWN,
    LATIN_UNKNOWN,
    LOWER,
    MARKED,
    NATIVE,
    NO_SCRIPT,
    OPEN,
    TITLE,
    UPPER,
    Entry,
    cap_of,
)
from tadka.lang.lid_weights import (  # the weights, chosen by cross-validation
    ACRONYM_HINDI_MAX,
    word_table,
    ACRONYM_MAX,
    ATTESTED_ENGLISH,
    ATTESTED_HINDI,
    CALENDAR,
    ENGLISH_WEIGHT,
    FREQ_CAP,
    LAUGHTER,
    MODEL_CAP,
    MODEL_SURE,
    MODEL_WEIGHT,
    NO_EVIDENCE_ENGLISH,
    NO_EVIDENCE_HINDI,
    UNKNOWN_SURE,
    WEAK_HINDI_BONUS,
    logit,
)
from tadka.lang.pack import LanguagePack
from tadka.lang.tags import EN, MIXED, NE, OTHER, UNIV
from tadka.lang.tokenize import elongation_forms, token_kind

_MEMO_MAX = 1_000_000
# No listed word is longer: longer tokens (pasted hashes, mashing) are not looked up.
MAX_LISTED_WORD = 40


class WordTagger:
    """Tags tokens of one pack's language against English.

    Safe to share between threads: the memo is a plain dict (whose operations the GIL keeps whole),
    so at worst two threads compute the same entry.
    """

    def __init__(self, pack: LanguagePack, data: LidData | None = None) -> None:
        self.pack = pack
        self.own = pack.code  # the tag of the pack's language ("hi", "ta")
        self._data = data
        self._memo: dict[str, Entry] = {}
        self._evidence: dict[str, tuple[float, float]] = {}  # lowercase word → frequency evidence
        self._lock = threading.Lock()

    # ----- resources, built on first use -----
    @cached_property
    def data(self) -> LidData:
        return self._data if self._data is not None else LidData(self.pack)

    @cached_property
    def lexicon(self) -> dict[str, tuple]:
        """Lowercased Roman word → (tag, kind, logit), for every word the corpora and lexicon know."""
        return word_table(self.data, self.pack, self.frequency_evidence)

    @cached_property
    def model(self):
        """The fastText character model (hi vs en), trained into the cache on first use."""
        return load_or_train(self.model_spec(), self.data.word_training_lines)

    def model_spec(self) -> ModelSpec:
        pack = self.pack
        # 10 epochs, not quantised: 90 % on words held out of its training list (40 epochs and
        # quantised to 2,000 rows: 87 %); a 5 MB file in the cache, trained in about a second
        # (quantising to 20,000 rows keeps the accuracy but takes ten)
        params = (
            ("minn", 2),
            ("maxn", 5),
            ("dim", 24),
            ("bucket", 40000),
            ("epoch", 10),
            ("lr", 0.3),
            ("wordNgrams", 1),
            ("loss", "softmax"),
        )
        return ModelSpec(
            f"{pack.code}-word",
            tuple(pack.lid.all() + [pack.bilingual, pack.variants]),
            params,
            version=training_code_version(pack) + self.data.fingerprint,
            quantize_cutoff=None,
        )

    def model_logits(self, words: Sequence[str]) -> list[float]:
        """Log-odds own language vs en of the character model, for lowercased words (one batched call)."""
        if not words:
            return []
        labels, probs = self.model.predict(list(words), k=2)
        label = f"__label__{self.own}"
        return [logit(float(dict(zip(labs, ps)).get(label, 0.5))) for labs, ps in zip(labels, probs)]

    def frequency_evidence(self, word: str) -> tuple[float, float]:
        """(score of the best Hindi word the spelling can stand for, English Zipf) of a lowercase word."""
        hit = self._evidence.get(word)
        if hit is None:
            listed = word.isascii() and len(word) <= MAX_LISTED_WORD
            hindi = self.pack.native_index.best_score(self.pack, word) if listed else 0.0
            hit = (hindi, frequency.zipf(word, "en"))
            if len(self._evidence) > _MEMO_MAX:
                self._evidence.clear()
            self._evidence[word] = hit
        return hit

    # ----- entries -----
    def _lookup(self, forms: Sequence[str]) -> tuple | None:
        lexicon = self.lexicon
        for f in forms:
            hit = lexicon.get(f)
            if hit is not None:
                return hit
        return None

    def _static_entry(self, token: str) -> tuple | None:
        """(tag, kind, logit, known, first, common, name, base_kind) when no model is needed, else
        None (an unknown Roman word)."""
        if token_kind(token) != "word":
            return (UNIV, FIXED, 0.0, True)
        own = self.own
        script = scripts.token_script(token)
        if script == scripts.MIXED:
            letters = scripts.letter_scripts(token)
            if self.pack.script in letters and scripts.LATN in letters:
                return (MIXED, FIXED, 0.0, True)
            script = max(letters, key=lambda s: letters[s])
        if script == self.pack.script:
            return (own, FIXED, 9.0, True)
        if script != scripts.LATN:
            return (UNIV, FIXED, 0.0, True) if script in scripts.NON_LETTER else (OTHER, FIXED, 0.0, True)
        low = token.lower().replace("’", "'")
        names = self.data.names
        hit = self.lexicon.get(low)
        if hit is not None and hit[0] in (own, EN, MIXED) and low not in names:
            if hit[0] == own and len(token) <= ACRONYM_HINDI_MAX and token.isupper():
                # "FIR", "BP", "JEE": an acronym where the casing informs, else the Hindi word
                return (own, CAPITAL, hit[2], True, EN, True, EN, hit[1])
            return (hit[0], hit[1], hit[2], True, None, True)  # the common case: a known word
        forms = (low, *elongation_forms(low))
        if LAUGHTER.fullmatch(forms[-1] if len(forms) > 1 else low):
            return (UNIV, FIXED, 0.0, True)
        hit = hit if hit is not None else self._lookup(forms[1:])
        is_name = any(f in names for f in forms)
        cap = cap_of(token)
        if hit is not None and hit[0] in (own, EN, MIXED):
            if is_name and cap != LOWER:  # a name that is also a word: "Raj", "Amazon", "Apple"
                return (hit[0], CAPITAL, hit[2], True, NE, False, NE, hit[1])
            return (hit[0], hit[1], hit[2], True, None, True)
        if hit is not None:
            return (hit[0], hit[1], hit[2], True)
        if is_name:
            return (NE, FIXED, 0.0, True)
        if cap == TITLE and low in CALENDAR:
            return (EN, FIXED, -9.0, True, None, True)
        if "-" in low:
            return self._compound(low, cap)
        return self._suffixed(low)

    def _compound(self, low: str, cap: int) -> tuple:
        own = self.own
        tags = set()
        for part in (p for p in low.split("-") if p):
            e = self.lexicon.get(part)
            if e is not None and e[0] in (own, EN):
                tags.add(e[0])
            elif e is None and part.isalpha():
                tags.add(own if self.model_logits([part])[0] > 0 else EN)
        if tags == {own, EN}:
            return (MIXED, FIXED, 0.0, True)
        tag = EN if tags == {EN} else own if tags == {own} else UNIV
        logit = -9.0 if tag == EN else 9.0 if tag == own else 0.0
        if cap != LOWER and tag != UNIV and low not in self.data.own_vocab | self.data.english_vocab:
            return (tag, CAPITAL, logit, True, NE, False, NE, FIXED)  # "Mera-Ration", "PM-KISAN"
        return (tag, FIXED, logit, True)

    def _suffixed(self, low: str) -> tuple | None:
        """English stem + a suffix of the pack's language ("friendon", "officeku"), or a stem of the
        pack's language + an English suffix ("parathas"): the suffix lists are the pack's
        (``mixedsuffix`` and ``ensuffix`` rows of lid/function_words.tsv)."""
        d = self.data
        english, hindi = d.english_vocab, d.own_vocab
        for suffix in d.mixed_suffixes:
            stem = low[: -len(suffix)]
            if low.endswith(suffix) and len(stem) >= 4 and stem in english and stem not in hindi:
                return (MIXED, FIXED, 0.0, True)
        for suffix in d.english_suffixes:
            stem = low[: -len(suffix)]
            if low.endswith(suffix) and len(stem) >= 4 and stem in hindi and stem not in english:
                return (MIXED, FIXED, 0.0, True)
        return None

    def _model_entry(self, token: str, model_logit: float, evidence: tuple[float, float], bonus: float = 0.0) -> tuple:
        """The entry of an unknown word from the character model's log-odds and the word-frequency
        evidence (see the constants above)."""
        hindi, english = evidence
        logit = (
            max(-MODEL_CAP, min(MODEL_CAP, model_logit)) * MODEL_WEIGHT
            + max(-FREQ_CAP, min(FREQ_CAP, hindi - ENGLISH_WEIGHT * english))
            + bonus
        )
        tag = self.own if logit >= 0 else EN
        sure = abs(logit) >= UNKNOWN_SURE
        kind = FIXED if sure else OPEN
        cap = cap_of(token)
        # a word the frequency lists attest counts as known for sentence ID (not "unfamiliar text")
        attested = hindi >= ATTESTED_HINDI or english >= ATTESTED_ENGLISH
        if cap == LOWER:
            return (tag, kind, logit, attested)
        if (
            hindi < NO_EVIDENCE_HINDI
            and english < NO_EVIDENCE_ENGLISH
            and bonus == 0.0
            and abs(model_logit) < MODEL_SURE
        ):
            tag, kind = NE, FIXED  # capitalised, and no word the lists or the model know: a name
        if cap == UPPER and len(token) <= ACRONYM_MAX:
            return (tag, CAPITAL, logit, attested, EN, attested, EN, kind)  # an acronym: UPI, OTP
        # a name inside an informative sentence; opening one, a word only if the evidence is sure
        return (tag, CAPITAL, logit, attested, tag if sure and tag != NE else NE, attested, NE, kind)

    def _complete(self, token: str, e: tuple) -> Entry:
        """The stored entry: the static/model fields plus script class and letter case."""
        tag = e[0]
        if tag == UNIV:
            sclass = NO_SCRIPT
        else:
            s = scripts.token_script(token)
            if s == scripts.LATN:
                sclass = LATIN_KNOWN if e[3] else LATIN_UNKNOWN
            elif s == self.pack.script or (s == scripts.MIXED and self.pack.script in scripts.letter_scripts(token)):
                sclass = NATIVE
            else:
                sclass = FOREIGN
        n = len(e)
        latin = sclass in (LATIN_KNOWN, LATIN_UNKNOWN)
        mark = self._mark(token, sclass) if latin or sclass == NATIVE else None
        is_own = mark == self.pack.code
        # stored as a plain tuple in Entry's field order: the interpreter's fast path for indexing
        # (e[0] in every line's loop) is for exact tuples, not for a NamedTuple subclass
        foreign_mark = None if is_own or mark == EN else mark
        return tuple(
            Entry(
                tag,
                e[1],
                e[2],
                e[3],
                e[4] if n > 4 else None,  # type: ignore[return-value]
                sclass + MARKED if foreign_mark else sclass,
                cap_of(token) if latin else LOWER,
                e[5] if n > 5 else False,
                e[6] if n > 6 else None,
                e[7] if n > 7 else FIXED,
                foreign_mark,
                is_own,
                latin and token.lower() in self.data.light_verbs,
            )
        )

    def _mark(self, token: str, sclass: int) -> str | None:
        """The language ``token`` is a function word (or has a telltale ending) of, if any."""
        words = self.data.function_words[0]
        low = token.lower()
        hit = words.get(low)
        if hit is not None or sclass != NATIVE:
            return hit
        m = self._native_endings.search(low)
        return self._ending_language[m.group(0)] if m else None

    @cached_property
    def _native_endings(self) -> re.Pattern:
        """One pattern for every telltale ending (or single letter, anywhere) of the function-word
        table in the pack's script."""
        pieces = sorted(self._ending_language, key=len, reverse=True)
        ends = [re.escape(p) + "$" for p in pieces if len(p) > 1]
        letters = [re.escape(p) for p in pieces if len(p) == 1]
        return re.compile("|".join(ends + letters) or "(?!)")

    @cached_property
    def _ending_language(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for lang, script, piece in self.data.function_words[1]:
            if script == self.pack.script:
                out.setdefault(piece, lang)
        return out

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
            lows = [_plain(w) for w in words]
            weak = self.data.weak_own
            for tok, low, logit in zip(words, lows, self.model_logits(lows)):
                bonus = WEAK_HINDI_BONUS if low in weak else 0.0
                entry = self._model_entry(tok, logit, self.frequency_evidence(low), bonus)
                memo[tok] = self._complete(tok, entry)

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
            resolve_line(entries, tags, [i for i, e in enumerate(entries) if e[1]], tokens, self.own)
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


def _plain(token: str) -> str:
    """The lowercase, un-stretched form of a word, as the model and the frequency lists see it (a
    pasted blob longer than any word cut to that length: the model's cost grows with it)."""
    low = token.lower().replace("’", "'")
    forms = elongation_forms(low)
    return (forms[0] if forms else low)[: MAX_LISTED_WORD * 2]
