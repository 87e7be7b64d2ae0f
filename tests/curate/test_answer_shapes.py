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
        ("hii kaise ho aap?", "Hii! Main badhiya hoon, poochne ke liye shukriya. Aap sunao, kya madad karun?"),
        ("Assalam o alaikum, sab khairiyat?", "Wa alaikum assalam! Sab khairiyat hai. Farmaiye, kya madad karun?"),
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
            "Tumhe aaj ka match ka latest score pata hai?",
            "Nahi, main live internet se juda nahi hoon, isliye abhi ka score nahi bata sakta. Cricbuzz pe dekh lo.",
        ),
        ("Kya tumhe feelings hoti hain?", "Nahi, main ek AI hoon, mujhe insaanon jaisi feelings nahi hoti."),
        ("क्या तुम्हें कभी गुस्सा महसूस होता है?", "नहीं, मैं एक AI हूँ, मुझे भावनाएँ महसूस नहीं होतीं।"),
        (
            "kal maine tumhe jo bataya tha wo yaad h?",
            "Mujhe pichhli baatcheet yaad nahi rehti, sirf is chat ki baatein dikhti hain.",
        ),
        ("आप कौन हैं?", "मैं एक AI सहायक हूँ, एक कंप्यूटर प्रोग्राम जो सवालों के जवाब लिखता है।"),
        (
            "meri screen pe ye kya likha aa rha h dekho na",
            "Main aapki screen nahi dekh sakta. Jo likha hai woh yahan copy-paste kar do, phir batata hoon.",
        ),
        (
            "Auto wale bhaiya ko call kr do",
            "Main call nahi kar sakta, mere paas aapke phone ka access nahi hai. Dialer mein unka number dabaiye.",
        ),
        (
            "Kya tum internet pe search karke bata sakte ho?",
            "Nahi, main web search nahi kar sakta; jo mujhe pehle se pata hai wahi bata sakta hoon.",
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
        "Shaadi ki anniversary pe bhaiya bhabhi ko kya bolu? do lines do",
        "Apne pet dog ke Instagram page ka about section likh do",
        "Hostel ki notice board ke liye rules ka text likho",
        "Fauji chachu ko birthday msg, end me Jai Hind",
        "15 August pe 4 line ka speech chahiye bacche ke liye",
    ],
)
def test_requests_for_a_text_to_be_written_or_performed(prompt):
    assert asks_to_compose(prompt)


@pytest.mark.parametrize(
    "prompt",
    [
        "GST kya hai, detail mein likh do",
        "PM-KISAN ka process samjhao",
        "Cheque kaise likhte hain?",
        "Loan app wale contacts ko message bhejne ki dhamki de rahe hain, kya karun?",
    ],
)
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


RATION = (
    "Priority household ke har member ko mahine mein 5 kilo anaaj milta hai, aur Antyodaya card pe poore "
    "parivaar ko 35 kilo."
)


@pytest.mark.parametrize("opener", ["Bilkul! 😊", "Zaroorrr!!", "Sure bhai!", "जी बिल्कुल!"])
def test_bare_assent_before_an_answer_to_a_what_question_is_flagged(opener):
    assert "meta_talk" in _flags(f"{opener} {RATION}", "Ration card pe kitna anaaj milta hai?")


@pytest.mark.parametrize(
    "prompt",
    [
        "Kya ration card pe har mahine anaaj milta hai?",
        "Ration card pe anaaj free milta hai kya?",
        "Bhaiya, kya ration card pe anaaj milta hai?",
    ],
)
def test_assent_that_answers_a_yes_no_question_is_kept(prompt):
    assert _flags(f"Haan bilkul! {RATION}", prompt) == ()


@pytest.mark.parametrize("heading", ["## Jawab\n", "**Answer**\n", "### Uttar "])
def test_heading_that_names_the_answer_is_flagged(heading):
    assert "meta_talk" in _flags(f"{heading}{RATION}", "Ration card pe kitna anaaj milta hai?")


def test_heading_that_names_the_topic_is_kept():
    assert _flags(f"## Ration ki matra\n{RATION}", "Ration card pe kitna anaaj milta hai?") == ()


def test_a_question_about_the_question_in_place_of_an_answer_is_flagged():
    answer = "Aapke sawal ka sahi jawab dene ke liye, kya aap bata sakte hain ki aapka card kis rang ka hai?"
    assert "meta_talk" in _flags(answer, "Ration card pe kitna anaaj milta hai?")


def test_a_clarifying_question_about_the_task_is_kept():
    answer = "Aapka card kis rang ka hai, peela ya gulabi?"
    assert _flags(answer, "Ration card pe kitna anaaj milta hai?") == ()


FLOOD = "Baadh ke paani mein mat chalo, bijli ke taar gire ho sakte hain aur gehraai ka andaaza nahi hota."


@pytest.mark.parametrize("heading", ["### Step-by-Step Guide\n", "**Overview:** ", "## 📌 Aasaan Bhasha Mein\n"])
def test_stock_heading_is_flagged(heading):
    assert "meta_talk" in _flags(f"{heading}{FLOOD}", "Baadh mein bahar kyun nahi nikalna chahiye?")


