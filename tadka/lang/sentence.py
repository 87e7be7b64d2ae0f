"""Sentence-level language ID: ``en``, ``hi-Deva``, ``hi-Latn`` or ``other``.

Decided from the word tags first, because they are already there and cost nothing:

* no word at all (empty, emoji, numbers) → ``other``;
* native-script words are the largest group → ``hi-Deva`` (English words in it allowed), unless
  the function words are another language's: Marathi and Nepali share the script and much of the
  vocabulary with Hindi, but not "आहे", "नाही", "मला", "छ", "हुन्छ", "तपाईं", nor endings like
  "-णार", "-च्या", "-हरू", "-ेको" (corpora/lid/function_words.tsv). More of those than of Hindi's
  own ("है", "नहीं", "मुझे") → ``other``;
* words of other scripts (Tamil, Urdu, CJK …) outnumber the Latin ones → ``other``;
* Latin text whose function words are another language's (Malay and Indonesian "yang", "dengan",
  "tidak", Spanish "que", "pero": the most frequent words of wordfreq's lists for those
  languages, less anything Roman Hindi or English uses) in number → ``other``;
* Latin text: ``hi-Latn`` when Hindi words make up at least :data:`HINDI_SHARE` of the Hindi and
  English words, else ``en``. Roman Urdu is ``hi-Latn``: in Roman script it is the same language.

Roman text in a third language with no listed function words (Romanised Tamil or Bengali …)
looks to the word tagger like unknown words that it forces into Hindi or English, so when too few
of a Latin sentence's words are in the lexicon (:data:`MIN_KNOWN`), a fastText sentence classifier
trained on the four lid/*.txt files (and their noised copies) decides whether it is ``other``. The
thresholds were chosen by 5-fold cross-validation on lid/*.txt (99.1 % sentence accuracy there).
:meth:`SentenceIdentifier.other_language` names the language of an ``other`` sentence where the
function words say it ("mr", "ne", "ms" …).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cached_property
from operator import itemgetter

from tadka.lang.ftmodel import ModelSpec, load_or_train
from tadka.lang.lid import WordTagger
from tadka.lang.lid_entry import FOREIGN, LATIN_KNOWN, LATIN_UNKNOWN, MARKED, NATIVE
from tadka.lang.lid_data import training_code_version
from tadka.lang.tags import EN, HI, MIXED, SENT_EN, SENT_OTHER

#: Share of Hindi among Hindi + English words from which Latin text is Hinglish (the Hindi pack's
#: ``LanguagePack.roman_share``; another pack sets its own).
HINDI_SHARE = 0.4
#: Below this share of lexicon-known words a Latin sentence is checked by the sentence model.
MIN_KNOWN = 0.85
#: Probability of ``other`` from the sentence model needed to call the sentence ``other``.
OTHER_PROB = 0.4
#: Latin text is another language's when at least this many of its words, and this share of them,
#: are third languages' function words, and they outnumber the pack's own frequent Roman words.
FOREIGN_MIN, FOREIGN_SHARE = 2, 0.3

ASK = "?"  # placeholder decision: the sentence model has to be asked (Latin text)
ASK_NATIVE = "?native"  # the same, for native-script text (not ``other``: the native tag)


class SentenceIdentifier:
    """Sentence tags from tokens and word tags (and, for unfamiliar Latin text, a fastText model)."""

    def __init__(self, tagger: WordTagger) -> None:
        self.tagger = tagger
        self.pack = tagger.pack

    @cached_property
    def model(self):
        pack = self.pack
        spec = ModelSpec(
            f"{pack.code}-sentence",
            tuple(pack.lid.all()),
            (
                ("minn", 2),
                ("maxn", 5),
                ("dim", 32),
                ("bucket", 40000),
                ("epoch", 25),
                ("lr", 0.5),
                ("wordNgrams", 2),
                ("loss", "softmax"),
            ),
            version="2-" + training_code_version(pack),
        )
        return load_or_train(spec, self.tagger.data.sentence_training_lines)

    def other_probabilities(self, token_lists: Sequence[Sequence[str]]) -> list[float]:
        """The sentence model's probability that each token list is in a third language."""
        if not token_lists:
            return []
        labels, probs = self.model.predict([" ".join(t).lower() for t in token_lists], k=4)
        out = []
        for labs, ps in zip(labels, probs):
            p_other = 0.0
            for lab, p in zip(labs, ps):
                if lab == "__label__other":
                    p_other = float(p)
            out.append(p_other)
        return out

    def decide(
        self,
        native: int,
        latin: int,
        foreign: int,
        known: int,
        hi: float,
        en: float,
        marks: dict[str, int] | None = None,
    ) -> str:
        """The sentence tag from counts of its words, or :data:`ASK` when the model must decide.

        native/latin/foreign: words in the pack's script, in Latin, in any other script; known:
        Latin words the lexicon knows; hi/en: Latin words tagged Hindi/English (mixed counts half);
        marks: function words per language (see :func:`sentence_counts`).
        """
        if native == 0 and latin == 0 and foreign == 0:
            return SENT_OTHER
        if native >= latin and native >= foreign:
            if marks:
                verdict = self._foreign_native(marks)
                if verdict is not None:
                    return verdict
            return self.pack.native_tag
        if foreign > latin:
            return SENT_OTHER
        if marks:
            verdict = self._foreign_latin(marks, latin)
            if verdict is not None:
                return verdict
        if known < MIN_KNOWN * latin:
            return ASK
        return self.latin_tag(hi, en)

    def _foreign_native(self, marks: dict[str, int]) -> str | None:
        """``other`` when a sister language's function words (and telltale endings) outnumber the
        pack's own; :data:`ASK` (the sentence model decides) when there are some; else None."""
        own = marks.get("", 0)
        others = sum(n for lang, n in marks.items() if lang in self._native_sisters)
        if others > own:
            return SENT_OTHER
        return ASK_NATIVE if others else None

    def _foreign_latin(self, marks: dict[str, int], latin: int) -> str | None:
        """``other`` when enough of the words are third languages' function words, and more of them
        than the pack's own frequent Roman words; :data:`ASK` when there are some; else None."""
        others = sum(n for lang, n in marks.items() if lang in self._latin_others)
        if others >= FOREIGN_MIN and others >= FOREIGN_SHARE * latin and others > marks.get("", 0):
            return SENT_OTHER
        return ASK if others else None

    @cached_property
    def _native_sisters(self) -> frozenset[str]:
        """Languages with function words in the pack's own script (for Hindi: Marathi, Nepali)."""
        return frozenset(
            lang for lang, script in self._scripts.items() if script == self.pack.script and lang != self.pack.code
        )

    @cached_property
    def _latin_others(self) -> frozenset[str]:
        return frozenset(
            lang for lang, script in self._scripts.items() if script == "Latn" and lang not in (self.pack.code, "en")
        )

    @cached_property
    def _scripts(self) -> dict[str, str]:
        from tadka.lang import resources

        return {
            row["lang"]: row.get("script", "")
            for row in resources.read_tsv(self.pack.lid.function_words)
            if row.get("lang")
        }

    def other_language(self, tokens: Sequence[str]) -> str | None:
        """The language whose function words a sentence has most of, other than the pack's and
        English ("mr", "ne", "ms" …), or None."""
        marks = [e[10] for e in self.tagger.entries_of(tokens)]
        counts = Counter(m for m in marks if m)
        return counts.most_common(1)[0][0] if counts else None

    def latin_tag(self, hi: float, en: float) -> str:
        if hi + en == 0:
            return SENT_EN
        return self.pack.roman_tag if hi / (hi + en) >= self.pack.roman_share else SENT_EN

    def settle(
        self, decisions: list[str], token_lists: Sequence[Sequence[str]], counts: Sequence[tuple[float, float]]
    ) -> None:
        """Replace the :data:`ASK` decisions in place, with one model call for all of them.

        ``counts`` holds the (hi, en) word counts of each sentence, for those the model does not
        find to be in a third language.
        """
        ask = [i for i, d in enumerate(decisions) if d is ASK or d is ASK_NATIVE]
        if not ask:
            return
        probs = self.other_probabilities([token_lists[i] for i in ask])
        for i, p in zip(ask, probs):
            if p >= OTHER_PROB:
                decisions[i] = SENT_OTHER
            else:
                decisions[i] = self.pack.native_tag if decisions[i] is ASK_NATIVE else self.latin_tag(*counts[i])

    def identify_batch(self, token_lists: Sequence[Sequence[str]], tag_lists: Sequence[Sequence[str]]) -> list[str]:
        """Sentence tags for many tagged sentences."""
        decisions: list[str] = []
        counts: list[tuple[float, float]] = []
        for tokens, tags in zip(token_lists, tag_lists):
            stats = sentence_counts(self.tagger.entries_of(tokens), tags, self.pack.code)
            decisions.append(self.decide(*stats))
            counts.append(stats[4:6])
        self.settle(decisions, token_lists, counts)
        return decisions

    def identify(self, tokens: Sequence[str], tags: Sequence[str]) -> str:
        return self.identify_batch([tokens], [tags])[0]


