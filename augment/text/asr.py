"""``asr``: what a speech recogniser writes for what was said.

Four kinds of confusion, each from a table in corpora/noise_tables/:

* ``homophone`` — a word that sounds like another ("their" → "there", "main" → "mein",
  "kal" → "call"; homophones.tsv);
* ``split`` — one word heard as two ("whatsapp" → "whats app", "kyunki" → "kyun ki"; splits.tsv);
* ``merge`` — two words heard as one ("ho gaya" → "hogaya", "thank you" → "thankyou"; merges.tsv;
  only across a single space);
* ``filler`` — a disfluency the recogniser drops ("um", "uh", "hmm"; fillers.txt), with a comma
  right after it.

Candidates are found left to right without overlap; where a word could be several, the order is
filler, merge (with the next word), homophone, split. ``kinds`` restricts them. ASR output also
lacks capitals and punctuation: the ``asr`` preset adds ``lowercase`` and ``nopunct`` for that.

Rate: the share of candidates changed. A candidate is one word (homophone, split, filler) or one
pair of words (merge), all unprotected.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from tadka.augment.text import tables
from tadka.augment.text.base import Tally, TextOp, match_case, text_ops
from tadka.augment.text.protect import Piece
from tadka.errors import ConfigError

KINDS = ("homophone", "split", "merge", "filler")


@text_ops.register("asr")
class AsrConfusion(TextOp):
    """Homophones, word splits and merges, dropped fillers."""

    name = "asr"
    unit = "candidate word or word pair"
    defaults = {"kinds": list(KINDS)}

    def check(self) -> None:
        kinds = self.params["kinds"]
        if not isinstance(kinds, list) or not kinds or set(kinds) - set(KINDS):
            raise ConfigError(f"expected a list of {', '.join(KINDS)}", field="asr.kinds")
        self._kinds = frozenset(kinds)

    def candidates(self, pieces: Sequence[Piece]) -> list[tuple[str, int]]:
        """(kind, piece index) of every candidate, without overlap; a merge names its first word."""
        kinds = self._kinds
        fillers, merges, homophones, splits = tables.fillers(), tables.merges(), tables.homophones(), tables.splits()
        out: list[tuple[str, int]] = []
        i, n = 0, len(pieces)
        while i < n:
            p = pieces[i]
            if p.kind != "word":
                i += 1
                continue
            low = p.text.lower()
            if "filler" in kinds and low in fillers:
                out.append(("filler", i))
            elif (
                "merge" in kinds
                and i + 2 < n
                and pieces[i + 1].text == " "
                and pieces[i + 2].kind == "word"
                and (low, pieces[i + 2].text.lower()) in merges
            ):
                out.append(("merge", i))
                i += 3
                continue
            elif "homophone" in kinds and low in homophones:
                out.append(("homophone", i))
            elif "split" in kinds and low in splits:
                out.append(("split", i))
            i += 1
        return out

    def noise(self, pieces: Sequence[Piece], rng: random.Random, tally: Tally) -> list[str] | None:
        found = self.candidates(pieces)
        if not found:
            return None
        tally.eligible += len(found)
        out: list[str] | None = None
        drop: set[int] = set()
        for kind, i in found:
            if rng.random() >= self.rate:
                continue
            tally.changed += 1
            if out is None:
                out = [q.text for q in pieces]
            word = pieces[i].text
            if kind == "homophone":
                out[i] = match_case(word, rng.choice(tables.homophones()[word.lower()]))
            elif kind == "split":
                out[i] = match_case(word, rng.choice(tables.splits()[word.lower()]))
            elif kind == "merge":
                out[i] = match_case(word, tables.merges()[(word.lower(), pieces[i + 2].text.lower())])
                drop.update((i + 1, i + 2))
            else:  # filler: the word, a comma right after it, and one space
                drop.add(i)
                j = i + 1
                if j < len(pieces) and pieces[j].text == ",":
                    drop.add(j)
                    j += 1
                if j < len(pieces) and pieces[j].kind == "space":
                    drop.add(j)
                elif i > 0 and pieces[i - 1].kind == "space":
                    drop.add(i - 1)
        if out is None or not drop:
            return out
        return [t for k, t in enumerate(out) if k not in drop]
