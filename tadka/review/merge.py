"""Three-way merge of a record's turns: what a reviewer saw, what they typed, what is there now.

Two reviewers who edit different turns of one record must both keep their edit; only the same turn
changed by both is a conflict, and then both texts are kept for the reviewer to choose or merge.
A turn is the unit because reviewers think in turns and an edit form holds one box per turn — a
line- or word-level merge inside a turn could splice two rewrites into a sentence nobody wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TurnConflict:
    """One turn that both sides changed, differently: the text each side saw and wrote."""

    turn: int
    role: str
    seen: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class Merge:
    """``messages`` is their version with every turn only I changed put in; a conflicting turn keeps
    their text until the reviewer resolves it."""

    messages: list[dict]
    mine: tuple[int, ...] = ()
    theirs: tuple[int, ...] = ()
    conflicts: tuple[TurnConflict, ...] = field(default_factory=tuple)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _turns(messages: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": m["content"]} for m in messages]


def merge_turns(seen: list[dict], mine: list[dict], theirs: list[dict]) -> Merge:
    """Merge ``mine`` (made from ``seen``) into ``theirs`` (also made from ``seen``), turn by turn."""
    seen, mine, theirs = _turns(seen), _turns(mine), _turns(theirs)
    roles = [m["role"] for m in seen]
    if [m["role"] for m in mine] != roles or [m["role"] for m in theirs] != roles:
        # The turns themselves differ (never from the edit form, which keeps them): every turn
        # where the two sides differ is a conflict, so nothing is silently dropped.
        n = max(len(seen), len(mine), len(theirs))
        pick = lambda ms, i: ms[i] if i < len(ms) else {"role": "", "content": ""}  # noqa: E731
        conflicts = tuple(
            TurnConflict(
                i,
                pick(theirs, i)["role"] or pick(mine, i)["role"],
                pick(seen, i)["content"],
                pick(mine, i)["content"],
                pick(theirs, i)["content"],
            )
            for i in range(n)
            if pick(mine, i) != pick(theirs, i)
        )
        return Merge(theirs, tuple(range(len(mine))), tuple(range(len(theirs))), conflicts)
    merged: list[dict] = []
    by_me: list[int] = []
    by_them: list[int] = []
    found: list[TurnConflict] = []
    for i, (s, m, t) in enumerate(zip(seen, mine, theirs)):
        s, m, t = s["content"], m["content"], t["content"]
        if m != s:
            by_me.append(i)
        if t != s:
            by_them.append(i)
        if m == s or m == t:
            merged.append({"role": roles[i], "content": t})
        elif t == s:
            merged.append({"role": roles[i], "content": m})
        else:
            found.append(TurnConflict(i, roles[i], s, m, t))
            merged.append({"role": roles[i], "content": t})
    return Merge(merged, tuple(by_me), tuple(by_them), tuple(found))
