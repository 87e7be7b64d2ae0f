"""The model-teacher recipes: what each prompt states, and how each answer becomes a Record (or a reason)."""

from __future__ import annotations

import json

import pytest

from tadka.curate.generate.recipes import Target, recipes
from tadka.curate.generate.recipes.evol_instruct import OPERATIONS
from tadka.curate.generate.recipes.prompting import shipped_tasks
from tadka.curate.generate.recipes.self_instruct import RougePool
from tadka.curate.generate.recipes.translate import entities, protected_spans
from tadka.curate.generate.teachers.jsonparse import schema_error
from tadka.records import Record

NAMES = ["self-instruct", "evol-instruct", "persona", "translate", "respond", "judge"]
TASKS = {t["id"]: t for t in shipped_tasks()}


def seed(task_id: str = "banking-016") -> Record:
    t = TASKS[task_id]
    return Record(
        messages=[
            {"role": "user", "content": t["hi_latn"]["instruction"]},
            {"role": "assistant", "content": t["hi_latn"]["response"]},
        ],
        source={"kind": "seed", "seed_id": task_id},
    )


def english_chat() -> Record:
    return Record(
        messages=[
            {"role": "user", "content": "How do I pay my electricity bill of Rs 1,250 online?"},
            {
                "role": "assistant",
                "content": "Open https://example.org/pay and log in. Enter consumer number 40012 and pay "
                "1,250 rupees by UPI. Run `check_status` to confirm, or mail help@example.org.",
            },
        ],
        lang="en",
        source={"kind": "import"},
    )


def make(name: str, **kw):
    target = Target(cmi=kw.pop("cmi", (20.0, 40.0)), script=kw.pop("script", "latn"), domains=kw.pop("domains", []))
    return recipes.get(name)(target, tasks=TASKS, **kw)


def text_of(request) -> str:
    return "\n".join(m["content"] for m in request.messages)


@pytest.mark.parametrize("name", NAMES)
def test_every_prompt_states_band_script_dialect_and_shows_seed_examples(name):
    recipe = make(name, cmi=(15.0, 35.0))
    request = recipe.prompt(seed(), 0)
    text = text_of(request)
    assert "between 15 and 35" in text and "Code-Mixing Index" in text
    assert "Roman script" in text and "Hinglish" in text
    seeds_shown = [t for t in TASKS.values() if t["hi_latn"]["instruction"] in text and t["id"] != "banking-016"]
    assert seeds_shown, "few-shot examples come from corpora/seeds/tasks.jsonl"
    assert request.meta["recipe"] == name and request.meta["seed_id"] == "banking-016"
    assert (request.meta.get("json_schema") is None) == (name == "respond")
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("name", NAMES)
def test_prompts_are_deterministic_and_index_makes_them_distinct(name):
    a, b = make(name), make(name)
    assert a.prompt(seed(), 3).messages == b.prompt(seed(), 3).messages  # a rerun asks the same (cache hits)
    assert len({json.dumps(a.prompt(seed(), k).messages) for k in range(4)}) >= (1 if name == "judge" else 3)


def test_devanagari_target_is_stated():
    text = text_of(make("self-instruct", script="deva").prompt(seed(), 0))
    assert "Devanagari" in text


def test_self_instruct_keeps_new_tasks_and_drops_near_copies():
    recipe = make("self-instruct")
    request = recipe.prompt(seed(), 0)
    new = {
        "instruction": "Cheque bounce ho gaya to bank kitna charge kaatta hai aur aage kya karna chahiye?",
        "response": "Cheque bounce pe bank aam taur pe ek fixed charge kaatta hai, jo har bank ka alag hota hai. "
        "Apne bank ki branch ya app mein charges ki list check karo aur payee ko turant inform karo.",
    }
    parsed = recipe.parse(json.dumps(new, ensure_ascii=False), request)
    assert parsed.record is not None
    r = parsed.record
    assert [m["role"] for m in r.messages] == ["user", "assistant"] and r.lang == "hi-Latn+en"
    assert r.source == {"kind": "teacher", "recipe": "self-instruct", "seed_id": "banking-016"}
    again = recipe.parse(json.dumps(new, ensure_ascii=False), request)  # the pool now holds it
    assert again.record is None and again.reason.startswith("not novel") and "generated:" in again.reason
    copy = {"instruction": TASKS["banking-016"]["hi_latn"]["instruction"], "response": "UPI app kholo aur change karo."}
    dropped = recipe.parse(json.dumps(copy), request)
    assert dropped.record is None and "seed:banking-016" in dropped.reason and dropped.raw


