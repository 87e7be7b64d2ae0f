"""A Hindi grammatical frame for English-only text, so that it can be code-mixed like a seed.

This is a small, rule-based chunk reorderer, not a translator. Per clause it finds the subject,
the modal or auxiliary, the main verb, the object and the prepositional phrases, and writes them in
Hindi order — subject, phrases (each noun phrase followed by its postposition: "on the website" →
"website pe", "price of onions" → "onions ka price"), object, question word, negation, then the verb
with Hindi morphology ("check karo", "kar sakte ho", "karna chahiye", "kholo" where the lexicon
has a Hindi verb and people do not use the English one). Content words stay English; the mixer then
swaps them toward the target CMI. Purpose ("to check X" → "X check karne ke liye") and manner
("by selecting X" → "X select karke") phrases come before the verb.

What it does not do: relative clauses, passives, tense beyond simple present/past/future and
modals, gender agreement (masculine forms throughout), idioms. Sentences outside those patterns
still come out in Hindi order but read stilted; the records it makes are marked ``frame: english``
in their ops so that reviewers can find them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tadka.curate.generate.mixer.frame_words import (
    ADVERB_KEEP,
    AUX,
    COMMON_VERBS,
    CONJUNCTIONS,
    DETERMINERS,
    IRREGULAR_PAST,
    MODALS,
    NEGATION,
    OBJECT_PRONOUNS,
    POSTPOSITIONS,
    QUESTION_WORDS,
    SUBJECTS,
    verb_lemma,
)
from tadka.curate.generate.mixer.lexicon import KARNA_VERBS, MixLexicon

_TOKEN = re.compile(r"https?://\S+|[\w'’.-]*\w|[^\w\s]")
_SENT_END = re.compile(r"(?<=[.?!])\s+")


@dataclass
class _VerbGroup:
    """What a clause's modals, auxiliaries and negation say about its verb."""

    modal: str = ""  # "sak" (can), "chahiye" (should), "will"
    aux: str = ""  # the English auxiliary as written ("is", "did", "have", "be" …)
    neg: bool = False


def _is_verb_group_word(w: str) -> bool:
    """A modal, auxiliary or negation: a word of the verb group before the main verb."""
    return w in MODALS or w in AUX or w in NEGATION or w.endswith("n't")