_SCLASS, _MARK, _OWN = itemgetter(5), itemgetter(10), itemgetter(11)


def sentence_counts(entries: Sequence[tuple], tags: Sequence[str], own: str = HI) -> tuple:
    """(native, latin, foreign, known, hi, en, marks) word counts of one tagged sentence (see decide).

    hi and en count every word of the pack's language (tagged ``own``) and every English word (a
    mixed word half to each): they only matter
    for sentences whose words are mostly Latin. marks counts other languages' function words per
    language, and the pack's own under "", or is None when the sentence has none of other
    languages (the common case, and the cheap one).
    """
    classes = list(map(_SCLASS, entries))
    counts = None
    if classes and max(classes) > FOREIGN:  # another language's function word: the rare case
        counts = Counter(m for m in map(_MARK, entries) if m)
        counts[""] = sum(map(_OWN, entries))  # only then do the pack's own ones matter
        classes = [c - MARKED if c > FOREIGN else c for c in classes]
    known = classes.count(LATIN_KNOWN)
    latin = known + classes.count(LATIN_UNKNOWN)
    mixed = tags.count(MIXED) / 2
    return (
        classes.count(NATIVE),
        latin,
        classes.count(FOREIGN),
        known,
        tags.count(own) + mixed,
        tags.count(EN) + mixed,
        counts,
    )
