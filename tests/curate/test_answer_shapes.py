"""What was asked decides what is boilerplate: a lead-in that names a list, a greeting answered in
kind, an assistant asked about itself, a message the user asked for — each is the answer, while the
same habits around an ordinary answer are still flagged."""

from __future__ import annotations

import pytest

from tadka.curate.filters.length import asks_about_assistant, asks_to_compose
from tadka.curate.filters.refusal import RefusalFilter
from tests.curate.synth import chat

STEPS = (
    "\n\n1. Sabse pehle bijli ka main switch band karo.\n2. Geele haath se koi plug mat chhuo.\n"
    "3. Electrician ko bulao aur tab tak us kamre mein kisi ko mat jaane do."
)
PROMPT = "Ghar mein ek socket se chingari nikli, ab kya karein?"


def _flags(answer: str, prompt: str = PROMPT) -> tuple[str, ...]:
    verdict = RefusalFilter().keep(chat(answer, user=prompt))
    return () if verdict is True else verdict[1]


def test_lead_in_that_names_the_list_is_kept():
    assert _flags("Fauran yeh kijiye:" + STEPS) == ()


def test_lead_in_about_the_answer_before_a_list_is_flagged():
    assert "meta_talk" in _flags("Yeh raha aapke sawaal ka poora jawab:" + STEPS)


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("Namaste", "Namaste! Bataiye, aaj main aapki kya madad kar sakta hoon?"),
        ("Hello", "Hello! Kaise ho? Bataiye, aaj kis cheez mein madad chahiye?"),
        ("Thanks didi!", "Koi baat nahi, aur kuch poochna ho to bata dena."),
        ("Salaam! Kya haal hai?", "Salaam! Main bilkul theek hoon, shukriya. Aap sunaiye, aaj kya madad karun?"),
    ],
)
def test_greeting_answered_in_kind_is_kept(prompt, answer):
    assert _flags(answer, prompt) == ()


def test_offer_of_help_after_an_ordinary_answer_is_still_flagged():
    answer = "Socket ka main switch band karo aur electrician ko bulao." + " Bataiye, aur kya madad kar sakta hoon?"
    assert "meta_talk" in _flags(answer, "Socket se chingari nikle to kya karein")


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("Kya tum robot ho?", "Nahi, main robot nahi hoon — main ek AI language model hoon jo text likhta hai."),
        (
            "Tumhara naam kya hai?",
            "Mera koi apna naam nahi hai; main ek AI assistant hoon, aap mujhe kuch bhi bula sakte ho.",
        ),
        (
            "Tumhe kaunsa gaana pasand hai?",
            "Main ek AI hoon, mujhe gaane sunai nahi dete, par playlist bana sakta hoon.",
        ),
        (
            "Kya tum ye chat kal yaad rakhoge?",
            "Shayad nahi; chat band hone ke baad main pichhli baatein yaad nahi rakhta.",
        ),
    ],
)
def test_assistant_asked_about_itself_may_say_what_it_is(prompt, answer):
    assert asks_about_assistant(prompt)
    assert _flags(answer, prompt) == ()


def test_ai_identity_in_an_ordinary_answer_is_still_flagged():
    assert not asks_about_assistant("Sukanya Samriddhi Yojana mein kitna byaaj milta hai?")
    flags = _flags(
        "Main ek AI language model hoon, isliye mere paas taaza byaaj dar nahi hai.",
        "Sukanya Samriddhi Yojana mein kitna byaaj milta hai?",
    )
    assert "ai_identity" in flags


@pytest.mark.parametrize(
    "prompt",
    [
        "Mere YouTube channel ke liye ek chhota sa intro likh do",
        "Diwali pe dadi ke liye ek kavita likho",
        "Roleplay: tum bank manager ho, main customer",
        "Station master ki tarah announcement bolo",
        "Tu mera coach ban ke bata, aaj gym jaaun ya nahi",
    ],
)
def test_requests_for_a_text_to_be_written_or_performed(prompt):
    assert asks_to_compose(prompt)


@pytest.mark.parametrize("prompt", ["GST kya hai, detail mein likh do", "PM-KISAN ka process samjhao"])
def test_questions_are_not_requests_to_compose(prompt):
    assert not asks_to_compose(prompt)


@pytest.mark.parametrize(
    "closing",
    [
        "Dhyan rahe, yeh financial ya legal advice nahi hai.",
        "Kisi bhi faisle se pehle kisi expert se zaroor poochh lein.",
        "Upar diye gaye tips apnaakar aap surakshit reh sakte hain.",
        "Please remember this is not medical advice.",
        "In conclusion, yeh sab tips yaad rakhna zaroori hai.",
        "Meri Hinglish mein koi galti ho to maaf kijiyega.",
    ],
)
def test_disclaimers_the_topic_does_not_need_are_flagged(closing):
    answer = "Socket ka main switch band karo, geele haath se kuch mat chhuo aur electrician ko bulao."
    assert "boilerplate" in _flags(f"{answer} {closing}")


def test_a_disclaimer_the_user_asks_about_is_content():
    prompt = "Video ke end mein 'not financial advice' kyun likhte hain?"
    answer = "Creator yeh batata hai ki woh SEBI-registered advisor nahi hai, bas apni raay de raha hai."
    assert _flags(answer, prompt) == ()
