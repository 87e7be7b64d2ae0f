"""Acceptance: every text op on 1,000 records changes its eligible units at the requested rate (±20 %),
and never touches a protected span (code, URL, e-mail, number, named entity) or a non-user turn.

The observed rate is measured from the text alone, independently of the op's own bookkeeping:
eligible units are found in the original (with the op's public eligibility test), and whether each
one changed is read off a token alignment (difflib over tadka.lang's tokens) of original and output.
"""

import difflib
import json
import random
from importlib.resources import files

import pytest

from tadka.augment.text import build_op, segment, text_ops
from tadka.augment.text.asr import AsrConfusion
from tadka.augment.text.base import Tally, WordOp
from tadka.augment.text.casing import DropPunctuation
from tadka.augment.text.digits import TO_ASCII, DigitScript, devanagari_context, is_devanagari
from tadka.augment.text.emoji import EmojiInsert
from tadka.augment.text.ocr import OcrConfusion, sites
from tadka.lang.tokenize import TOKEN_RE, token_kind, tokenize
from tadka.records import Record

N = 1000
RATES = (0.1, 0.3)
ENTITIES = ["Ramesh", "Sunita", "IRCTC", "PhonePe", "Aadhaar", "Nashik", "Paytm", "SBI", "UPI", "eNAM"]


def _protected(i: int, rng: random.Random) -> list[str]:
    """Protected items injected into record i: one of each kind, varied."""
    return [
        ENTITIES[i % len(ENTITIES)],
        f"https://pmkisan.gov.in/status?id={rng.randint(1, 999)}",
        f"help{i % 7}@irctc.co.in",
        f"₹{rng.randint(10, 99)},{rng.randint(100, 999)}",
        f"{rng.randint(1, 12)}:{rng.randint(10, 59)}",
        "`pip install tadka`" if i % 2 else "```python\nprint('nahi bhai kya hua')\n```",
    ]


