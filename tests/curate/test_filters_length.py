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
    rec = Record(
        messages=[
            {"role": "system", "content": "x"},
            {"role": "user", "content": "PNR kaise check karu?"},
            {"role": "assistant", "content": "IRCTC app pe PNR number daal ke check karo."},
        ]
    )
    out = LengthFilter().apply(rec)
    assert out.flags == [] and out.scores["turns"] == 2


def test_answer_length_follows_what_the_prompt_asks():
    f = LengthFilter()
    explain = [
        "PM-KISAN ka process step by step samjhao.",
        "Iska farak detail mein explain karo",
        "RTI kaise file karein?",
        "UPI fail kyun hota hai?",
        "आधार अपडेट की प्रक्रिया समझाइए",
    ]
    for prompt in explain:
        verdict = f.keep(chat("Haan ji bilkul.", user=prompt))
        assert verdict is not True and verdict[1].startswith("too_short_for_prompt:"), prompt
    assert f.keep(chat("Haan ji bilkul.", user="PM-KISAN ka process samjhao"))[1] == "too_short_for_prompt:detail"
    assert (
        f.keep(chat("App kholo aur PIN reset karo.", user="UPI PIN kaise badlein?")) is True
    )  # 6 words: enough for how
    # short answers to questions that ask for a fact, or to small talk, stay
    for prompt, answer in [
        ("Kal kitne baje aana hai?", "Kal 10 baje aa jana."),
        ("Aap kaise ho?", "Main theek hoon, aap batao?"),
        ("Bank aaj khula hai kya?", "Haan, 4 baje tak."),
        ("Thank you bhaiya!", "Koi baat nahi."),
    ]:
        assert f.keep(chat(answer, user=prompt)) is True, prompt
    # the prompt of each assistant turn is the user turn before it
    turns = [
        {"role": "user", "content": "Process samjhao"},
        {"role": "assistant", "content": " ".join(["shabd"] * 20)},
        {"role": "user", "content": "Theek hai, kal kitne baje?"},
        {"role": "assistant", "content": "Kal 10 baje."},
    ]
    assert f.keep(Record(messages=turns)) is True
    off = LengthFilter(min_words_detail=0, min_words_how=0, max_words_off_topic=0)
    assert off.keep(chat("Haan ji bilkul.", user=explain[0])) is True


def test_good_shipped_answers_are_long_enough_for_their_prompts():
    import json
    from importlib.resources import files

    root = files("tadka.corpora")
    recs = []
    for line in root.joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)["hi_latn"]
        recs.append(chat(row["response"], user=row["instruction"]))
    for name in ("hinglish_chat.jsonl", "short_answers.jsonl"):
        for line in root.joinpath("samples", name).read_text(encoding="utf-8").splitlines():
            recs.append(Record(messages=json.loads(line)["messages"]))
    assert [r.messages for r in recs if LengthFilter().keep(r) is not True] == []


def test_an_answer_to_an_explain_prompt_must_name_its_topic():
    """Seen in held-out junk round 13: a plan upsell sent as the whole answer to "Legal notice kya hota
    hai, explain karo" is long enough for the prompt and names nothing it asked about."""
    f = LengthFilter()
    upsell = "Yeh feature sirf Premium members ke liye hai. Upgrade karne ke liye yahan tap karein."
    assert f.keep(chat(upsell, user="Legal notice kya hota hai, explain karo.")) == (
        False,
        "off_topic_for_prompt:detail",
    )
    # an answer that names the topic, in another form of the word, is an answer
    answer = "Notices tab bheje jaate hain jab koi paisa ya kaam baaki ho, aur jawab dene ka samay diya jata hai."
    assert f.keep(chat(answer, user="Legal notice kya hota hai, explain karo.")) is True
    # a prompt of only asking words names no topic to share; a how-prompt is not held to it
    assert f.keep(chat(upsell, user="Process samjhao")) is True
    assert (
        f.keep(chat("Bas aaram karo aur paani piyo, do din mein theek ho jaoge.", user="Bukhar kyun aata hai?")) is True
    )


def test_an_explain_prompt_typed_with_held_letters_still_asks_for_detail():
    """Seen in held-out junk round 14: "pls xplainnn in detaill stepbystep" is an explain prompt."""
    from tadka.curate.filters.length import demand

    assert demand("pls xplainnn in detaill stepbystep asapp") == "detail"
    # dialect forms of "samjhao" and "vistar se" (held-out junk round 16)
    assert demand("bhaiya, ee kaise hoi, tanik khol ke samjhaay dyo") == "detail"
    assert demand("sab la bistar ma samjha de") == "detail"
    assert demand("Main samjha nahi, kal aana hai kya?") == ""
    assert demand("Kal kitne baje aana hai?") == ""
    verdict = LengthFilter().keep(chat("simplee haii yrr", user="UPI pin kaise badle, pls xplainnn stepbystep"))
    assert verdict == (False, "too_short_for_prompt:detail")
