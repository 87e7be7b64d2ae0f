"""Steps 4 and 5 of word ID (see :mod:`tadka.lang.lid`): the words a line's casing and context decide.

Kept apart from the tagger because it is the one per-line step: every other decision is made once
per distinct word and memoised, this one reads the whole line — whether its casing is informative,
where its sentences open, and the Hindi/English balance around each undecided word.
"""

from __future__ import annotations

from collections.abc import Sequence

from tadka.lang.lid_entry import CAPITAL, OPEN, Entry, casing_informative, opens_sentence
from tadka.lang.lid_weights import W_SENTENCE, side_evidence
from tadka.lang.tags import EN, UNIV


def resolve_line(entries: list[Entry], tags: list[str], pending: list[int], tokens: Sequence[str], own: str) -> None:
    """Decide the OPEN and CAPITAL tokens of one line (which may hold several sentences), in place
    in ``tags``; ``own`` is the tag of the pack's language."""
    context: list[int] = []
    informative: bool | None = None
    first_word = -1
    for i in pending:
        e = entries[i]
        if e[1] == CAPITAL:
            if informative is None:
                first_word = next((j for j, t in enumerate(tags) if t != UNIV), 0)
                informative = casing_informative(entries, tags, tokens, first_word)
            decided = None
            if informative:
                opens = i == first_word or opens_sentence(tokens, tags, i)
                decided = e[4] if opens else e[8]
            if decided is not None:
                tags[i] = decided
                continue
            tags[i] = e[0]
            if e[9] != OPEN:
                continue
        context.append(i)
    if not context:
        return
    # Hindi and English words whose tag is final (counted in C, then the undecided taken out)
    fixed_hi, fixed_en = tags.count(own), tags.count(EN)
    for i in context:
        if tags[i] == own:
            fixed_hi -= 1
        elif tags[i] == EN:
            fixed_en -= 1
    balance = W_SENTENCE * (fixed_hi - fixed_en) / (fixed_hi + fixed_en + 1)
    n = len(entries)
    for i in context:
        score = (
            entries[i][2]
            + balance
            + side_evidence(tags, entries, i, -1, n, own)
            + side_evidence(tags, entries, i, 1, n, own)
        )
        tags[i] = own if score >= 0 else EN
