"""The torch-free parts of `tadka eval`: where prompts come from (and the one-line error when there are none),
their targets and noise, the report files, the run card's headline, and the pairwise judge's position
swapping (a position-biased judge must come out as all ties, not as a preference)."""

import json
import re

import pytest

# the hand-made reports are built by the real figures code, whose chrF needs sacrebleu
pytest.importorskip("sacrebleu", reason="needs the 'train' or 'compress' extra (sacrebleu)")

from tadka.errors import ConfigError, InputError
from tadka.train.evaluate.figures import Answer, figures
from tadka.train.evaluate.prompts import gather, with_noise, with_targets

CHATS = [
    ("Bijli ka bill online kaise bharu?", "Discom ki website pe 'Pay bill' choose karo."),
    ("Train ka PNR kaise check karein?", "IRCTC app mein PNR daal ke dekho."),
    ("What is the capital of India?", "New Delhi."),
]


def write_chats(path, chats, lang="hi-Latn+en"):
    path.write_text(
        "".join(
            json.dumps(
                {"messages": [{"role": "user", "content": u}, {"role": "assistant", "content": a}], "lang": lang}
            )
            + "\n"
            for u, a in chats
        ),
        encoding="utf-8",
    )
    return path


def test_prompts_come_from_the_split_then_shipped_sets_interleaved_and_capped(tmp_path):
    export = tmp_path / "exports" / "v1"
    export.mkdir(parents=True)
    write_chats(export / "eval.jsonl", CHATS)
    prompts = gather(str(export), split=True, shipped=True, files=[], root=tmp_path, limit=7)
    assert [p.set for p in prompts] == ["split", "hindi_deva_eval", "hinglish_eval"] * 2 + ["split"]
    assert prompts[0].messages == [{"role": "user", "content": CHATS[0][0]}] and prompts[0].reference == CHATS[0][1]
    assert len({p.id for p in prompts}) == 7
    everything = gather(str(export), split=True, shipped=True, files=[], root=tmp_path, limit=0)
    assert len(everything) == 3 + 20 + 120
    again = gather(
        None,
        split=True,
        shipped=False,
        files=[str(export / "eval.jsonl"), str(export / "eval.jsonl")],
        root=tmp_path,
        limit=0,
    )
    assert len(again) == 3  # the same prompt twice is kept once


def test_no_eval_prompts_is_one_line(tmp_path):
    with pytest.raises(InputError) as e:
        gather(str(tmp_path), split=True, shipped=False, files=[], root=tmp_path, limit=10)
    assert str(e.value).startswith(f"{tmp_path}: eval: no eval prompts: looked in nothing")
    with pytest.raises(InputError, match="missing.jsonl: eval.files: no such eval file"):
        gather(None, split=False, shipped=False, files=["missing.jsonl"], root=tmp_path, limit=10)


def test_targets_follow_the_lang_tag_or_the_prompts_script(tmp_path):
    write_chats(tmp_path / "mixed.jsonl", CHATS, lang="en")  # a wrong tag: the prompt's own language decides
    write_chats(tmp_path / "deva.jsonl", [("बिजली का बिल कैसे भरें", "वेबसाइट पर जाकर भरो।")], lang="hi-Deva")
    prompts = with_targets(
        gather(
            None,
            split=False,
            shipped=False,
            files=[str(tmp_path / "mixed.jsonl"), str(tmp_path / "deva.jsonl")],
            root=None,
            limit=0,
        )
    )
    assert [p.target for p in prompts] == ["hi-Latn", "hi-Deva", "hi-Latn", None]


def test_noise_is_seeded_and_only_touches_user_turns(tmp_path):
    prompts = with_targets(gather(None, split=False, shipped=True, files=[], root=None, limit=20))
    a, b = with_noise(prompts, "phone-typing", 0.3, 7), with_noise(prompts, "phone-typing", 0.3, 7)
    assert [p.noisy for p in a] == [p.noisy for p in b]
    assert sum(p.noisy_user != p.user for p in a) >= 10
    assert all(p.messages == q.messages and p.reference == q.reference for p, q in zip(a, prompts))
    c = with_noise(prompts, "phone-typing", 0.3, 8)
    assert [p.noisy for p in c] != [p.noisy for p in a]


