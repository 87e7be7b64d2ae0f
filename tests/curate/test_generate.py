"""`tadka generate` and tadka.curate.generate.pipeline: band, determinism, provenance, failures, the CLI.

The band figure is measured with tadka.lang's own language ID (the metric users see); the fastText
models are trained into a private cache folder on first use (a second or two).
"""

import json

import pytest
from click.testing import CliRunner

from tadka.curate.generate.mixer.codemixer import default_tagger
from tadka.ops import in_band
from tadka.apps.cli import cli
from tadka.curate.generate.config import GenerateConfig
from tadka.curate.generate.pipeline import FAILURES, FLAG_OUT_OF_BAND, generate, load_seed_tasks, measure_cmi
from tadka.curate.generate.teachers.base import Result, Teacher
from tadka.errors import ConfigError, InputError
from tadka.workspace import Workspace


@pytest.fixture(autouse=True)
def private_model_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tadka-cache"))


@pytest.fixture
def ws(tmp_path):
    return Workspace.init(tmp_path / "ws")


def ids(result):
    return [r.id for r in result.records]


def test_thousand_records_hit_the_band_by_our_own_metric():
    result = generate(None, GenerateConfig(n=1000, cmi="20-40"), project_seed=0)
    assert result.written == 1000
    scores = measure_cmi(result.records, default_tagger())  # re-measured independently of the run
    inside = sum(in_band(s, (20, 40)) for s in scores)
    assert inside / 1000 >= 0.90, inside
    assert len(set(ids(result))) == 1000
    for record, score in zip(result.records, scores):
        assert record.scores["cmi"] == pytest.approx(score, abs=0.01)
        assert (FLAG_OUT_OF_BAND in record.flags) == (not in_band(score, (20, 40)))
        assert record.source["kind"] == "mixer" and record.source["teacher"] == "mixer"
        assert record.source["recipe"] == "mixer-translate" and record.source["seed_id"]
        assert record.ops and record.ops[0].startswith("codemix ")
        assert record.lang == "hi-Latn+en"


def test_same_seed_same_records_other_seed_other_records():
    cfg = GenerateConfig(n=40)
    a = generate(None, cfg, project_seed=1)
    b = generate(None, cfg, project_seed=1)
    c = generate(None, GenerateConfig(n=40, seed=2), project_seed=1)
    assert ids(a) == ids(b)
    assert [r.to_dict() for r in a.records] == [r.to_dict() for r in b.records]
    assert len(set(ids(a)) & set(ids(c))) < 10


def test_batch_size_does_not_change_the_result():
    a = generate(None, GenerateConfig(n=30, chunk=64), project_seed=3)
    b = generate(None, GenerateConfig(n=30, chunk=7), project_seed=3)
    assert ids(a) == ids(b)


def test_domains_script_and_band_reach_every_record():
    result = generate(None, GenerateConfig(n=30, domains=["banking"], script="deva", cmi="10-30"), project_seed=0)
    assert result.written == 30
    assert all(r.source["seed_id"].startswith("banking-") for r in result.records)
    assert all(r.lang == "hi-Deva+en" for r in result.records)
    assert all(any("\u0900" <= ch <= "\u097f" for ch in r.text()) for r in result.records)
    # banking seeds are loanword-heavy (UPI, PIN, app): a low band is harder to reach there
    assert sum(in_band(r.scores["cmi"], (10, 30)) for r in result.records) >= 20


def test_writes_the_generated_stage_appending_unique_ids(ws):
    first = generate(ws, GenerateConfig(n=25))
    assert first.stage_total == 25
    second = generate(ws, GenerateConfig(n=25))
    assert second.written == 25 and second.stage_total == 50
    assert not set(ids(first)) & set(ids(second))
    stored = list(ws.records("generated"))
    assert len({r.id for r in stored}) == 50
    assert all("cmi" in r.scores and r.source["kind"] == "mixer" for r in stored)
    meta = json.loads((ws.stage_path("generated").resolve() / "tadka_stage.json").read_text())
    assert meta["generate"]["teacher"] == "mixer" and meta["generate"]["cmi"] == [20.0, 40.0]


def write_seeds(path, tasks):
    path.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tasks), encoding="utf-8")
    return str(path)


def test_weird_seed_text_becomes_a_record_or_a_recorded_failure(ws, tmp_path):
    good = {
        "id": "x-1",
        "domain": "x",
        "en": {
            "instruction": "How do I check my ration card status?",
            "response": "Open the state food portal and enter your ration card number.",
        },
        "hi_latn": {
            "instruction": "Ration card ka status kaise check karun?",
            "response": "State food portal kholo aur ration card number daalo.",
        },
    }
    weird = [
        {"id": "x-2", "en": {"instruction": "😀😀😀", "response": "!!! ???"}},
        {"id": "x-3", "en": {"instruction": "asdf qwer", "response": "zxcv uiop hjkl"}},
        {"id": "x-4", "hi_latn": {"instruction": "🙏", "response": "..."}},
    ]
    path = write_seeds(tmp_path / "seeds.jsonl", [good, *weird])
    result = generate(ws, GenerateConfig(n=6, input=path))
    assert result.written >= 2
    assert result.failures >= 1
    rows = [json.loads(line) for line in (ws.root / FAILURES).read_text().splitlines()]
    assert len(rows) == result.failures
    assert {row["step"] for row in rows} <= {"teacher", "parse"}
    assert all(row["reason"] and row["seed_id"] in ("x-2", "x-4") for row in rows)


