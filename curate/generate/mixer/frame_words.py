"""The English words the Hindi frame recognises, and what each becomes in Roman Hindi.

Kept apart from :mod:`tadka.curate.generate.mixer.frame` so that the reorderer reads as rules: here
are the tables (subject pronouns with their person, determiners, prepositions and the postposition
each becomes, conjunctions, question words, modals and auxiliaries, negations, adverbs) and the
English verb lemmatiser that decides which word of a clause is its verb.
"""

from __future__ import annotations

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


def verb_lemma(word: str, verbs: set[str]) -> str | None:
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
