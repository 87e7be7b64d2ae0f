"""The word tables the code-mixer swaps with, built once from corpora/lexicon/en_hi.tsv.

The mixer only ever swaps *content* words (nouns, adjectives, verbs through "karna"); everything
that carries Hindi grammar — pronouns, postpositions, conjunctions, particles, numbers, auxiliaries
and the light verbs themselves — is collected here as a frozen set so that it is never touched.

Rows whose Hindi side is the English word itself ("rate → rate", "check → check karna") are loans:
they say people already use the English word, so they give no Hindi rendering to swap in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

logger = logging.getLogger(__name__)

FUNCTION_POS = frozenset({"pron", "postp", "conj", "det", "particle", "num", "intj"})
CONTENT_POS = frozenset({"noun", "adj", "adv"})

# Forms of the verbs that build Hindi verb phrases (light verbs, auxiliaries, modals). They are the
# grammatical frame, so the mixer never swaps them, and no lexicon row lists their inflections.
LIGHT_VERB_FORMS = frozenset(
    """
hai hain ho hoon hun hu tha thi the thin hoga hogi honge hoge hua hui hue hota hoti hote hona hone
kar karo karna karne karni karta karti karte karke karen karein kariye kariyega karun karu karoon
karunga karungi karenge karega karegi karoge karogi kiya kiye ki karwa karwao karwana karwaye karwaya
karaye karao karana karwaun karwayein karwaen
ja jao jaana jana jaane jane jaata jata jaati jati jaate jate jaaye jaye jaayega jayega jaayegi jayegi
jaayenge jayenge gaya gayi gaye gai jaake jake jaakar
sak sakta sakti sakte sako sakein saken sakoge sakegi sakega sakenge sakun
rah raha rahi rahe rahta rahti rahte rehta rehti rehte rehna rahna rakhna rakho rakhe rakhein
le lo lena lene leta leti lete liya liye li lijiye lein len lenge lega legi loge
de do dena dene deta deti dete diya diye di dijiye dein den denge dega degi doge
pa paa pao paana pana paate paate paya payi paaye paye paoge
chuka chuki chuke chahiye chahie chahiye chahte chahta chahti
lag laga lagi lage lagta lagti lagte lagna lagega lagegi lagenge
wala wali wale waala waali waale
aa aao aana aane aata aati aate aaya aayi aaye aayega aayegi aayenge aaiye ata ati ate aya ayi aye
mil milta milti milte mila mili mile milega milegi milenge milna milne
""".split()
)

# Suffixes of a Hindi verb stem, with the matching form of "karna" (the light verb that carries
# them once the stem is replaced by an English verb: "kholo" → "open karo"). Bare perfective
# forms (-a/-i/-e) are left out on purpose: "becha", "kamai", "dekhe" are too often other words.
# The suffix pairs read better as a dense table than one per line.
# fmt: off
VERB_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("iyega", "kariyega"), ("iye", "kariye"), ("ie", "kariye"), ("enge", "karenge"), ("ega", "karega"),
    ("egi", "karegi"), ("oge", "karoge"), ("ogi", "karogi"), ("unga", "karunga"), ("ungi", "karungi"),
    ("yein", "karein"), ("yen", "karein"), ("ein", "karein"), ("en", "karein"), ("un", "karun"),
    ("na", "karna"), ("ne", "karne"), ("ni", "karni"), ("ta", "karta"), ("ti", "karti"),
    ("te", "karte"), ("kar", "karke"), ("ke", "karke"), ("o", "karo"),
)
# The reverse: a form of "karna" → the suffix a Hindi verb stem takes in its place.
KAR_SUFFIX: dict[str, str] = {
    "karo": "o", "karna": "na", "karne": "ne", "karni": "ni", "karta": "ta", "karti": "ti",
    "karte": "te", "karenge": "enge", "karega": "ega", "karegi": "egi", "karoge": "oge", "karogi": "ogi",
    "karun": "un", "karu": "un", "karoon": "un", "karunga": "unga", "karungi": "ungi", "karein": "en",
    "karen": "en", "kariye": "iye", "kariyega": "iyega", "karke": "kar", "kar": "", "kiya": "a",
    "kiye": "e",
}
# fmt: on
KAR_FORMS = frozenset(KAR_SUFFIX)

# English verbs that Hinglish speakers really put before "karna" ("check karo", "book kiya",
# "apply kar sakte ho"). Written for tadka from everyday usage; swapping a Hindi verb for an
# English one outside this list ("see karo", "eat karo") would read as broken Hinglish.
KARNA_VERBS = frozenset(
    """
