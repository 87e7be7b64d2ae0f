"""The curate pipeline: every record accounted for, the same result on every engine, stages and report."""

import json

import pytest
from click.testing import CliRunner

from tadka.apps.cli import cli
from tadka.curate.config import CurateConfig
from tadka.curate.filters import Filter, StepContext
from tadka.curate.pipeline import build_steps, curate, curate_records, curate_table
from tadka.errors import ConfigError
from tadka.records import Record, to_table
from tadka.workspace import Workspace

from tests.curate.synth import chat, plant_near_dups, records

AADHAAR = "2345 6789 0124"  # Verhoeff-valid (see test_filters_pii)


def mixed_set() -> list[Record]:
    """Synthetic records plus one of each kind of reject."""
    recs = records(120, seed=3)
    recs, _ = plant_near_dups(recs, share=0.05, max_rate=0.05, seed=4)
    recs += [
        chat("Haan."),  # too short
        chat("As an AI language model, I cannot help with that request, sorry."),  # refusal + English
        chat("Abe chutiya, paisa wapas kar de warna dekh lena tujhe."),  # profanity
        chat(f"Aapka Aadhaar {AADHAAR} hai, isko kisi ko mat batana kabhi bhi."),  # redacted, kept
        chat(f"aapka aadhaar {AADHAAR} hai isko kisi ko mat batana kabhi bhi"),  # exact dup once redacted
        chat("Haan.", user="Kya main aaj bank ja sakta hoon?"),  # too short, a second time
        recs[0],  # an exact copy of a synthetic record
    ]
    return recs


def test_every_record_is_accounted_for_with_all_its_reasons():
    recs = mixed_set()
    out = curate_records(recs)
    assert out.rows.num_rows == len(recs) == out.curated.num_rows + out.rejects.num_rows
    assert out.rejects.num_rows > 0 and out.curated.num_rows > 0
    flags = dict(zip(out.rejects["id"].to_pylist(), out.rejects["flags"].to_pylist()))
    refusal = recs[-6]
    assert "ai_identity" in flags[refusal.id] and "lang_mismatch:en" in flags[refusal.id]
    assert any(f.startswith("profanity:") for f in flags[recs[-5].id])
    # rejects keep the input record as it came; the kept twin is the redacted, derived one
    dup_of_pii = recs[-3]
    assert dup_of_pii.id in flags and flags[dup_of_pii.id][0].startswith("dup:")
    kept = [Record.from_dict(r, validate=False) for r in out.curated.to_pylist()]
    redacted = [r for r in kept if r.source.get("parent_id") == recs[-4].id]
    assert len(redacted) == 1 and "[AADHAAR]" in redacted[0].messages[1]["content"]
    assert redacted[0].ops == ["pii_redact:aadhaar=1"]
    assert flags[dup_of_pii.id][0] == f"dup:{redacted[0].id}"
    # the per-step counts add up to the rejects
    assert sum(c["first"] for c in out.per_step.values()) == out.rejects.num_rows
    assert out.reasons["too_short"] == 2


def test_local_and_worker_processes_agree():
    recs = mixed_set()
    cfg = CurateConfig(batch_size=40)
    local = curate_records(recs, cfg)
    multi = curate_records(recs, CurateConfig(batch_size=40, workers=2))
    assert multi.rows.num_rows == multi.curated.num_rows + multi.rejects.num_rows == len(recs)
    assert local.curated["id"].to_pylist() == multi.curated["id"].to_pylist()
    assert local.rejects["flags"].to_pylist() == multi.rejects["flags"].to_pylist()
    assert local.per_step == multi.per_step


class Exploding(Filter):
    name = "exploding"

    def keep(self, record):
        if "boom" in record.text():
            raise ValueError("boom")
        return True


