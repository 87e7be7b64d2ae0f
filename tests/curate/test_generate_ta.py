"""The Tamil pack downstream (issue 20): `tadka init --lang ta-Latn+en`, generate, stats, curate's
language step, augment's per-language ops, the review index, and a workspace holding both packs.

The acceptance run itself (``tadka init demo --lang ta-Latn+en && tadka generate -n 300 && tadka
stats``) through the real CLI, offline; CMI is re-measured by tadka.lang's Tamil pack.
"""

import random

import pytest
from click.testing import CliRunner

from tadka.apps.cli import cli
from tadka.curate.generate.mixer.codemixer import default_tagger
from tadka.ops import in_band
from tadka.augment.text.base import build_op
from tadka.curate.filters.language import LanguageFilter
from tadka.curate.generate.pipeline import FLAG_OUT_OF_BAND, measure_cmi
from tadka.records import Record
from tadka.workspace import Workspace


@pytest.fixture(autouse=True)
def private_model_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "tadka-cache"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The issue's acceptance commands, run once for the module."""
    root = tmp_path_factory.mktemp("ta") / "demo"
    runner = CliRunner()
    r = runner.invoke(cli, ["init", str(root), "--lang", "ta-Latn+en"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["generate", "-n", "300", "-w", str(root)])
    assert r.exit_code == 0, r.output
    stats = runner.invoke(cli, ["stats", "-w", str(root)])
    assert stats.exit_code == 0, stats.output
    return Workspace(root), stats.output


def test_init_demo_generate_300_tanglish_records_in_band(demo):
    ws, _ = demo
    assert ws.config["project"].lang == "ta-Latn+en"
    records = list(ws.records("generated"))
    assert len(records) == 300
    assert {r.lang for r in records} == {"ta-Latn+en"}
    assert all(r.source["seed_id"].startswith("ta-") for r in records)
    scores = measure_cmi(records, default_tagger("ta"))  # re-measured, independently of the run
    inside = sum(in_band(s, (20, 40)) for s in scores)
    assert inside / 300 >= 0.90, inside  # issue 20: >= 90 % in the CMI band
    for record, score in zip(records, scores):
        assert (FLAG_OUT_OF_BAND in record.flags) == (not in_band(score, (20, 40)))


def test_stats_measure_the_records_with_the_tamil_pack(demo):
    _, out = demo
    assert "ta-Latn+en 300" in out
    sentence = next(line for line in out.splitlines() if line.strip().startswith("sentence"))
    assert "ta-Latn" in sentence and "hi-Latn" not in sentence


def test_a_workspace_holds_both_packs(demo):
    ws, _ = demo
    hindi = Record(
        messages=[
            {"role": "user", "content": "Kal bank kitne baje khulega?"},
            {"role": "assistant", "content": "Bank subah 10 baje khulta hai, Saturday ko bhi."},
        ],
        lang="hi-Latn+en",
    )
    ws.write_stage("mixed", list(ws.records("generated"))[:20] + [hindi])
    out = CliRunner().invoke(cli, ["stats", "-w", str(ws.root), "--stage", "mixed"]).output
    assert "hi-Latn+en 1" in out and "ta-Latn+en 20" in out
    sentence = next(line for line in out.splitlines() if line.strip().startswith("sentence"))
    assert "hi-Latn 1" in sentence and "ta-Latn 20" in sentence

    from tadka.review.index import Filters, StageIndex

    index = StageIndex.load(ws, "mixed")
    assert set(index.langs()) == {"hi-Latn+en", "ta-Latn+en"}
    assert len(index.filter_rows(Filters(langs=("ta-Latn+en",)))) == 20


def chat(answer: str, lang: str = "ta-Latn+en") -> Record:
    return Record(
        messages=[{"role": "user", "content": "Enna pannanum?"}, {"role": "assistant", "content": answer}], lang=lang
    )


def test_curate_language_step_uses_the_tamil_pack():
    good = chat(
        "Play Store la Uzhavan app download panni unga mobile number kuduthu register pannunga. "
        "Appuram weather alert ellam app laye varum."
    )
    scores, verdict = LanguageFilter().evaluate(good)
    assert verdict is True and scores["ta_share"] > 0.4 and scores["stopwords"] >= 2
    english = chat("Download the app from the Play Store and register with your mobile number and district.")
    verdict = LanguageFilter().keep(english)
    assert verdict is not True and "lang_mismatch:en" in verdict[1]
    hindi = chat("App download karke apna mobile number daalo aur register karo, phir alert aate rahenge.")
    verdict = LanguageFilter().keep(hindi)
    assert verdict is not True and any(r.startswith(("lang_mismatch", "no_tamil_stopwords")) for r in verdict[1])


def test_augment_ops_take_the_records_pack():
    record = Record(
        messages=[
            {"role": "user", "content": "Romba thanks, eppadi illa nu sollunga"},
            {"role": "assistant", "content": "Sari."},
        ],
        lang="ta-Latn+en",
    )
    script = build_op("script", 1.0)
    noised = script.apply(record, random.Random(0)).messages[0]["content"]
    assert any("\u0b80" <= ch <= "\u0bff" for ch in noised)  # Tamil script, never Devanagari
    assert not any("\u0900" <= ch <= "\u097f" for ch in noised)
    sms = build_op("sms", 1.0).apply(record, random.Random(0)).messages[0]["content"]
    assert "eppadi" not in sms.lower()  # sms_ta.tsv: eppadi → epdi / epd / epadi
    variants = build_op("variants", 1.0).apply(record, random.Random(0)).messages[0]["content"]
    assert variants.split()[0].lower() != "romba"  # variants_ta.tsv: romba → rombha / rumba …
