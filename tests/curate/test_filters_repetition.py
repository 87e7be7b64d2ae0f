import json
from importlib.resources import files

from tadka.curate.filters.repetition import RepetitionFilter, duplicate_ngram_share, duplicate_shares, top_ngram_share
from tadka.curate.filters.text import lower_words

from tests.curate.synth import chat


def _good_hinglish_answers() -> list[str]:
    root = files("tadka.corpora")
    out = [
        json.loads(line)["hi_latn"]["response"]
        for line in root.joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    for name in (("samples", "hinglish_chat.jsonl"), ("eval", "hinglish_eval.jsonl")):
        for line in root.joinpath(*name).read_text(encoding="utf-8").splitlines():
            out += [m["content"] for m in json.loads(line)["messages"] if m["role"] == "assistant"]
    return out


def test_no_good_hinglish_answer_in_corpora_is_dropped():
    f = RepetitionFilter()
    answers = _good_hinglish_answers()
    assert len(answers) > 500
    dropped = [a for a in answers if f.keep(chat(a)) is not True]
    assert dropped == []


def test_without_the_length_gate_gophers_ngram_rules_drop_short_hinglish():
    # Why the min_words gate exists (documented in the module): Gopher's limits on short chat turns.
    f = RepetitionFilter(min_words=0)
    assert sum(f.keep(chat(a)) is not True for a in _good_hinglish_answers()) > 0


def test_teacher_loop_is_dropped():
    loop = " ".join(["UPI PIN kabhi kisi ko share mat karo, bank kabhi PIN nahi maangta."] * 6)
    verdict = RepetitionFilter().keep(chat(loop))
    assert verdict is not True and verdict[1].startswith("repetition:")


def test_repeated_lines_are_dropped_at_any_length():
    text = "Aadhaar Seva Kendra jao.\nAadhaar Seva Kendra jao.\nAadhaar Seva Kendra jao.\nForm bharo."
    out = RepetitionFilter().apply(chat(text))
    assert out.flags[0].startswith("repetition:") and out.scores["repetition"] > 1
    rules = {name: share / limit for name, share, limit in RepetitionFilter().measure(text)}
    assert rules["dup_lines"] > 1 and rules["dup_sentences"] > 1


def test_long_answer_passes_but_a_whole_repeated_answer_does_not():
    answers = _good_hinglish_answers()
    text = " ".join(answers[:5])
    assert len(lower_words(text)) > 200
    assert RepetitionFilter().keep(chat(text)) is True
    first_sentence = answers[0].split(". ")[0] + "."
    assert RepetitionFilter().keep(chat(text + " " + first_sentence)) is True  # one sentence said twice: fine
    verdict = RepetitionFilter().keep(chat(text + " " + answers[0]))  # a whole answer said twice
    assert verdict is not True and verdict[1].startswith("repetition:dup_")


def test_user_turn_is_not_checked():
    assert RepetitionFilter().keep(chat("Theek hai, ye raha jawab.", user="haan haan\nhaan haan\nhaan haan")) is True


def test_shares():
    assert duplicate_shares(["a", "b", "a", "a"]) == (0.5, 0.5)
    ws = ("ke", "liye", "ke", "liye")
    assert top_ngram_share(ws, 2, 12) == 1.0  # ("ke", "liye") twice covers all 12 characters
    assert duplicate_ngram_share(tuple("abcdeabcde"), 5, 10) == 0.5
    assert duplicate_ngram_share(tuple("abcdefghij"), 5, 10) == 0.0


def test_short_looping_answers_are_dropped_and_good_short_answers_kept():
    f = RepetitionFilter()
    for loop in [
        "UPI PIN share mat karo, UPI PIN share mat karo, UPI PIN share mat karo",
        "Form bharo. Form bharo. Form bharo.",
        "haan haan haan haan",
        "Bank jao aur KYC karwao. Bank jao aur KYC karwao. Phir paisa aa jayega.",
    ]:
        verdict = f.keep(chat(loop))
        assert verdict is not True and verdict[1] in ("repetition:short_loop", "repetition:dup_sentences"), loop
    for good in [
        "kal 10 baje aa jana",
        "Nahi nahi, aisa bilkul mat karna.",
        "Haan, ho jayega. Kal tak ho jayega.",
        "Theek hai, main 5 baje tak pahunch jaunga.",
    ]:
        assert f.keep(chat(good)) is True, good
    answers = [a for a in _good_hinglish_answers() if len(lower_words(a)) < 40]
    assert answers and all(f.keep(chat(a)) is True for a in answers)


def test_a_word_stuck_in_a_loop_at_the_end_of_an_answer_is_repetition():
    """Held-out junk round 47: the answer starts well, then one word repeats."""
    stuck = "Aadhaar update ke liye UIDAI ki website par jaana hoga aur aur aur aur aur aur aur aur aur aur"
    assert RepetitionFilter().keep(chat(stuck)) == (False, "repetition:word_run")
    assert RepetitionFilter().keep(chat("Bahut bahut shukriya, ha ha ha, dheere dheere sab theek ho jayega.")) is True
