"""The offline ``mixer`` teacher and the ``mixer-translate`` recipe it answers."""

import json

import pytest

from tadka.curate.generate.mixer.codemixer import text_tagger
from tadka.curate.generate.recipes.base import Target, recipes
from tadka.curate.generate.recipes.mixer_translate import MixerTranslate, extract_json
from tadka.curate.generate.teachers.base import GenParams, Request, teachers
from tadka.curate.generate.teachers.mixer import MixerTeacher
from tadka.records import Record

TASK = {
    "id": "banking-900",
    "domain": "banking",
    "en": {
        "instruction": "How do I block my debit card if it is lost?",
        "response": "Call your bank's customer care number or open the mobile banking app and block the card at once. "
        "Then visit the branch to request a new card.",
    },
    "hi_latn": {
        "instruction": "Debit card kho jaaye to kaise block karun?",
        "response": "Turant bank ke customer care number pe call karo ya mobile banking app kholo aur card block "
        "karo. Phir naye card ke liye branch jao.",
    },
}


def seed_record(task=TASK):
    hi = task["hi_latn"]
    return Record(
        messages=[{"role": "user", "content": hi["instruction"]}, {"role": "assistant", "content": hi["response"]}],
        source={"kind": "seed", "seed_id": task["id"]},
    )


@pytest.fixture(scope="module")
def teacher():
    return MixerTeacher(tagger=text_tagger())


def recipe(**target):
    return MixerTranslate(Target(**target), tasks={TASK["id"]: TASK})


def test_both_are_registered():
    assert teachers.get("mixer") is MixerTeacher
    assert recipes.get("mixer-translate") is MixerTranslate


def test_prompt_is_a_real_translation_prompt_with_structured_meta():
    request = recipe(cmi=(20.0, 40.0), script="deva", domains=["banking"]).prompt(seed_record(), 3)
    text = request.messages[-1]["content"]
    assert "between 20 and 40" in text and "Devanagari" in text and "banking" in text
    assert TASK["en"]["instruction"] in text and TASK["hi_latn"]["response"] in text
    meta = request.meta["codemix"]
    assert meta["band"] == [20.0, 40.0] and meta["script"] == "deva"
    assert meta["turns"][0]["english"] == TASK["en"]["instruction"]
    assert request.meta["seed_id"] == "banking-900" and request.meta["index"] == 3


def test_mixer_answers_with_json_the_recipe_parses(teacher):
    r = recipe()
    request = r.prompt(seed_record(), 0)
    [result] = teacher.generate([request], GenParams(seed=0))
    assert result.ok and result.model == "mixer"
    body = json.loads(result.text)
    assert set(body) == {"instruction", "response", "ops"}
    parsed = r.parse(result.text, request)
    record = parsed.record
    assert record is not None
    assert [m["role"] for m in record.messages] == ["user", "assistant"]
    assert record.source["seed_id"] == "banking-900" and record.source["recipe"] == "mixer-translate"
    name, params = record.ops[0].split(" ", 1)
    params = json.loads(params)
    assert name == "codemix" and params["band"] == [20.0, 40.0] and params["seed"] == 0
    assert len(params["turns"]) == 2


def test_same_seed_same_answer_other_seed_or_index_differs(teacher):
    r = recipe()
    requests = [r.prompt(seed_record(), k) for k in range(6)]
    a = [x.text for x in teacher.generate(requests, GenParams(seed=1))]
    b = [x.text for x in teacher.generate(requests, GenParams(seed=1))]
    c = [x.text for x in teacher.generate(requests, GenParams(seed=2))]
    assert a == b
    assert a != c
    assert len(set(a)) >= 2


def test_a_retry_aims_at_the_half_of_the_band_that_corrects(teacher):
    r = recipe()
    first = r.prompt(seed_record(), 0)
    for measured, low_half in ((55.0, True), (5.0, False)):
        retry = Request(first.messages, {**first.meta, "attempt": 1, "measured_cmi": measured})
        [result] = teacher.generate([retry], GenParams(seed=0))
        params = json.loads(json.loads(result.text)["ops"][0].split(" ", 1)[1])
        assert params["attempt"] == 1
        for turn in params["turns"]:
            assert (turn["target"] <= 30) if low_half else (turn["target"] >= 30)


def test_requests_it_cannot_answer_come_back_as_errors(teacher):
    bad = [
        Request([{"role": "user", "content": "hi"}], {}),
        Request(
            [{"role": "user", "content": "hi"}],
            {"codemix": {"turns": [{"role": "user", "text": "😀"}], "key": "k", "band": [20, 40]}},
        ),
        Request(
            [{"role": "user", "content": "hi"}],
            {"codemix": {"turns": [{"role": "user", "hindi": "", "english": ""}], "key": "k", "band": [20, 40]}},
        ),
    ]
    results = teacher.generate(bad, GenParams(seed=0))
    assert len(results) == 3
    assert all(not r.ok and r.error for r in results)
    assert "mixer-translate" in results[0].error


def test_any_chat_record_can_be_mixed(teacher):
    chat = Record(
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "How can I check my PNR status?"},
            {"role": "assistant", "content": "Open the IRCTC app and enter your PNR number."},
            {"role": "user", "content": "Aur agar SMS nahi aaya to?"},
            {"role": "assistant", "content": "139 pe SMS bhejo ya website pe check karo."},
        ]
    )
    r = recipe()
    request = r.prompt(chat, 0)
    [result] = teacher.generate([request], GenParams(seed=0))
    record = r.parse(result.text, request).record
    assert record is not None
    assert [m["role"] for m in record.messages] == ["system", "user", "assistant", "user", "assistant"]
    assert record.messages[0]["content"] == "Be brief."
    assert record.source["parent_id"] == chat.id


@pytest.mark.parametrize(
    "text,reason",
    [
        ("not json at all", "not a JSON object"),
        ('{"foo": 1}', "neither"),
        ('{"instruction": "", "response": "x"}', "bad messages"),
        ('{"messages": [{"role": "user", "content": "a"}]}', "does not end"),
    ],
)
def test_parse_failures_keep_the_raw_text(text, reason):
    parsed = recipe().parse(text, Request([], {}))
    assert parsed.record is None and reason in parsed.reason and parsed.raw == text


def test_extract_json_tolerates_fences_and_prose():
    assert extract_json('```json\n{"a": 1}\n```') == {"a": 1}
    assert extract_json('Sure! Here it is: {"a": [1, 2]} Hope it helps.') == {"a": [1, 2]}
    assert extract_json("") is None and extract_json("{broken") is None
