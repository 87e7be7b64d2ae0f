"""A fastText classifier for assistant meta-talk: the sentences a teacher adds *about* its answer.

"Great question! Let me walk you through it.", "Response (in Hinglish):", "Umeed hai yeh jaankari
aapke kaam aayegi!", "Maaf kijiye, yeh jaankari mere paas nahi hai." — phrase lists (corpora/refusals/)
catch the wordings someone wrote down; on wordings written later they missed about half, and a
model trained on the few hundred phrases of earlier rounds still kept a third of a new round
(bench/curate_eval.py tells the story round by round). Two things make this version generalise:

**Training text from a grammar, not from a list.** corpora/junk/meta_grammar.tsv holds the parts of
meta-talk as data — slots ("Sure|Certainly|Of course…", "samjhata hoon|batati hoon|explain karta
hoon…") and templates that combine them — in English, Roman Hinglish, Devanagari and mixed, for
openers, closings and whole-answer refusals, and beside them the *good* edges it must not learn
as meta-talk: empathetic or advising openers ("Ghabraiye mat, …"), task sign-offs ("All the best!",
"Regards, Ramesh."), replies to thanks and greetings ("Koi baat nahi, aur kuch chahiye to batana."),
replies to requests made of the assistant ("Theek hai, kal 6 baje yaad dila dunga."). Each template
is expanded many times with a fixed seed, so the model sees thousands of distinct wordings and
learns the parts, not the sentences. The boilerplate of corpora/junk/junk_parts.tsv whose set is
``train`` (rounds 0–4) is added as it is; rounds 5 and 6 (``dev``, ``test``) and 7 (``heldout``)
are never read here.

**Context, not only the sentence.** Every edge segment is classified with tokens that describe where
it stands: its position (the first, the last, or the only segment of a short answer), how long the
prompt and the answer are, how many content words it shares with the prompt and with the rest of the
answer (meta-talk is about the conversation, so it shares few), and how it ends (":" — a label such
as "Output:"; "?" — "Anything else?"). "Koi baat nahi, aur kuch chahiye to batana." is a good whole
answer to "Thanks bhai!" and boilerplate after a 60-word answer; the tokens let the model tell the two
apart. Training segments come from whole synthetic records built the same way (a grammar opener in
front of a seed answer, a closing after it, a refusal instead of it), through the same
:func:`edge_segments` as at curation time.

Negatives also include the sentences of the good answers of corpora/seeds/tasks.jsonl with an even
line number and of corpora/samples/hinglish_chat.jsonl; the odd seed lines and the eval sets are left
out so that bench/curate.py measures false drops on text the model never saw. Plain Hindi sentences
of corpora/lid (Devanagari and Roman) are negatives too, alone and as answers of two to four: the
seeds hold no Devanagari, and without them a Devanagari answer read as meta-talk. Trained on first use
on each machine (a few seconds, deterministic: one thread, seed 0) and cached by a hash of its
corpora and settings (:mod:`tadka.lang.ftmodel`).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from functools import lru_cache
from importlib.resources import files

from tadka.curate.filters.text import EMOJI, match_words, normal_words, normalise, split_sentences
from tadka.curate.filters.topic_words import canonical_words, common_words

META, OK = "__label__meta", "__label__ok"
PARAMS = {
    "epoch": 12,
    "lr": 0.4,
    "wordNgrams": 2,
    "minn": 3,
    "maxn": 4,
    "dim": 24,
    "bucket": 200_000,
    "minCount": 1,
    "loss": "softmax",
}
_CODE = ("meta_talk.py", "topic_words.py")
SOURCES = (
    "junk/junk_parts.tsv",
    "junk/meta_grammar.tsv",
    "seeds/tasks.jsonl",
    "samples/hinglish_chat.jsonl",
    "lid/hi_deva.txt",
    "lid/hi_latn.txt",
    "noise_tables/sms.tsv",
    "lexicon/variants.tsv",
)
#: A lead-in that ends in a colon: "Output: …", "Hinglish translation neeche hai: …", "Here's the
#: response you asked for in Roman Hindi: …" (up to 12 words: a lead-in written as a whole clause
#: runs into the answer's first sentence, and read with it the answer's words drown it).
_LABEL = re.compile(r"^([^.!?।:\n]{1,90}):\s+(?=\S)")
_LABEL_SPACES = 16
_LEAD_SENTENCES = 2  # sentences read before a colon lead-in ("Namaste! Main Riya hoon. Jawab neeche hai: …")
_LEAD_WORDS = 8  # … each shorter than this
_EDGE = 400  # characters read at each end of a long turn
_WORDS = 24  # words of a segment the model reads
_ENDS = {":": "c", "?": "q", "!": "x"}  # how a segment ends: colon, question, exclamation (else "d")
_SHORT = 6  # an edge sentence this short is read alone and with its neighbour ("No problem at all! Here you go: …")
#: Where a lead-in runs into the answer with no sentence end: a spaced dash ("… short me bata deta
#: hu - AC ko …"), an emoji ("Here we go 🚀 Shuru …"); markdown emphasis around a label
#: ("**Jawab:** …") is dropped so that the label reads as one.
_SEPARATOR = re.compile(rf"\s[-–—]+\s|(?<={EMOJI})\s+")


#: A markdown heading mark ("## Jawab ##", "# Steps"): a line break, so that the heading reads as a
#: segment of its own (a "#" glued to a word — "#45821", "#blessed" — is not one).
_HEADING = re.compile(r"(?:^|\s)#{1,6}(?=\s|$)")


def sentences(text: str) -> list[str]:
    """The sentences of a turn as this model reads them (also cut at the separators above)."""
    if "**" in text or "__" in text:
        text = text.replace("**", "").replace("__", "")
    if "#" in text:
        text = _HEADING.sub("\n", text)
    if not text.isascii() or " -" in text:
        text = _SEPARATOR.sub("\n", text)
        # an emoji or other wordless "sentence" ("Namaste! 🙏 Aapka sawaal …") is not a neighbour: the
        # short greeting is read with the sentence after it
        return [s for s in split_sentences(text) if any(c.isalnum() for c in s)]
    return split_sentences(text)


_BUCKETS = ("0", "1", "2")


def _lead_in(head: list[str]) -> str | None:
    """A lead-in that ends in a colon, with the short sentences before it: "Output:", "Sure! Here you
    go:", "Kem cho! Majama? Aa gaya tamaaro jawab:", "Aapka ticket ban gaya hai. Resolution neeche hai:"
    (a label within the first :data:`_LEAD_SENTENCES` + 1 sentences, read with the sentences before it
    that are each under :data:`_LEAD_WORDS` words: after a longer one, "… mein aapka swagat hai. Aapke
    sawaal ka jawab:", the label is read alone)."""
    before: list[str] = []
    after_long = False
    for sent in head[: _LEAD_SENTENCES + 1]:
        label = _LABEL.match(sent) if ":" in sent[:91] else None
        if label:
            spaces = label.group(1).count(" ")
            # after a long sentence, a label of one or two words is the text's own ("… Sector 15. Vishay:")
            if spaces < _LABEL_SPACES and (before or not after_long or spaces >= 2):
                return " ".join([*before, label.group(0).strip()])
        if sent.count(" ") >= _LEAD_WORDS - 1:
            before, after_long = [], True  # content or a letterhead; a label after it is read alone
            continue
        before.append(sent)
    return None


def edge_segments(prompt: str, answer: str) -> list[tuple[str, str]]:
    """(model input line, segment text) for the edges of one answer: the first and the last
    sentence (a sentence of under six words alone and with its neighbour), a leading "label:"
    (``Output:``), or the whole answer when it is one sentence. The input line is the
    context tokens (module docstring) followed by the normalised segment."""
    long = len(answer) > 2 * _EDGE
    head = sentences(answer[:_EDGE] if long else answer)
    if not head:
        return []
    tail = (sentences(answer[-_EDGE:])[1:] or sentences(answer[-_EDGE:])) if long else head
    picked: list[tuple[str, str]] = []
    if len(head) == 1 and not long:
        picked.append(("o", head[0]))
    else:
        first, last = head[0], tail[-1]
        lead_in = _lead_in(head)
        if lead_in:
            picked.append(("f", lead_in))
        if first.count(" ") < _SHORT - 1 and len(head) > 1:
            picked.append(("f", first))
            first = f"{first} {head[1]}"
        picked.append(("f", first))
        if last.count(" ") < _SHORT - 1 and len(tail) > 1:
            picked.append(("l", last))
            last = f"{tail[-2]} {last}"
        elif len(tail) > 2 and tail[-2].count(" ") < _SHORT - 1:  # "… Aavjo! Kuch aur kaam ho to yaad karna."
            picked.append(("l", f"{tail[-2]} {last}"))
        picked.append(("l", last))
    # Context tokens, from the memoised word views of the prompt and the answer and the normalised
    # segment (its words are the answer's first or last words, so "the rest" is a slice).
    common = common_words()
    p_words, a_words = match_words(prompt), match_words(answer)
    p_content = set(p_words).difference(common)
    n_p, n_a = len(p_words), len(a_words)
    head_tokens = f"^p{0 if n_p <= 4 else 1 if n_p <= 12 else 2} ^a{0 if n_a <= 8 else 1 if n_a <= 40 else 2}"
    out = []
    for pos, seg in dict.fromkeys(picked):
        words = normal_words(seg)[:_WORDS]
        mine = set(words).difference(common)
        if pos == "o":
            rest = 0
        else:
            others = a_words[len(words) :] if pos == "f" else a_words[: -len(words) or None]
            at = answer.find(seg) if pos == "f" and not answer.startswith(seg) else -1
            if at > 0:  # a lead-in after a long first sentence: the rest is the words around it
                skip = len(match_words(answer[:at]))
                others = a_words[:skip] + a_words[skip + len(words) :]
            rest = len(mine.intersection(others))
        shared = len(mine & p_content)
        out.append(
            (
                f"^{pos} {head_tokens} ^o{_BUCKETS[min(shared, 2)]} ^r{_BUCKETS[min(rest, 2)]} "
                f"^{_ENDS.get(seg[-1:], 'd')} {' '.join(canonical_words(words))}",
                seg,
            )
        )
    return out


# -- training text ----------------------------------------------------------------------------------
def _grammar() -> tuple[dict[str, list[str]], list[tuple[str, str, str]]]:
    slots: dict[str, list[str]] = {}
    templates: list[tuple[str, str, str]] = []
    text = files("tadka.corpora").joinpath("junk", "meta_grammar.tsv").read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        kind, name, body = line.split("\t", 2)
        if kind == "slot":
            slots[name] = body.split("|")
        else:
            templates.append((kind, name, body))
    return slots, templates


_SLOT = re.compile(r"\{([A-Z_]+)\}")


def expand(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    """One random expansion of a template (slots may hold slots)."""
    for _ in range(4):
        if "{" not in template:
            break
        template = _SLOT.sub(lambda m: rng.choice(slots[m.group(1)]), template)
    return " ".join(template.split())


def _seed_pairs(even: bool = True) -> list[tuple[str, str]]:
    """(prompt, answer) of the seed tasks with an even line number (both languages) and the sample chats."""
    root = files("tadka.corpora")
    out = []
    for i, line in enumerate(root.joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()):
        if i % 2 == 0:
            row = json.loads(line)
            out += [(row[s]["instruction"], row[s]["response"]) for s in ("hi_latn", "en")]
    for line in root.joinpath("samples", "hinglish_chat.jsonl").read_text(encoding="utf-8").splitlines():
        prompt = ""
        for m in json.loads(line)["messages"]:
            if m["role"] == "user":
                prompt = m["content"]
            elif m["role"] == "assistant":
                out.append((prompt, m["content"]))
    return out


def _labelled(prompt: str, answer: str, inserted: str | None) -> list[tuple[str, str]]:
    """Training lines of one synthetic record: a segment is meta-talk when it holds ``inserted``
    (or is all of it). A short sentence that is only a piece of a longer inserted phrase — the
    "Hello!" of "Hello! I'm your assistant." — is left out: alone it is not meta-talk."""
    segs = edge_segments(prompt, answer)
    if inserted:  # as the segments have it (cut at separators, markdown dropped)
        inserted = " ".join(sentences(inserted)) or inserted
    # When the inserted phrase is itself a segment (a short sentence read alone), the segment that
    # pairs it with its neighbour carries no label: the short one alone decides. Labelled meta, the
    # pair taught the model that any answer sentence followed by a short sign-off is meta-talk
    # ("… turant aspatal jaiye. Dhyan rakhiye."), though the sign-off alone is read as good.
    alone = bool(inserted) and any(seg == inserted for _, seg in segs)
    lines = []
    for line, seg in segs:
        if not inserted:
            lines.append((OK, line))
        elif inserted in seg:
            if not (alone and seg != inserted):
                lines.append((META, line))
        elif seg not in inserted:
            lines.append((OK, line))
    return lines


def training_lines() -> list[str]:
    """The labelled lines the model learns from (see the module docstring for which data)."""
    rng = random.Random(0)
    slots, templates = _grammar()
    pairs = _seed_pairs()
    out: list[tuple[str, str]] = []
    every = [s for _, a in pairs for s in sentences(a)]
    short = [expand("{SHORT_Q}", slots, rng) for _ in range(200)]
    # plain Hindi sentences (corpora/lid, Devanagari and Roman): answers of two to four of them, and
    # single ones as whole answers — the seeds have no Devanagari at all
    lid = files("tadka.corpora").joinpath("lid")
    deva = [x for x in lid.joinpath("hi_deva.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    latn = [x for x in lid.joinpath("hi_latn.txt").read_text(encoding="utf-8").splitlines() if x.strip()]
    deva_answers = [" ".join(rng.sample(deva, rng.randint(2, 4))) for _ in range(300)]
    for answer in deva_answers:
        out += _labelled(rng.choice(short + [p for p, _ in pairs]), answer, None)
    for text in rng.sample(deva, min(300, len(deva))) + rng.sample(latn, min(400, len(latn))):
        out += _labelled(rng.choice(short + [p for p, _ in pairs]), text, None)
    for prompt, answer in pairs:  # the good answers themselves, and each of their sentences as an edge
        out += _labelled(prompt, answer, None)
        for sent in sentences(answer)[1:-1]:
            out += _labelled(prompt, f"{sent} {answer}", None) + _labelled(prompt, f"{answer} {sent}", None)
        # one sentence of it as the whole answer: a short answer is not a refusal for being short
        out += _labelled(prompt, rng.choice(sentences(answer)), None)
        out += _labelled(rng.choice(short), rng.choice(sentences(answer)), None)
        out += _labelled(rng.choice(short), answer, None)
        # a sentence of another answer at an edge: on topic for its own task, sharing nothing with this
        # one — so that "shares no word with the prompt" alone never reads as meta-talk
        out += _labelled(prompt, f"{rng.choice(every)} {answer}", None) + _labelled(
            prompt, f"{answer} {rng.choice(every)}", None
        )
    old = files("tadka.corpora").joinpath("junk", "junk_parts.tsv").read_text(encoding="utf-8").splitlines()[1:]
    phrases = []
    evaluated = set()  # phrases of the evaluation rounds (dev, test, heldout): never trained on, even
    for line in old:  # when the grammar happens to produce one word for word
        part_set, _, kind, text = line.split("\t", 3)
        if part_set == "train" and kind.startswith("boilerplate"):
            phrases.append((kind.split("_")[1].replace("prefix", "opener").replace("suffix", "closer"), text))
        elif part_set == "train" and kind == "good_edge":
            phrases.append(("good_any", text))
        elif part_set != "train":
            evaluated.add(normalise(text))
    # a training phrase that an evaluation round also holds (round 21 wrote "HOPE THIS HELPS!!! 🙂") is the
    # round's: left out, so that no evaluation phrase is trained on
    phrases = [(kind, text) for kind, text in phrases if normalise(text) not in evaluated]
    times = {"whole": 200, "good_pair": 300}
    for kind, _, body in templates:
        for _ in range(times.get(kind, 100)):
            text = expand(body, slots, rng)
            norm = normalise(text)
            if not any(e in norm for e in evaluated if len(e) > 12) and norm not in evaluated:
                phrases.append((kind, text))
    for kind, text in phrases:
        prompt, answer = rng.choice(pairs)
        if kind.startswith("good") and rng.random() < 0.3:  # good edges around Devanagari answers too
            answer = rng.choice(deva_answers)
        if rng.random() < 0.25:  # a short prompt ("Ek baat batao?") as often as a long one would be odd
            prompt = rng.choice(short)
        if kind in ("opener", "good_opener") or (kind == "good_any" and rng.random() < 0.5):
            out += _labelled(prompt, f"{text} {answer}", text if kind == "opener" else None)
        elif kind in ("closer", "good_closer", "good_any"):
            out += _labelled(prompt, f"{answer} {text}", text if kind == "closer" else None)
        elif kind == "whole":
            out += _labelled(prompt, text, text)
        elif kind == "good_pair":
            q, a = (s.strip() for s in text.split(">>", 1))
            out += _labelled(q, a, None)
    meta = list(dict.fromkeys(line for label, line in out if label == META))
    ok = list(dict.fromkeys(line for label, line in out if label == OK))
    # the classes weigh about the same (fastText has no class weights): the smaller one is repeated
    lines = [f"{META} {x}" for x in meta] * max(1, round(len(ok) / len(meta)))
    lines += [f"{OK} {x}" for x in ok] * max(1, round(len(meta) / len(ok)))
    rng.shuffle(lines)
    return lines


@lru_cache(maxsize=1)
def model():
    """Trained once per machine through tadka.lang's fastText trainer (a child process) and cached
    by a hash of its corpora and settings; the loaded model holds only its weights."""
    from tadka.lang.ftmodel import ModelSpec, load_or_train

    # the version is the text of this module and of the word readings it uses: a change in how
    # segments or tokens are made retrains
    here = files("tadka.curate.filters")
    code = hashlib.sha1(b"".join(here.joinpath(f).read_bytes() for f in _CODE)).hexdigest()[:12]
    spec = ModelSpec("meta-talk", SOURCES, tuple(sorted(PARAMS.items())), version=code, quantize_cutoff=None)
    return load_or_train(spec, training_lines)


def meta_probabilities(lines: list[str]) -> list[float]:
    """P(meta-talk) of each model input line (from :func:`edge_segments`), in one fastText call."""
    if not lines:
        return []
    labels, probs = model().predict(lines, k=1)
    return [float(p[0]) if ls[0] == META else 1.0 - float(p[0]) for ls, p in zip(labels, probs)]


def meta_sentence(prompt: str, answer: str, threshold: float) -> str | None:
    """The edge segment of ``answer`` that reads as meta-talk, or None."""
    segs = edge_segments(prompt, answer)
    for (_, seg), p in zip(segs, meta_probabilities([line for line, _ in segs])):
        if p >= threshold:
            return seg
    return None
