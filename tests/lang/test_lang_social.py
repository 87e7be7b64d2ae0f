"""Language ID and transliteration on Hinglish as people type it on social media (issue 13).

Accuracy floors on the development set in the real style (corpora/eval/social_*) and on the shipped
gold sets, then one test per class of error the issue names: casing, SMS spellings, elongation,
English chat shorthand, Roman Urdu, social tokens, Marathi/Nepali/Malay/Indonesian sentences,
ambiguous consonants and nasal endings. Floors sit a few points under the figures bench/lang.py
prints, so they catch a regression without failing on a retrained model's wobble. Nothing here is
timed.
"""

from __future__ import annotations

import pytest

from tadka.lang import analyze, analyze_batch, get_pack, resources, romanize, tag_tokens, to_native

SOURCES = ("twitter", "facebook", "whatsapp")


def three(tag: str) -> str:
    """The issue's measure: hi / en / univ, names counted as univ."""
    return "univ" if tag == "ne" else tag


def tags_of(text: str) -> dict[str, str]:
    a = analyze(text)
    return dict(zip(a.tokens, a.tags))


# ------------------------------------------------------------------ floors
@pytest.mark.parametrize("source", SOURCES)
def test_word_lid_on_the_real_style_development_set(source):
    ok = n = 0
    for sentence in resources.read_conll(f"eval/social_lid_{source}.conll"):
        for (_, gold), pred in zip(sentence, tag_tokens([t for t, _ in sentence])):
            ok += three(gold) == three(pred)
            n += 1
    assert n > 1000
    assert ok / n >= 0.95  # bench: 98-99 %; the goal on real held-out data: 0.92


def test_transliteration_on_the_development_set():
    pack = get_pack("hi")
    rows = resources.read_tsv("eval/social_translit.tsv")
    pairs = [(roman, row["deva"].split("|")) for row in rows for roman in row["roman"].split("|")]
    to_deva = sum(pack.native_word(roman) in devas for roman, devas in pairs) / len(pairs)
    to_roman = sum(romanize(row["deva"].split("|")[0]) in row["roman"].split("|") for row in rows) / len(rows)
    assert len(rows) >= 300 and len(pairs) >= 600
    assert to_deva >= 0.85  # bench: 93 %; goal 0.70
    assert to_roman >= 0.90  # bench: 95 %; goal 0.60


def test_sentence_id_on_the_development_set():
    rows = resources.read_tsv("eval/social_sentence_id.tsv")
    langs = [a.lang for a in analyze_batch([r["text"] for r in rows])]
    assert sum(lang == r["label"] for lang, r in zip(langs, rows)) / len(rows) >= 0.93  # bench: 95.8 %
    marathi = [lang == "other" for lang, r in zip(langs, rows) if r["lang"] == "mr"]
    assert len(marathi) >= 16 and sum(marathi) / len(marathi) >= 14 / 16
    for code in ("ne", "ms", "id"):
        hits = [lang == "other" for lang, r in zip(langs, rows) if r["lang"] == code]
        assert sum(hits) / len(hits) >= 0.8, code
    urdu = [lang == "hi-Latn" for lang, r in zip(langs, rows) if r["lang"] == "ur"]
    assert sum(urdu) / len(urdu) >= 0.9


def test_shipped_gold_sets_stay_above_95_percent():
    ok = n = 0
    for sentence in resources.read_conll("eval/lid_gold.conll"):
        for (_, gold), pred in zip(sentence, tag_tokens([t for t, _ in sentence])):
            ok += gold == pred
            n += 1
    assert ok / n >= 0.95
    rows = resources.read_tsv("eval/translit_deva_roman.tsv")
    exact = sum(" ".join(romanize(r["deva"]).lower().split()) in r["roman"].split("|") for r in rows)
    assert exact / len(rows) >= 0.95
    rows = resources.read_tsv("eval/sentence_lid.tsv")
    langs = [a.lang for a in analyze_batch([r["text"] for r in rows])]
    assert sum(lang == r["label"] for lang, r in zip(langs, rows)) / len(rows) >= 0.95


