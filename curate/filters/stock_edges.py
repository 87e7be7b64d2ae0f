"""Stock openers and closings that answer nothing: "Bilkul! 😊", "## Jawab", "ALL THE BEST!! 👍" after an
answer about RTI, "Conclusion: Iss tarah aap aasani se yeh kaam kar sakte hain."

Held-out rounds 23–25 (bench/junk_rounds.md) kept teacher openers and closings the meta-talk model scores
low because they are short or say something pleasant. Each is read here by its shape and by what was asked
(words in corpora/junk/stock_edge_words.tsv):

- :func:`bare_acknowledgement`: the answer's first sentence (or its lead-in up to a colon or an emoji) is
  only words of assent (row ``ack``: "bilkul", "zaroor", "sure", "haan ji", "theek hai" …, with vocatives
  such as "bhai" and "suno", in any spelling of the language core's variant table: "hnji zrur btata hu")
  and the prompt asks a question that assent does not answer — a what, when or how question (row ``wh``,
  a "kya" inside the question: "Iske liye kya documents chahiye?", or an explain or how demand of
  corpora/demand/answer_demand.tsv) — or sets a task ("Inko classify karo: …"). "Haan bilkul." is the
  answer to "Kya main online apply kar sakta hoon?" and is kept;
- :func:`unasked_greeting`: the answer opens with a greeting only (row ``greet``: "Namaste! 🙏") before
  the answer to a question that greeted no one, when no text (an intro, a welcome) was asked for;
- :func:`answer_heading`: the answer opens with a markdown heading or bold label that names the answer or
  the question (the ``lead_in`` row of corpora/junk/exchange_words.tsv: "## Jawab", "**Answer**") or is a
  stock heading (row ``heading``: "### Step-by-Step Guide", "**Overview:**", "### 📌 Samjhiye Aasaan
  Bhasha Mein"), unless the user asked for a text to be written (an essay's "### Conclusion", a slide's
  "**Summary**"; but not a guide's heading over a letter or message) or it numbers a step ("**Step 1:**
  Form bharo");
- :func:`stock_wish`: the last sentence is only a wish ("All the best!", "Stay safe, stay healthy! 😊",
  "Happy learning! 📚") after an answer to a question (not a remark or a request) that names no exam, interview, plan or person of
  the user's own (row ``personal``), is not a message the user asked for and does not thank: "All the best!"
  after tips for tomorrow's exam, or as the reply to "thanks bhai", is the answer's own. A thanks after a
  sentence that thanked already ("… Dhanyavaad. Shukriya! 🙏") is flagged whatever was asked;
- :func:`says_nothing`: the whole answer is a generic paragraph of vague words (row ``vague``: "vishay",
  "pehlu", "sthiti", "nirbhar", "faisla aapka") that names nothing the prompt asked about;
- :func:`empty_conclusion`: the last sentence opens with a summing-up word (row ``conclusion``:
  "Conclusion:", "Overall,", "Kul milakar") and names nothing the prompt asked about.

Why by hand: no library reads Hinglish assent or stock closings; this is word sets and a sentence split.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files
from typing import NamedTuple

from tadka.curate.filters.length import asks_to_compose, demand
from tadka.curate.filters.text import EMOJI, fresh_match_words, match_words, split_sentences
from tadka.curate.filters.topic_words import canonical_words, shares_topic
from tadka.lang.variants import canonical_spelling

#: Words the answer must hold after the acknowledgement: "Haan ji, bilkul." alone is a short reply.
MIN_REST_WORDS = 5
#: The most words a closing wish has ("Aapke exam ke liye bahut bahut shubhkamnayein!" is seven).
WISH_WORDS = 8
_HELD = re.compile(r"(\w)\1{2,}")  # "bilkulll", "zaroorrr": a held letter, read once
_KYA = frozenset(("kya", "kia", "kyaa", "क्या"))
#: First words of a question that asks yes or no.
_YES_NO = _KYA | frozenset("can could would will should shall do does did is are am was were".split())
_GREETING = re.compile(r"^\s*[^\s,?]+\s*,\s*")  # "Hello, kya …", "Bhai, kya …": a word before the question
_HEADING = re.compile(r"\s*(?:#{1,6}|\*\*|__)([^\n]{1,48})")
_HEADING_WORDS = 4  # words of a heading read: "## Aapke Sawal Ka Jawab" names the answer in its fourth
_THANKS = frozenset("thank thanks thanku thankyou thnx thx ty shukriya shukria dhanyavaad dhanyawad dhanyavad".split())


class _Words(NamedTuple):
    ack: frozenset[str]
    wh: frozenset[str]
    heading: frozenset[str]
    wish: frozenset[str]
    wish_core: frozenset[str]
    personal: frozenset[str]
    conclusion: frozenset[str]
    vague: frozenset[str]
    got_it: frozenset[str]
    negation: frozenset[str]
    greet: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    """The rows of corpora/junk/stock_edge_words.tsv."""
    text = files("tadka.corpora").joinpath("junk", "stock_edge_words.tsv").read_text(encoding="utf-8")
    text = unicodedata.normalize("NFC", text)  # as fresh_match_words reads the text it is compared with
    rows = dict(line.split("\t", 1) for line in text.splitlines()[1:] if "\t" in line)
    # a phrase is written with "_" between its words ("in_short", "kul_milakar"), read as its words joined by spaces
    return _Words(*(frozenset(w.replace("_", " ") for w in rows[k].casefold().split()) for k in _Words._fields))


def _read_within(text: str, allowed: frozenset[str]) -> list[str] | None:
    """The words of ``text`` with held letters read once ("zaroorrr"), or None as soon as one is not in
    ``allowed`` (most first and last sentences fail on their first word: no need to read the rest)."""
    out = []
    for w in fresh_match_words(text):
        w = _allowed_form(w, allowed)
        if w is None:
            return None
        out.append(w)
    return out


def _allowed_form(word: str, allowed: frozenset[str]) -> str | None:
    """``word`` as ``allowed`` holds it — read with held letters once ("zaroorrr"), or by its usual spelling
    (the variant table of the language core: "zrur", "hnji", "btata hu" are "zaroor", "haanji", "batata
    hoon") — or None."""
    w = _HELD.sub(r"\1", word) if len(word) > 2 else word
    if w in allowed:
        return w
    usual = canonical_spelling(w)
    return usual if usual in allowed else None


_WORDY = re.compile(r"\w")
_LEAD_BREAK = re.compile(rf"(?<=:)\s+|(?<={EMOJI})\s+")
#: A "…:" lead-in of at most 100 characters straight before a numbered, bulleted or bold list.
_LEADS_A_LIST = re.compile(r"\W*[^\n:.!?]{1,100}:\s*\n\s*(?:\d{1,2}[.)]\s|[-*•]\s|\*\*)")
#: Longest first or last sentence, in characters, worth reading as bare assent or a wish ("Ji haan, bilkul
#: zaroor bhai!" is 27): longer ones are content, and are not split into words at all.
_EDGE_CHARS = 60
#: How much of the end of an answer is split to find its last sentence (an empty conclusion runs longer than
#: a wish: "Overall, yeh ek bahut hi useful process hai jo sabko aana chahiye." is 67 characters).
_TAIL_CHARS = 240


@lru_cache(maxsize=64)
def _edges(answer: str) -> tuple[bool, str, str]:
    """(whether the answer has two or more sentences that hold a word, its first sentence if it is at most
    :data:`_EDGE_CHARS` long, its last sentence if it is at most :data:`_TAIL_CHARS` long); an emoji after the
    last "!" ("All the best! 👍✨") is not a sentence. Only the two ends are split: most answers are long.
    Memoised: each reading of one answer asks for it, one after another."""
    head = [s for s in split_sentences(answer[: _EDGE_CHARS + 2]) if _WORDY.search(s)]
    if head:  # a lead-in ends at a colon or an emoji as well ("zaroor bhai, sun: …", "hnji zrur btata hu 👇 …")
        head[:1] = [s for s in _LEAD_BREAK.split(head[0]) if _WORDY.search(s)]
    whole_tail = len(answer) <= _TAIL_CHARS
    tail = [s for s in split_sentences(answer if whole_tail else answer[-_TAIL_CHARS:]) if _WORDY.search(s)]
    several = len(head) >= 2 or len(tail) >= 2
    first = head[0] if len(head) >= 2 else ""  # (one piece only: the first sentence runs past the window)
    last = tail[-1] if tail and (whole_tail or len(tail) >= 2) else ""
    return several, first, last


def _edge_sentence(answer: str, allowed: frozenset[str], opening: bool) -> tuple[str, list[str] | None]:
    """(the answer's first or last sentence, its words) when it is one of several sentences, at most
    :data:`_EDGE_CHARS` long and every word of it is in ``allowed``; else ("", None). The word at that end of
    the answer is tested first: most answers fail there, before any sentence split."""
    end = fresh_match_words(answer[:24])[:1] if opening else fresh_match_words(answer[-24:])[-1:]
    if not end or _allowed_form(end[0], allowed) is None:
        return "", None
    several, first, last = _edges(answer)
    sentence = first if opening else last
    if not several or not sentence or len(sentence) > _EDGE_CHARS:
        return "", None
    return sentence, _read_within(sentence, allowed)


def asks_what(prompt: str) -> bool:
    """True when the prompt asks a question that "yes" does not answer: a question word (kab, kitna,
    kaun, what, how …), a "kya" neither first nor last in its question ("Iske liye kya chahiye?"), or an
    explain or how demand — unless one of its questions asks yes or no: it starts with "kya", "can",
    "is" … (after a greeting: "Hello, kya aap Hindi samajhte ho?"), as "Kya aap farq samjha sakte hain?"
    does, where "Haan, zaroor." answers it."""
    wh = _words().wh
    asked = False
    for sentence in split_sentences(prompt):
        words = fresh_match_words(_GREETING.sub("", sentence, count=1))
        if words[:1] and words[0] in _YES_NO:
            return False
        asked = asked or not wh.isdisjoint(words) or any(w in _KYA for w in words[1:-1])
    return asked or bool(demand(prompt))


def bare_acknowledgement(prompt: str, answer: str) -> bool:
    """True when the answer opens with a sentence of assent only, before an answer to a question assent
    does not answer (module docstring)."""
    table = _words()
    first, words = _edge_sentence(answer, table.ack, opening=True)
    if not words or len(match_words(answer)) - len(words) < MIN_REST_WORDS:
        return False
    if not table.got_it.isdisjoint(words):  # "Theek hai, samajh gaya. 👍" before an answer or a draft
        return "?" in prompt or asks_what(prompt) or asks_to_compose(prompt)
    rest = answer[answer.find(first) + len(first) :]
    after = fresh_match_words(rest[:24])[:1]
    if after and after[0] in table.negation:
        return True  # "Zaroor! Nahi, …": the assent answers nothing
    if _LEADS_A_LIST.match(rest):  # "Zaroor! 2 cup adrak wali chai aise banao:" and a list: a cook's "sure"
        return False
    # before a what-answer, the draft the user asked for ("Zaroor! Dear Parents, …") or the task it set
    # ("Inko classify karo: …" → "Zaroor! PNR train ka …")
    return asks_what(prompt) or asks_to_compose(prompt) or asks_to_do(prompt)


#: Words that end a request ("… classify karo:", "… bata dijiye.", "Tips do pls") or begin one ("Convert 2
#: acre …"), read in their usual spelling.
_DO_LAST = frozenset(
    "karo karein karen kijiye kariye do de dijiye dena dein batao bataiye batayein bata likho likhiye "
    "samjhao samjhaiye bolo boliye dikhao dikhaiye banao banaiye bhejo chuno sunao suggest please pls plz".split()
)
_DO_FIRST = frozenset(
    "explain list tell give write suggest compare classify translate summarize summarise describe convert "
    "calculate name please".split()
)
_CLAUSE = re.compile(r"[^.:!\n]+")


def asks_to_do(prompt: str) -> bool:
    """True when the prompt sets a task rather than asking a question: it holds no "?" and a clause ends
    in a request ("karo", "bata dijiye", "pls") or the prompt begins with one ("Convert", "List")."""
    if "?" in prompt:
        return False
    first = fresh_match_words(prompt[:24])[:1]
    if first and first[0] in _DO_FIRST:
        return True
    for clause in _CLAUSE.findall(prompt):
        last = fresh_match_words(clause)[-1:]
        if last and _imperative(last[0]):
            return True
    return False


def _imperative(word: str) -> bool:
    """True for a Hindi request form: a word of :data:`_DO_LAST`, or one in "-o" ("baanto", "gino"; not
    "isko", nor an English word such as "photo") or "-iye" ("bhijwaiye")."""
    if canonical_spelling(word) in _DO_LAST or (word.endswith("iye") and len(word) > 4):
        return True
    if len(word) < 4 or not word.endswith("o") or word.endswith(("ko", "oo")) or not word.isascii():
        return False
    from tadka.lang.frequency import zipf

    return zipf(word, "en") < _ENGLISH_ZIPF


_ENGLISH_ZIPF = 2.5  # "photo", "video", "hello" are far above; "baanto", "bhejo" are not English words


def unasked_greeting(prompt: str, answer: str) -> bool:
    """True when the answer opens with a sentence of greeting only ("Namaste! 🙏 Aapka swagat hai.") before
    the answer to a question that greeted no one, and no text was asked for (a channel's intro greets its
    viewers; a greeting answered in kind is read by meta_exchange.answers_in_kind)."""
    table = _words()
    _, words = _edge_sentence(answer, table.greet, opening=True)
    asked = fresh_match_words(prompt[:24])[:1]
    if not words or (asked and asked[0] in table.greet) or len(match_words(answer)) - len(words) < MIN_REST_WORDS:
        return False
    if not _THANKS.isdisjoint(fresh_match_words(prompt)):  # "Thank you! Ek aur sawaal …" → "Welcome! …"
        return False
    return ("?" in prompt or asks_what(prompt)) and not asks_to_compose(prompt)


def answer_heading(prompt: str, answer: str) -> bool:
    """True when the answer opens with a markdown heading or bold label that names the answer or is a stock
    heading (module docstring)."""
    from tadka.curate.filters.meta_exchange import lead_in_words

    m = _HEADING.match(answer)
    if not m:
        return False
    words = canonical_words(fresh_match_words(m.group(1)))[:_HEADING_WORDS]
    if not words:
        return False
    if not lead_in_words().isdisjoint(words):  # "## Jawab", "## Aapke Sawal Ka Jawab"
        return True
    if words[0] not in _words().heading or (len(words) > 1 and words[1].isdigit()):  # "**Step 1:** Form bharo"
        return False
    # a guide's heading over the letter or message asked for ("### Step by Step Guide" → "Aadarniya Teacher, …")
    return not asks_to_compose(prompt) or (words[0] in _GUIDE and bool(_LETTER.search(prompt)))


_GUIDE = frozenset("step steps guide explanation explained samjhiye samjhaiye samjho samjhe".split())
_LETTER = re.compile(
    r"\b(?:letter|application|arzi|arji|e-?mail|mail|patra|chitth?i|message|msg|complaint|shikayat|invitation)\b",
    re.IGNORECASE,
)


def _occasion(prompt: str) -> bool:
    """True when the prompt is not a question ("Sir, result aa gaya, pass ho gaya", "Recording bhej do
    pls"), names the user's own exam, plan or situation, thanks, or asks for a text: a wish then belongs
    to the answer."""
    if "?" not in prompt and not asks_what(prompt):
        return True
    words = set(fresh_match_words(prompt))
    return not words.isdisjoint(_words().personal) or not words.isdisjoint(_THANKS) or asks_to_compose(prompt)


def stock_wish(prompt: str, answer: str) -> bool:
    """True when the answer's last sentence is only a wish, after an answer to a question with no occasion
    for it (module docstring)."""
    table = _words()
    _, words = _edge_sentence(answer, table.wish, opening=False)
    if not words or len(words) > WISH_WORDS or table.wish_core.isdisjoint(words):
        return False
    if not _THANKS.isdisjoint(words) and _thanked_before(answer, table.wish):
        return True  # "… Dhanyavaad. Shukriya! 🙏✨": the answer, or the letter asked for, thanked already
    return not _occasion(prompt)


def _thanked_before(answer: str, allowed: frozenset[str]) -> bool:
    """True when the sentence before the answer's last one is a thanks too ("Dhanyavaad.")."""
    tail = [s for s in split_sentences(answer[-_TAIL_CHARS:]) if _WORDY.search(s)]
    if len(tail) < 3 or len(tail[-2]) > _EDGE_CHARS:
        return False
    words = _read_within(tail[-2], allowed)
    return bool(words) and not _THANKS.isdisjoint(words)


_OPENS = re.compile(r"\W*(\w+)(?:\W+(\w+))?(?:\W+(\w+))?")


def empty_conclusion(prompt: str, answer: str) -> bool:
    """True when the answer's last sentence sums up with nothing the prompt asked about (module docstring)."""
    tail = answer[-_TAIL_CHARS:].lower().replace(",", "")  # ("Aakhir mein, yahi kehna chahunga …")
    if not any(phrase in tail for phrase in _words().conclusion):  # (substring tests first: most answers fail them)
        return False
    several, _, last = _edges(answer)
    if not several or not last:
        return False
    m = _OPENS.match(last.casefold())
    opening = [w for w in m.groups() if w] if m else []
    if not any(" ".join(opening[:k]) in _words().conclusion for k in (1, 2, 3)):
        return False
    return not shares_topic(prompt, last)


#: Fewest distinct vague words ("vishay", "pehlu", "sthiti", "nirbhar" …) in a whole answer that says nothing.
VAGUE_WORDS = 4
#: Fewest words in such an answer ("Depends." is a short reply, read by the length step).
VAGUE_MIN_WORDS = 12


def says_nothing(prompt: str, answer: str) -> bool:
    """True when the whole answer is a generic paragraph: at least :data:`VAGUE_WORDS` distinct words of the
    ``vague`` row ("Yeh ek bahut vishal vishay hai jismein kai pehlu hain. Har vyakti ki sthiti alag hoti
    hai …") and no word of what the prompt asked about."""
    words = match_words(answer)  # (the whole turn: the memoised view the other steps read)
    if len(words) < VAGUE_MIN_WORDS or len(_words().vague.intersection(words)) < VAGUE_WORDS:
        return False
    return not shares_topic(prompt, answer)
