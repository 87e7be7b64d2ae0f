"""Word-level and sentence-level language ID, and the batch API."""

from __future__ import annotations

import pytest

from tadka.lang import SENTENCE_TAGS, WORD_TAGS, analyze, analyze_batch, sentence_lang, tag_tokens
from tadka.lang.metrics import cmi as cmi_of
from tadka.lang.metrics import switch_points


def tags_of(text: str) -> dict[str, str]:
    a = analyze(text)
    return dict(zip(a.tokens, a.tags))


@pytest.mark.parametrize(
    "text, word, tag",
    [
        # the neighbours decide the words that are both Hindi and English
        ("aap to jaante ho ki wo kaun hai", "to", "hi"),
        ("I want to go to school tomorrow", "to", "en"),
        ("wo ghar me hai", "me", "hi"),
        ("can you give me the phone", "me", "en"),
        ("main ghar ja raha hoon", "main", "hi"),
        ("the main road is closed today", "main", "en"),
        ("do minute ruko yaar", "do", "hi"),
        ("do you know where it is", "do", "en"),
        ("is baar ghar jaana hai", "is", "hi"),
        ("this is really good", "is", "en"),
    ],
)
def test_context_words(text, word, tag):
    assert tags_of(text)[word] == tag


def test_hinglish_sentence():
    a = analyze("UPI PIN kabhi kisi ko share mat karo")
    assert a.tags == ["en", "en", "hi", "hi", "hi", "en", "hi", "hi"]
    assert a.lang == "hi-Latn"
    assert a.cmi == pytest.approx(cmi_of(a.tags)) and a.switch_points == switch_points(a.tags)


def test_named_entities_univ_and_mixed():
    t = tags_of("kal Priya aur Rahul Mumbai gaye, WhatsApp pe photo bheji 😂 #trip @ravi 5kg")
    assert t["Rahul"] == "ne" and t["Mumbai"] == "ne" and t["WhatsApp"] == "ne"
    assert {t["😂"], t["#trip"], t["@ravi"], t["5kg"], t[","]} == {"univ"}
    assert tags_of("mera phone-wala bhai")["phone-wala"] == "mixed"
    assert tags_of("Sunday ko milte hain")["Sunday"] == "en"  # weekdays are not names


def test_scripts_decide_first():
    assert tag_tokens(["मुझे", "phone", "चाहिए"]) == ["hi", "en", "hi"]
    assert tag_tokens(["phoneवाला"]) == ["mixed"]  # Latin and Devanagari inside one word
    assert tag_tokens(["வணக்கம்", "আমি", "آپ", "你好", "こんにちは"]) == ["other"] * 5


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Mujhe kal office jaana hai, boss ne bola", "hi-Latn"),
        ("Please send me the report by evening", "en"),
        ("मुझे नहीं पता, कल बात करते हैं।", "hi-Deva"),
        ("मुझे phone चाहिए", "hi-Deva"),
        ("வணக்கம் நண்பா, எப்படி இருக்கீங்க?", "other"),
        ("آپ کیسے ہیں؟", "other"),
        ("这家餐厅的菜很好吃。", "other"),
        ("Hola amigo, ¿cómo estás hoy?", "other"),
    ],
)
def test_sentence_lang(text, lang):
    assert sentence_lang(text) == lang


# Bad input never crashes and gets sensible tags.
def test_empty_line():
    a = analyze("")
    assert (a.tokens, a.tags, a.lang, a.cmi) == ([], [], "other", 0.0)


def test_emoji_only():
    a = analyze("😂😂 🙏🏽👍")
    assert a.tags and set(a.tags) == {"univ"} and a.lang == "other" and a.cmi == 0.0


def test_very_long_line():
    text = " ".join(["yaar", "kal", "office", "meeting", "hai", "😂"] * 1700)  # 10,200 tokens
    a = analyze(text)
    assert len(a.tokens) == len(a.tags) == 10_200
    assert a.lang == "hi-Latn" and 0 < a.cmi <= 50


def test_zero_width_joiners():
    a = analyze("kya\u200d baat\u200c hai \u200d 👨‍👩‍👧")
    assert a.tokens == ["kya", "baat", "hai", "👨\u200d👩\u200d👧"]
    assert a.tags == ["hi", "hi", "hi", "univ"]


def test_mixed_scripts_inside_one_word():
    a = analyze("mera phoneवाला dost")
    assert a.tags == ["hi", "mixed", "hi"]


@pytest.mark.parametrize(
    "text",
    ["آپ کیسے ہیں؟ میں ٹھیک ہوں", "நான் நலமாக இருக்கிறேன்", "我今天很忙。", "今日はとても忙しいです", "Привет, как дела?"],
)
def test_other_scripts(text):
    a = analyze(text)
    assert a.lang == "other"
    assert set(a.tags) <= {"other", "univ"} and "other" in a.tags
    assert a.cmi == 0.0


def test_tags_always_from_the_tag_sets():
    texts = ["", "x", "???", "Rs. 500", "hello\u200bworld", "a" * 5000, "\x00\x01", "ok 👍", "café crème"]
    for a in analyze_batch(texts):
        assert len(a.tokens) == len(a.tags)
        assert set(a.tags) <= set(WORD_TAGS) and a.lang in SENTENCE_TAGS


def test_non_string_input_is_tolerated():
    results = analyze_batch([None, b"kya haal hai", 42])
    assert results[0].tokens == [] and results[1].tags == ["hi", "hi", "hi"] and results[2].tags == ["univ"]


def test_batch_matches_single():
    texts = ["aap to jaante ho", "I want to go to school", "मुझे phone चाहिए", "", "😂"]
    assert [(a.tags, a.lang) for a in analyze_batch(texts)] == [(analyze(t).tags, analyze(t).lang) for t in texts]


def test_tag_tokens_on_given_tokens():
    # gold tokenisations need not match ours
    assert tag_tokens(["kal", "office", "me", "appraisal", "meeting", "hai", "!"]) == [
        "hi",
        "en",
        "hi",
        "en",
        "en",
        "hi",
        "univ",
    ]
    assert tag_tokens([]) == []


def test_a_capitalised_word_after_a_full_stop_opens_a_sentence_and_is_not_a_name():
    from tadka.lang import analyze

    a = analyze("Bank jao. Apna form bharo! Usko bolo. Delhi bhi jaunga.")
    tags = dict(zip(a.tokens, a.tags))
    assert tags["Apna"] == "hi" and tags["Usko"] == "hi"  # sentence-initial Hindi words
    assert tags["Delhi"] == "ne"  # a real name stays a name where it opens a sentence
