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