@pytest.fixture(scope="module")
def records():
    tasks = [
        json.loads(line)
        for line in files("tadka.corpora").joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    rng = random.Random(2026)
    out = []
    for i in range(N):
        task = tasks[i % len(tasks)]
        ent, url, email, money, time, code = _protected(i, rng)
        filler = rng.choice(["um,", "uh", "hmm,", "umm"])
        user = (
            f"{filler} {task['hi_latn']['instruction']} Kal maine {ent} wale se baat ki, unhone bola link {url} "
            f"pe dekho ya {email} pe mail karo. Bill {money} aaya tha, {time} baje tak please bata do, thank you! "
            f"Mujhe kuch samajh nahi aaya, ho gaya to message kar do. मुझे नहीं पता क्या करना है। "
            f"बिल {rng.randint(100, 999)} रुपये का था, {rng.randint(2, 9)} दिन हो गए। {code}"
        )
        out.append(
            (
                Record(
                    messages=[
                        {"role": "system", "content": "Tum ek madadgar assistant ho."},
                        {"role": "user", "content": user},
                        {"role": "assistant", "content": task["hi_latn"]["response"]},
                    ]
                ),
                [ent, url, email, money, time, code],
            )
        )
    return out


# -- independent measurement -------------------------------------------------------------------
def _spans(pieces):
    pos = 0
    for p in pieces:
        yield pos, pos + len(p.text), p
        pos += len(p.text)


def _changed_tokens(orig: str, new: str) -> tuple[list[tuple[int, int]], set[int]]:
    """Token spans of ``orig`` and the indices of those that the alignment says changed."""
    spans = [(m.start(), m.end()) for m in TOKEN_RE.finditer(orig)]
    a = [orig[s:e] for s, e in spans]
    b = tokenize(new)
    changed: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            changed.update(range(i1, i2))
    return spans, changed


def _unit_changed(spans, changed, start, end) -> bool:
    return any(i in changed for i, (s, e) in enumerate(spans) if s < end and e > start)


def _changed_sites(word: str, new: str, found) -> int | None:
    """How many of ``word``'s OCR sites ``new`` misreads (None when it does not parse)."""

    def walk(k, wpos, npos):
        if k == len(found):
            return 0 if word[wpos:] == new[npos:] else None
        pos, seq, options = found[k]
        gap = word[wpos:pos]
        if new[npos : npos + len(gap)] != gap:
            return None
        npos += len(gap)
        for cand, cost in [(seq, 0)] + [(o, 1) for o in options]:
            if new.startswith(cand, npos):
                rest = walk(k + 1, pos + len(seq), npos + len(cand))
                if rest is not None:
                    return rest + cost
        return None

    return walk(0, 0, 0)


def measure(op, orig: str, new: str) -> Tally:
    """Eligible units of ``orig`` and how many of them ``new`` changed, for this op."""
    t = Tally()
    pieces = segment(orig, op.entities)
    if isinstance(op, EmojiInsert):
        t.eligible = sum(p.kind in ("word", "entity") for p in pieces)
        t.changed = sum(token_kind(x) == "emoji" for x in tokenize(new)) - sum(
            token_kind(x) == "emoji" for x in tokenize(orig)
        )
        return t
    if isinstance(op, DropPunctuation):

        def marks(tokens):
            return sum(1 for x in tokens if token_kind(x) == "punct" and all(ch in op.params["marks"] for ch in x))

        t.eligible = sum(1 for p in pieces if p.kind == "punct" and all(ch in op.params["marks"] for ch in p.text))
        t.changed = t.eligible - marks([p.text for p in segment(new) if p.kind == "punct"])
        return t
    if isinstance(op, OcrConfusion):
        old_tokens, new_tokens = tokenize(orig), tokenize(new)
        assert len(old_tokens) == len(new_tokens)
        spans = [(m.start(), m.end()) for m in TOKEN_RE.finditer(orig)]
        index = {s: i for i, (s, _) in enumerate(spans)}
        for start, _, p in _spans(pieces):
            if p.kind == "word" and sites(p.text):
                found = sites(p.text)
                t.eligible += len(found)
                t.changed += _changed_sites(p.text, new_tokens[index[start]], found)
        return t
    spans, changed = _changed_tokens(orig, new)
    if isinstance(op, AsrConfusion):
        positions = list(_spans(pieces))
        for kind, i in op.candidates(pieces):
            start, end = positions[i][0], positions[i + 2 if kind == "merge" else i][1]
            t.eligible += 1
            t.changed += _unit_changed(spans, changed, start, end)
        return t
    words = [p for p in pieces if p.kind in ("word", "entity")]
    majority = sum(is_devanagari(p.text) for p in words) * 2 > len(words) if words else False
    for i, (start, end, p) in enumerate(_spans(pieces)):
        if isinstance(op, DigitScript):  # ASCII → Devanagari only among Devanagari words (the op's rule)
            ok = p.kind == "number" and op.convert(p.text, devanagari_context(pieces, i, majority)) not in (
                None,
                p.text,
            )
        else:
            assert isinstance(op, WordOp)
            ok = p.kind == "word" and op.eligible(p)
        if ok:
            t.eligible += 1
            t.changed += _unit_changed(spans, changed, start, end)
    return t


# -- the acceptance tests ------------------------------------------------------------------------
@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("name", text_ops.names())
def test_rate_and_protected_spans(records, name, rate):
    op = build_op(name, rate, seed=11)
    seen, own = Tally(), Tally()
    for record, protected in records:
        noised, tally = op.noise_record(record, op.rng(record.id))
        own.add(tally)
        new = noised.messages[1]["content"]
        seen.add(measure(op, record.messages[1]["content"], new))
        assert noised.messages[0] == record.messages[0] and noised.messages[2] == record.messages[2]
        check = new.translate(TO_ASCII) if name == "digits" else new
        for item in protected:
            assert item in check, (name, item, new)
    assert seen.eligible >= 1500, f"{name}: too few eligible units for a statistical test ({seen.eligible})"
    observed = seen.changed / seen.eligible
    assert abs(observed - rate) <= 0.2 * rate, f"{name}: requested {rate}, observed {observed:.4f} ({seen})"
    assert abs(own.rate - observed) <= 0.02 * rate, (name, own, seen)  # the op's own count agrees


def test_another_seed_differs(records):
    for name in text_ops.names():
        a = build_op(name, 0.2, seed=1)
        b = build_op(name, 0.2, seed=2)
        outs_a = [a.apply(r, a.rng(r.id)).messages[1]["content"] for r, _ in records[:50]]
        outs_b = [b.apply(r, b.rng(r.id)).messages[1]["content"] for r, _ in records[:50]]
        assert outs_a != outs_b, name
