"""``language``: the text is in the language its Record says, mixed as much as intended.

Three checks, none of them an English-only rule (Gopher's "at least two of the, be, to, of, and,
that, have, with" drops every good Hinglish answer; so do ASCII and "common English words" rules):

* sentence language ID (:func:`tadka.lang.analyze`: en, hi-Deva, hi-Latn, other) of the checked
  turns must be one the Record's ``lang`` allows (``hi-Latn+en`` → hi-Latn); flag
  ``lang_mismatch:<label>``;
* the Code-Mixing Index (Das & Gambäck 2014, from tadka.lang's word tags) of a mixed record
  (``lang`` with a ``+``) must lie in [cmi_min, cmi_max]; flags ``cmi_low`` / ``cmi_high``;
* a hi-* record must contain Hindi function words (a record of another language pack, such as
  ta-Latn+en, its own pack's: corpora/lid/ta/stopwords.txt; flag ``no_tamil_stopwords``) — the Hinglish counterpart of Gopher's stop-word
  rule. The list below is Roman Hindi (with the spellings people type) and Devanagari, and leaves out
  words that are also English ("is", "to", "the", "me", "main", "do", "us", "hi", "par", "jab", "tab",
  "ya"), so English text
  cannot pass it by accident; flag ``no_hindi_stopwords``. ``min_stopwords`` applies from twice
  ``stopword_min_words`` words on; a shorter reply needs one.

Each record is analysed by the language pack its ``lang`` names (``ta-Latn+en`` → the Tamil pack).

Scores: ``cmi``, ``hi_share`` (``ta_share`` … for another pack) and ``en_share`` (shares of the
language-tagged words), ``stopwords``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping, Sequence

from tadka.curate.filters.base import Filter, Verdict, role_text, steps
from tadka.curate.filters.text import match_words

from tadka.config import Section, opt
from tadka.errors import ConfigError
from tadka.lang.pack import pack_of
from tadka.lang.tags import SENTENCE_TAGS
from tadka.records import Record

#: Hindi function words: auxiliaries, postpositions, pronouns, particles, conjunctions, light verbs.
HINDI_STOPWORDS = frozenset(
    """
    hai hain haina hoon hun hu ho hota hoti hote hua hui hue tha thi thay hoga hogi honge
    ka ki ke ko se mein mei mai pe tak liye liya wala wali wale waala waali waale
    aur bhi toh nahi nahin nhi nai nahee kya kyaa kyun kyu kyon kaise kaisa kaisi kab kahan kaha
    kaun kitna kitne kitni jo agar lekin magar phir isliye kyunki kyuki warna
    ye yeh yah woh wo vo vah iska iski iske uska uski uske isko usko inka unka inki unki unke inke
    isme ismein usme usmein aap aapka aapki aapke aapko apna apni apne mujhe mera meri mere
    hum hame humein hamara hamari hamare tum tumhe tumhara tumhari tera teri tere tujhe unhe inhe
    karo karna karne karke karein kare kariye kijiye kiya kiye raha rahi rahe rakho gaya gayi gaye
    sakte sakta sakti chahiye jata jati jaate jaati jaana jana jao jayega jaega milega milegi
    kuch koi sab sabhi abhi bahut bohot bhot thoda zyada jyada sirf bas wahi yahi yahan wahan
    isse usse inse unse pehle baad
    """.split()
) | frozenset(
    """
    है हैं हूँ हूं हो होता होती होते हुआ हुई हुए था थी थे होगा होगी होंगे का की के को से में पर पे तक
    लिए वाला वाली वाले और या भी तो नहीं न ना क्या क्यों कैसे कैसा कैसी कब कहाँ कहां कौन कितना जो जब तब
    अगर लेकिन मगर फिर इसलिए क्योंकि यह ये वह वो इसका इसकी इसके उसका उसकी उसके आप आपका आपकी आपके
    आपको अपना अपनी अपने मैं मुझे मेरा मेरी मेरे हम हमें हमारा हमारी तुम तुम्हें करो करना करने करके करें
    किया रहा रही रहे गया गई गए सकते सकता सकती चाहिए जाता जाती जाना जाएगा मिलेगा कुछ कोई सब सभी अभी
    बहुत थोड़ा ज़्यादा ज्यादा सिर्फ़ सिर्फ बस यहाँ वहाँ
    """.split()
)


def pack_stopwords(code: str) -> frozenset[str]:
    """The function words of a language pack: :data:`HINDI_STOPWORDS` for Hindi, else the pack's
    corpora list (``LanguagePack.stopwords``), lowercase."""
    if code == "hi":
        return HINDI_STOPWORDS
    if code not in _STOPWORDS:
        from tadka.lang import resources
        from tadka.lang.pack import get_pack

        rel = get_pack(code).stopwords
        lines = resources.read_lines(rel) if rel else []
        _STOPWORDS[code] = frozenset(w.lower() for line in lines if not line.startswith("#") for w in line.split())
    return _STOPWORDS[code]


_STOPWORDS: dict[str, frozenset[str]] = {}


def _language_name(code: str) -> str:
    from tadka.lang.pack import get_pack

    return get_pack(code).name.lower()


#: Record lang → the sentence labels its text may get (the default of ``curate.language_allowed``).
ALLOWED: dict[str, list[str]] = {
    "hi-Latn+en": ["hi-Latn"],
    "hi-Latn": ["hi-Latn"],
    "hi-Deva": ["hi-Deva"],
    "hi-Deva+en": ["hi-Deva", "hi-Latn"],
    "en": ["en"],
    "ta-Latn+en": ["ta-Latn"],
    "ta-Latn": ["ta-Latn"],
    "ta-Taml": ["ta-Taml"],
    "ta-Taml+en": ["ta-Taml", "ta-Latn"],
}


@dataclass
class LanguageParams(Section):
    """The ``curate.language_*`` keys of tadka.yaml: this step's own (composed into the curate section)."""

    roles: list[str] = opt(["assistant"], "Turns whose language is checked (together, as one text).")
    allowed: dict[str, list[str]] = opt(
        ALLOWED,
        "Record lang → sentence labels (en, hi-Deva, hi-Latn, other) its text may get from sentence ID; a lang "
        "not listed is not checked.",
    )
    cmi_min: float = opt(
        0.0,
        "Lowest Code-Mixing Index (0–100, Das & Gambäck 2014) of the checked turns for a record whose lang has "
        "'+' (flag cmi_low). Raise it to keep only code-mixed answers: good Hinglish in corpora/ spans 0–50 "
        "(median 27, 1st percentile 2).",
    )
    cmi_max: float = opt(
        50.0,
        "Highest CMI for such a record (flag cmi_high). Two languages cannot exceed 50; above it a third "
        "language is mixed in. Lower it to target lightly mixed text.",
    )
    min_stopwords: int = opt(
        2,
        "Fewest Hindi function words (hai, ka, ke, nahi, mein … in Roman or Devanagari, spelling variants "
        "included) in a hi-* record's text (flag no_hindi_stopwords; a ta-* record: Tamil ones, flag "
        "no_tamil_stopwords); never an English stop-word rule.",
    )
    stopword_min_words: int = opt(6, "Texts with fewer words are not held to the stop-word rule.")


