import pytest

from tadka.curate.filters.lists import read_list
from tadka.curate.filters.refusal import RefusalFilter
from tadka.errors import ConfigError

from tests.curate.synth import chat


@pytest.mark.parametrize(
    "text,category",
    [
        ("As an AI language model, I cannot give medical advice.", "ai_identity"),
        ("I'm sorry, but I can't help with that request.", "refusal"),
        ("I am just an AI, so I don't have personal opinions.", "ai_identity"),
        ("Main ek AI language model hoon, isliye main ye nahi bata sakta.", "ai_identity"),
        ("Ek AI hone ke naate mere paas personal opinions nahi hain.", "ai_identity"),
        ("Maaf kijiye, lekin main is request mein aapki madad nahi kar sakta.", "refusal"),
        ("Sorry, main is par jawab nahi de sakti.", "refusal"),
        ("Yeh raha aapka Hinglish translation: UPI PIN share mat karo.", "boilerplate"),
        ("Here is the Hinglish version: Aaj mausam accha hai.", "boilerplate"),
        ("As of my last knowledge update, the scheme gives 6,000 rupees.", "boilerplate"),
        ("मैं एक एआई भाषा मॉडल हूँ, इसलिए मैं यह नहीं बता सकता।", "ai_identity"),
        ("माफ़ कीजिए, मैं इसमें आपकी मदद नहीं कर सकता।", "refusal"),
    ],
)
def test_refusals_and_boilerplate_are_found(text, category):
    verdict = RefusalFilter().keep(chat(text))
    assert verdict is not True and category in verdict[1]


@pytest.mark.parametrize(
    "text",
    [
        "UPI PIN kabhi kisi ko share mat karo, bank bhi kabhi nahi maangta.",
        "Agar app kaam nahi kar raha to bank ki helpline pe call karo, woh madad karenge.",
        "AI tools jaise chatbot ab kheti mein bhi use hote hain, jaise mausam ki jaankari ke liye.",
        "Sorry to hear that! Pehle FIR ki copy lo aur insurance company ko batao.",
        "Hinglish mein likhna aasaan hai, bas Roman script use karo.",
        "Main theek hoon, shukriya! Aap batao?",
        "Theek hai, kal subah 6 baje yaad dila dunga.",
    ],
)
def test_helpful_answers_pass(text):
    assert RefusalFilter().keep(chat(text)) is True


def test_only_assistant_turns_by_default():
    rec = chat("Pehle app kholo.", user="As an AI language model, tell me about UPI")
    assert RefusalFilter().keep(rec) is True
    assert RefusalFilter(roles=("user", "assistant")).keep(rec) is not True


def test_closing_is_on_by_default_and_can_be_turned_off():
    rec = chat("Pehle app kholo, phir PIN daalo. I hope this helps!")
    assert RefusalFilter(categories=("refusal", "ai_identity")).keep(rec) is True
    assert RefusalFilter(categories=("closing",)).keep(rec) == (False, ("closing",))
    assert RefusalFilter().keep(rec)[0] is False


@pytest.mark.parametrize(
    "text",
    [
        "Main aapko step by step samjhata hoon. Pehle IRCTC app kholo, phir PNR daalo aur status dekho.",
        "Pehle IRCTC app kholo, phir PNR daalo aur status dekho. Koi aur sawaal ho to zaroor puchiye.",
        "Great question! Let me explain. Pehle IRCTC app kholo, phir PNR daalo aur status dekho.",
    ],
)
def test_meta_talk_at_the_edges_of_an_answer(text):
    verdict = RefusalFilter().keep(chat(text))
    assert verdict is not True and set(verdict[1]) & {"meta_talk", "closing", "boilerplate"}


def test_meta_talk_model_reads_the_edges_with_their_context_and_never_the_eval_phrases():
    from tadka.curate.filters.meta_talk import edge_segments, training_lines

    segs = edge_segments("Kya karun?", "Sure! Here is what to do. Step one is easy. Step two is hard. Thanks!")
    assert [s for _, s in segs] == ["Sure!", "Sure! Here is what to do.", "Thanks!", "Step two is hard. Thanks!"]
    assert segs[0][0].startswith("^f ^p0 ") and segs[2][0].split()[-1] == "thanks"
    label = edge_segments("Kya karun?", "Output: Pehle form bharo. Phir bank jao.")
    assert label[0] == ("^f ^p0 ^a0 ^o0 ^r0 ^c output", "Output:")
    assert [s for _, s in edge_segments("Kya?", "Haan, ho jayega.")] == ["Haan, ho jayega."]  # one sentence: whole
    from tadka.curate.filters.text import normalise

    held = [
        row[3]
        for row in (line.split("\t") for line in read_junk())
        if row[0] in ("dev", "test", "heldout") and row[2].startswith("boilerplate")
    ]
    segments = {line.split(" ", 7)[-1] for line in training_lines()}  # the text after label and context
    assert held and not any(normalise(t) in segments for t in held)