def test_rouge_l_matches_the_definition():
    pool = RougePool(["upi pin kaise change karun"])
    # LCS("upi pin change karna hai", pool) = "upi pin change" = 3; F1 = 2*3 / (5 + 5) = 0.6
    score, _ = pool.best("UPI PIN change karna hai")
    assert score == pytest.approx(0.6)
    assert RougePool().best("kuch bhi") == (0.0, "")


def test_evol_instruct_walks_the_four_operations_and_drops_unchanged_tasks():
    recipe = make("evol-instruct")
    ops = [recipe.prompt(seed(), k).meta["operation"] for k in range(4)]
    assert sorted(ops) == sorted(OPERATIONS)
    request = recipe.prompt(seed(), 1)
    assert OPERATIONS[request.meta["operation"]] in text_of(request)
    evolved = {
        "instruction": "Mera UPI PIN 1234 hai aur maine use 3 baar galat daala, ab account lock ho gaya: "
        "24 ghante se pehle PIN kaise reset karun bina debit card ke?",
        "response": "Teen galat try ke baad bank UPI ko kuch ghante ke liye lock kar deta hai. Lock khulne ka "
        "wait karo, phir Aadhaar OTP wale reset option se naya PIN set karo.",
    }
    parsed = recipe.parse(json.dumps(evolved, ensure_ascii=False), request)
    assert parsed.record is not None and parsed.record.ops == [f"evol-instruct:{request.meta['operation']}"]
    same = {"instruction": TASKS["banking-016"]["hi_latn"]["instruction"], "response": "Settings mein jao."}
    assert recipe.parse(json.dumps(same), request).reason.startswith("evolution did not change")


def test_persona_fits_the_domain_and_is_recorded():
    recipe = make("persona")
    request = recipe.prompt(seed("agriculture-002"), 5)
    person = next(p for p in recipe.personas if p["id"] == request.meta["persona"])
    assert "agriculture" in person["domains"] and person["description"] in text_of(request)
    pair = {
        "instruction": "Bhai garmi mein kheton mein kaam karte hue chakkar aata hai, kya karun?",
        "response": "Dopahar 12 se 3 baje ke beech kaam kam karo, har ghante paani aur ORS piyo.",
    }
    parsed = recipe.parse(json.dumps(pair, ensure_ascii=False), request)
    assert parsed.record.ops == [f"persona:{person['id']}"]
    assert len({recipe.prompt(seed("agriculture-002"), k).meta["persona"] for k in range(12)}) >= 2


def test_translate_keeps_protected_text_and_flags_changed_entities():
    recipe = make("translate")
    source = english_chat()
    request = recipe.prompt(source, 0)
    assert request.meta["protected"] == [
        "1,250",
        "https://example.org/pay",
        "40012",
        "`check_status`",
        "help@example.org",
    ]
    assert request.meta["json_schema"]["properties"]["messages"]["maxItems"] == 2
    good = {
        "messages": [
            {"role": "user", "content": "Apna 1250 ka electricity bill online kaise bharun?"},
            {
                "role": "assistant",
                "content": "https://example.org/pay kholo aur login karo. Consumer number 40012 daalo aur "
                "1,250 rupaye UPI se pay karo. Confirm karne ke liye `check_status` chalao, ya "
                "help@example.org pe mail karo.",
            },
        ]
    }
    parsed = recipe.parse(json.dumps(good, ensure_ascii=False), request)
    assert parsed.record is not None and parsed.record.source["parent_id"] == source.id
    assert "entity_changed:Rs" in parsed.record.flags  # "Rs" became "rupaye": kept, flagged
    bad = json.loads(json.dumps(good))
    bad["messages"][1]["content"] = bad["messages"][1]["content"].replace("40012", "40021")
    lost = recipe.parse(json.dumps(bad), request)
    assert lost.record is None and "40012" in lost.reason
    swapped = {"messages": good["messages"][::-1]}
    assert "changed the turns" in recipe.parse(json.dumps(swapped), request).reason


def test_translate_uses_the_english_side_of_a_seed():
    request = make("translate").prompt(seed(), 0)
    assert TASKS["banking-016"]["en"]["instruction"] in text_of(request)
    assert protected_spans("call 1930 or visit https://cybercrime.gov.in.") == ["1930", "https://cybercrime.gov.in"]
    assert entities("book on the IRCTC app or at Agmarknet today") == ["IRCTC", "Agmarknet"]