# ------------------------------------------------------------------ casing
@pytest.mark.parametrize(
    "text",
    [
        "aaj kya hai bhai please answer karo",
        "Aaj Kya Hai Bhai Please Answer Karo",
        "AAJ KYA HAI BHAI PLEASE ANSWER KARO",
        "aAj KyA hAi BhAi PlEaSe AnSwEr KaRo",
    ],
)
def test_known_words_keep_their_tag_whatever_their_case(text):
    assert analyze(text).tags == ["hi", "hi", "hi", "hi", "en", "en", "hi"]


def test_capitals_are_names_only_where_the_line_is_cased_normally():
    assert tags_of("kal Sandeepan aur main movie dekhne gaye")["Sandeepan"] == "ne"  # unknown, capitalised
    title = tags_of("Kal Sabka Bhala Kare Bhagwan Ji")  # Title Case: capitals say nothing
    assert title["Sabka"] == title["Bhala"] == title["Kare"] == "hi"
    assert tags_of("kal rahul ke ghar chalenge")["rahul"] == "ne"  # a known name, even in lowercase
    # a name that is also a word: a name only where the casing says so
    assert tags_of("Kal Raj aayega office")["Raj"] == "ne"
    assert tags_of("yahan kiska raj chalta hai")["raj"] == "hi"


def test_acronyms_where_casing_informs_and_shouting_where_it_does_not():
    assert tags_of("police station jaake FIR likhwao")["FIR"] == "en"
    assert tags_of("PHIR SE FIR KARO BHAI")["FIR"] == "hi"  # an ALL CAPS line: "fir" is phir


# ------------------------------------------------------------------ spellings
def test_sms_spellings_are_hindi():
    a = analyze("kl mjhe nhi pta tha ki tu bht psnd krta h agr kyu")
    assert a.tags == ["hi"] * 13


def test_elongation():
    assert analyze("bhaiiii plzzz yaaaar sooo gooood").tags == ["hi", "en", "hi", "en", "en"]


def test_english_chat_shorthand_is_english():
    assert analyze("u r the best bro lol thnx dont worry").tags == ["en"] * 9


def test_roman_urdu_is_hindi():
    a = analyze("Asslaam o Alaikum, ap kesy hain? mujhy bohat khushi hui, mohabbat aur insaan ki zindagi")
    words = [t for t, tag in zip(a.tokens, a.tags) if tag != "univ"]
    assert words and all(tag == "hi" for tag in a.tags if tag != "univ")
    assert a.lang == "hi-Latn"


def test_social_tokens_are_univ():
    a = analyze("RT @cricket_adda: kya match tha!!! #INDvsPAK https://t.co/x7Yq2 :P [\\m/] <3 ^_^ -_- hahaha hmmm")
    tags = dict(zip(a.tokens, a.tags))
    for token in (
        "RT",
        "@cricket_adda",
        "#INDvsPAK",
        "https://t.co/x7Yq2",
        ":P",
        "[\\m/]",
        "<3",
        "^_^",
        "-_-",
        "hahaha",
        "hmmm",
    ):
        assert tags[token] == "univ", token
    assert tags["kya"] == "hi"


# ------------------------------------------------------------------ sentence ID
@pytest.mark.parametrize(
    "text, lang",
    [
        ("मी उद्या ऑफिसला जाणार नाही, मला बरं वाटत नाही", "other"),  # Marathi
        ("तपाईंलाई कस्तो छ? म भोलि घर जान्छु", "other"),  # Nepali
        ("मुझे कल ऑफिस नहीं जाना है", "hi-Deva"),
        ("saya tidak tahu apa yang dia mahu", "other"),  # Malay
        ("aku nggak bisa datang besok, maaf ya", "other"),  # Indonesian
        ("ap kesy hain? bohat din ho gaye", "hi-Latn"),  # Roman Urdu
        ("Kal Office Nahi Jaana Hai", "hi-Latn"),
    ],
)
def test_sentence_id_tells_sister_and_look_alike_languages_apart(text, lang):
    assert analyze(text).lang == lang


