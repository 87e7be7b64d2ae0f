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

from tadka.curate.generate.mixer.lexicon import KARNA_VERBS, MixLexicon

_TOKEN = re.compile(r"https?://\S+|[\w'’.-]*\w|[^\w\s]")
_SENT_END = re.compile(r"(?<=[.?!])\s+")

SUBJECTS = {
    "i": ("main", 1),
    "you": ("aap", 2),
    "we": ("hum", 3),
    "they": ("woh", 3),
    "he": ("woh", 0),
    "she": ("woh", 0),
    "it": ("yeh", 0),
    "this": ("yeh", 0),
    "that": ("woh", 0),
    "people": ("log", 3),
    "everyone": ("sab", 3),
}
OBJECT_PRONOUNS = {
    "me": "mujhe",
    "him": "use",
    "her": "use",
    "them": "unhe",
    "it": "ise",
    "us": "hume",
    "you": "aapko",
    "this": "ise",
    "that": "use",
}
DETERMINERS = {
    "the": None,
    "a": None,
    "an": None,
    "your": "apna",
    "my": "mera",
    "our": "hamara",
    "their": "unka",
    "his": "uska",
    "her": "uska",
    "its": "iska",
    "this": "yeh",
    "that": "woh",
    "these": "ye",
    "those": "woh",
    "all": "sab",
    "some": "kuch",
    "any": "koi bhi",
    "every": "har",
    "each": "har",
    "many": "kai",
    "more": "zyada",
    "most": "zyadatar",
    "no": "koi nahi",
    "other": "dusre",
    "another": "ek aur",
    "both": "dono",
    "few": "kuch",
    "same": "wahi",
}
POSTPOSITIONS = {
    "in": "mein",
    "into": "mein",
    "inside": "ke andar",
    "within": "ke andar",
    "on": "pe",
    "at": "pe",
    "to": "ko",
    "from": "se",
    "with": "ke saath",
    "for": "ke liye",
    "by": "se",
    "about": "ke baare mein",
    "before": "se pehle",
    "after": "ke baad",
    "under": "ke tahat",
    "near": "ke paas",
    "without": "ke bina",
    "through": "ke zariye",
    "during": "ke dauraan",
    "like": "jaise",
    "until": "tak",
    "till": "tak",
    "between": "ke beech",
    "against": "ke khilaaf",
    "per": "per",
    "via": "se",
    "than": "se",
    "over": "se zyada",
    "across": "mein",
}
CONJUNCTIONS = {
    "and": "aur",
    "or": "ya",
    "but": "lekin",
    "so": "to",
    "because": "kyunki",
    "if": "agar",
    "when": "jab",
    "while": "jab",
    "unless": "jab tak nahi",
    "then": "phir",
    "also": "bhi",
    "otherwise": "warna",
    "since": "kyunki",
}
QUESTION_WORDS = {
    "how": "kaise",
    "what": "kya",
    "where": "kahan",
    "when": "kab",
    "why": "kyun",
    "which": "kaunsa",
    "who": "kaun",
    "whom": "kisko",
}
MODALS = {
    "can": "sak",
    "could": "sak",
    "should": "chahiye",
    "must": "chahiye",
    "will": "will",
    "would": "will",
    "may": "sak",
    "might": "sak",
    "shall": "will",
}
AUX = {"do", "does", "did", "is", "are", "am", "was", "were", "be", "been", "has", "have", "had"}
NEGATION = {
    "not",
    "never",
    "don't",
    "doesn't",
    "didn't",
    "can't",
    "cannot",
    "won't",
    "shouldn't",
    "isn't",
    "aren't",
    "n't",
}
ADVERB_KEEP = {
    "also": "bhi",
    "only": "sirf",
    "always": "hamesha",
    "never": "kabhi",
    "usually": "aam taur pe",
    "often": "aksar",
    "first": "pehle",
    "then": "phir",
    "again": "phir se",
    "now": "abhi",
    "today": "aaj",
    "immediately": "turant",
    "directly": "seedha",
    "very": "bahut",
    "too": "bhi",
    "please": "please",
    "just": "bas",
    "even": "bhi",
    "already": "pehle se",
    "still": "abhi bhi",
}
# Frequent English verbs that are not in the lexicon's English column or the "karna" list.
COMMON_VERBS = frozenset(
    """
be do have get go come make take give keep find know need want ask tell say see look help put let move show
buy sell eat drink bring carry read write learn study work live stay leave reach wait pay use call
publish provide affect release include allow require offer receive depend contain protect prevent
cause increase reduce happen become seem mean expect hold begin continue improve give lose spend
grow produce protect replace respond serve suffer treat visit watch wear win wish worry feel
""".split()
)
IRREGULAR_PAST = {
    "sent": "send",
    "got": "get",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "made": "make",
    "went": "go",
    "gone": "go",
    "came": "come",
    "paid": "pay",
    "bought": "buy",
    "sold": "sell",
    "told": "tell",
    "said": "say",
    "kept": "keep",
    "found": "find",
    "left": "leave",
    "brought": "bring",
    "known": "know",
    "knew": "know",
    "chosen": "choose",
    "chose": "choose",
    "written": "write",
    "wrote": "write",
    "done": "do",
    "did": "do",
    "seen": "see",
    "saw": "see",
    "held": "hold",
    "lost": "lose",
    "spent": "spend",
    "grown": "grow",
    "worn": "wear",
    "won": "win",
    "felt": "feel",
    "began": "begin",
    "begun": "begin",
    "became": "become",
    "meant": "mean",
    "put": "put",
    "let": "let",
    "read": "read",
    "set": "set",
    "cut": "cut",
    "shut": "shut",
}