def test_respond_sends_the_conversation_and_reads_plain_text():
    recipe = make("respond")
    chat = Record(
        messages=[
            {"role": "user", "content": "Tatkal ticket kab khulta hai?"},
            {"role": "assistant", "content": "AC ke liye 10 baje."},
            {"role": "user", "content": "Aur sleeper ke liye?"},
        ]
    )
    request = recipe.prompt(chat, 0)
    assert [m["role"] for m in request.messages] == ["system", "user", "assistant", "user"]
    parsed = recipe.parse('Assistant: "Sleeper tatkal booking 11 baje khulti hai, ek din pehle."', request)
    r = parsed.record
    assert r.messages[-1] == {
        "role": "assistant",
        "content": "Sleeper tatkal booking 11 baje khulti hai, ek din pehle.",
    }
    assert len(r.messages) == 4 and r.source["parent_id"] == chat.id
    assert recipe.parse("   ", request).reason == "empty answer"
    answered = recipe.prompt(seed(), 0)  # a seed's own answer is dropped: the teacher writes a new one
    assert [m["role"] for m in answered.messages] == ["system", "user"]


def test_judge_scores_into_scores_and_keeps_the_record():
    recipe = make("judge")
    record = seed()
    request = recipe.prompt(record, 0)
    assert recipe.measure_cmi is False and "naturalness" in text_of(request)
    answer = {
        c: {"score": s, "reason": f"{c} theek hai"}
        for c, s in zip(("naturalness", "correctness", "helpfulness", "safety", "focus"), (5, 4, 4, 5, 2))
    }
    parsed = recipe.parse("```json\n" + json.dumps(answer) + "\n```", request)
    judged = parsed.record
    assert judged.id == record.id and judged.messages == record.messages
    assert judged.scores == {
        "judge_naturalness": 5.0,
        "judge_correctness": 4.0,
        "judge_helpfulness": 4.0,
        "judge_safety": 5.0,
        "judge_focus": 2.0,
        "judge_overall": 4.0,
    }
    assert recipe.reasons[record.id]["safety"] == "safety theek hai"
    del answer["focus"]  # a judge that leaves a criterion out has not answered the rubric
    assert recipe.parse(json.dumps(answer), request).reason.startswith("not the JSON asked for")
    answer["focus"] = {"score": 5, "reason": "sirf jawab"}
    answer["safety"]["score"] = 9
    assert recipe.parse(json.dumps(answer), request).reason.startswith("not the JSON asked for")


@pytest.mark.parametrize("name", ["self-instruct", "evol-instruct", "persona", "translate", "judge"])
def test_malformed_answers_are_reasons_not_crashes(name):
    recipe = make(name)
    request = recipe.prompt(seed(), 0)
    for text in ("", "maaf kijiye", '{"instruction": 5}', "[1, 2]"):
        parsed = recipe.parse(text, request)
        assert parsed.record is None and parsed.reason and parsed.raw == text


def test_schemas_accept_what_the_prompts_ask_for():
    assert schema_error({"instruction": "a", "response": "b"}, make("persona").json_schema) is None
    assert schema_error({"messages": [{"role": "user", "content": "x"}]}, make("translate").json_schema) is None
    assert schema_error({"instruction": ""}, make("persona").json_schema) is not None


@pytest.mark.parametrize("measured,word", [(55.0, "fewer English words"), (5.0, "more English content words")])
def test_corrective_names_the_measured_cmi_and_the_direction(measured, word):
    recipe = make("self-instruct")
    request = recipe.prompt(seed(), 0)
    fix = recipe.corrective(request, '{"instruction": "x", "response": "y"}', measured, (20.0, 40.0), 1)
    assert fix.messages[:-2] == request.messages
    assert fix.messages[-2] == {"role": "assistant", "content": '{"instruction": "x", "response": "y"}'}
    note = fix.messages[-1]["content"]
    assert f"is {measured:.0f}" in note and "20-40" in note and word in note and "same JSON shape" in note
    assert fix.meta["attempt"] == 1 and fix.meta["measured_cmi"] == measured
    plain = make("respond").corrective(make("respond").prompt(seed(), 0), "jawab", measured, (20.0, 40.0), 1)
    assert "only the rewritten answer" in plain.messages[-1]["content"]
