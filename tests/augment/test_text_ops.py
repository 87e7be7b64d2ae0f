"""Text noise ops one by one: protected spans, what each op does to a word, tables, config errors.

The statistical acceptance (rates on 1,000 records) is in test_text_rates.py.
"""

import json
import random
from importlib.resources import files

import pytest

from tadka.augment.text import build_op, protected_spans, segment, tables, text_ops
from tadka.augment.text.asr import AsrConfusion
from tadka.augment.text.base import match_case
from tadka.augment.text.digits import TO_ASCII
from tadka.augment.text.keyboard import neighbours
from tadka.augment.text.ocr import sites
from tadka.augment.text.protect import render
from tadka.errors import ConfigError
from tadka.lang import tokenize
from tadka.records import Record

TEXT = (
    "Bhai please mujhe batao ki PM-KISAN ki kisht kab aayegi? Kal Ramesh ne bola https://pmkisan.gov.in/status?id=42 "
    "pe dekho, ya help@irctc.co.in pe mail karo. ₹1,500 aur 5 kg, 10:30 baje. Run `pip install tadka` then\n"
    "```python\nprint('nahi bhai')\n```\nPhonePe se pay karo 🙏 main to ghar ja raha hoon, um, ho gaya. मुझे नहीं पता, बिल 450 रुपये का है"
)
PROTECTED = [
    "PM-KISAN",
    "Ramesh",
    "https://pmkisan.gov.in/status?id=42",
    "help@irctc.co.in",
    "₹1,500",
    "5 kg",
    "10:30",
    "`pip install tadka`",
    "```python\nprint('nahi bhai')\n```",
    "PhonePe",
]


def corpus_texts():
    out = []
    for line in (
        files("tadka.corpora").joinpath("samples", "hinglish_chat.jsonl").read_text(encoding="utf-8").splitlines()
    ):
        out += [m["content"] for m in json.loads(line)["messages"]]
    for line in files("tadka.corpora").joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()[:200]:
        task = json.loads(line)
        out += [task["hi_latn"]["instruction"], task["hi_latn"]["response"], task["en"]["instruction"]]
    return out


def test_segment_rebuilds_and_finds_protected_spans():
    pieces = segment(TEXT)
    assert render(pieces) == TEXT
    found = [t for _, t in protected_spans(TEXT)]
    for item in PROTECTED:
        assert item in found, item
    kinds = {t: k for k, t in protected_spans(TEXT)}
    assert kinds["https://pmkisan.gov.in/status?id=42"] == "url" and kinds["help@irctc.co.in"] == "email"
    assert kinds["₹1,500"] == "number" and kinds["PhonePe"] == "entity" and kinds["`pip install tadka`"] == "code"
    words = [p.text for p in pieces if p.kind == "word"]
    assert "Bhai" in words and "mujhe" in words and "ghar" in words  # sentence-initial capital is not a name
    assert "Ramesh" not in words


EDGE_CASES = [
    "Rs. 500 do",
    "rs 500",
    "5 kg aur 2.5 GB",
    "don't stop",
    "hai... kya?!",
    "www.x.in pe",
    "a.b@c.in",
    "#tag @me",
    "ok :) <3",
    "10:30 baje",
    "2nd floor 4G",
    "phone-wala tension-free",
    "x_y",
    "हिंदी में बात",
    "🙏🏽 thanks",
    "end.",
    "irctc.co.in",
    "e-mail karo",
    "word-",
    "--",
    "ma'am",
    "A.B.C",
    "U.P.",
    "dekho;ok",
    "(bracket) [sq] {c}",
    '"quoted"',
    "tab\tsep\nnew line",
    "",
]


def test_segment_tokens_match_tadka_lang_tokenizer():
    """The fast paths never change where tokens start and end."""
    for text in corpus_texts() + EDGE_CASES:
        if "`" in text:
            continue
        assert [p.text for p in segment(text, "off") if p.kind != "space"] == tokenize(text), text


def test_language_guess_marks_hindi_words():
    pieces = {p.text: p.lang for p in segment("mujhe kal call karna hai, main to ghar pe hoon")}
    assert pieces["mujhe"] == "hi" and pieces["karna"] == "hi" and pieces["ghar"] == "hi"
    assert pieces["main"] == "hi" and pieces["to"] == "hi"  # ambiguous words follow the turn's majority
    pieces = {p.text: p.lang for p in segment("I want to go to the main office today")}
    assert pieces["to"] == "en" and pieces["main"] == "en"