accept activate add adjust allow apply approve attach avoid block board book calculate call cancel
change charge check choose claim clean click close compare complain complete confirm connect consult
contact continue copy count cover create cut deactivate delete deliver deposit disable discuss download
drop edit email enable enquire enroll exchange explain file fill filter finish fix focus follow forward
generate guide handle ignore improve inform install invest join link list lock login logout maintain
manage mark measure message mix monitor note order pack park pay plan post practice prepare print
process recharge recommend record refresh refund register reject reload remove renew rent repair report
request reset restart return revise save scan schedule search select send set share sign sort spray
start stop store submit support switch tap test track transfer try type unblock unlock update upgrade
upload use verify visit wait withdraw open enter collect receive reply mention decide miss enjoy feel
prefer appoint shift remind review rinse sanitize sterilize
""".split()
)

# English words that carry grammar (articles, auxiliaries, prepositions …); never content to swap.
EN_FUNCTION_WORDS = frozenset(
    """
a an the is am are was were be been being do does did done have has had having will would shall should
can could may might must of in on at to from by with for about into onto over under than as and or but
if so because while when where what which who whom whose why how that this these those it its i me my
mine we us our you your yours he him his she her they them their not no nor yes also too very just only
there here then up down out off again per via
""".split()
)


@dataclass(frozen=True, slots=True)
class HiSense:
    """One Hindi rendering of an English word: Roman spelling (most common), Devanagari, part of speech."""

    roman: str
    deva: str
    pos: str


@dataclass
class MixLexicon:
    """The mixer's tables (all Roman and English keys lowercase)."""

    hi_content: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # hi word → [(en, pos)]
    hi_verbs: dict[str, list[str]] = field(default_factory=dict)  # hi verb stem → [en verb]
    hi_conjunct: dict[str, list[str]] = field(default_factory=dict)  # X of "X karna" → [en verb]
    en_content: dict[str, list[HiSense]] = field(default_factory=dict)  # en noun/adj/adv → senses
    en_verbs: dict[str, list[HiSense]] = field(default_factory=dict)  # en verb → stems or "X karna"
    hi_phrases: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)  # 2–3 words → [(en, pos)]
    fixed_phrases: set[tuple[str, ...]] = field(default_factory=set)  # multi-word Hindi never split
    verb_nouns: dict[str, set[str]] = field(default_factory=dict)  # X of "X hona/dena/…" → light verb stems
    en_loans: set[str] = field(default_factory=set)  # English words people use as they are ("branch")
    hi_function: set[str] = field(default_factory=set)
    hi_words: set[str] = field(default_factory=set)  # every single Roman Hindi word in the lexicon
    en_words: set[str] = field(default_factory=set)  # every single English word in the lexicon
    deva: dict[str, str] = field(default_factory=dict)  # Roman spelling (word or phrase) → Devanagari
    # The language pack the tables are of: its word tag ("hi", "ta") and the light-verb forms that
    # carry its grammar. The hi_* names stay for the Hindi pack's sake; for another pack they hold
    # its words (the tables mean "the pack's language").
    own: str = "hi"
    light_verbs: frozenset[str] = LIGHT_VERB_FORMS
    kar_forms: frozenset[str] = KAR_FORMS  # forms of the light verb an English verb goes before ("karo", "pannunga")
    light_stem: str = ""  # another pack's light-verb stem: any form of it counts ("pann": pannaadha, pannitu)

    def before_light_verb(self, word: str) -> bool:
        """Whether ``word`` is a form of the light verb an English verb goes before."""
        return word in self.kar_forms or bool(self.light_stem) and word.startswith(self.light_stem)

    def is_hindi_function(self, word: str) -> bool:
        """A function word or light-verb form of the pack's language (never swapped)."""
        w = word.lower()
        return w in self.hi_function or w in self.light_verbs


