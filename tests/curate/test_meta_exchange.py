"""The second reading of meta-talk: an edge of a longer answer that is off the task and about the
exchange itself (answer, question, chat, feedback, AI) is flagged even where the model alone is
unsure; a word about the exchange inside the task's own content is not."""

from __future__ import annotations

from tadka.curate.filters.meta_exchange import about_exchange, exchange_words
from tadka.curate.filters.meta_talk import edge_segments, meta_probabilities
from tadka.curate.filters.refusal import RefusalFilter
from tests.curate.synth import chat

PROMPT = "Gas cylinder ki booking kaise karein?"
ANSWER = (
    "Apni gas agency ke IVRS number pe registered mobile se call karo ya company ki app kholo. "
    "Booking ke baad SMS mein order number aata hai, delivery do se teen din mein hoti hai."
)


def _segments(answer: str):
    segs = edge_segments(PROMPT, answer)
    return [(line, seg, p) for (line, seg), p in zip(segs, meta_probabilities([line for line, _ in segs]))]


def test_exchange_words_cover_three_scripts():
    words = exchange_words()
    assert {"answer", "jawab", "जवाब", "sawaal", "chat"} <= words


def test_closing_about_the_exchange_is_flagged():
    answer = f"{ANSWER} Is jawab pe apni rai comment mein zaroor likhna!"
    last = [s for s in _segments(answer) if s[1].startswith("Is jawab")]
    assert last and about_exchange(*last[0])
    verdict = RefusalFilter().keep(chat(answer, user=PROMPT))
    assert verdict is not True and "meta_talk" in verdict[1]


def test_exchange_word_in_task_content_is_kept():
    answer = f"{ANSWER} Delivery pe koi sawaal ho toh agency ke counter pe poochh lo."
    assert RefusalFilter().keep(chat(answer, user=PROMPT)) is True
    whole = "AI tools jaise chatbot ab kheti mein bhi use hote hain, jaise mausam ki jaankari ke liye."
    assert not any(about_exchange(*s) for s in _segments(whole))


def test_the_closing_of_a_message_the_user_asked_for_is_the_message():
    """Seen in the README tour: the offline mixer's answers to the shipped seeds lost an email and a set of
    exam tips to this rule."""
    email_prompt = "Cancel order ke refund ke liye customer support ko vinamra email likh do."
    email = (
        "Dear Support Team, maine order usi din cancel kar diya tha aur app mein cancellation confirm bhi ho "
        "gaya tha. Lekin das din baad bhi paisa mere account mein wapas nahi aaya. Kripya refund jaldi process "
        "karein aur transaction reference share karein. Help ke liye dhanyavaad."
    )
    assert RefusalFilter().keep(chat(email, user=email_prompt)) is True
    tips = (
        "Ek night pehle good sleep lo aur last day koi new topic mat padho. Exam hall mein pehle poora paper "
        "padho aur jo question achhe se aate hain unse start karo, confidence aayega. Ghabrahat ho to dheere "
        "dheere lambi saans lo, aur kisi question pe atak jao to aage badh jao."
    )
    assert RefusalFilter().keep(chat(tips, user="Exam ke time calm kaise rahun, tips do.")) is True
    # the same closing after a question that asks for no message is still talk about the exchange
    verdict = RefusalFilter().keep(chat(f"{ANSWER} Is jawab pe apni rai comment mein zaroor likhna!", user=PROMPT))
    assert verdict is not True and "meta_talk" in verdict[1]