def _report(tmp_path):
    prompts = [
        {
            "id": "p1",
            "set": "s",
            "messages": [{"role": "user", "content": "UPI PIN kaise badlun?"}],
            "reference": "App mein 'Change PIN' dabao.",
            "lang": "hi-Latn+en",
            "target": "hi-Latn",
            "noisy": [],
        }
    ]
    answer = "<script>alert(1)</script> App kholo aur apna PIN wahan badlo, bas itna hi karna hai"
    ok = {
        "name": "merged",
        "kind": "hf",
        "seconds": 2.0,
        "ref_ppl": 9.5,
        "greedy": figures([Answer(answer, "hi-Latn", True, prompts[0]["reference"])]),
        "answers": {"p1": {"greedy": answer, "greedy_hit_limit": True}},
    }
    bad = {"name": "gguf:q4_k_m", "kind": "gguf", "seconds": 0.1, "error": "failed to load: ValueError: bad file"}
    from tadka.train.evaluate.figures import DEFINITIONS

    return {
        "schema": 1,
        "run": "r",
        "created": "now",
        "seconds": 2.1,
        "settings": {"samples": 10},
        "decoding": {"greedy": {"max_new_tokens": 16}},
        "definitions": DEFINITIONS,
        "prompts": prompts,
        "variants": [ok, bad],
        "judge": None,
    }


def test_report_files_table_and_escaped_samples(tmp_path):
    from tadka.train.evaluate.report import headline, read_report, write_report

    report = _report(tmp_path)
    write_report(report, tmp_path / "eval")
    saved = read_report(tmp_path / "eval")
    table = saved["table"].splitlines()
    assert table[0].split()[:3] == ["variant", "fidelity", "script"]
    assert re.match(r"merged +1\.00 +1\.00 ", table[2])
    assert table[3] == "gguf:q4_k_m failed: failed to load: ValueError: bad file"
    assert any(line.startswith("  repeat: mean share of an answer's word characters") for line in table)
    page = (tmp_path / "eval" / "samples.html").read_text()
    assert "&lt;script&gt;" in page and "<script>alert" not in page and "hit the token limit" in page
    assert saved["charts"] == ["fidelity.png", "codemix.png", "degeneration.png", "overlap.png"]
    assert headline(saved["variants"][0])["hit_limit"] == 1.0 and headline(saved["variants"][0])["ref_ppl"] == 9.5
    assert read_report(tmp_path / "nowhere") is None


def test_run_card_carries_the_headline(tmp_path):
    from tadka.train.card import add_eval, write_card
    from tadka.train.rundir import RunDir

    run = RunDir(tmp_path / "runs" / "r")
    run.root.mkdir(parents=True)
    write_card(
        run,
        {
            "state": "finished",
            "metrics": {"step": 3, "max_steps": 3},
            "config": {"mode": "sft", "peft": "lora"},
            "base": {"spec": "tiny", "kind": "local"},
            "versions": {},
            "dataset": {"path": "exports/v1", "data_hash": "abc", "train": 3, "eval": {}},
        },
    )
    add_eval(run, _report(tmp_path))
    card = json.loads(run.card_json.read_text())
    assert card["eval"]["variants"]["merged"]["fidelity"] == 1.0
    assert card["eval"]["variants"]["gguf:q4_k_m"] == {"error": "failed to load: ValueError: bad file"}
    readme = run.card_md.read_text()
    assert "## Evaluation" in readme and "| merged | 1.00 | 1.00 |" in readme and "| gguf:q4_k_m | failed:" in readme


class FakeJudge:
    """A teacher whose verdicts are scripted: fault injection for the position-swapping logic only."""

    name = "fake"

    def __init__(self, pick):
        self.pick = pick
        self.requests = []

    def generate(self, requests, params):
        from tadka.curate.generate.teachers.base import Result

        self.requests += requests
        out = []
        for r in requests:
            text = r.messages[-1]["content"]
            a = text.split("Reply A:\n")[1].split("\n\nReply B:")[0]
            b = text.split("Reply B:\n")[1].strip()
            out.append(
                Result(
                    json.dumps({"winner": self.pick(a, b), "reason": "r"}),
                    prompt_tokens=100,
                    completion_tokens=10,
                    cost_usd=0.0002,
                )
            )
        return out

    def close(self):
        pass


ITEMS = [(f"p{i}", [{"role": "user", "content": u}], a, "Open the app.") for i, (u, a) in enumerate(CHATS[:2])]