def _split(cell: str) -> list[str]:
    return [s.strip().lower() for s in cell.split("|") if s.strip()]


def _is_loan(en: str, spellings: list[str]) -> bool:
    """The Hindi side is the English word itself ("rate", "check karna", "website")."""
    en_words = set(en.lower().split())
    return any(set(s.split()) & en_words for s in spellings)


def read_tsv(relpath: str) -> list[dict[str, str]]:
    """Rows of a TSV under corpora/ (header row first); a missing file reads as no rows."""
    node = files("tadka.corpora")
    for part in relpath.split("/"):
        node = node.joinpath(part)
    if not node.is_file():
        logger.warning("corpora file %s is missing; the mixer works without it", relpath)
        return []
    lines = node.read_text(encoding="utf-8").splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    rows = []
    for line in lines[1:]:
        if line.strip():
            cells = line.split("\t") + [""] * len(header)
            rows.append({h: c.strip() for h, c in zip(header, cells)})
    return rows


def build_lexicon(
    rows: list[dict[str, str]],
    variant_rows: list[dict[str, str]] = (),
    *,
    roman: str = "hi_latn",
    native: str = "hi_deva",
    own: str = "hi",
    light_verbs: frozenset[str] = LIGHT_VERB_FORMS,
    conjunct: str = "karna",
    kar_forms: frozenset[str] = KAR_FORMS,
) -> MixLexicon:
    """The mixer's tables from ``en pos hi_latn hi_deva`` rows (and ``canonical variants`` rows);
    another pack names its columns (``ta_latn``, ``ta_taml``), its word tag, light verbs and the
    light verb of its "noun + verb" verbs (``conjunct``: Tamil "padhivu pannu", register). A note
    in brackets after the English word ("register (verb)") is not part of it."""
    lex = MixLexicon(
        own=own, light_verbs=light_verbs, kar_forms=kar_forms, light_stem=conjunct[:-1] if own != "hi" else ""
    )
    phrases: list[tuple[tuple[str, ...], str, str]] = []
    for row in rows:
        en, pos = row.get("en", "").strip(), row.get("pos", "").strip()
        if "(" in en:
            en = en.split("(")[0].strip()
        spellings = _split(row.get(roman, ""))
        deva = row.get(native, "").strip()
        if not en or not spellings:
            continue
        en_key = en.lower() if not en[:1].isupper() or en == "I" else en
        lex.en_words.update(w for w in en.lower().replace("-", " ").split() if w.isalpha())
        if pos not in FUNCTION_POS and _is_loan(en, spellings):
            lex.en_loans.add(en_key.lower())
            continue
        for s in spellings:
            lex.hi_words.update(s.split())
            if deva:
                lex.deva.setdefault(s, deva)
        for s in spellings:
            if " " in s:
                lex.fixed_phrases.add(phrase_key(s.split()))
        if pos in FUNCTION_POS or en_key.lower() in EN_FUNCTION_WORDS:
            for s in spellings:
                lex.hi_function.update(s.split())
            continue
        if pos in CONTENT_POS:
            phrases += _add_content(lex, en_key, pos, spellings, deva)
        elif pos == "verb":
            _add_verb(lex, en_key, spellings, deva, conjunct)
    # A phrase that holds a postposition or a particle ("aam taur par", "baad mein") stays Hindi:
    # swapping it whole would take a function word with it.
    for key, en, pos in phrases:
        if not any(w in lex.hi_function for w in key):
            lex.hi_phrases.setdefault(key, []).append((en, pos))
    _add_variants(lex, variant_rows)
    # A light-verb stem ("kar", "ho", "ja", "le", "de") is grammar, whatever the lexicon says it means.
    for stem in ("kar", "ho", "ja", "jaa", "le", "de", "sak", "rah", "reh", "pa", "paa", "lag", "chuk", "rakh"):
        lex.hi_verbs.pop(stem, None)
    return lex


