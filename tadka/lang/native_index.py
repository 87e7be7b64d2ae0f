"""Roman → native script by candidates and ranking: which real word did the user mean?

A Roman spelling leaves out what the native script writes: "aata" is आता ("comes") or आटा ("flour"),
"dar" दर or डर, "udaaya" उड़ाया not उदाया; "kahaan" ends in ाँ, "baaten" in ें. Rules alone must
guess; this index instead *looks the word up*. Every word of the language's frequency list
(:mod:`tadka.lang.frequency`) and of the pack's lexicon is filed under the Roman keys of its common
spellings (the pack folds spellings to keys: :meth:`LanguagePack.roman_key`), and a Roman word is
answered with the words filed under its key, ranked by

    score = Zipf frequency − EDIT_COST × (edits from the Roman word to the word's nearest spelling)
            + CURATED_BONUS (when the pack's own tables list this very spelling for the word)

Texting spellings without vowels ("bht", "psnd", "mjhe") are also filed by skeleton (the key without
inner vowels), at a small penalty. The constants were set on the pack's lexicon pairs with those
pairs taken out of the index (never on corpora/eval); they are round because accuracy there is flat
around them.

The same ranking serves ``tadka lang devanagari``, ``generate --script deva`` (through
:meth:`LanguagePack.native_word`) and word-level language ID, which asks how good the best Hindi
reading of an unknown Roman word is (:meth:`NativeIndex.best_score`).

Built once per pack from the frequency list and the corpora (~2 s for Hindi's 29k words) and
cached on disk under the model cache (:func:`tadka.lang.resources.cache_dir`), keyed by a hash of
its sources and code, like the fastText models.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from tadka.lang import frequency, resources
from tadka.lang.charlm import CharLM, best_paths

if TYPE_CHECKING:
    from tadka.lang.pack import LanguagePack

logger = logging.getLogger(__name__)

#: Zipf points one edit costs (a word 100 times rarer wins with two edits fewer).
EDIT_COST = 2.0
#: Zipf points for a spelling the pack's own tables list for the word.
CURATED_BONUS = 1.0
#: Zipf points a candidate found only through the skeleton (vowels dropped) loses.
SKELETON_PENALTY = 1.0
#: Zipf given to lexicon words missing from the frequency list.
UNLISTED_ZIPF = 2.5
#: The best candidate must score this much, else the character model spells the word.
MIN_SCORE = 1.0
#: Above this score an exact spelling match is taken without generating spellings by rule.
EXACT_SCORE = 4.0
#: Spellings by rule kept in the lattice search, and what their costs (nats) weigh in edits.
LATTICE_BEAM = 8
LATTICE_COST = 1.0
#: A spelling whose pack prior is this low (an abusive word: LanguagePack.native_prior) is never
#: chosen from the character model's spellings either.
AVOID_PRIOR = -2.0
#: Skeleton buckets keep their most frequent words only.
SKELETON_BUCKET = 40
_LOCK = threading.Lock()
_CODE_VERSION = "1"


@dataclass
class NativeIndex:
    """Native words filed under the keys and skeletons of their Roman spellings (picklable)."""

    natives: list[str] = field(default_factory=list)
    zipfs: list[float] = field(default_factory=list)  # Zipf frequency plus the pack's native_prior
    spellings: list[tuple[tuple[str, float], ...]] = field(default_factory=list)  # (distance form, cost)
    by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    by_skeleton: dict[str, tuple[int, ...]] = field(default_factory=dict)
    curated: dict[str, tuple[int, ...]] = field(default_factory=dict)  # Roman spelling → word ids
    lm: CharLM | None = None  # character model of the listed words, for the words outside them
    position: dict[str, int] = field(default_factory=dict)  # native word → its id

    def ranked(self, pack: LanguagePack, roman: str, limit: int = 5) -> list[tuple[float, str]]:
        """(score, native word) of the best candidates for a Roman word, best first ([] if none)."""
        return [(score, native) for score, native, _ in self.scored(pack, roman)[:limit]]

    def scored(self, pack: LanguagePack, roman: str, best_only: bool = False) -> list[tuple[float, str, float]]:
        """(score, native word, edits) of every candidate for a Roman word, best first (with
        ``best_only``, just the best: candidates are then tried most frequent first and the search
        stops where no frequency is high enough to win)."""
        low = roman.lower()
        key = pack.roman_key(low)
        if not key:
            return []
        form = pack.distance_form(low)
        hits = set(self.by_key.get(key, ()))
        curated = self.curated.get(low, ())
        hits.update(curated)
        skeleton = pack.roman_skeleton(key)
        extra: tuple[int, ...] = ()
        if not hits or skeleton == key:
            extra = self.by_skeleton.get(skeleton, ())
        if not hits and not extra:
            return []
        zipfs, spellings, distance = self.zipfs, self.spellings, Levenshtein.distance
        scored: list[tuple[float, str, float]] = []
        top = -1e9
        # key hits first, then the skeleton's words (stored most frequent first); with best_only the
        # skeleton's words stop where none is frequent enough to win
        for i in (*hits, *(i for i in extra if i not in hits)):
            if best_only and i not in hits and zipfs[i] <= top:
                break
            edits = min(distance(form, s) + cost for s, cost in spellings[i])
            score = zipfs[i] - EDIT_COST * edits
            if i in curated:
                score += CURATED_BONUS
            if i not in hits:
                score -= SKELETON_PENALTY
            scored.append((score, self.natives[i], edits))
            if score > top:
                top = score
        scored.sort(key=lambda t: (-t[0], t[1]))
        return scored

    def transliterate(self, pack: LanguagePack, roman: str) -> str:
        """The native word a Roman word most likely spells (see the module docstring).

        Candidates come from two generators: the words filed under the Roman word's key (and
        skeleton), and the listed words among the best spellings the pack's rules allow
        (:meth:`LanguagePack.native_lattice`, ranked by the character model). The best-scored
        candidate wins if it scores at least :data:`MIN_SCORE`; otherwise no listed word fits and the
        character model's best spelling is the answer.
        """
        low = roman.lower()
        scored = self.scored(pack, low)
        best = scored[0][:2] if scored else (-99.0, "")
        if best[0] >= EXACT_SCORE and scored[0][2] <= 0.5:
            return best[1]  # a frequent word spelt as listed: the rules' spellings cannot beat it
        paths = best_paths(pack.native_lattice(low), self.lm, beam=LATTICE_BEAM) if self.lm else []
        for _, cost, text in paths:
            i = self.position.get(text)
            if i is not None:
                score = self.zipfs[i] - EDIT_COST * cost * LATTICE_COST
                if score > best[0]:
                    best = (score, text)
        if best[0] >= MIN_SCORE:
            return best[1]
        # the character model's best spelling, unless the pack says never to choose it (a slur)
        for _, _, text in paths:
            if pack.native_prior(text) > AVOID_PRIOR:
                return text
        return ""

    def best_score(self, pack: LanguagePack, roman: str) -> float:
        """The score of the best native reading of a Roman word (0.0 when there is none)."""
        top = self.scored(pack, roman, best_only=True)
        return max(top[0][0], 0.0) if top else 0.0


def build_index(pack: LanguagePack, exclude: frozenset[str] = frozenset()) -> NativeIndex:
    """File every word of the pack's frequency list and lexicon under its spellings' keys (``exclude``:
    native words to leave out, for measuring what happens to words outside the list)."""
    index = NativeIndex()
    ids: dict[str, int] = {}

    raw: list[dict[str, float]] = []  # per word: Roman spelling → cost

    def add(native: str, zipf: float) -> int:
        i = ids.get(native)
        if i is None:
            i = ids[native] = len(index.natives)
            index.natives.append(native)
            index.zipfs.append(round(zipf + pack.native_prior(native), 3))
            raw.append(dict(pack.roman_spellings(native)))
        return i

    for native, zipf in pack.native_vocabulary():
        if native not in exclude:
            add(native, zipf)
    # the character model learns from every listed word the pack lets ranking choose (no slurs)
    index.lm = CharLM.train([w for w in index.natives if pack.native_prior(w) > AVOID_PRIOR])
    curated: dict[str, set[int]] = {}
    for roman, native in pack.curated_pairs():
        if native in exclude:
            continue
        i = add(native, UNLISTED_ZIPF)
        curated.setdefault(roman, set()).add(i)
        raw[i][roman] = 0.0
    by_key: dict[str, list[int]] = {}
    by_skeleton: dict[str, list[int]] = {}
    for i, spellings in enumerate(raw):
        keys = {pack.roman_key(s) for s in spellings} - {""}
        for k in keys:
            by_key.setdefault(k, []).append(i)
        for sk in {pack.roman_skeleton(k) for k in keys}:
            by_skeleton.setdefault(sk, []).append(i)
        forms: dict[str, float] = {}
        for s, cost in spellings.items():
            f = pack.distance_form(s)
            forms[f] = min(cost, forms.get(f, 9.0))
        index.spellings.append(tuple(forms.items()))
    index.by_key = {k: tuple(v) for k, v in by_key.items()}
    zipfs = index.zipfs
    index.by_skeleton = {k: tuple(sorted(v, key=lambda i: -zipfs[i])[:SKELETON_BUCKET]) for k, v in by_skeleton.items()}
    index.curated = {r: tuple(sorted(v)) for r, v in curated.items()}
    index.position = ids
    return index


def _cache_key(pack: LanguagePack) -> str:
    """A hash of everything the index is built from: the pack's tables and rules, wordfreq's version,
    and this module's and the character model's code (a pickle of an older class never loads)."""
    from tadka.lang import charlm

    h = hashlib.sha256()
    sources = [pack.bilingual, pack.variants] + [getattr(pack, "profanity", "")] * hasattr(pack, "profanity")
    h.update(resources.digest(sources, pack.code, _CODE_VERSION, frequency.version()).encode())
    h.update(pack.code_version().encode())
    for module in (charlm.__file__, __file__):
        h.update(Path(module).read_bytes())
    return h.hexdigest()[:16]


def load_or_build(pack: LanguagePack) -> NativeIndex:
    """The pack's index from the cache folder, or built now and cached (atomically)."""
    path = Path(resources.cache_dir()) / f"{pack.code}-native-index-{_cache_key(pack)}.pkl"
    with _LOCK:
        if path.exists():
            try:
                with open(path, "rb") as f:
                    index = pickle.load(f)
                if isinstance(index, NativeIndex):
                    return index
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                logger.warning("rebuilding the %s native index: cached file unreadable (%s)", pack.code, exc)
        logger.info("building the %s native-word index", pack.code)
        index = build_index(pack)
        fd, tmp = tempfile.mkstemp(prefix=f".{pack.code}-native-", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return index