def test_a_position_biased_judge_comes_out_as_ties():
    from tadka.curate.generate.recipes.base import Target
    from tadka.curate.generate.teachers.base import GenParams
    from tadka.train.evaluate.judge import PairJudge, judge_pair

    biased = FakeJudge(lambda a, b: "A")
    result = judge_pair(biased, PairJudge(Target()), ITEMS, "merged", "base", GenParams()).to_dict()
    assert result["judged"] == 2 and result["ties"] == 2 and result["wins"] == 0 and result["preference"] == 0.5
    assert result["consistency"] == 0.0
    assert result["prompt_tokens"] == 400 and result["cost_usd"] == pytest.approx(0.0008)
    first, swapped = biased.requests[0].messages[-1]["content"], biased.requests[1].messages[-1]["content"]
    assert first.index(ITEMS[0][2]) < first.index("Open the app.") and swapped.index("Open the app.") < swapped.index(
        ITEMS[0][2]
    )
    assert "naturalness" in biased.requests[0].messages[0]["content"]  # the judge recipe's rubric


def test_a_consistent_judge_gives_a_preference():
    from tadka.curate.generate.recipes.base import Target
    from tadka.curate.generate.teachers.base import GenParams
    from tadka.train.evaluate.judge import PairJudge, combine, judge_pair, pairs_to_judge

    hinglish = FakeJudge(lambda a, b: "B" if b.startswith("Open") else "A")
    result = judge_pair(hinglish, PairJudge(Target()), ITEMS, "merged", "base", GenParams()).to_dict()
    assert (
        result["wins"] == 0 and result["losses"] == 2 and result["consistency"] == 1.0 and result["preference"] == 0.0
    )
    assert combine("A", "B") == "win" and combine("B", "A") == "loss" and combine("A", "A") == "tie"
    assert combine(None, "A") is None
    assert pairs_to_judge(["base", "adapter", "merged", "gguf:q4_k_m"]) == [
        ("adapter", "base"),
        ("gguf:q4_k_m", "merged"),
    ]


def test_the_offline_mixer_cannot_judge(tmp_path):
    from tadka.train.evaluate.judge import make_judge_teacher
    from tadka.workspace import Workspace

    with pytest.raises(
        ConfigError, match="^eval.judge: the judge needs a model teacher; generate.teacher is the offline mixer"
    ):
        make_judge_teacher(Workspace.init(tmp_path / "ws"))


def test_judge_report_judges_trained_vs_base_and_variants_vs_fp32_and_prints_its_cost(tmp_path):
    from tadka.train.evaluate.judge import judge_report
    from tadka.train.evaluate.prompts import EvalPrompt
    from tadka.train.evaluate.report import table

    prompts = [
        EvalPrompt(f"p{i}", "s", [{"role": "user", "content": u}], a, "hi-Latn+en", "hi-Latn")
        for i, (u, a) in enumerate(CHATS[:2])
    ]
    rows = [
        {"name": n, "answers": {p.id: {"greedy": text} for p in prompts}}
        for n, text in (
            ("base", "Open the app."),
            ("adapter", "App kholo."),
            ("merged", "App kholo."),
            ("gguf:q4_k_m", "App kholo na."),
        )
    ]
    lines = []
    judge = judge_report(
        None, prompts, rows, 5, lines.append, teacher=FakeJudge(lambda a, b: "B" if a.startswith("Open") else "A")
    )
    assert [(p["x"], p["y"], p["wins"], p["judged"]) for p in judge["pairs"]] == [
        ("adapter", "base", 2, 2),
        ("gguf:q4_k_m", "merged", 0, 2),
    ]
    assert judge["pairs"][1]["ties"] == 2 and judge["pairs"][1]["consistency"] == 0.0  # the biased "A" calls
    assert judge["prompt_tokens"] == 800 and judge["cost_usd"] == pytest.approx(0.0016)
    assert lines == [
        "judge adapter vs base on 2 prompts (both orders)",
        "judge gguf:q4_k_m vs merged on 2 prompts (both orders)",
    ]
    text = table({"variants": [], "prompts": [], "judge": judge})
    assert "  adapter vs base: preference 1.00 (2 wins, 0 losses, 0 ties, 0 failed; consistency 1.00)" in text
    assert "  cost: 880 tokens, $0.0016" in text