def _add_content(
    lex: MixLexicon, en_key: str, pos: str, spellings: list[str], deva: str
) -> list[tuple[tuple[str, ...], str, str]]:
    """A noun, adjective or adverb row into the content tables; returns its multi-word Hindi
    spellings as phrase candidates (kept only if they hold no function word, once all rows are read)."""
    first = spellings[0]
    if " " not in en_key:
        lex.en_content.setdefault(en_key.lower(), []).append(HiSense(first, deva, pos))
    elif len(en_key.split()) == 2:
        lex.en_content.setdefault(en_key.lower(), []).append(HiSense(first, deva, pos))
    if pos in ("noun", "adj") and " " not in en_key:
        for s in spellings:
            if " " not in s:
                lex.hi_content.setdefault(s, []).append((en_key.lower(), pos))
    phrases = []
    for s in spellings:
        words = s.split()
        if 2 <= len(words) <= 3 and len(en_key.split()) == 1 and not LIGHT_VERB_FORMS.intersection(words):
            phrases.append((phrase_key(words), en_key.lower(), pos))
    return phrases


def _add_verb(lex: MixLexicon, en_key: str, spellings: list[str], deva: str, conjunct: str) -> None:
    """A verb row into the verb tables: a one-word Hindi verb ("kholna") gives a stem, an
    "X karna" verb (``conjunct``) a conjunct sense; "X hona/dena" nouns are remembered as idioms."""
    for s in spellings:
        parts = s.split()
        if len(parts) == 2 and parts[1].endswith("na"):
            lex.verb_nouns.setdefault(parts[0], set()).add(parts[1][:-2])
    if " " in en_key:
        return
    first = spellings[0]
    words = first.split()
    if len(words) == 1 and first.endswith("na") and len(first) > 3:
        lex.en_verbs.setdefault(en_key, []).append(HiSense(first[:-2], deva, "stem"))
        for s in spellings:
            if " " not in s and s.endswith("na"):
                lex.hi_verbs.setdefault(s[:-2], []).append(en_key)
    elif len(words) == 2 and words[1] == conjunct:
        lex.en_verbs.setdefault(en_key, []).append(HiSense(words[0], deva.split()[0] if deva else "", "conjunct"))
        for s in spellings:
            parts = s.split()
            if len(parts) == 2 and parts[1] in ("karna", "krna", conjunct):
                lex.hi_conjunct.setdefault(parts[0], []).append(en_key)


def _add_variants(lex: MixLexicon, variant_rows: list[dict[str, str]]) -> None:
    """Spelling variants ("nahi" → "nahin", "nhi") share their canonical word's entries."""
    for row in variant_rows:
        canonical = row.get("canonical", "").strip().lower()
        for v in _split(row.get("variants", "")):
            lex.hi_words.add(v)
            for table in (lex.hi_content, lex.hi_verbs, lex.hi_conjunct):
                if canonical in table:
                    table.setdefault(v, table[canonical])
            if canonical in lex.hi_function:
                lex.hi_function.add(v)
            if canonical in lex.deva:
                lex.deva.setdefault(v, lex.deva[canonical])