def test_a_failing_step_rejects_the_record_and_the_run_goes_on():
    recs = [chat("Theek hai, boom ho gaya."), chat("Sab theek hai bhai, chinta mat karo.")]
    for workers, batch_size in ((1, 10), (2, 1)):  # in this process, and in worker processes
        out = curate_table(to_table(recs), [Exploding()], batch_size=batch_size, workers=workers)
        assert out.rejects["flags"].to_pylist() == [["error:exploding"]]
        assert out.curated.num_rows == 1 and out.per_step["exploding"]["flagged"] == 1


def test_ids_stay_unique_without_a_dedup_step():
    from tadka.curate.filters.pii import verhoeff_check_digit

    other = "98765432101" + verhoeff_check_digit("98765432101")
    a = chat(f"Aadhaar {AADHAAR} yaad rakhna, kisi ko mat batana.")
    b = chat(f"Aadhaar {other} yaad rakhna, kisi ko mat batana.")  # the same text once both are redacted
    c = chat("Aadhaar yaad rakhna, kisi ko mat batana bhai.")
    out = curate_table(to_table([a, b, c]), build_steps(CurateConfig(steps=["pii"])))
    assert out.curated.num_rows == 2 and out.rejects.num_rows == 1
    assert len(set(out.curated["id"].to_pylist())) == 2
    kept_a = out.rows["id"].to_pylist()[0]
    assert out.rejects["id"].to_pylist() == [b.id] and out.rejects["flags"].to_pylist() == [[f"dup:{kept_a}"]]
    assert out.per_step["pipeline"] == {"flagged": 1, "first": 1}


def test_config_errors_name_the_key():
    with pytest.raises(ConfigError, match="unknown curate step 'lenght'.*did you mean 'length'"):
        CurateConfig(steps=["lenght"]).validate()
    with pytest.raises(ConfigError, match="curate.engine"):
        CurateConfig(engine="spark").validate()
    with pytest.raises(ConfigError, match="curate.pii_action"):
        CurateConfig(pii_action="hide").validate()


def test_yaml_section_and_defaults(tmp_path):
    from tadka.config import load_config

    (tmp_path / "tadka.yaml").write_text(
        "curate:\n  steps: [length, pii]\n  pii_action: drop\n  minhash_threshold: 0.5\n"
    )
    cfg = load_config(tmp_path / "tadka.yaml").curate
    assert cfg.steps == ["length", "pii"] and cfg.pii_action == "drop" and cfg.minhash_threshold == 0.5
    steps = build_steps(cfg, StepContext())
    assert [s.name for s in steps] == ["length", "pii"] and steps[1].action == "drop"
    (tmp_path / "tadka.yaml").write_text("curate:\n  length_min_charz: 3\n")
    with pytest.raises(ConfigError, match="length_min_chars"):
        load_config(tmp_path / "tadka.yaml")


@pytest.fixture
def ws(tmp_path):
    ws = Workspace.init(tmp_path / "ws")
    ws.write_stage("generated", mixed_set())
    return ws


def test_curate_writes_stages_and_an_atomic_report(ws):
    result = curate(ws, CurateConfig())
    n_in = ws.table("generated").num_rows
    assert ws.table("curated").num_rows + ws.table("rejects").num_rows == n_in
    assert set(ws.table("rejects")["id"].to_pylist()) <= set(ws.table("generated")["id"].to_pylist())
    folder = ws.root / "reports" / "curate"
    assert result.report == folder / "index.html"
    for name in ("index.html", "summary.json", "steps.png", "cmi.png", "length.png", "language.png", "script.png"):
        assert (folder / name).stat().st_size > 0
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["counts"] == {
        "input": n_in,
        "curated": ws.table("curated").num_rows,
        "rejected": ws.table("rejects").num_rows,
    }
    assert summary["examples"]["too_short"] and summary["config"]["steps"] == CurateConfig().steps
    assert sum(summary["distributions"]["language"]["before"]) == n_in
    html = (folder / "index.html").read_text()
    assert "too_short" in html and "<img src='cmi.png'" in html
    assert AADHAAR not in html  # examples show the redacted text
    assert not list(folder.parent.glob(".tmp-*"))
    meta = json.loads((ws.root / "data" / "curated" / "tadka_stage.json").read_text())
    assert meta["curated_from"] == "generated" and meta["summary"]["input"] == n_in