def test_numbered_step_and_a_heading_the_user_asked_for_are_kept():
    assert _flags(f"**Step 1:** {FLOOD}", "Baadh mein bahar kyun nahi nikalna chahiye?") == ()
    assert _flags(f"### Conclusion\n{FLOOD}", "Mere essay 'Baadh' ka conclusion likh do") == ()


@pytest.mark.parametrize("wish", ["ALL THE BEST!! 👍", "Stay safe, stay happy! ❤️", "Happy learning! 📚"])
def test_a_wish_after_an_answer_to_a_plain_question_is_flagged(wish):
    assert "boilerplate" in _flags(f"{FLOOD} {wish}", "Baadh mein bahar kyun nahi nikalna chahiye?")


@pytest.mark.parametrize(
    "prompt",
    ["Kal mera driving test hai, kya dhyan rakhun?", "Thanks bhai, sab samajh aa gaya", "Sir, result aa gaya, pass!"],
)
def test_a_wish_with_an_occasion_is_kept(prompt):
    assert _flags("Aaram se karna, ghabrana mat. All the best! 👍", prompt) == ()


def test_an_empty_conclusion_is_flagged_and_one_that_sums_up_the_topic_is_kept():
    prompt = "Baadh mein bahar kyun nahi nikalna chahiye?"
    assert "boilerplate" in _flags(f"{FLOOD} Overall, yeh sab dhyan mein rakhna bahut zaroori hai.", prompt)
    assert _flags(f"{FLOOD} Kul milakar, baadh ka paani utarne tak ghar pe hi raho.", prompt) == ()


def test_an_apology_for_the_language_is_flagged():
    assert "boilerplate" in _flags(f"{FLOOD} Hinglish mein koi galti ho to maafi chahta hoon.")


@pytest.mark.parametrize(
    "closing",
    [
        "Kripya kisi professional se salah zaroor lein.",
        "Koi bhi kadam uthane se pehle apne advisor se baat karein.",
        "Umeed hy ye maloomat aap ke kaam aayegi.",
        "Shukriya! Allah aap ko khush rakhe.",
    ],
)
def test_stock_closings_in_other_wordings_are_flagged(closing):
    assert {"boilerplate", "closing"} & set(_flags(f"{FLOOD} {closing}", "Baadh mein bahar kyun nahi nikalna chahiye?"))


def test_a_generic_paragraph_in_place_of_an_answer_is_flagged():
    answer = (
        "Yeh ek bahut vyapak vishay hai aur iske kai pehlu hain. Har insaan ki sthiti alag hoti hai, isliye "
        "sab kuch paristhiti par nirbhar karta hai."
    )
    assert "boilerplate" in _flags(answer, "Sukanya Samriddhi khata kahan khulta hai?")


def test_an_answer_that_names_the_topic_among_vague_words_is_kept():
    answer = (
        "Sukanya Samriddhi khata post office ya bank mein khulta hai; har parivaar ki sthiti alag hoti hai, par "
        "beti ki umar 10 saal se kam honi chahiye, yeh sabse zaroori hai aur isi par sab nirbhar karta hai."
    )
    assert _flags(answer, "Sukanya Samriddhi khata kahan khulta hai?") == ()


@pytest.mark.parametrize(
    "answer",
    [
        f"Theek hai, samajh gaya. 👍 {FLOOD}",
        f"Zaroor! Nahi, {FLOOD[0].lower()}{FLOOD[1:]}",
        f"## Aapke Sawal Ka Jawab\n{FLOOD}",
        f"{FLOOD} Kul mila kar, sahi planning se sab kuch possible hai.",
        f"{FLOOD} Disclaimer: Main koi expert nahi hoon, apni research karein.",
        f"{FLOOD} Kisi bhi medical faisle se pehle doctor se consult zaroor karein.",
        f"{FLOOD} Umeed krta hu apko smjh aa gya hoga 🙂",
        f"{FLOOD} Apna khayal rakhiye aur swasth rahiye! 💐",
        f"{FLOOD} Kripya koi bhi dawai lene se pehle apne doctor se salah zaroor lein.",
        f"{FLOOD} Please note ki rules time ke saath badal sakte hain.",
        f"{FLOOD} Toh dosto, yeh thi poori jaankari.",
        f"{FLOOD} Agar yeh jawab pasand aaya ho to 👍 dabaayein aur share karein.",
        f"Zarur bhai, ye dekho: {FLOOD} Paani utarne tak chhat pe hi raho.",
        f"Namaste! 🙏 Aapka swagat hai. {FLOOD}",
        f"{FLOOD} Yaad rakhein, har situation alag hoti hai.",
        f"{FLOOD} Kisi bhi confusion ki soorat mein zaroor rabta karein.",
        f"{FLOOD} Aapke exam ke liye bahut bahut shubhkamnayein! 📚",
        f"{FLOOD} Umeed hy k ye apke kaam aaega 🙏",
        f"{FLOOD} Aakhir mein, yahi kehna chahunga ki har cheez ka apna mahatva hota hai.",
        "Sorry, ye mere scope se bahar h.",
        f"{FLOOD} Ummid hy ye madadgar sabit hoga, shukriya!",
        f"{FLOOD} Sorry agar meri Hindi mein koi galti ho gayi ho.",
        f"{FLOOD} Take care and stay blessed! ✨",
        'Aapke sawal ka English translation hai: "Why should one not go out in a flood?"',
    ],
)
def test_more_stock_edges_are_flagged(answer):
    assert {"meta_talk", "boilerplate", "closing", "refusal"} & set(
        _flags(answer, "Baadh mein bahar kyun nahi nikalna chahiye?")
    )