class _Frame:
    def __init__(self, lex: MixLexicon) -> None:
        self.lex = lex
        self.verbs = set(lex.en_verbs) | KARNA_VERBS | COMMON_VERBS

    # -- verbs ----------------------------------------------------------------------------
    def verb(self, lemma: str, form: str) -> list[str]:
        """``lemma`` in Hindi verb morphology; ``form`` names the ending ("o", "na", "ne", "te", …)."""
        kar = {
            "o": "karo",
            "na": "karna",
            "ne": "karne",
            "te": "karte",
            "ta": "karta",
            "enge": "karenge",
            "a": "kiya",
            "": "kar",
            "ke": "karke",
            "ein": "karein",
            "un": "karun",
        }[form]
        if lemma == "do":  # "do" is "karna" itself: "What should I do?" → "kya karna chahiye?"
            return [kar]
        senses = self.lex.en_verbs.get(lemma, [])
        if lemma not in KARNA_VERBS and senses:
            sense = senses[0]
            if sense.pos == "conjunct":
                return [sense.roman, kar]
            stem = sense.roman
            if form in ("a", "ein", "un") and stem[-1] in "aeiou":
                return [stem + "y" + form if form == "a" else stem + form]
            if form == "a":
                return [stem + "a"]
            if form == "ke":
                return [stem + "ke"]
            return [stem + form]
        return [lemma, kar]

    # -- noun phrases ---------------------------------------------------------------------
    def noun_phrase(self, words: list[str]) -> list[str]:
        """Determiners and pronouns in Hindi, "A of B" → "B ka A"; content words as they are."""
        low = [w.lower() for w in words]
        if "of" in low:
            i = low.index("of")
            head, tail = words[:i], words[i + 1 :]
            if head and tail:
                return self.noun_phrase(tail) + ["ka"] + self.noun_phrase(head)
        out = []
        for w, lw in zip(words, low):
            if lw in DETERMINERS:
                if DETERMINERS[lw]:
                    out.extend(DETERMINERS[lw].split())
            elif lw in OBJECT_PRONOUNS:
                out.append(OBJECT_PRONOUNS[lw])
            elif lw in ADVERB_KEEP:
                out.extend(ADVERB_KEEP[lw].split())
            elif lw in CONJUNCTIONS:
                out.extend(CONJUNCTIONS[lw].split())
            else:
                out.append(w)
        return out

    def complements(self, words: list[str]) -> tuple[list[str], list[str], list[str]]:
        """(object, phrases before it, pre-verbal clauses) from the words after the verb."""
        chunks: list[tuple[str | None, list[str]]] = [(None, [])]
        pre_verb: list[str] = []
        i = 0
        while i < len(words):
            lw = words[i].lower()
            nxt = words[i + 1].lower() if i + 1 < len(words) else ""
            if lw == "to" and verb_lemma(nxt, self.verbs) and nxt not in DETERMINERS:
                rest = words[i + 2 :]
                obj, phrases, inner = self.complements(rest)
                pre_verb = (
                    inner + phrases + obj + self.verb(verb_lemma(nxt, self.verbs), "ne") + ["ke", "liye"] + pre_verb
                )
                break
            if lw in ("by", "after", "before") and nxt.endswith("ing") and verb_lemma(nxt, self.verbs):
                rest = words[i + 2 :]
                obj, phrases, inner = self.complements(rest)
                tail = {"by": ["karke"], "after": ["karne", "ke", "baad"], "before": ["karne", "se", "pehle"]}[lw]
                verb = self.verb(verb_lemma(nxt, self.verbs), "")
                pre_verb = (
                    inner + phrases + obj + verb[:-1] + tail + pre_verb
                    if verb[-1] == "kar"
                    else inner + phrases + obj + [verb[0]] + tail[1:] + pre_verb
                )
                break
            if lw in POSTPOSITIONS and i + 1 < len(words):
                chunks.append((lw, []))
            else:
                chunks[-1][1].append(words[i])
            i += 1
        obj = self.noun_phrase(chunks[0][1])
        phrases: list[str] = []
        for prep, np in reversed(chunks[1:]):
            if np:
                phrases += self.noun_phrase(np) + POSTPOSITIONS[prep].split()
        return obj, phrases, pre_verb

    def split(self, words: list[str]) -> list[list[str]]:
        """Cut a comma-free stretch into clauses: before "which"/"who", before a subordinator, and
        before "and"/"but"/"or" that join two verbs ("Open the app and select …")."""
        parts: list[list[str]] = [[]]
        low = [w.lower() for w in words]
        for i, w in enumerate(words):
            nxt = low[i + 1] if i + 1 < len(low) else ""
            cut = (
                i > 0
                and parts[-1]
                and (
                    low[i] in ("which", "who", "if", "because", "unless", "although", "though", "while")
                    or low[i] in ("and", "but", "or")
                    and nxt == verb_lemma(nxt, self.verbs)
                    and nxt not in DETERMINERS
                    and nxt not in SUBJECTS
                    and nxt
                )
            )
            if cut:
                parts.append([])
            parts[-1].append(w)
        return [p for p in parts if p]

    # -- clauses --------------------------------------------------------------------------
    def _finite(self, low: list[str], i: int) -> str | None:
        """The lemma if ``low[i]`` can be the clause's verb here, else None (nouns after "the", "-ing")."""
        w = low[i]
        if w in SUBJECTS or w in DETERMINERS or w in POSTPOSITIONS or w in CONJUNCTIONS or w.endswith("ing"):
            return None
        lemma = verb_lemma(w, self.verbs)
        if lemma is None:
            return None
        prev = low[i - 1] if i else ""
        if prev in DETERMINERS or prev in POSTPOSITIONS or prev.endswith("'s"):
            return None
        return lemma

    def clause(self, words: list[str], question: bool) -> list[str]:
        """One clause in Hindi order (see the module docstring)."""
        low = [w.lower().replace("’", "'") for w in words]
        lead, words, low = _leading(words, low)
        if not words:
            return lead
        if low in (["no"], ["yes"], ["okay"], ["ok"]):
            return lead + [{"no": "nahi", "yes": "haan"}.get(low[0], "theek hai")]
        qword, words, low = _question_word(words, low)
        i = 0  # the subject runs up to the first modal, auxiliary, negation or verb
        while i < len(low) and not (_is_verb_group_word(low[i]) or self._finite(low, i)):
            i += 1
        subject = words[:i]
        if i == len(low):  # no verb: a noun phrase or a fragment
            return lead + self.noun_phrase(subject) + ([qword, "hai"] if qword else [])
        group, i, subject = self._verb_group(words, low, i, subject)
        subj, person = self._subject(subject)
        word = low[i] if i < len(low) else ""
        lemma = verb_lemma(word, self.verbs) if word and word not in DETERMINERS else None
        rest = words[i + 1 :] if lemma else words[i:]
        obj, phrases, pre = self.complements(rest)
        body = pre + phrases + obj
        head = lead + (["kya"] if question and not qword and not lead else [])
        asked = [qword] if qword else []
        nahi = ["nahi"] if group.neg else []
        if lemma is None or lemma == "be":
            copula = {"was": "tha", "were": "the"}.get(group.aux, "hain" if person in (2, 3) else "hai")
            if group.modal == "sak":
                copula = "ho sakta hai"
            return head + subj + body + asked + nahi + copula.split()
        if lemma in ("have", "has") and not group.modal and not group.aux:
            owner = {"main": "mere paas", "aap": "aapke paas", "hum": "hamare paas"}.get(subj[0] if subj else "", "")
            return head + (owner.split() if owner else subj) + body + nahi + ["hai"]
        if lemma == "need" and not group.modal and not rest[:1] == ["to"]:
            dative = {"main": "mujhe", "aap": "aapko", "hum": "hume"}.get(subj[0] if subj else "", "")
            return head + (dative.split() if dative else subj) + body + nahi + ["chahiye"]
        if not subject and not group.modal and group.aux in ("", "do") and not question and not qword:  # a command
            return lead + body + (["mat"] if group.neg else []) + self.verb(lemma, "o")
        vp = self.verb_phrase(lemma, word, group.modal, group.aux, person, question)
        if group.modal == "chahiye" and subj:
            subj = [{"main": "mujhe", "aap": "aapko", "hum": "hume"}.get(subj[0], subj[0])] + subj[1:]
        if question and not subj and not qword:
            subj = ["aap"]
        return head + subj + body + asked + nahi + vp

    def _verb_group(
        self, words: list[str], low: list[str], i: int, subject: list[str]
    ) -> tuple[_VerbGroup, int, list[str]]:
        """The modal, auxiliary and negation from ``low[i]`` on; the index of the main verb after them;
        and the subject, which in a question sits among them ("can you …", "do I …")."""
        modal, aux, neg = "", "", False
        while i < len(low) and _is_verb_group_word(low[i]):
            w = low[i]
            after = low[i + 1] if i + 1 < len(low) else ""
            if w in ("do", "does", "did", "have", "has", "had") and not (
                after in SUBJECTS
                or after in NEGATION
                or after in AUX
                or after.endswith(("ed", "ing"))
                or verb_lemma(after, self.verbs)
                and after not in DETERMINERS
            ):
                break  # "do" and "have" as the main verb ("What should I do?", "I have a card")
            if w in MODALS:
                modal = MODALS[w]
            elif w in NEGATION or w.endswith("n't"):
                neg = True
                modal = {"can't": "sak", "cannot": "sak", "won't": "will", "shouldn't": "chahiye"}.get(w, modal)
                aux = {"isn't": "is", "aren't": "are", "doesn't": "does", "don't": "do", "didn't": "did"}.get(w, aux)
            elif not (aux in ("be", "been", "is", "are", "was", "were", "am") and w in ("be", "been")):
                aux = w if not (aux and w in ("be", "been")) else "be"
            if w in ("be", "been") and modal:
                aux = "be"
            i += 1
            if not subject and i < len(low) and low[i] in SUBJECTS:
                subject = [words[i]]
                i += 1
        return _VerbGroup(modal, aux, neg), i, subject

    def _subject(self, subject: list[str]) -> tuple[list[str], int]:
        """The subject in Hindi and its person (0 third singular, 1 "I", 2 "you", 3 plural)."""
        if subject and subject[0].lower() in SUBJECTS:
            subj_hi, person = SUBJECTS[subject[0].lower()]
            return [subj_hi] + self.noun_phrase(subject[1:]), person
        return self.noun_phrase(subject), 3 if subject and subject[-1].lower().endswith("s") else 0

    def verb_phrase(self, lemma: str, word: str, modal: str, aux: str, person: int, question: bool) -> list[str]:
        """The Hindi verb group for an English one (masculine forms; person 0 is third singular)."""
        be = aux in ("is", "are", "am", "was", "were", "be", "been")
        participle = word.endswith("ed") or (word in IRREGULAR_PAST and word != lemma)
        plural = person in (2, 3)
        if be and word.endswith("ing"):  # progressive
            base = self.verb(lemma, "")
            tail = (
                ["raha", "hoon"]
                if person == 1
                else ["rahe", "ho"]
                if person == 2
                else ["rahe", "hain"]
                if person == 3
                else ["raha", "hai"]
            )
            return base + tail
        if be and participle:  # passive
            done = self.verb(lemma, "a")
            if modal == "sak":
                return done + ["ja", "sakta", "hai"]
            if modal == "chahiye":
                return done + ["jaana", "chahiye"]
            if aux in ("was", "were"):
                return done + ["gaya"]
            return done + ["jaata", "hai"]
        if modal == "sak":
            verb = self.verb(lemma, "")
            tail = (
                ["sakta", "hoon"]
                if person == 1
                else ["sakte", "ho"]
                if person == 2
                else ["sakte", "hain"]
                if person == 3
                else ["sakta", "hai"]
            )
            return verb + tail
        if modal == "chahiye":
            return self.verb(lemma, "na") + ["chahiye"]
        if modal == "will":
            verb = self.verb(lemma, "enge")
            if person == 1:
                verb = verb[:-1] + ["karunga"] if verb[-1] == "karenge" else [verb[0][:-4] + "unga"]
            return verb
        if aux in ("has", "have", "had") and participle:
            return self.verb(lemma, "a") + ["hai"]
        if aux in ("do", "does") and question:
            return self.verb(lemma, "un" if person == 1 else "ein")
        if aux == "did" or participle:
            return self.verb(lemma, "a")
        if person == 1:
            return self.verb(lemma, "ta") + ["hoon"]
        if plural or (person == 0 and word == lemma):
            return self.verb(lemma, "te") + (["ho"] if person == 2 else ["hain"])
        return self.verb(lemma, "ta") + ["hai"]


