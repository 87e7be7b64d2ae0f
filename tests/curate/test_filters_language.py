from tadka.curate.filters.language import HINDI_STOPWORDS, LanguageFilter
from tadka.lang.analyze import Analysis

from tests.curate.synth import chat

HINGLISH = "UPI PIN kabhi kisi ko share mat karo, bank bhi kabhi phone pe PIN nahi maangta."
ENGLISH = "Never share your UPI PIN with anyone; the bank will never ask for it on a call."
DEVA = "अपना यूपीआई पिन कभी किसी को मत बताइए, बैंक भी फ़ोन पर पिन नहीं माँगता।"


def test_hinglish_answer_passes_and_is_scored():
    out = LanguageFilter().apply(chat(HINGLISH))
    assert out.flags == []
    assert 0 <= out.scores["cmi"] <= 50 and out.scores["stopwords"] >= 4
    assert out.scores["hi_share"] + out.scores["en_share"] <= 1.0


def test_no_english_stopword_rule_on_hinglish():
    # Gopher's rule wants two of the, be, to, of, and, that, have, with: this good answer has none.
    text = "Aadhaar Seva Kendra jaake biometric update karwa lo, saath mein purana card bhi le jana."
    assert not {"the", "be", "to", "of", "and", "that", "have", "with"} & set(text.lower().split())
    assert LanguageFilter().keep(chat(text)) is True


def test_english_answer_in_a_hinglish_record_is_flagged():
    verdict = LanguageFilter().keep(chat(ENGLISH))
    assert verdict is not True
    assert "lang_mismatch:en" in verdict[1] and "no_hindi_stopwords" in verdict[1]


def test_english_record_in_english_passes():
    assert LanguageFilter().keep(chat(ENGLISH, user="How do I keep my UPI PIN safe?", lang="en")) is True


def test_script_must_match():
    assert LanguageFilter().keep(chat(DEVA, lang="hi-Deva")) is True
    verdict = LanguageFilter().keep(chat(DEVA))  # Devanagari answer, record says Roman Hinglish
    assert verdict is not True and "lang_mismatch:hi-Deva" in verdict[1]


def test_unlisted_lang_is_not_checked():
    assert LanguageFilter().keep(chat(ENGLISH, lang="bn-Latn+en")) is True  # no bn pack yet


def test_batch_and_single_agree():
    recs = [chat(HINGLISH), chat(ENGLISH), chat(DEVA, lang="hi-Deva")]
    f = LanguageFilter()
    assert [r.flags for r in f.apply_batch(recs)] == [f.apply(r).flags for r in recs]
    assert [r.scores for r in f.apply_batch(recs)] == [f.apply(r).scores for r in recs]


def _analysis(tokens, tags, lang="hi-Latn", cmi=0.0):
    return Analysis(" ".join(tokens), list(tokens), list(tags), lang, cmi, 0)


def test_cmi_band():
    rec = chat(HINGLISH)
    tokens = ["mandi", "mein", "aaj", "rate", "kya", "hai"]
    a = _analysis(tokens, ["hi", "hi", "hi", "en", "hi", "hi"], cmi=16.7)
    assert LanguageFilter().judge(rec, a)[1] is True
    assert LanguageFilter(cmi_min=20).judge(rec, a)[1] == (False, ("cmi_low",))
    assert LanguageFilter(cmi_max=10).judge(rec, a)[1] == (False, ("cmi_high",))
    # the band is only for mixed tags: a hi-Latn record is not held to it
    assert LanguageFilter(cmi_min=20).judge(chat(HINGLISH, lang="hi-Latn"), a)[1] is True


def test_hindi_stopword_rule():
    tokens = ["Mandi", "rate", "daily", "check", "Agmarknet", "portal", "online", "update"]
    tags = ["hi", "en", "en", "en", "ne", "en", "en", "en"]
    text = " ".join(tokens)
    assert LanguageFilter().judge(chat(text), _analysis(tokens, tags))[1] == (False, ("no_hindi_stopwords",))
    # a short reply may hold a single function word; from 12 words on, two are needed
    short = ["Last", "metro", "raat", "11", "baje", "nikalti", "hai"]
    assert (
        LanguageFilter().judge(chat(" ".join(short)), _analysis(short, ["en", "en", "hi", "univ", "hi", "hi", "hi"]))[1]
        is True
    )
    long = tokens + ["aur", "prices", "compare", "before", "selling"]
    verdict = LanguageFilter().judge(chat(" ".join(long)), _analysis(long, tags + ["hi", "en", "en", "en", "en"]))[1]
    assert verdict == (False, ("no_hindi_stopwords",))
    tokens2 = tokens[:6] + ["pe", "milta", "hai"]
    _, verdict = LanguageFilter().judge(chat(" ".join(tokens2)), _analysis(tokens2, tags[:6] + ["hi", "hi", "hi"]))
    assert verdict is True
    assert LanguageFilter().judge(chat(" ".join(tokens[:4])), _analysis(tokens[:4], tags[:4]))[1] is True  # too short


def test_stopwords_hold_no_english_homographs():
    assert (
        not {"is", "to", "the", "me", "main", "do", "us", "hi", "par", "jab", "tab", "ya", "a", "in"} & HINDI_STOPWORDS
    )
    assert {"hai", "nahi", "nahin", "ka", "mein", "है", "नहीं", "में"} <= HINDI_STOPWORDS


def test_unknown_sentence_label_is_a_config_error():
    import pytest

    from tadka.errors import ConfigError

    with pytest.raises(ConfigError, match="language_allowed"):
        LanguageFilter(allowed={"hi-Latn+en": ["hinglish"]})


def test_short_reply_with_hindi_content_words_and_an_english_led_mixed_turn_pass():
    # no function word of the list, but the words "haan", "ek", "lagegi" are Hindi
    assert LanguageFilter().keep(chat("Haan, ek passport size photo lagegi.")) is True
    # mostly English words with a Hindi clause: the mix a hi-Latn+en record asks for
    assert LanguageFilter().keep(chat("Thank you so much! Party pakki hai.")) is True
    for english in ("Ok sure, I will send the photo today.", "The train leaves at six tomorrow morning."):
        assert LanguageFilter().keep(chat(english)) is not True