# ------------------------------------------------------------------ transliteration
@pytest.mark.parametrize(
    "roman, deva",
    [
        ("aata", "आता"),
        ("udaaya", "उड़ाया"),
        ("luut", "लूट"),
        ("kahaan", "कहाँ"),
        ("baaten", "बातें"),
        ("mjhe", "मुझे"),
        ("larka", "लड़का"),
        ("zindagi", "जिंदगी"),
        ("thanda", "ठंडा"),
    ],
)
def test_roman_to_devanagari_ranks_real_words(roman, deva):
    assert get_pack("hi").native_word(roman) == deva


def test_ranking_never_turns_an_innocent_spelling_into_a_slur():
    profane = {r["term"] for r in resources.read_tsv("profanity/hi_deva.tsv")}
    pack = get_pack("hi")
    assert pack.native_word("bharwa") == "भरवा"  # "have it filled", not the slur भड़वा
    assert not {pack.native_word(w) for w in ("bharwa", "bharwaya", "bharwana")} & profane


def test_the_same_ranking_serves_text_and_generation():
    from tadka.curate.generate.mixer.codemixer import to_devanagari

    assert to_native("wo kal aata hai") == "वो कल आता है"
    assert to_devanagari("aata", None) == get_pack("hi").native_word("aata")


def test_devanagari_to_roman_keeps_the_other_spellings():
    from tadka.lang import romanize_variants, spelling_variants

    variants = romanize_variants("कहाँ")
    assert variants[0] == romanize("कहाँ") == "kahan" and "kaha" in variants and "kahaan" in variants
    assert romanize_variants("") == []
    table = spelling_variants("nahi")
    generated = spelling_variants("kahaan", generated=True)
    assert "nhi" in table and set(table) <= set(spelling_variants("nahi", generated=True))
    assert "kahan" in generated and "kaha" in generated and "kahaan" not in generated
    variants = get_pack("hi").romanize_variants("लड़का")
    assert variants[0] == "ladka" and "larka" in variants


# ------------------------------------------------------------------ bad input
def test_bad_input_never_stops_a_run():
    blob = "a" * 1_000_000
    texts = [
        bytes(range(256)),
        "kya " + blob + " hai",
        "मुझे" * 20_000,
        "kya\u200dbaat मुझेphone\u200dwala",
        "\x00\x01\ufffd",
        None,
        42,
    ]
    for a in analyze_batch(texts):
        assert len(a.tokens) == len(a.tags)
    mash = "qwrtz" * 200_000  # a 1 MB "word": kept as it is
    assert to_native("kya " + mash, only_native=False).endswith(mash)
    assert len(romanize("मुझे" * 20_000)) > 20_000
    assert get_pack("hi").native_word("qwrtz" * 2_000) == "qwrtz" * 2_000


def test_no_training_path_reads_the_evaluation_sets(monkeypatch):
    from tadka.lang.lid_data import LidData
    from tadka.lang.resources import read_text

    read: list[str] = []

    def recording(relpath):
        read.append(relpath)
        return read_text.__wrapped__(relpath)

    monkeypatch.setattr("tadka.lang.resources.read_text", recording)
    pack = get_pack("hi")
    data = LidData(pack)
    data.word_training_lines()
    data.sentence_training_lines()
    _ = data.function_words, data.light_verbs, data.names, data.chat_words
    assert read and not [r for r in read if r.startswith("eval/")]
    assert not [s for s in pack.lid.all() + [pack.bilingual, pack.variants] if s.startswith("eval/")]


def test_noised_training_words_are_made_from_the_vocabulary():
    """The shipped noised file still matches the vocabulary it was made from (regenerate it with
    ``python -m tadka.augment.text.lid_noise`` when this fails after a lexicon or romaniser change)."""
    from tadka.lang.lid_data import LidData

    rows = resources.read_tsv("lid/noised_words.tsv")
    assert len(rows) > 1000
    assert {r["op"] for r in rows} <= {"vowels", "sms", "elongate"}
    assert {r["tag"] for r in rows} == {"hi", "en"}
    assert all(r["word"] != r["source"] and r["word"].isascii() for r in rows)
    data = LidData(get_pack("hi"))
    vocab = {"hi": data.own_vocab, "en": data.english_vocab}
    assert sum(r["source"] in vocab[r["tag"]] for r in rows) / len(rows) >= 0.97
