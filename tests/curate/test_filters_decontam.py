import json
from importlib.resources import files

from tadka.config import load_config
from tadka.curate.config import CurateConfig
from tadka.curate.filters import StepContext
from tadka.curate.filters.decontam import DecontamFilter, eval_files
from tadka.curate.filters.text import match_words

from tests.curate.synth import chat


def _eval_chats() -> list[dict]:
    text = files("tadka.corpora").joinpath("eval", "hinglish_eval.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _shipped() -> DecontamFilter:
    return DecontamFilter.from_config(CurateConfig(), StepContext())


def test_thirteen_gram_from_the_eval_set_is_caught_whatever_the_case_and_punctuation():
    answer = _eval_chats()[0]["messages"][1]["content"]
    words = match_words(answer)
    assert len(words) > 20
    copied = "Dekho bhai, " + " ".join(words[3:16]).upper() + "!! Aur kuch?"
    out = _shipped().apply(chat(copied))
    assert out.flags == ["decontam:hinglish_eval.jsonl"] and out.scores["decontam"] >= 1


def test_twelve_words_are_not_enough():
    words = match_words(_eval_chats()[0]["messages"][1]["content"])
    assert _shipped().keep(chat("Dekho " + " ".join(words[3:15]) + " bas itna")) is True


def test_copied_short_eval_question_is_caught_whole():
    question = next(
        m["content"]
        for c in _eval_chats()
        for m in c["messages"]
        if m["role"] == "user" and 8 <= len(match_words(m["content"])) < 13
    )
    verdict = _shipped().keep(chat("Haan bilkul, ye dekho.", user=question))
    assert verdict is not True and verdict[1].startswith("decontam:")


def test_unrelated_hinglish_passes():
    assert (
        _shipped().keep(chat("UPI PIN kabhi kisi ko share mat karo, bank bhi kabhi phone pe PIN nahi maangta.")) is True
    )


def test_workspace_eval_folder_paths_and_train_eval_files(tmp_path):
    (tmp_path / "eval").mkdir()
    count = "ek do teen char paanch chhe saat aath nau das gyarah barah terah"
    (tmp_path / "eval" / "mine.tsv").write_text(f"text\tlabel\n{count}\tx\n")
    (tmp_path / "extra.txt").write_text("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu\n")
    (tmp_path / "tadka.yaml").write_text("curate:\n  decontam_paths: [extra.txt]\n")
    cfg = load_config(tmp_path / "tadka.yaml")
    f = DecontamFilter.from_config(cfg.curate, StepContext(root=tmp_path, config=cfg))
    names = [p.rsplit("/", 1)[-1] for p in f.files]
    assert "mine.tsv" in names and "extra.txt" in names and "hinglish_eval.jsonl" in names
    assert f.keep(chat(f"Ginti: {count}.")) == (False, "decontam:mine.tsv")
    greek = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu"
    assert f.keep(chat(greek)) == (False, "decontam:extra.txt")


def test_exports_only_on_request(tmp_path):
    (tmp_path / "exports" / "v1").mkdir(parents=True)
    (tmp_path / "exports" / "v1" / "eval.jsonl").write_text("{}\n")
    assert not any("exports" in str(p) for p in eval_files(tmp_path, corpora=False))
    assert any("exports" in str(p) for p in eval_files(tmp_path, corpora=False, exports=True))