def test_assent_before_a_list_it_introduces_is_kept():
    answer = "Zaroor! 2 cup adrak wali chai aise banao:\n\n1. Pani ubaalo aur adrak kootke daalo.\n2. Patti, doodh aur cheeni daalke 3 minute pakao."
    assert _flags(answer, "Adrak wali chai kaise banate hain?") == ()


def test_a_two_word_answer_to_a_short_factual_question_is_kept():
    from tadka.curate.filters.length import LengthFilter

    assert LengthFilter().keep(chat("18 saal.", user="Voter ID banwane ke liye minimum age kya hai?")) is True


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("Thank you! Ek aur sawaal, roz chalna zaroori hai kya?", f"Welcome! Zaroori nahi, par {FLOOD}"),
        (
            "Mere channel ka intro likh do",
            "Namaste doston! Swagat hai aapka Kheti Ki Baatein channel par, aaj hum mitti ki jaanch seekhenge.",
        ),
        (
            "Pehli baar flight le raha hoon, kya dhyan rakhun?",
            "2 ghante pehle airport pahuncho aur ID saath rakho. Happy journey!",
        ),
    ],
)
def test_greetings_and_wishes_with_an_occasion_are_kept(prompt, answer):
    assert _flags(answer, prompt) == ()


def test_assent_before_a_draft_the_user_asked_for_is_flagged():
    answer = "Zaroor! Dear Parents, is Saturday subah 9 baje parent-teacher meeting hogi, zaroor aayein."
    assert "meta_talk" in _flags(answer, "Parents ke liye PTM ka message likh do")


def test_at_the_end_as_time_is_not_a_conclusion():
    answer = f"{FLOOD} Aakhir mein ghar ki bijli ka main switch band karke hi bahar niklo."
    assert _flags(answer, "Baadh mein bahar kyun nahi nikalna chahiye?") == ()


@pytest.mark.parametrize("opener", ["hnji zrur 👇", "Zaroor bhai, suno:", "Ji haan, btata hu:"])
def test_assent_in_sms_spelling_or_with_a_lead_in_word_is_flagged(opener):
    assert "meta_talk" in _flags(f"{opener} {RATION}", "Ration card pe kitna anaaj milta hai?")


def test_bare_assent_before_the_task_the_user_set_is_flagged():
    answer = "Bilkul! Seb aur kela fal hain, jabki aloo aur pyaaz sabziyan hain jo zameen ke neeche ugti hain."
    assert "meta_talk" in _flags(answer, "Inhe fal aur sabzi mein baanto: seb, aloo, kela, pyaaz.")
    assert "meta_talk" in _flags(answer, "Convert this list into fruits and vegetables: seb, aloo, kela, pyaaz")


def test_a_request_made_of_the_assistant_is_not_a_task_once_it_asks():
    from tadka.curate.filters.stock_edges import asks_to_do

    assert asks_to_do("Mujhe 3 tips do pls") and asks_to_do("Is paragraph ko short kar do.")
    assert not asks_to_do("Kya aap isko short kar sakte ho?") and not asks_to_do("Kal mera exam hai")


def test_a_guide_heading_over_a_requested_letter_is_flagged_and_its_title_is_kept():
    letter = "Aadarniya Sir, kal mere bhai ki shaadi hai, isliye main school nahi aa sakunga. Kripya chhutti dein."
    prompt = "Principal ko ek din ki chhutti ki application likh do"
    assert "meta_talk" in _flags(f"### Step-by-Step Guide\n{letter}", prompt)
    assert _flags(f"### Chhutti ke liye Application\n{letter}", prompt) == ()


def test_a_second_thanks_after_a_letter_that_thanked_is_flagged():
    letter = "Aadarniya Sir, kal mere bhai ki shaadi hai, isliye main school nahi aa sakunga. Kripya chhutti dein."
    prompt = "Principal ko ek din ki chhutti ki application likh do"
    assert _flags(f"{letter} Dhanyavaad.", prompt) == ()
    assert "boilerplate" in _flags(f"{letter} Dhanyavaad. Thank you! 🙏", prompt)


def test_a_wish_for_the_day_after_a_plain_answer_is_flagged():
    assert "boilerplate" in _flags(f"{FLOOD} Aapka din mangalmay ho! 🌸", "Baadh mein bahar kyun nahi nikalna chahiye?")
