"""Token budget under a student tokenizer, with tokenizers trained offline here."""

import json
from importlib.resources import files

import pytest

from tadka.curate.token_budget import token_budget
from tadka.errors import InputError

from tests.curate.synth import chat


def _english_corpus() -> list[str]:
    rows = [
        json.loads(line)
        for line in files("tadka.corpora").joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return [r["en"]["instruction"] + " " + r["en"]["response"] for r in rows]


@pytest.fixture(scope="module")
def tokenizer_json(tmp_path_factory):
    """A small byte-level BPE trained on English only: Hinglish should cost more tokens per word."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.train_from_iterator(
        _english_corpus(),
        trainers.BpeTrainer(
            vocab_size=800,
            special_tokens=["<unk>", "<s>", "</s>"],
            initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        ),
    )
    folder = tmp_path_factory.mktemp("tok")
    tok.save(str(folder / "tokenizer.json"))
    return folder


def test_counts_totals_percentiles_and_languages(tokenizer_json):
    recs = [chat("UPI PIN kabhi kisi ko share mat karo, bank bhi kabhi nahi maangta.") for _ in range(3)]
    recs += [chat("Never share your UPI PIN with anyone.", user="How do I keep my PIN safe?", lang="en")]
    tb = token_budget(recs, tokenizer_json, max_length=20)
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_json / "tokenizer.json"))
    expected = [len(tok.encode("\n".join(m["content"] for m in r.messages)).ids) for r in recs]
    assert tb.records == 4 and tb.tokens == sum(expected)
    assert tb.per_record["max"] == max(expected)
    assert tb.over_max_length == sum(n > 20 for n in expected)
    assert set(tb.by_lang) == {"hi-Latn+en", "en"}
    hi, en = tb.by_lang["hi-Latn+en"]["tokens_per_word"], tb.by_lang["en"]["tokens_per_word"]
    assert hi > en  # an English-trained tokenizer spends more per Hinglish word
    assert tb.reference["ratio"] > 1.2  # same seed tasks: Hinglish dearer than English
    extra = tb.to_extra()
    assert extra["total"] == tb.tokens and "p50" in extra and extra["hinglish_vs_en"] == tb.reference["ratio"]
    assert "tokens under" in tb.format()


def test_a_tokenizer_json_file_works_too(tokenizer_json):
    tb = token_budget([chat("Haan bilkul")], tokenizer_json / "tokenizer.json", reference=False)
    assert tb.tokens > 0 and tb.reference == {}


def test_chat_template_through_transformers(tokenizer_json, tmp_path):
    transformers = pytest.importorskip("transformers", reason="needs the 'train' extra (transformers)")
    fast = transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(tokenizer_json / "tokenizer.json"), bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    )
    fast.chat_template = "{% for m in messages %}<s>{{ m['role'] }}\n{{ m['content'] }}</s>{% endfor %}"
    fast.save_pretrained(tmp_path / "student")
    rec = chat("Theek hai, kal milte hain.")
    plain = token_budget([rec], tmp_path / "student", chat_template=False, reference=False)
    templated = token_budget([rec], tmp_path / "student", chat_template=True, reference=False)
    assert templated.chat_template and not plain.chat_template
    assert templated.tokens > plain.tokens  # roles and markers cost tokens too


def test_missing_tokenizer_is_a_user_error(tmp_path):
    with pytest.raises(InputError, match="tokenizer not found"):
        token_budget([chat("x")], tmp_path / "nope")