def test_cli(ws):
    runner = CliRunner()
    res = runner.invoke(cli, ["curate", "-w", str(ws.root), "--dry-run", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["dry_run"] and data["input"] == data["curated"] + data["rejected"]
    assert not ws.has_stage("curated")
    res = runner.invoke(cli, ["curate", "-w", str(ws.root), "--steps", "length,dedup", "--no-report"])
    assert res.exit_code == 0, res.output
    assert "curated 'generated'" in res.output and "too_short" in res.output
    assert ws.has_stage("curated") and not (ws.root / "reports" / "curate").exists()
    res = runner.invoke(cli, ["curate", "-w", str(ws.root), "--steps", "lenght"])
    assert res.exit_code == 2 and "did you mean 'length'" in res.output
    assert "Example" in runner.invoke(cli, ["curate", "--help"]).output


def test_a_record_whose_sketch_fails_is_rejected_with_the_reason():
    from tadka.curate.dedup.minhash import MinHashDedup

    class Breaks(MinHashDedup):
        def sketch_batch(self, records):
            if any("boom" in r.text() for r in records):
                raise ValueError("boom")
            return super().sketch_batch(records)

        def sketch(self, record):
            if "boom" in record.text():
                raise ValueError("boom")
            return super().sketch(record)

    recs = [
        chat("Theek hai, boom ho gaya bhai sahab."),
        chat("Sab theek hai bhai, chinta mat karo."),
        chat("Sab theek hai bhai, chinta mat karo na."),
    ]
    out = curate_table(to_table(recs), [Breaks()], batch_size=10)
    flags = dict(zip(out.rows["id"].to_pylist(), out.rows["flags"].to_pylist()))
    assert flags[recs[0].id] == ["error:minhash"] and flags[recs[2].id] == [f"near_dup:{recs[1].id}"]
    assert out.rows.num_rows == 3 == out.curated.num_rows + out.rejects.num_rows


def test_augmented_copies_survive_curation_and_the_rules_are_recorded():
    """The README tour in small: seeds → augment (phone-typing, 2 copies) → curate with every default step."""
    from tadka.augment.pipeline import augment_records
    from tadka.augment.presets import build_plan
    from tests.curate.synth import seed_records

    seeds = seed_records()[::25]
    result = augment_records(seeds, build_plan("phone-typing", seed=3), copies=2)
    copies = [r for r in result.records if r.source.get("kind") == "augment"]
    assert len(copies) >= len(seeds)
    out = curate_records(result.records)
    rejected = set(out.rejects["id"].to_pylist())
    parent_kept = [c for c in copies if c.source["parent_id"] not in rejected]
    kept = [c for c in parent_kept if c.id not in rejected]
    assert len(kept) >= 0.95 * len(parent_kept) and len(parent_kept) >= 0.9 * len(copies)
    assert out.lineage.get("kept:parent_kept", 0) == len(kept)
    rules = dict(zip(out.rows["id"].to_pylist(), out.rows["_lineage"].to_pylist()))
    assert all(rules[s.id] is None for s in seeds) and all(rules[c.id] for c in copies)


def test_pseudonymize_through_the_config_keeps_a_copy_a_copy():
    parent = chat("Mera number +91 98765 43210 hai, is pe call karna.", user="Number kya hai?")
    copy = Record(
        messages=[{"role": "user", "content": "numbr kya h?"}, parent.messages[1]],
        lang=parent.lang,
        source={"kind": "augment", "parent_id": parent.id},
    )
    out = curate_records(
        [parent, copy], CurateConfig(steps=["pii", "dedup", "minhash"], pii_action="pseudonymize", pii_key="k")
    )
    assert out.curated.num_rows == 2 and out.lineage == {"kept:parent_kept": 1}
    answers = [m[1]["content"] for m in out.curated["messages"].to_pylist()]
    assert answers[0] == answers[1] and "98765 43210" not in answers[0] and "+91 " in answers[0]