@lru_cache(maxsize=4)
def load_mix_lexicon(pack: str = "hi") -> MixLexicon:
    """The tables of a language pack from the shipped corpora (read once per process): Hindi's
    from lexicon/en_hi.tsv; another pack's from its own lexicon, with the light verbs of its
    function-word table (the Tamil pack's "pannu" forms: "check pannunga")."""
    if pack == "hi":
        return build_lexicon(read_tsv("lexicon/en_hi.tsv"), read_tsv("lexicon/variants.tsv"))
    from tadka.lang.lid_data import LidData
    from tadka.lang.pack import get_pack

    lang = get_pack(pack)
    light = frozenset(LidData(lang).light_verbs)
    return build_lexicon(
        read_tsv(lang.bilingual),
        read_tsv(lang.variants),
        roman=f"{lang.code}_latn",
        native=f"{lang.code}_{lang.script.lower()}",
        own=lang.code,
        light_verbs=light,
        conjunct=lang.light_verb,
        kar_forms=light,
    )


# Spellings of the same postposition, so that "aam taur pe" finds the lexicon's "aam taur par".
_PHRASE_NORMAL = {"pe": "par", "pr": "par", "me": "mein", "mei": "mein", "mai": "mein", "ke": "ke", "ki": "ki"}


def phrase_key(words: list[str]) -> tuple[str, ...]:
    """Lookup key of a multi-word Hindi expression (lowercase, postposition spellings unified)."""
    return tuple(_PHRASE_NORMAL.get(w.lower(), w.lower()) for w in words)


# English nouns without a plural in everyday use, and irregular plurals, for "paise" → "money".
UNCOUNTABLE = frozenset(
    """
money water rice wheat milk sugar salt oil food information advice equipment news fertiliser
fertilizer electricity weather rain traffic luggage baggage furniture evidence knowledge health
income interest insurance cash land soil grain seed medicine data software help work time
people police staff elderly cattle livestock
""".split()
)
IRREGULAR_PLURALS = {
    "leaf": "leaves",
    "child": "children",
    "man": "men",
    "woman": "women",
    "person": "people",
    "knife": "knives",
    "life": "lives",
    "wife": "wives",
    "foot": "feet",
    "tooth": "teeth",
    "mouse": "mice",
    "half": "halves",
    "shelf": "shelves",
    "thief": "thieves",
    "calf": "calves",
}


# -- inflection --------------------------------------------------------------------------------
def hindi_noun_bases(word: str) -> list[tuple[str, bool]]:
    """Possible dictionary forms of an inflected Roman Hindi noun or adjective, with "is plural".

    Plural and oblique endings of Roman Hindi: "mandiyon" → mandi, "kisanon" → kisan,
    "mahilaon" → mahila, "naaliyan" → naali, "dukaanein" → dukaan, "bachhe" → bachha.
    """
    w = word.lower()
    out = [(w, False)]
    for suffix, repl, plural in (
        ("iyon", "i", True),
        ("iyaan", "i", True),
        ("iyan", "i", True),
        ("yon", "", True),
        ("aon", "a", True),
        ("on", "", True),
        ("on", "a", True),
        ("ein", "", True),
        ("en", "", True),
        ("e", "a", True),
        ("i", "a", False),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            out.append((w[: len(w) - len(suffix)] + repl, plural))
    return out


def english_bases(word: str) -> list[tuple[str, bool]]:
    """Possible singular forms of an English noun, with "was plural" ("states" → state)."""
    w = word.lower()
    out = [(w, False)]
    if len(w) > 3 and w.endswith("ies"):
        out.append((w[:-3] + "y", True))
    if len(w) > 3 and w.endswith("es"):
        out.append((w[:-2], True))
    if len(w) > 2 and w.endswith("s") and not w.endswith("ss"):
        out.append((w[:-1], True))
    return out


def english_plural(word: str) -> str:
    """English plural of a lexicon singular; uncountable nouns stay as they are ("money")."""
    if word in UNCOUNTABLE or " " in word:
        return word
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def hindi_verb_form(stem: str, suffix: str) -> str:
    """A Hindi verb stem with the ending a form of "karna" had ("jaanch" + "o" → "jaancho").

    Vowel-final stems take a glide before a vowel ending ("bata" + "a" → "bataya"), as in speech.
    """
    if not suffix:
        return stem
    if stem[-1] in "aeiou" and suffix[0] in "aei":
        return stem + "y" + suffix
    return stem + suffix
