"""Scripts, normalisation and the tokenizer."""

from __future__ import annotations

import pytest

from tadka.lang import resources, scripts
from tadka.lang.tokenize import TOKEN_RE, normalize, normalize_indic, token_kind, tokenize


@pytest.mark.parametrize(
    "token, script",
    [
        ("kya", scripts.LATN),
        ("मुझे", scripts.DEVA),
        ("வணக்கம்", scripts.TAML),
        ("আমি", scripts.BENG),
        ("آپ", scripts.ARAB),
        ("你好", scripts.HANI),
        ("こんにちは", scripts.KANA),
        ("안녕", scripts.HANG),
        ("2024", scripts.DIGIT),
        ("१०", scripts.DIGIT),
        ("😂", scripts.EMOJI),
        ("👨‍👩‍👧", scripts.EMOJI),
        ("!!", scripts.PUNCT),
        ("।", scripts.PUNCT),
        ("₹", scripts.PUNCT),
        ("phoneवाला", scripts.MIXED),
        ("5kg", scripts.LATN),
        ("", scripts.SPACE),
    ],
)
def test_token_script(token, script):
    assert scripts.token_script(token) == script


def test_matras_and_virama_are_devanagari_not_marks():
    assert scripts.char_script("\u093e") == scripts.DEVA  # ा
    assert scripts.char_script("\u094d") == scripts.DEVA  # virama
    assert scripts.letter_scripts("क्या") == {scripts.DEVA: 4}  # क ् य ा


def test_keeps_social_tokens_whole():
    text = "Bhai ye phone-wala kaam?? I don't think so!!! 😂 #DigitalIndia @rahul_99 https://irctc.co.in/nget/x."
    tokens = tokenize(text)
    for whole in ["phone-wala", "??", "don't", "!!!", "😂", "#DigitalIndia", "@rahul_99", "https://irctc.co.in/nget/x"]:
        assert whole in tokens
    assert tokens[-1] == "."


def test_numbers_with_units_and_money():
    tokens = tokenize("mujhe 5kg aata, 2 litre doodh, total ₹1,250 aur Rs. 500 advance at 10:30am, 4G, 10th, 45°C")
    for whole in ["5kg", "2 litre", "₹1,250", "Rs. 500", "10:30am", "4G", "10th", "45°C"]:
        assert whole in tokens
    assert [token_kind(t) for t in ["5kg", "2 litre", "₹1,250", "Rs. 500"]] == ["number"] * 4
    # a number followed by a Hindi word is not a unit
    assert tokenize("2 din baad") == ["2", "din", "baad"]


def test_emoji_sequences_and_emoticons():
    tokens = tokenize("family 👨‍👩‍👧 flag 🇮🇳 thumbs 👍🏽 key 1️⃣ :) <3")
    assert "👨\u200d👩\u200d👧" in tokens and "🇮🇳" in tokens and "👍🏽" in tokens and "1️⃣" in tokens
    assert {token_kind(t) for t in ["👨\u200d👩\u200d👧", "🇮🇳", "👍🏽", "1️⃣"]} == {"emoji"}
    assert token_kind(":)") == "emoticon" and token_kind("<3") == "emoticon"


def test_urls_mentions_email_kinds():
    assert token_kind("sbi.co.in") == "url"
    assert token_kind("help@sbi.co.in") == "email"
    assert token_kind("@rahul") == "mention" and token_kind("#tag") == "hashtag"
    assert token_kind("kya") == "word" and token_kind("मुझे") == "word" and token_kind("।") == "punct"


def test_devanagari_words_stay_whole():
    assert tokenize("मैं ठीक हूँ। आप कैसे हैं?") == ["मैं", "ठीक", "हूँ", "।", "आप", "कैसे", "हैं", "?"]


def test_zero_width_characters():
    # joiners inside words are dropped (they only steer rendering), kept inside emoji sequences;
    # a lone joiner, a zero-width space and a BOM vanish
    assert tokenize("क्\u200dष x\u200cy \u200b \ufeff hi\u200d😀 \u200d") == ["क्ष", "xy", "hi", "😀"]


def test_empty_and_whitespace():
    assert tokenize("") == [] and tokenize("   \n\t ") == []


def test_normalize_nfc_and_indic():
    assert normalize("cafe\u0301") == "café"
    assert normalize("a\u200bb") == "ab"
    # precomposed nukta letters decompose under NFC; indic-nlp keeps one spelling of each
    assert normalize("\u095b") == "ज\u093c"
    assert normalize_indic("क्\u200dष") == "क्ष"


def test_tokenize_agrees_with_token_pattern_on_corpora():
    """tokenize() splits at whitespace first (for speed); TOKEN_RE over the whole line, which
    other stages use to keep the text between tokens, must give the same tokens."""
    lines = resources.read_lines("lid/hi_latn.txt")[:300] + resources.read_lines("lid/en.txt")[:300]
    lines += resources.read_lines("lid/hi_deva.txt")[:100] + ["total ₹ 20 aur Rs. 500, 5 kg", "2 din 10:30 am"]
    for line in lines:
        text = normalize(line)
        assert tokenize(text) == TOKEN_RE.findall(text), line