def hindi_frame(english: str, lex: MixLexicon) -> str:
    """English text → the same content in Hindi word order with Hindi function words (Roman).

    Never raises on odd input: a sentence with no recognisable structure comes back as its words
    with Hindi determiners and postpositions, in the order given.
    """
    frame = _Frame(lex)
    sentences = []
    for sentence in _SENT_END.split(english.strip()):
        tokens = _TOKEN.findall(sentence)
        if not tokens:
            continue
        end = tokens[-1] if tokens[-1] in ".?!" else ""
        body = tokens[:-1] if end else tokens
        clauses: list[list[str]] = [[]]
        for tok in body:
            if tok in ",;:":
                clauses[-1].append(tok)
                clauses.append([])
            else:
                clauses[-1].append(tok)
        clauses = [part for words in clauses for part in frame.split(words)]
        out: list[str] = []
        for words in clauses:
            punct = words[-1] if words and words[-1] in ",;:" else ""
            words = words[:-1] if punct else words
            if words:
                out += frame.clause(words, question=end == "?")
            if punct and out:
                out[-1] += punct
        if out:
            text = " ".join(out)
            sentences.append(text[:1].upper() + text[1:] + end)
    return " ".join(sentences)


def _leading(words: list[str], low: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Leading conjunctions and a relative "which/who" in Hindi, and the words of the clause after them."""
    lead: list[str] = []
    while low and low[0] in CONJUNCTIONS:
        lead += CONJUNCTIONS[low[0]].split()
        words, low = words[1:], low[1:]
    if low and low[0] in ("which", "who"):
        lead.append("jo")
        words, low = words[1:], low[1:]
    return lead, words, low


def _question_word(words: list[str], low: list[str]) -> tuple[str, list[str], list[str]]:
    """A leading question word in Hindi ("how much" → "kitna"), and the words of the clause after it."""
    qword = ""
    if low and low[0] in QUESTION_WORDS:
        qword = QUESTION_WORDS[low[0]]
        words, low = words[1:], low[1:]
        if low and low[0] in ("much", "many", "often", "long"):
            qword = {"much": "kitna", "many": "kitne", "often": "kitni baar", "long": "kitne din"}[low[0]]
            words, low = words[1:], low[1:]
    return qword, words, low
