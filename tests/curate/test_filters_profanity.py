import pytest

from tadka.curate.filters.lists import read_list
from tadka.curate.filters.profanity import ProfanityFilter

from tests.curate.synth import chat


@pytest.mark.parametrize(
    "text,flag",
    [
        ("What the fuck is this service", "profanity:abuse"),
        ("Abe chutiya hai kya, paisa wapas kar", "profanity:abuse"),
        ("bhosdike kaam kar", "profanity:abuse"),
        ("Tu harami hai", "profanity:abuse"),
        ("teri maa ki aankh, phir se late", "profanity:abuse"),
        ("यह आदमी हरामी है", "profanity:abuse"),
        ("Chuuuutiya mat bana", "profanity:abuse"),
        ("chutiyapanti band karo", "profanity:abuse"),
        ("you faggot", "profanity:slur"),
    ],
)
def test_profanity_is_found(text, flag):
    out = ProfanityFilter().apply(chat(text))
    assert flag in out.flags and out.scores["profanity"] >= 1


@pytest.mark.parametrize(
    "text",
    [
        "Paki fasal jaldi kaat lo aur oonchi jagah pe rakho.",  # paki = ripe
        "Kutta kaat le to turant anti-rabies injection lagwao.",  # kutta = dog
        "Mere saala ji ki shaadi hai, train ticket chahiye.",  # saala = brother-in-law
        "GST mein chhoot milti hai, isko chut bhi likhte hain log.",  # chhoot = discount
        "Scunthorpe se classic cricket match dekha, chakka maara.",
        "Ganda paani mat piyo, ubaal ke piyo.",
        "मुर्गा पालन के लिए लोन कैसे मिलेगा?",
    ],
)
def test_innocent_words_pass(text):
    assert ProfanityFilter().keep(chat(text)) is True


def test_user_turn_is_checked_by_default_and_roles_configurable():
    rec = chat("Shant rahiye, main madad karta hoon.", user="ye bakwas service hai, chutiya bana diya")
    assert ProfanityFilter().keep(rec) is not True
    assert ProfanityFilter(roles=("assistant",)).keep(rec) is True


def test_extra_allow_and_categories():
    assert ProfanityFilter(extra=["bakwas"]).keep(chat("Ye bakwas hai")) == (False, ("profanity:abuse",))
    assert ProfanityFilter(allow=["harami"]).keep(chat("Tu harami hai")) is True
    assert ProfanityFilter(categories=("slur",)).keep(chat("Tu harami hai")) is True
    assert ProfanityFilter(lists=("en",)).keep(chat("Tu harami hai")) is True


def test_phrase_needs_all_its_words():
    assert ProfanityFilter().keep(chat("abe kutte ki aulaad")) is not True
    assert ProfanityFilter().keep(chat("kutte ki dekhbhaal kaise karein")) is True
    assert ProfanityFilter().keep(chat("teri maa ki tabiyat ab kaisi hai?")) is True


def test_lists_have_terms_of_each_language_and_known_categories():
    for name in ("en", "hi_latn", "hi_deva"):
        rows = read_list("profanity", name)
        assert len(rows) > 50
        assert {r["category"] for r in rows} <= {"abuse", "slur", "sexual"}
