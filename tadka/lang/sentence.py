"""Sentence-level language ID: ``en``, ``hi-Deva``, ``hi-Latn`` or ``other``.

Decided from the word tags first, because they are already there and cost nothing:

* no word at all (empty, emoji, numbers) → ``other``;
* native-script words are the largest group → ``hi-Deva`` (English words in it allowed);
* words of other scripts (Tamil, Urdu, CJK …) outnumber the Latin ones → ``other``;
* Latin text: ``hi-Latn`` when Hindi words make up at least :data:`HINDI_SHARE` of the Hindi and
  English words, else ``en``.

Roman text in a third language (Spanish, Romanised Tamil or Bengali …) looks to the word tagger
like unknown words that it forces into Hindi or English, so when too few of a Latin sentence's
words are in the lexicon (:data:`MIN_KNOWN`), a fastText sentence classifier trained on the four
lid/*.txt files decides whether it is ``other``. The thresholds were chosen by 5-fold
cross-validation on lid/*.txt (99.1 % sentence accuracy there).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from tadka.lang.ftmodel import ModelSpec, load_or_train
from tadka.lang.lid import FOREIGN, LATIN_KNOWN, LATIN_UNKNOWN, NATIVE, WordTagger
from tadka.lang.lid_data import training_code_version
from tadka.lang.tags import EN, HI, MIXED, SENT_EN, SENT_OTHER

#: Share of Hindi among Hindi + English words from which Latin text is Hinglish.
HINDI_SHARE = 0.4
#: Below this share of lexicon-known words a Latin sentence is checked by the sentence model.
MIN_KNOWN = 0.85
#: Probability of ``other`` from the sentence model needed to call the sentence ``other``.
OTHER_PROB = 0.4

ASK = "?"  # placeholder decision: the sentence model has to be asked


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
            (("minn", 2), ("maxn", 5), ("dim", 32), ("bucket", 40000), ("epoch", 50), ("lr", 0.5),
             ("wordNgrams", 2), ("loss", "softmax")),
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

    def decide(self, native: int, latin: int, foreign: int, known: int, hi: float, en: float) -> str:
        """The sentence tag from counts of its words, or :data:`ASK` when the model must decide.

        native/latin/foreign: words in the pack's script, in Latin, in any other script; known:
        Latin words the lexicon knows; hi/en: Latin words tagged Hindi/English (mixed counts half).
        """
        if native == 0 and latin == 0 and foreign == 0:
            return SENT_OTHER
        if native >= latin and native >= foreign:
            return self.pack.native_tag
        if foreign > latin:
            return SENT_OTHER
        if known < MIN_KNOWN * latin:
            return ASK
        return self.latin_tag(hi, en)

    def latin_tag(self, hi: float, en: float) -> str:
        if hi + en == 0:
            return SENT_EN
        return self.pack.roman_tag if hi / (hi + en) >= HINDI_SHARE else SENT_EN

    def settle(self, decisions: list[str], token_lists: Sequence[Sequence[str]], counts: Sequence[tuple[float, float]]) -> None:
        """Replace the :data:`ASK` decisions in place, with one model call for all of them.

        ``counts`` holds the (hi, en) word counts of each sentence, for those the model does not
        find to be in a third language.
        """
        ask = [i for i, d in enumerate(decisions) if d is ASK]
        if not ask:
            return
        probs = self.other_probabilities([token_lists[i] for i in ask])
        for i, p in zip(ask, probs):
            decisions[i] = SENT_OTHER if p >= OTHER_PROB else self.latin_tag(*counts[i])

    def identify_batch(self, token_lists: Sequence[Sequence[str]], tag_lists: Sequence[Sequence[str]]) -> list[str]:
        """Sentence tags for many tagged sentences."""
        decisions: list[str] = []
        counts: list[tuple[float, float]] = []
        for tokens, tags in zip(token_lists, tag_lists):
            stats = sentence_counts(self.tagger.entries_of(tokens), tags)
            decisions.append(self.decide(*stats))
            counts.append(stats[4:])
        self.settle(decisions, token_lists, counts)
        return decisions

    def identify(self, tokens: Sequence[str], tags: Sequence[str]) -> str:
        return self.identify_batch([tokens], [tags])[0]


def sentence_counts(entries: Sequence[tuple], tags: Sequence[str]) -> tuple[int, int, int, int, float, float]:
    """(native, latin, foreign, known, hi, en) word counts of one tagged sentence (see decide).

    hi and en count every Hindi and English word (a mixed word half to each): they only matter
    for sentences whose words are mostly Latin.
    """
    classes = [e[5] for e in entries]
    known = classes.count(LATIN_KNOWN)
    latin = known + classes.count(LATIN_UNKNOWN)
    mixed = tags.count(MIXED) / 2
    return (classes.count(NATIVE), latin, classes.count(FOREIGN), known,
            tags.count(HI) + mixed, tags.count(EN) + mixed)