@pytest.mark.parametrize("name", text_ops.names())
def test_every_op_leaves_protected_spans_and_other_roles(name):
    op = build_op(name, 1.0, seed=3)
    out = op.noise_text(TEXT, random.Random(1))
    assert out != TEXT, name
    check = out.translate(TO_ASCII) if name == "digits" else out
    for item in PROTECTED:
        assert item in check, (name, item, out)
    record = Record(
        messages=[
            {"role": "system", "content": TEXT},
            {"role": "user", "content": TEXT},
            {"role": "assistant", "content": TEXT},
        ]
    )
    noised = op(record)
    assert noised.messages[0]["content"] == TEXT and noised.messages[2]["content"] == TEXT
    assert noised.messages[1]["content"] != TEXT
    assert noised.source["parent_id"] == record.id and noised.source["kind"] == "augment"
    assert noised.ops[-1].startswith(name + " ") and json.loads(noised.ops[-1].split(" ", 1)[1])["rate"] == 1.0
    assert record.messages[1]["content"] == TEXT  # the input is never changed in place


def test_op_is_deterministic_and_seeded():
    record = Record(messages=[{"role": "user", "content": TEXT}, {"role": "assistant", "content": "ok"}])
    a = build_op("typo", 0.5, seed=1)(record)
    b = build_op("typo", 0.5, seed=1)(record)
    c = build_op("typo", 0.5, seed=2)(record)
    assert a.to_dict() == b.to_dict() and a.messages != c.messages


def test_unchanged_record_is_returned_as_is():
    record = Record(
        messages=[{"role": "user", "content": "https://x.in help@x.in 🙂"}, {"role": "assistant", "content": "ok"}]
    )
    for name in text_ops.names():
        assert build_op(name, 1.0)(record) is record, name


def test_word_level_changes():
    rng = random.Random(0)
    assert build_op("sms", 1.0).noise_text("please you mujhe kyun", rng) != "please you mujhe kyun"
    out = build_op("sms", 1.0).noise_text("Please", random.Random(0))
    assert out in ("Pls", "Plz", "Plzz")
    assert build_op("lowercase", 1.0).noise_text("Bhai kya hua? Haan UPI", rng) == "bhai kya hua? haan UPI"
    assert (
        build_op("nopunct", 1.0).noise_text("Haan, theek hai. Kal milte hain!", rng) == "Haan theek hai Kal milte hain"
    )
    assert build_op("nopunct", 1.0).noise_text("hai.Main", rng) == "hai Main"
    for word in ("bahut", "message", "samajh"):
        out = build_op("vowels", 1.0).noise_text(word, random.Random(5))
        assert out[0] == word[0] and out[-1] == word[-1] and len(out) < len(word)
    out = build_op("elongate", 1.0).noise_text("bhai plz", random.Random(2))
    assert out.startswith("bhai") and out.split()[1].startswith("plz") and len(out) >= len("bhai plz") + 4
    assert build_op("script", 1.0, direction="to_native").noise_text("kal milte hain", rng) == "कल मिलते हैं"
    assert build_op("script", 1.0, direction="to_roman").noise_text("मुझे नहीं पता", rng) == "mujhe nahi pata"
    assert build_op("digits", 1.0).noise_text("₹500 at 10:30", rng) == "₹500 at 10:30"  # Roman text keeps ASCII
    assert build_op("digits", 1.0).noise_text("बिल ₹500 का, 10:30 बजे", rng) == "बिल ₹५०० का, १०:३० बजे"
    assert build_op("digits", 1.0).noise_text("₹५००", rng) == "₹500"
    assert build_op("variants", 1.0).noise_text("nahi", random.Random(1)) in (
        "nahin",
        "nhi",
        "nai",
        "nahee",
        "nhin",
        "nahii",
    )
    # English "me" in an English sentence is not a spelling of "mein"
    assert (
        build_op("variants", 1.0).noise_text("please call me today about the office", rng)
        == "please call me today about the office"
    )


def test_typo_edits_are_one_slip_on_the_layout():
    near = neighbours("qwerty")
    assert set(near["s"]) == set("adwezx") and "p" not in near["a"]
    assert neighbours("t9")["b"] == "ac" and neighbours("t9")["s"] == "r"
    for seed in range(200):
        word = "kahan"
        out = build_op("typo", 1.0).noise_text(word, random.Random(seed))
        assert out != word and abs(len(out) - len(word)) <= 1
    out = build_op("typo", 1.0, layout="t9", edits={"substitute": 1.0}).noise_text("bb", random.Random(0))
    assert out in ("ab", "cb", "ba", "bc")
    with pytest.raises(ConfigError):
        build_op("typo", 0.1, layout="dvorak")
    with pytest.raises(ConfigError):
        build_op("typo", 0.1, edits={"swap": 1.0})