@steps.register("language")
class LanguageFilter(Filter):
    params: ClassVar[type] = LanguageParams
    name = "language"

    def __init__(
        self,
        roles: Sequence[str] = ("assistant",),
        allowed: Mapping[str, Sequence[str]] | None = None,
        cmi_min: float = 0.0,
        cmi_max: float = 50.0,
        min_stopwords: int = 2,
        stopword_min_words: int = 6,
    ) -> None:
        self.roles = tuple(roles)
        self.allowed = {k: tuple(v) for k, v in (allowed if allowed is not None else ALLOWED).items()}
        for lang, labels in self.allowed.items():
            bad = [x for x in labels if x not in SENTENCE_TAGS]
            if bad:
                raise ConfigError(
                    f"unknown sentence label {bad[0]!r}",
                    field=f"curate.language_allowed.{lang}",
                    hint=", ".join(SENTENCE_TAGS),
                )
        self.cmi_min = cmi_min
        self.cmi_max = cmi_max
        self.min_stopwords = min_stopwords
        self.stopword_min_words = stopword_min_words

    def setup(self) -> None:
        """Load the Hindi pack's word and sentence models now: a driver that forks worker processes
        after setup shares one copy of them with every worker (loaded on the first record instead,
        each worker held its own ~95 MB)."""
        from tadka.lang import analyze

        analyze("Kal milte hain.")

    def judge(self, record: Record, a) -> tuple[dict[str, float], Verdict]:
        """Scores and verdict from one :class:`tadka.lang.analyze.Analysis` of the checked turns."""
        tags = a.tags
        code = pack_of(record.lang)
        n_hi, n_en = tags.count(code), tags.count("en")
        n_lang = n_hi + n_en + tags.count("other") + tags.count("mixed")
        n_words = len(tags) - tags.count("univ")
        # Function words are counted on the memoised word view of each turn (same words, no punctuation).
        stopwords = pack_stopwords(code)
        stop = sum(
            sum(map(stopwords.__contains__, match_words(m["content"])))
            for m in record.messages
            if m["role"] in self.roles
        )
        scores = {
            "cmi": round(float(a.cmi), 2),
            f"{code}_share": round(n_hi / max(n_lang, 1), 3),
            "en_share": round(n_en / max(n_lang, 1), 3),
            "stopwords": float(stop),
        }
        reasons = []
        allowed = self.allowed.get(record.lang)
        # A code-mixed record ("hi-Latn+en") may have a turn whose words are mostly English but that
        # holds a Hindi clause ("Thank you so much! Party pakki hai."): that is the mix it asks for.
        # Two Hindi-tagged words and a Hindi function word keep an English-only answer out.
        mixed_en = record.lang.endswith("+en") and a.lang == "en" and n_hi >= 2 and stop >= 1
        if allowed is not None and n_words and a.lang not in allowed and not mixed_en:
            reasons.append(f"lang_mismatch:{a.lang}")
        if "+" in record.lang and n_lang:
            if scores["cmi"] < self.cmi_min:
                reasons.append("cmi_low")
            elif scores["cmi"] > self.cmi_max:
                reasons.append("cmi_high")
        # a short Hinglish reply ("Last metro raat 11 baje nikalti hai.") may hold a single function word
        # — or none, when two of its words are tagged in the pack's language and the turn reads as that
        # language ("Haan, ek passport size photo lagegi.": the Hindi is in its content words)
        short = n_words < 2 * self.stopword_min_words
        needed = min(1, self.min_stopwords) if short else self.min_stopwords
        if short and n_hi >= 2 and a.lang.startswith(code):
            needed = 0
        if record.lang.startswith(code) and n_words >= self.stopword_min_words and stop < needed:
            reasons.append("no_hindi_stopwords" if code == "hi" else f"no_{_language_name(code)}_stopwords")
        return scores, ((False, tuple(reasons)) if reasons else True)

    def evaluate(self, record: Record) -> tuple[dict[str, float], Verdict]:
        from tadka.lang.analyze import analyze

        return self.judge(record, analyze(role_text(record, self.roles), pack_of(record.lang)))

    def keep(self, record: Record) -> Verdict:
        return self.evaluate(record)[1]

    def evaluate_batch(self, records: Sequence[Record]) -> list[tuple[dict[str, float], tuple[str, ...]]]:
        # One analyze_batch call: tadka.lang tags the batch's unknown words in one fastText call.
        from tadka.lang.analyze import analyze_batch

        packs = [pack_of(r.lang) for r in records]
        analyses: list = [None] * len(records)
        for code in sorted(set(packs)):  # one call per language pack in the batch
            idx = [i for i, p in enumerate(packs) if p == code]
            for i, a in zip(idx, analyze_batch([role_text(records[i], self.roles) for i in idx], code)):
                analyses[i] = a
        out = []
        for rec, a in zip(records, analyses):
            scores, verdict = self.judge(rec, a)
            out.append((scores, () if verdict is True else verdict[1]))
        return out
