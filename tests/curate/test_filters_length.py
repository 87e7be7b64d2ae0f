from tadka.curate.filters.length import LengthFilter
from tadka.records import Record

from tests.curate.synth import chat


def test_good_hinglish_chat_passes_and_is_scored():
    f = LengthFilter()
    rec = chat("UPI PIN kabhi kisi ko share mat karo, bank bhi kabhi nahi maangta.")
    out = f.apply(rec)
    assert out.flags == []
    assert out.scores["turns"] == 2 and out.scores["words"] == 13
    assert out.scores["chars"] == len(rec.messages[0]["content"]) + len(rec.messages[1]["content"])
    assert out is not rec and rec.scores == {}  # a copy: the input Record is untouched


def test_devanagari_words_are_not_split_by_their_vowel_signs():
    out = LengthFilter().apply(chat("हिंदी में जवाब दीजिए", lang="hi-Deva"))
    assert out.scores["words"] == 4


def test_too_short_response():
    assert LengthFilter().keep(chat("Haan.")) == (False, "too_short")


def test_turn_too_long_and_too_many_words():
    f = LengthFilter(max_chars=50)
    assert f.keep(chat("bahut " * 20)) == (False, "turn_too_long")
    assert LengthFilter(max_words=10).keep(chat("bahut " * 20)) == (False, "turn_too_many_words")


def test_emoji_only_turn_has_no_words():
    assert LengthFilter().keep(chat("Theek hai, kal baat karte hain", user="🙏🙏")) == (False, "turn_too_few_words")


def test_turn_counts():
    one = Record(messages=[{"role": "user", "content": "Mandi ka rate kya hai aaj?"}])
    assert LengthFilter().keep(one) == (False, "too_few_turns")
    many = Record(messages=[{"role": r, "content": "Haan bilkul theek hai bhai"} for r in ["user", "assistant"] * 5])
    assert LengthFilter(max_turns=6).keep(many) == (False, "too_many_turns")
    assert LengthFilter(max_turns=10).keep(many) is True


def test_system_turn_not_counted_or_checked():
    rec = Record(messages=[{"role": "system", "content": "x"}, {"role": "user", "content": "PNR kaise check karu?"},
                           {"role": "assistant", "content": "IRCTC app pe PNR number daal ke check karo."}])
    out = LengthFilter().apply(rec)
    assert out.flags == [] and out.scores["turns"] == 2