def test_asr_kinds():
    op = build_op("asr", 1.0)
    assert op.noise_text("um, ho gaya", random.Random(0)) == "hogaya"
    assert op.noise_text("thank you", random.Random(0)) == "thankyou"
    assert op.noise_text("tomorrow", random.Random(0)) == "to morrow"
    assert op.noise_text("whatsapp", random.Random(0)) == "whatsapp"  # a named entity: protected
    assert op.noise_text("their", random.Random(0)) == "there"
    cands = op.candidates(segment("um main kal ho gaya tomorrow"))
    assert [k for k, _ in cands] == ["filler", "homophone", "homophone", "merge", "split"]
    only = AsrConfusion(1.0, kinds=["filler"])
    assert only.noise_text("uh main kal", random.Random(0)) == "main kal"


def test_ocr_sites_and_no_leading_digit():
    assert [s[1] for s in sites("morning")] == ["m", "o", "rn", "i", "g"]  # longest first, no overlap
    for seed in range(100):
        out = build_op("ocr", 1.0).noise_text("lol Ok", random.Random(seed))
        for word in out.split():
            assert not word[0].isdigit(), out


def test_emoji_follows_words():
    out = build_op("emoji", 1.0).noise_text("thanks bhai", random.Random(0))
    tokens = out.split()
    assert tokens[0] == "thanks" and tokens[2] == "bhai" and len(tokens) == 4


def test_tables_are_well_formed():
    """Every replacement of a one-for-one op is one token, so token-level rates can be measured."""
    for table in (tables.sms(), tables.homophones()):
        for word, alts in table.items():
            for alt in alts:
                assert len(tokenize(alt)) == 1, (word, alt)
                assert tokenize(alt)[0] == alt
    for pair, merged in tables.merges().items():
        assert len(tokenize(merged)) == 1, pair
    for word, alts in tables.splits().items():
        assert all(len(tokenize(a)) == 2 for a in alts), word
    assert tables.fillers() and tables.emoji_pool() and "rn" in tables.ocr()


def test_match_case():
    assert match_case("Please", "pls") == "Pls" and match_case("PLEASE", "pls") == "PLS" and match_case("x", "y") == "y"


def test_bad_parameters_are_config_errors():
    with pytest.raises(ConfigError):
        build_op("typo", 1.5)
    with pytest.raises(ConfigError):
        build_op("sms", 0.1, layout="qwerty")
    with pytest.raises(ConfigError):
        build_op("sms", 0.1, roles=["bot"])
    with pytest.raises(ConfigError, match="unknown text noise op"):
        build_op("typos", 0.1)


@pytest.fixture
def lang_cache(tmp_path_factory, monkeypatch):
    """tadka.lang trains its fastText model on first use: into a temporary cache, not ~/.cache."""
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tadka-cache"))


def test_lid_mode_protects_what_language_id_calls_a_name(lang_cache):
    from tadka.lang import tag_tokens

    text = "kal maine ramesh se baat ki, unhone bola ki phonepe pe payment karo aur Sunita ko call karna"
    pieces = [p for p in segment(text, "lid") if p.kind != "space"]
    tags = tag_tokens([p.text for p in pieces])
    assert [p.text for p in pieces] == tokenize(text)
    for p, tag in zip(pieces, tags):
        assert (p.kind == "entity") == (tag == "ne"), (p, tag)
        if p.kind == "word" and tag in ("hi", "en"):
            assert p.lang == tag
    names = [p.text for p in pieces if p.kind == "entity"]
    out = build_op("typo", 1.0, entities="lid").noise_text(text, random.Random(0))
    for name in names:
        assert name in out


def test_digits_follow_the_script_around_each_number():
    from tadka.augment.text.digits import DigitScript

    op = build_op("digits", 1.0)
    rng = random.Random(0)
    # the case: a phone number in a Roman-script message stays ASCII
    assert op.noise_text("mera number 9876543210 hai, call karna", rng) == "mera number 9876543210 hai, call karna"
    assert op.noise_text("मेरा नंबर 9876543210 है", rng) == "मेरा नंबर ९८७६५४३२१० है"
    # mixed turn: only the number among Devanagari words changes
    mixed = "Bill 450 ka aaya.\nबाकी 120 रुपये कल दूँगा।"
    assert op.noise_text(mixed, rng) == "Bill 450 ka aaya.\nबाकी १२० रुपये कल दूँगा।"
    # Devanagari digits in Roman text go back to ASCII
    assert op.noise_text("kal ९ baje", rng) == "kal 9 baje"
    # the ops entry says what was done
    rec = Record(messages=[{"role": "user", "content": "मेरा नंबर 9876543210 है, kal ९ baje"}])
    out = op(rec)
    assert out.messages[0]["content"] == "मेरा नंबर ९८७६५४३२१० है, kal 9 baje"
    entry = out.ops[-1]
    assert entry.startswith("digits ") and '"to_native":1' in entry and '"to_ascii":1' in entry
    assert isinstance(op, DigitScript)