def _lemma(word: str, verbs: set[str]) -> str | None:
    """The base form of an English verb form ("checks", "checked", "checking" → "check"), or None."""
    w = word.lower().replace("’", "'")
    if w in IRREGULAR_PAST:
        return IRREGULAR_PAST[w]
    candidates = [w]
    if w.endswith("ing"):
        candidates += [w[:-3], w[:-3] + "e", w[:-4] if len(w) > 5 and w[-4] == w[-5] else w[:-3]]
    if w.endswith("ed"):
        candidates += [w[:-2], w[:-1], w[:-3] if len(w) > 4 and w[-3] == w[-4] else w[:-2]]
        if w.endswith("ied"):
            candidates.append(w[:-3] + "y")
    if w.endswith("es"):
        candidates += [w[:-2], w[:-1]]
    if w.endswith("ies"):
        candidates.append(w[:-3] + "y")
    if w.endswith("s"):
        candidates.append(w[:-1])
    for c in candidates:
        if c in verbs:
            return c
    return None


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
            if lw == "to" and _lemma(nxt, self.verbs) and nxt not in DETERMINERS:
                rest = words[i + 2 :]
                obj, phrases, inner = self.complements(rest)
                pre_verb = inner + phrases + obj + self.verb(_lemma(nxt, self.verbs), "ne") + ["ke", "liye"] + pre_verb
                break
            if lw in ("by", "after", "before") and nxt.endswith("ing") and _lemma(nxt, self.verbs):
                rest = words[i + 2 :]
                obj, phrases, inner = self.complements(rest)
                tail = {"by": ["karke"], "after": ["karne", "ke", "baad"], "before": ["karne", "se", "pehle"]}[lw]
                verb = self.verb(_lemma(nxt, self.verbs), "")
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
                    and nxt == _lemma(nxt, self.verbs)
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
        lemma = _lemma(w, self.verbs)
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
        qword = ""
        if low[0] in QUESTION_WORDS:
            qword = QUESTION_WORDS[low[0]]
            words, low = words[1:], low[1:]
            if low and low[0] in ("much", "many", "often", "long"):
                qword = {"much": "kitna", "many": "kitne", "often": "kitni baar", "long": "kitne din"}[low[0]]
                words, low = words[1:], low[1:]
        subject: list[str] = []
        i = 0
        while i < len(low) and not (
            low[i] in MODALS
            or low[i] in AUX
            or low[i] in NEGATION
            or low[i].endswith("n't")
            or (subject or i == 0)
            and self._finite(low, i)
        ):
            subject.append(words[i])
            i += 1
        if i == len(low):  # no verb: a noun phrase or a fragment
            return lead + self.noun_phrase(subject) + ([qword, "hai"] if qword else [])
        modal, aux, neg = "", "", False
        while i < len(low) and (low[i] in MODALS or low[i] in AUX or low[i] in NEGATION or low[i].endswith("n't")):
            w = low[i]
            after = low[i + 1] if i + 1 < len(low) else ""
            if w in ("do", "does", "did", "have", "has", "had") and not (
                after in SUBJECTS
                or after in NEGATION
                or after in AUX
                or after.endswith(("ed", "ing"))
                or _lemma(after, self.verbs)
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
        if subject and subject[0].lower() in SUBJECTS:
            subj_hi, person = SUBJECTS[subject[0].lower()]
            subj = [subj_hi] + self.noun_phrase(subject[1:])
        else:
            subj = self.noun_phrase(subject)
            person = 3 if subject and subject[-1].lower().endswith("s") else 0
        word = low[i] if i < len(low) else ""
        lemma = _lemma(word, self.verbs) if word and word not in DETERMINERS else None
        rest = words[i + 1 :] if lemma else words[i:]
        obj, phrases, pre = self.complements(rest)
        head = lead + (["kya"] if question and not qword and not lead else [])
        if lemma is None or lemma == "be":
            copula = {"was": "tha", "were": "the"}.get(aux, "hain" if person in (2, 3) else "hai")
            if modal == "sak":
                copula = "ho sakta hai"
            return (
                head
                + subj
                + pre
                + phrases
                + obj
                + ([qword] if qword else [])
                + (["nahi"] if neg else [])
                + copula.split()
            )
        if lemma in ("have", "has") and not modal and not aux:
            owner = {"main": "mere paas", "aap": "aapke paas", "hum": "hamare paas"}.get(subj[0] if subj else "", "")
            return head + (owner.split() if owner else subj) + pre + phrases + obj + (["nahi"] if neg else []) + ["hai"]
        if lemma == "need" and not modal and not rest[:1] == ["to"]:
            dative = {"main": "mujhe", "aap": "aapko", "hum": "hume"}.get(subj[0] if subj else "", "")
            return (
                head
                + (dative.split() if dative else subj)
                + pre
                + phrases
                + obj
                + (["nahi"] if neg else [])
                + ["chahiye"]
            )
        if not subject and not modal and aux in ("", "do") and not question and not qword:  # a command
            return lead + pre + phrases + obj + (["mat"] if neg else []) + self.verb(lemma, "o")
        vp = self.verb_phrase(lemma, word, modal, aux, person, question)
        if modal == "chahiye" and subj:
            subj = [{"main": "mujhe", "aap": "aapko", "hum": "hume"}.get(subj[0], subj[0])] + subj[1:]
        if question and not subj and not qword:
            subj = ["aap"]
        return head + subj + pre + phrases + obj + ([qword] if qword else []) + (["nahi"] if neg else []) + vp

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
