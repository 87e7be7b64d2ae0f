"""A short apology in place of an answer is a refusal in any wording; an apology that answers, names
what was asked, or is the message the user asked for is kept."""

from __future__ import annotations

import pytest

from tadka.curate.filters.apology import MAX_WORDS, apologises_instead
from tadka.curate.filters.refusal import RefusalFilter
from tests.curate.synth import chat

PROMPT = "Kisan Credit Card ke liye apply kaise karte hain, poora process batao."


@pytest.mark.parametrize(
    "answer",
    [
        "Dada, ei bishoye ami kichu bolte parbo na, sorry.",  # Bengali-flavoured
        "Mannikkavum, enakku theriyathu, illa info.",  # Tamil-flavoured
        "sryyy yaar abhi nhi ho payega 🙏",  # SMS spelling with held letters
        "क्षमा करें, इस पर मैं अभी कुछ नहीं कह सकता।",  # Devanagari
        "Maazrat chahta hoon janab, filhaal mumkin nahi.",  # Roman Urdu
    ],
)
def test_short_apology_without_the_topic_is_a_refusal(answer):
    assert apologises_instead(PROMPT, answer)
    verdict = RefusalFilter().keep(chat(answer, user=PROMPT))
    assert verdict is not True and "refusal" in verdict[1]


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        # it names what was asked: a decline that answers the question
        ("Bina prescription antibiotic mil sakti hai?", "Sorry, bina doctor ki parchi ke antibiotic nahi milegi."),
        # no negation: an apology for a mistake, then the fix
        ("Pichhle message mein date galat thi kya?", "Haan, maafi, sahi date 14 March hai."),
        # the message the user asked for
        (
            "Boss ko message likh do ki kal meeting mein nahi aa paunga",
            "Sorry sir, kal ki meeting mein nahi aa paunga.",
        ),
    ],
)
def test_apology_that_answers_or_was_asked_for_is_kept(prompt, answer):
    assert RefusalFilter().keep(chat(answer, user=prompt)) is True


def test_long_answer_that_apologises_first_is_kept():
    answer = "Sorry, thoda late reply hai, network nahi tha. " + " ".join(
        ["Bank branch jaake form bharo, zameen ke kaagaz aur Aadhaar saath le jao."] * 3
    )
    assert len(answer.split()) > MAX_WORDS
    assert not apologises_instead(PROMPT, answer)
