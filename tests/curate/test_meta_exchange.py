"""The second reading of meta-talk: an edge of a longer answer that is off the task and about the
exchange itself (answer, question, chat, feedback, AI) is flagged even where the model alone is
unsure; a word about the exchange inside the task's own content is not."""

from __future__ import annotations

from tadka.curate.filters.meta_exchange import about_exchange, exchange_words
from tadka.curate.filters.meta_talk import edge_segments, meta_probabilities
from tadka.curate.filters.refusal import RefusalFilter
from tadka.curate.filters.topic_words import canonical_words
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
    words = exchange_words()  # as the model reads words: one spelling each ("jawab" → "jawaab", "ans" → "answer")
    assert set(canonical_words(["answer", "jawab", "जवाब", "sawaal", "chat", "ans", "qstn"])) <= words


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


LONG_ANSWER = (
    "Sabse pehle gas agency ke IVRS number pe registered mobile se call karo ya company ki app kholo aur "
    "booking ka option chuno. Booking ke baad SMS mein order number aata hai, use sambhal ke rakho. Delivery "
    "aam taur pe do se teen din mein hoti hai, aur delivery ke waqt cylinder ki seal aur weight check kar lena."
)


def test_a_farewell_after_a_long_answer_is_talk_about_the_exchange():
    """A farewell leaves the conversation: after a long answer it is the teacher's sign-off, in any of the
    ways people say it; in a short reply to a person it is the reply's own."""
    f = RefusalFilter()
    for closing in ("Theek hai ji, ab hum chalte hain, khuda hafiz!", "Chalo bye, phir milenge dost."):
        verdict = f.keep(chat(f"{LONG_ANSWER} {closing}", user=PROMPT))
        assert verdict is not True and "meta_talk" in verdict[1], closing
    reply = "Haan ji, kal 11 baje pahunch jaunga. Shukriya, khuda hafiz."
    assert f.keep(chat(reply, user="Kal ki meeting confirm hai na?")) is True


def test_sms_spellings_read_as_the_words_they_spell():
    """ "ur qstn ka ans nichhe h" is "your question ka answer neeche hai": the lead-in about the answer is
    flagged in SMS spelling as in full."""
    f = RefusalFilter()
    for lead in ("hello ji, ur qstn ka ans nichhe h, dhyan se padho:", "Namaste! Aapke sawaal ka jawab neeche hai:"):
        verdict = f.keep(chat(f"{lead} {LONG_ANSWER}", user=PROMPT))
        assert verdict is not True and "meta_talk" in verdict[1], lead
    # a lead-in about the task itself is content
    content = "Booking ke liye ye teen kaam karo:"
    assert f.keep(chat(f"{content} {LONG_ANSWER}", user=PROMPT)) is True


def test_a_lead_in_after_short_greetings_is_read_with_them():
    segs = [seg for _, seg in edge_segments(PROMPT, f"Hello ji! Kaise ho? Yeh raha aapka jawab: {LONG_ANSWER}")]
    assert "Hello ji! Kaise ho? Yeh raha aapka jawab:" in segs


def test_the_signature_of_a_notice_the_user_asked_for_is_kept():
    notice = (
        "SOOCHNA: Kal Holi ke karan dukaan band rahegi. Parson se dukaan roz ki tarah subah 9 baje khulegi. "
        "Aadesh se, Prabandhak, Sharma Kirana Store"
    )
    assert (
        RefusalFilter().keep(chat(notice, user="Dukaan ke bahar lagane ke liye notice likh do, kal Holi hai")) is True
    )


def test_dialect_endings_of_asking_and_listening_are_about_the_exchange():
    """Seen in held-out junk round 16: "puchhyo", "puchh lio", "puchhnu" close an answer in Awadhi,
    Bundeli and Garhwali as "poochiye" does in Hindi; "ab suniye:" leads in as "jawab neeche hai:" does."""
    f = RefusalFilter()
    for closing in (
        "Aur kuchhu puchhe ka hoi to bejhijhak puchhyo bhaiya, Ram Ram!",
        "Hor kuchh puchhnu cha ta bolyan bhulla, khush raya!",
    ):
        verdict = f.keep(chat(f"{LONG_ANSWER} {closing}", user=PROMPT))
        assert verdict is not True and "meta_talk" in verdict[1], closing
    verdict = f.keep(chat(f"Ram Ram bhaiya! Badi neek baat, ab suno dhyaan se: {LONG_ANSWER}", user=PROMPT))
    assert verdict is not True and "meta_talk" in verdict[1]
    # asking inside the task is content, and so is "suno" that opens the answer itself
    assert f.keep(chat(f"{LONG_ANSWER} Delivery late ho to agency se puchh lo.", user=PROMPT)) is True
    assert f.keep(chat(f"Suno beta, teen cheezein: {LONG_ANSWER}", user=PROMPT)) is True


def test_a_lead_in_after_a_long_first_sentence_is_read_alone():
    """Seen in held-out junk round 17: a shop's welcome, then "Aapke sawaal ka jawab:" — the long welcome
    hid the lead-in, which was read only as part of the welcome."""
    welcome = "Jai Shri Shyam Medical Store mein aapka swagat hai, hum aapki seva mein hain."
    segs = edge_segments(PROMPT, f"{welcome} Aapke sawaal ka jawab: {LONG_ANSWER}")
    lead = [line for line, seg in segs if seg == "Aapke sawaal ka jawab:"]
    assert lead and lead[0].startswith("^f ") and " ^r0 ^c " in lead[0]
    verdict = RefusalFilter().keep(chat(f"{welcome} Aapke sawaal ka jawab: {LONG_ANSWER}", user=PROMPT))
    assert verdict is not True and "meta_talk" in verdict[1]
    # a one- or two-word label after a long sentence is the text's own ("… Khand, Sector 15. Vishay: …")
    letter = (
        "Seva mein, Sahayak Abhiyanta, Vidyut Vitaran Khand, Sector 15, Lucknow. Vishay: Kharab meter badalne "
        "hetu. Mahoday, mera meter pichhle 15 din se band hai. Kripya naya meter lagwane ki kripa karein."
    )
    assert not any(seg.startswith("Vishay") for _, seg in edge_segments("Application likh do", letter))


def test_an_asking_stem_counts_once_and_does_not_lower_the_score_needed():
    """Two words about the exchange need half the usual model score; an asking stem ("puchh") is one of
    them only together with a word of the table itself. "Doubt ho to … station staff se puchh lo." closes
    a seed answer."""
    line = "^l ^p1 ^a2 ^o0 ^r0 ^d doubt ho to travel se pehle station staff se puchh lo"
    assert not about_exchange(line, "", 0.15)  # one table word and a stem: P ≥ 0.2 needed
    assert about_exchange(line, "", 0.25)
    two = "^l ^p1 ^a2 ^o0 ^r0 ^d koi doubt ya sawaal ho to puchh lo"
    assert about_exchange(two, "", 0.15)  # two table words: half of it
    assert not about_exchange("^l ^p1 ^a2 ^o0 ^r0 ^d station staff se baat karo", "", 0.9)  # no exchange word