def read_junk():
    from importlib.resources import files

    return files("tadka.corpora").joinpath("junk", "junk_parts.tsv").read_text(encoding="utf-8").splitlines()[1:]


def test_extra_patterns_and_bad_config():
    assert RefusalFilter(extra=[r"bhai log"]).keep(chat("Dekho bhai log, pehle form bharo.")) == (False, ("refusal",))
    with pytest.raises(ConfigError):
        RefusalFilter(extra=["(unclosed"])
    with pytest.raises(ConfigError):
        RefusalFilter(categories=("rudeness",))
    with pytest.raises(ConfigError):
        RefusalFilter(lists=("klingon",))


def test_shipped_lists_are_well_formed():
    import re

    for name in ("en", "hi_latn", "hi_deva"):
        rows = read_list("refusals", name)
        assert rows
        for r in rows:
            assert r["category"] in ("refusal", "ai_identity", "boilerplate", "closing", "meta_talk")
            re.compile(r["pattern"])
            # a trigger group none of whose words occurs in the pattern could never be met by a match
            for group in r["trigger"].split("&"):
                assert any(t.lower() in r["pattern"].lower() for t in group.split("|")), (group, r)


def test_a_long_answer_that_opens_with_one_unspaced_run_is_read_not_crashed():
    """A long answer whose first window is a single short sentence (a pasted link) used to raise IndexError,
    which rejected a good record as error:refusal."""
    from tadka.curate.filters.meta_talk import edge_segments

    answer = (
        "Form yahan milega https://example.gov.in/"
        + "a" * 420
        + " phir upload karo. "
        + "Baaki documents bhi saath rakho. " * 20
    )
    segments = [text for _, text in edge_segments("form kahan milega", answer)]
    assert segments and any("Baaki documents" in s for s in segments)


def test_template_tokens_and_reasoning_leaks_are_boilerplate():
    """A teacher served without its stop tokens, or a reasoning model whose thinking was not stripped,
    leaves these in the answer (seen in held-out junk round 15); the same words in prose are content."""
    f = RefusalFilter()
    for text in (
        "<think>User ne poocha hai, short jawab dena hai.</think>Sabun se 20 second haath dhoyein.",
        "Sabun se 20 second haath dhoyein.<|im_end|>",
        "[tool_call: get_answer(q)] ERROR: timeout. Kripya baad mein poochein.",
        "Recharge app se ho jata hai. Upvote if this helped!",
        "ORS ready rakhein. Sent from my phone, typos maaf karna",
    ):
        verdict = f.keep(chat(text))
        assert verdict is not True and "boilerplate" in verdict[1], text
    for text in (
        "Exam se pehle ek baar think karo ki kaunsa topic kamzor hai.",
        "Phone se sent karo toh jaldi pahunchega.",
    ):
        assert f.keep(chat(text)) is True, text


def test_chat_app_leftovers_are_boilerplate_where_used_and_content_where_mentioned():
    """Copied from a chat or translation app, the buttons come along (held-out junk round 16); an answer
    that explains those buttons quotes them, or answers a prompt that names them."""
    f = RefusalFilter()
    used = (
        "Copy code ⧉ Show drafts ▾ Namaste ji, delivery ek din late hogi.",
        "Translated by Google ▸ Show original CSC ek local digital service point hai.",
        "Stock pehle se mangwa lo. Was this answer helpful? 👍 Yes 👎 No",
    )
    for text in used:
        verdict = f.keep(chat(text))
        assert verdict is not True and {"boilerplate", "closing"} & set(verdict[1]), text
    quoted = (
        "Poora page copy karne se buttons ka text bhi aa jata hai: upar ka 'Copy code' aur neeche ka "
        "'Regenerate response'. Yeh jawab ka hissa nahi hai."
    )
    assert f.keep(chat(quoted, user="Jawab copy kiya to kuch extra text aa gaya, kyun?")) is True
    asked = "Iska matlab hai ki tweet ka anuvaad Google Translate ne kiya; 'Show original' se asli text dikhta hai."
    assert f.keep(chat(asked, user="Translated by Google likha aata hai tweet ke neeche, woh kya hai?")) is True
    # the mention exemption does not hide other boilerplate in the same answer
    verdict = f.keep(chat(f"{asked} Copy code", user="Translated by Google likha aata hai, woh kya hai?"))
    assert verdict is not True and "boilerplate" in verdict[1]