def test_bad_inputs_are_one_line_errors_before_any_work(ws, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    with pytest.raises(InputError, match="no seed tasks"):
        generate(ws, GenerateConfig(n=5, input=str(empty)))
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "a", "en": {"instruction": "x", "response": "y"}}\n{not json\n')
    with pytest.raises(InputError) as e:
        load_seed_tasks(broken)
    assert f"{broken}:2" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(ConfigError, match="unknown domain"):
        generate(ws, GenerateConfig(n=5, domains=["cricket"]))
    with pytest.raises(ConfigError, match="tops out at 50"):
        generate(ws, GenerateConfig(n=5, cmi="60-80"))
    with pytest.raises(ConfigError, match="needs a model teacher"):
        generate(ws, GenerateConfig(n=5, recipe="self-instruct"))
    with pytest.raises(ConfigError, match="unknown recipe"):
        generate(ws, GenerateConfig(n=5, recipe="no-such-recipe"))
    assert not ws.has_stage("generated")


class FixedTeacher(Teacher):
    """Answers every request with one fixed English-only text; retries get a Hinglish one."""

    name = "fixed"

    def __init__(self, fix_on_retry: bool) -> None:
        self.fix_on_retry = fix_on_retry
        self.calls = []

    def generate(self, requests, params):
        self.calls.append(requests)
        out = []
        for r in requests:
            tag = f"{r.meta['seed_id']}-{r.meta['index']}"
            if r.meta.get("attempt") and self.fix_on_retry:
                body = {
                    "instruction": f"Mera UPI PIN kaise change karun? ({tag})",
                    "response": "UPI app kholo, bank account select karo aur PIN reset karo.",
                }
            else:
                body = {"instruction": f"How do I change my UPI PIN? ({tag})", "response": "Open the app and reset it."}
            out.append(Result(json.dumps(body)))
        return out


@pytest.mark.parametrize("fix", [True, False])
def test_out_of_band_answers_are_retried_once_then_flagged(fix):
    teacher = FixedTeacher(fix_on_retry=fix)
    result = generate(None, GenerateConfig(n=3, chunk=3), project_seed=0, teacher=teacher)
    assert result.retried >= 1
    retry = teacher.calls[1][0]
    assert retry.meta["attempt"] == 1 and "outside the 20-40 band" in retry.messages[-1]["content"]
    assert retry.messages[-2]["role"] == "assistant"
    if fix:
        assert all(FLAG_OUT_OF_BAND not in r.flags for r in result.records)
    else:
        assert all(FLAG_OUT_OF_BAND in r.flags for r in result.records)
        assert len(teacher.calls) == 2  # one retry, no more


class BrokenTeacher(Teacher):
    name = "broken"

    def generate(self, requests, params):
        return [Result(None, error="HTTP 500") if i % 2 else Result("no json here") for i, _ in enumerate(requests)]


def test_teacher_and_parse_failures_are_logged_never_raised(ws):
    result = generate(ws, GenerateConfig(n=4), teacher=BrokenTeacher())
    assert result.written == 0
    rows = [json.loads(line) for line in (ws.root / FAILURES).read_text().splitlines()]
    assert {row["step"] for row in rows} == {"teacher", "parse"}
    assert any(row["raw"] == "no json here" for row in rows)
    assert result.failures == len(rows)


def test_cli_generate_dry_run_and_errors(ws):
    runner = CliRunner()
    out = runner.invoke(cli, ["generate", "-w", str(ws.root), "-n", "12", "--seed", "5"])
    assert out.exit_code == 0, out.output
    assert "generated 12 records into 'generated'" in out.output and "rec/s" in out.output
    assert len(list(ws.records("generated"))) == 12
    dry = runner.invoke(cli, ["generate", "-w", str(ws.root), "-n", "4", "--dry-run", "--domains", "health"])
    assert dry.exit_code == 0, dry.output
    assert "--- request 1 of 4 (mixer-translate -> mixer)" in dry.output and "cost: none (offline)" in dry.output
    assert len(list(ws.records("generated"))) == 12
    bad = runner.invoke(cli, ["generate", "-w", str(ws.root), "--cmi", "40-20"])
    assert bad.exit_code == 2 and bad.output.startswith("error: ") and "generate.cmi" in bad.output
    stats = runner.invoke(cli, ["stats", "-w", str(ws.root)])
    assert stats.exit_code == 0 and "generated: 12 records" in stats.output and "mixer 12" in stats.output


class ScoringTeacher(Teacher):
    """Answers every judge request with one fixed rubric; counts what it was asked."""

    name = "scoring"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def generate(self, requests, params):
        self.asked += [r.meta["record"]["id"] for r in requests]
        rubric = {c: {"score": 4, "reason": "theek"} for c in ("naturalness", "correctness", "helpfulness", "safety")}
        return [Result(json.dumps({**rubric, "focus": {"score": 2, "reason": "plug"}})) for _ in requests]


def test_an_annotating_recipe_asks_each_input_once_even_when_n_is_larger(ws):
    """`--recipe judge -n 12` on a stage of 3 records: 3 requests and 3 judged records, not rounds of re-sent
    inputs answered as duplicates until the request budget (3 x n) runs out."""
    generate(ws, GenerateConfig(n=3, stage="imported"), teacher=None)
    teacher = ScoringTeacher()
    cfg = GenerateConfig(teacher="openai", model="m", n=12, recipe="judge", input="stage:imported", stage="judged")
    result = generate(ws, cfg, teacher=teacher)
    inputs = sorted(r.id for r in ws.records("imported"))
    assert sorted(teacher.asked) == inputs and result.written == 3 and result.duplicates == 0
    judged = list(ws.records("judged"))
    assert sorted(r.id for r in judged) == inputs
    assert all(r.scores["judge_focus"] == 2.0 and r.scores["judge_overall"] == 3.6 for r in judged)
