"""Code-mixing to a target CMI band: lexicon substitution inside a Hindi grammatical frame.

What it does (and no more): it takes a Hindi-frame sentence — a seed's Roman Hinglish rendering,
or one built from English by :mod:`tadka.curate.generate.mixer.frame` — and moves its Code-Mixing Index
into a band by swapping *content* words through corpora/lexicon/en_hi.tsv:

* to raise CMI, a Hindi noun or adjective becomes its English equivalent ("kisan" → "farmer"), a
  Hindi verb becomes an English verb plus the "karna" light verb ("kholo" → "open karo",
  "bharna" → "fill karna"), and the noun of a Hindi "X karna" verb becomes an English verb
  ("koshish karo" → "try karo");
* to lower it, an English noun/adjective becomes Hindi ("district" → "zila") and an English verb
  before "karna" becomes Hindi ("check karo" → "jaanch karo" or "jaancho").

Pronouns, postpositions, conjunctions, particles, numbers, auxiliaries and light verbs are never
touched (the matrix language stays Hindi), nor are named entities, numbers, URLs or hyphenated
compounds. When the English source is known, the English word the source used wins among the
lexicon's senses (a light alignment). Word order, gender agreement of the words around a swap and
idiom are not modelled: output reads like everyday Hinglish where the lexicon is good, and a
swap can be stilted where it is thin.

CMI is counted on the language tags of :mod:`tadka.lang` (the tagger is passed in; see
:func:`default_tagger`), and the result is re-tagged and nudged again when the tagger disagrees
with the bookkeeping. Devanagari and mixed-script output write the Hindi-tagged words with the
lexicon's Devanagari or tadka.lang's transliteration; English words and names stay in Roman.
The candidate swaps and their tiers come from :mod:`tadka.curate.generate.mixer.swaps`; this
module steers with them. Randomness comes only from the ``random.Random`` passed in, which callers
seed from (global seed, op name, record id) with :func:`op_rng`, so output never depends on order
or worker count.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from tadka.curate.generate.mixer.lexicon import LIGHT_VERB_FORMS, MixLexicon, load_mix_lexicon, phrase_key
from tadka.curate.generate.mixer.tokens import (  # noqa: F401  (re-exported: the mixer's public helpers)
    SENTENCE_END,
    Tagger,
    Tok,
    default_tagger,
    explode,
    flat_tags,
    is_hindi_frame,
    lexicon_tagger,
    looks_like_entity,
    render,
    split_tokens,
    text_tagger,
)
from tadka.lang.metrics import cmi as cmi_of_tags
from tadka.curate.generate.mixer.band import draw_target, english_share, on_target  # noqa: F401  (re-exported)
from tadka.curate.generate.mixer.swaps import Swap, candidates
from tadka.ops import in_band

logger = logging.getLogger(__name__)

SCRIPTS = ("latn", "deva", "mixed")


# -- the mixer ---------------------------------------------------------------------------------
@dataclass
class Mixed:
    """One mixed text and how it was made."""

    text: str
    cmi: float  # by the tags the mixer ended with (tadka.lang's where it had them)
    target: float
    swaps: int
    frame: str  # "hindi" (the input was Hindi-frame), "english" (a frame was built from English)


class CodeMixer:
    """Moves a Hindi-frame text into a CMI band by lexicon swaps (see the module docstring).

    ``tagger`` is the language ID CMI is measured with (None: the lexicon's own tags, for tests
    and for callers without tadka.lang's model); ``lexicon`` the swap tables (default: the shipped
    corpora). Both are only stored here.
    """

    def __init__(
        self, lexicon: MixLexicon | None = None, tagger: Tagger | None = None, *, max_rounds: int = 3, max_tier: int = 2
    ) -> None:
        self.lexicon = lexicon
        self.tagger = tagger
        self.max_rounds = max_rounds
        self.max_tier = max_tier

    # -- public ---------------------------------------------------------------------------
    def mix(
        self,
        hindi: str | None,
        english: str | None,
        band: tuple[float, float],
        rng: random.Random,
        *,
        script: str = "latn",
        target: float | None = None,
        max_tier: int | None = None,
    ) -> Mixed:
        """Mix one text (an instruction or a response) into ``band``.

        ``hindi``: its Hindi-frame (Roman Hinglish) rendering, when there is one; ``english``: its
        English version, used to pick senses, or to build a frame when ``hindi`` is empty.
        ``max_tier`` caps how risky a swap may be (see :class:`Swap`; default: the mixer's own).
        Raises ValueError only when there is nothing to work on (the caller records that as a failure).
        """
        lex = self.lex
        english = english or ""
        frame = "hindi"
        if not (hindi and hindi.strip()):
            if not english.strip():
                raise ValueError("nothing to mix: both the Hindi and the English text are empty")
            from tadka.curate.generate.mixer.frame import hindi_frame

            hindi = hindi_frame(english, lex)
            frame = "english"
        if script not in SCRIPTS:
            raise ValueError(f"unknown script {script!r} (expected {', '.join(SCRIPTS)})")
        if target is None:
            target = draw_target(band, rng)
        if lex.own != "hi" or any("\u0900" <= ch <= "\u097f" for ch in hindi):
            from tadka.lang import romanize

            hindi = romanize(hindi, lex.own)  # swaps work on Roman Hindi; the script comes back at the end
        toks = split_tokens(hindi)
        if not any(t.word.isalpha() for t in toks):
            raise ValueError("nothing to mix: the text has no words")
        self._retag(toks, english, first=True)
        swaps = 0
        for round_ in range(self.max_rounds):
            n = self._steer(
                toks,
                target,
                band,
                rng,
                english,
                explore=round_ == 0,
                max_tier=self.max_tier if max_tier is None else max_tier,
            )
            if not n:
                break
            swaps += n
            # Re-tag the new text: the tagger may see a swapped word otherwise than the
            # bookkeeping assumed, and the band is judged by the tagger.
            toks = self._retag(explode(toks), english)
            if on_target(flat_tags(toks), band):
                break
        measured = cmi_of_tags(flat_tags(toks))
        text = self._script(toks, script, rng)
        return Mixed(text=text, cmi=measured, target=target, swaps=swaps, frame=frame)

    # -- tagging --------------------------------------------------------------------------
    @property
    def lex(self) -> MixLexicon:
        """The swap tables (the shipped lexicon unless one was passed in)."""
        if self.lexicon is None:
            self.lexicon = load_mix_lexicon()
        return self.lexicon

    def _retag(self, toks: list[Tok], english: str, *, first: bool = False) -> list[Tok]:
        """Tags from the tagger where its tokens line up with ours, else from the lexicon.

        Tokens already swapped stay frozen (a word is changed at most once); on the first pass
        named entities, numbers, hyphenated compounds and anything not Hindi or English freeze.
        """
        lex = self.lex
        words = [t.word for t in toks]
        fallback = lexicon_tagger(lex, english)(words)
        # Without the tagger's word, a swapped word keeps the language it was swapped into.
        tags = [t.tag if t.swapped else fb for t, fb in zip(toks, fallback)]
        if self.tagger is not None:
            lid_tokens, lid_tags = self.tagger([render(toks)])[0]
            if lid_tokens == words:
                tags = list(lid_tags)
            else:
                logger.debug("LID tokens differ from the mixer's; lexicon tags for %r", words[:8])
        start = True
        for t, tag, fb in zip(toks, tags, fallback):
            t.tags = [tag]
            if first:
                t.frozen = fb == "ne" or looks_like_entity(t.word, start) or not t.word.replace("'", "").isalpha()
            t.frozen = t.frozen or tag not in (lex.own, "en")
            start = t.word in SENTENCE_END or (start and tag == "univ")
        if first:
            self._freeze_idioms(toks)
        return toks

    def _freeze_idioms(self, toks: list[Tok]) -> None:
        """Hindi words whose meaning lives in a larger unit never swap one by one: fixed
        expressions ("ke baare mein"), the noun of a noun + light-verb verb ("pata ho", "dhyan
        dein"; "X karna" is handled as a whole by the candidates) and reduplication ("dheere
        dheere", "kam se kam")."""
        lex = self.lex
        low = [t.word.lower() for t in toks]
        for size in (3, 2):
            for i in range(len(toks) - size + 1):
                if phrase_key(low[i : i + size]) in lex.fixed_phrases:
                    for t in toks[i : i + size]:
                        t.frozen = t.frozen or t.tag == lex.own
        for i, t in enumerate(toks):
            nxt = low[i + 1] if i + 1 < len(toks) else ""
            light = lex.verb_nouns.get(low[i], ())
            if any(nxt.startswith(stem) for stem in light if stem != "kar") and nxt in LIGHT_VERB_FORMS:
                t.frozen = True
            if nxt == low[i] or (i and low[i - 1] == low[i]):
                t.frozen = True
            if i + 2 < len(toks) and low[i + 2] == low[i] and low[i + 1] in ("se", "na", "ke", "hi"):
                toks[i].frozen = toks[i + 2].frozen = True  # "kam se kam", "kabhi na kabhi"

    # -- steering -------------------------------------------------------------------------
    def _steer(
        self,
        toks: list[Tok],
        target: float,
        band: tuple[float, float],
        rng: random.Random,
        english: str,
        *,
        explore: bool,
        max_tier: int,
    ) -> int:
        """Apply swaps until CMI is as near ``target`` as the candidates allow; returns how many.

        Safer tiers are tried first; inside a tier the order is random, so two variants of one
        seed differ in *which* words switch language, not only in how many.
        """
        cands = [c for c in candidates(toks, english, self.lex) if c.tier <= max_tier]
        rng.shuffle(cands)
        cands.sort(key=lambda s: s.tier)
        used: set[int] = set()
        applied = 0
        # Steer the English share of the words, not CMI itself: CMI folds at 50 (an English-heavy
        # text and a Hindi-heavy one can score the same), and Hindi must stay the matrix language.
        goal = target / 100
        current = english_share(flat_tags(toks))
        safe = [c for c in cands if c.tier == 0]
        toward = [c for c in safe if c.up == (current < goal) and in_band(100 * self._try(toks, c), band)]
        if explore and toward and rng.random() < 0.5:
            # one safe swap toward the target even if it overshoots (staying in the band):
            # variants of one seed then differ even when the seed already sits on the target
            applied += self._apply(toks, toward[0], used)
            current = english_share(flat_tags(toks))
        while True:
            best = None
            for swap in cands:
                if swap.up != (current < goal) or used.intersection(swap.at):
                    continue
                after = self._try(toks, swap)
                if abs(after - goal) < abs(current - goal):
                    best = (swap, after)
                    break
            if best is None:
                return applied
            applied += self._apply(toks, best[0], used)
            current = best[1]

    @staticmethod
    def _try(toks: list[Tok], swap: Swap) -> float:
        """The English share the text would have after ``swap``."""
        tags = []
        at = dict(zip(swap.at, swap.tags))
        for i, t in enumerate(toks):
            tags.extend(at.get(i, t.tags))
        return english_share(tags)

    @staticmethod
    def _apply(toks: list[Tok], swap: Swap, used: set[int]) -> int:
        if used.intersection(swap.at):
            return 0
        for i, words, tags in zip(swap.at, swap.words, swap.tags):
            t = toks[i]
            if words and t.word[:1].isupper() and t.word[1:2].islower():
                words = [words[0][:1].upper() + words[0][1:], *words[1:]]
            t.words, t.tags = list(words), list(tags)
            t.frozen = t.swapped = True
            used.add(i)
        return 1

    # -- script ---------------------------------------------------------------------------
    def _script(self, toks: list[Tok], script: str, rng: random.Random) -> str:
        """Roman as it is; Devanagari for the Hindi words (English, names, numbers stay as they are).

        ``mixed`` writes each sentence in one script, chosen at random, with at least one of each
        when there are two sentences or more.
        """
        if script == "latn":
            return render(toks)
        sentences: list[list[Tok]] = [[]]
        for t in toks:
            sentences[-1].append(t)
            if t.word in SENTENCE_END:
                sentences.append([])
        sentences = [s for s in sentences if s]
        if script == "deva":
            chosen = [True] * len(sentences)
        else:
            chosen = [rng.random() < 0.5 for _ in sentences]
            if len(sentences) > 1 and all(chosen):
                chosen[rng.randrange(len(sentences))] = False
            if not any(chosen):
                chosen[rng.randrange(len(sentences))] = True
        lex = self.lex
        for sentence, deva in zip(sentences, chosen):
            if not deva:
                continue
            first = next((t for t in sentence if t.tag != "univ"), None)
            for t in sentence:
                # a capitalised Hindi word opening a sentence ("Apna …") may be tagged as a name
                opener = (
                    t is first
                    and t.tag == "ne"
                    and t.word.lower() in lex.hi_words
                    and t.word.lower() not in lex.en_words
                )
                t.words = [to_devanagari(w, lex) if tag == lex.own or opener else w for w, tag in zip(t.words, t.tags)]
            if sentence[-1].word == "." and lex.own == "hi":
                sentence[-1].words = ["।"]
        return render(toks)


def to_devanagari(word: str, lex: MixLexicon) -> str:
    """One Roman Hindi word in Devanagari by tadka.lang's ranking (the same as ``tadka lang
    devanagari``): the lexicon's spellings compete with the frequency list's words, so "aata hai"
    becomes आता है (comes), not the lexicon's आटा (flour). ``lex`` names the pack (None: Hindi); for
    another pack the word goes to that pack's script."""
    from tadka.lang.pack import get_pack

    return get_pack(lex.own if lex is not None else "hi").native_word(word)
