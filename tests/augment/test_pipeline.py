"""The augment stage: copies beside originals, determinism across workers, `tadka augment`, eval noise."""

import json
from dataclasses import fields
from importlib.resources import files

import pytest
from click.testing import CliRunner

from tadka.apps.cli import cli
from tadka.augment.augment_config import ENTITY_MODES, PRESET_NAMES, AugmentConfig, check_augment_config
from tadka.augment.pipeline import augment_records, noisy_eval
from tadka.augment.stage import read_eval_records
from tadka.augment.presets import PRESETS, build_plan, kind_of
from tadka.augment.text.protect import ENTITY_MODES as PROTECT_MODES
from tadka.config import build_section, render_template
from tadka.errors import ConfigError
from tadka.records import Record
from tadka.workspace import Workspace

SAMPLES = files("tadka.corpora").joinpath("samples", "hinglish_chat.jsonl")
EVAL = files("tadka.corpora").joinpath("eval", "hinglish_eval.jsonl")


def seed_records(n: int) -> list[Record]:
    tasks = [
        json.loads(line)
        for line in files("tadka.corpora").joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8").splitlines()
        if line
    ]
    out = []
    for i in range(n):
        t = tasks[i % len(tasks)]
        out.append(
            Record(
                messages=[
                    {"role": "user", "content": f"{t['hi_latn']['instruction']} (sawal {i})"},
                    {"role": "assistant", "content": t["hi_latn"]["response"]},
                ]
            )
        )
    return out


def dump(records) -> bytes:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode()


def test_copies_sit_beside_their_originals():
    records = seed_records(60)
    plan = build_plan("phone-typing", rate=0.2, seed=5)
    result = augment_records(records, plan, copies=2)
    originals = [r for r in result.records if r.source.get("kind") != "augment"]
    assert [r.to_dict() for r in originals] == [r.to_dict() for r in records]  # untouched, in order
    by_id = {r.id: r for r in records}
    current = None
    for r in result.records:
        if r.source.get("kind") != "augment":
            current = r
            continue
        assert r.source["parent_id"] == current.id and r.id != current.id
        assert r.messages[1] == by_id[current.id].messages[1]  # assistant turns are left alone
        assert r.ops and all(json.loads(op.split(" ", 1)[1])["copy"] in (0, 1) for op in r.ops)
    assert result.copies == len(result.records) - len(records) > 100
    summary = result.summary(plan)
    assert summary["text_ops"]["typo"]["eligible"] > 0 and summary["copies"] == result.copies


def test_same_seed_same_bytes_whatever_the_workers():
    records = seed_records(1000)
    plan = build_plan("phone-typing", rate=0.1, seed=3)
    one = augment_records(records, plan, copies=2, workers=1)
    two = augment_records(records, plan, copies=2, workers=2)
    assert dump(one.records) == dump(two.records)
    assert {k: (t.eligible, t.changed) for k, t in one.tallies.items()} == {
        k: (t.eligible, t.changed) for k, t in two.tallies.items()
    }
    shuffled = records[::-1]
    back = augment_records(shuffled, plan, copies=2, workers=2)
    assert sorted(dump(back.records).splitlines()) == sorted(dump(one.records).splitlines())  # order-free
    other = augment_records(records, build_plan("phone-typing", rate=0.1, seed=4), copies=2, workers=2)
    assert dump(other.records) != dump(one.records)


def test_noisy_eval_pairs_line_up_and_repeat():
    records = read_eval_records(str(EVAL))
    pairs = noisy_eval(records, "asr", rate=0.2, seed=7)
    assert len(pairs) == len(records) and all(clean is r for (clean, _), r in zip(pairs, records))
    changed = [(c, n) for c, n in pairs if n is not c]
    assert len(changed) > 0.8 * len(records)
    assert all(n.source["parent_id"] == c.id for c, n in changed)
    again = noisy_eval(records, "asr", rate=0.2, seed=7)
    assert dump(n for _, n in pairs) == dump(n for _, n in again)
    assert dump(n for _, n in pairs) != dump(n for _, n in noisy_eval(records, "asr", rate=0.2, seed=8))
    # only the prompt is noised: the reference answers stay comparable
    assert all(c.messages[-1] == n.messages[-1] for c, n in pairs)


def test_cli_stage(tmp_path):
    runner = CliRunner()
    ws_dir = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws_dir)]).exit_code == 0
    r = runner.invoke(cli, ["import", "-w", str(ws_dir), str(SAMPLES)])
    assert r.exit_code == 0, r.output
    args = ["augment", "-w", str(ws_dir), "--preset", "phone-typing", "--rate", "0.1", "--copies", "2"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    assert "augmented 'imported' into 'augmented'" in r.output and "typo" in r.output
    ws = Workspace(ws_dir)
    imported = list(ws.records("imported"))
    augmented = list(ws.records("augmented"))
    ids = {x.id for x in imported}
    assert ids <= {x.id for x in augmented}
    copies = [x for x in augmented if x.source.get("kind") == "augment"]
    assert len(copies) == len(augmented) - len(imported) > len(imported)
    assert all(c.source["parent_id"] in ids for c in copies)
    meta = json.loads((ws.stage_path("augmented") / "tadka_stage.json").read_text())
    assert meta["from"] == "imported" and meta["config"]["copies"] == 2 and meta["seed"] == 0
    assert (ws_dir / "reports" / "augment-rejects.jsonl").read_text() == ""
    summary = json.loads((ws_dir / "reports" / "augment-summary.json").read_text())
    assert summary["copies"] == len(copies)
    first = dump(augmented)
    assert runner.invoke(cli, args).exit_code == 0
    assert dump(ws.records("augmented")) == first  # rerun: the same stage
    r = runner.invoke(cli, ["augment", "-w", str(ws_dir), "--preset", "warp-drive"])
    assert r.exit_code == 2
    r = runner.invoke(cli, ["augment", "-w", str(ws_dir), "--preset", "none", "--ops", "typo,smss"])
    assert r.exit_code == 2 and "smss" in r.output and "did you mean 'sms'" in r.output


def test_cli_eval_file(tmp_path):
    runner = CliRunner()
    out = tmp_path / "noisy.jsonl"
    args = ["augment", "--eval", str(EVAL), "--out", str(out), "--preset", "asr", "--seed", "7"]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    first = out.read_bytes()
    lines = first.decode().splitlines()
    assert len(lines) == len(EVAL.read_text(encoding="utf-8").splitlines())
    assert runner.invoke(cli, args).exit_code == 0 and out.read_bytes() == first
    assert runner.invoke(cli, args[:-1] + ["8"]).exit_code == 0 and out.read_bytes() != first
    r = runner.invoke(cli, ["augment", "--eval", str(EVAL)])
    assert r.exit_code == 2 and "--out" in r.output


def test_config_section_and_checks(tmp_path):
    assert "augment:" in render_template() and "image_max_pixels" in render_template()
    assert set(PRESET_NAMES) == set(PRESETS) and set(ENTITY_MODES) == set(PROTECT_MODES)
    cfg = build_section("augment", {"preset": "asr", "copies": 3})
    assert isinstance(cfg, AugmentConfig) and cfg.copies == 3
    with pytest.raises(ConfigError, match="unknown key"):
        build_section("augment", {"copys": 3})
    for bad in (
        {"preset": "x"},
        {"rate": 2.0},
        {"copies": 0},
        {"workers": 0},
        {"entities": "ner"},
        {"image_format": "gif"},
        {"image_oversize": "crop"},
        {"preset": "", "ops": []},
    ):
        with pytest.raises(ConfigError):
            check_augment_config(build_section("augment", bad))
    assert {f.name for f in fields(AugmentConfig)} >= {"preset", "ops", "rate", "copies", "roles", "seed"}


def test_plan_building():
    assert kind_of("typo") == ("text", "typo") and kind_of("audio:noise") == ("audio", "noise")
    assert kind_of("jpeg") == ("image", "jpeg")
    with pytest.raises(ConfigError, match="known:"):
        kind_of("typ0")
    plan = build_plan("phone-typing", ["ocr"], rate=0.5, op_params={"typo": {"layout": "t9"}})
    rates = {op.name: op.rate for op in plan.text}
    assert rates["typo"] == 0.5 and rates["lowercase"] == 1.0 and rates["ocr"] == 0.5
    assert next(op for op in plan.text if op.name == "typo").params["layout"] == "t9"
    assert build_plan("asr", rate=0.01).text[-1].rate == 1.0  # fixed rates do not scale
    with pytest.raises(ConfigError, match="not in the plan"):
        build_plan("asr", op_params={"typo": {"layout": "t9"}})
    with pytest.raises(ConfigError):
        build_plan(None, [])
    media = build_plan("street-mic")
    picks = [len(media.pick_media("audio", f"r{i}")) for i in range(200)]
    assert min(picks) >= 1 and max(picks) > 1  # every copy gets at least one op


def test_roles_are_configurable():
    records = seed_records(30)
    plan = build_plan(None, ["typo"], rate=0.5, roles=("assistant",))
    result = augment_records(records, plan)
    copies = [r for r in result.records if r.source.get("kind") == "augment"]
    assert copies
    by_id = {r.id: r for r in records}
    for c in copies:
        parent = by_id[c.source["parent_id"]]
        assert c.messages[0] == parent.messages[0] and c.messages[1] != parent.messages[1]


def test_a_copy_identical_to_its_original_is_not_made():
    record = Record(messages=[{"role": "user", "content": "https://x.in 🙂"}, {"role": "assistant", "content": "ok"}])
    result = augment_records([record], build_plan("phone-typing", rate=1.0), copies=3)
    assert result.records == [record] and result.unchanged == 3 and result.copies == 0


def test_cli_stage_with_bad_media_reports_and_goes_on(tmp_path):
    pytest.importorskip("audiomentations", reason="needs the 'audio' extra: pip install 'tadka[audio]'")
    import numpy as np
    import soundfile as sf

    runner = CliRunner()
    ws_dir = tmp_path / "ws"
    assert runner.invoke(cli, ["init", str(ws_dir)]).exit_code == 0
    (ws_dir / "media" / "in").mkdir(parents=True)
    t = np.arange(16000) / 16000
    rows = []
    for i in range(3):
        sf.write(
            ws_dir / "media" / "in" / f"a{i}.wav",
            (0.2 * np.sin(2 * np.pi * (200 + 50 * i) * t)).astype("float32"),
            16000,
            subtype="PCM_16",
        )
        rows.append(
            {
                "messages": [
                    {"role": "user", "content": f"yeh awaaz suno {i}"},
                    {"role": "assistant", "content": "theek hai"},
                ],
                "media": {"audio": f"media/in/a{i}.wav"},
            }
        )
    (ws_dir / "chats.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert runner.invoke(cli, ["import", "-w", str(ws_dir), str(ws_dir / "chats.jsonl")]).exit_code == 0
    (ws_dir / "media" / "in" / "a1.wav").unlink()
    r = runner.invoke(cli, ["augment", "-w", str(ws_dir), "--preset", "street-mic", "--workers", "2"])
    assert r.exit_code == 0, r.output
    report = [json.loads(line) for line in (ws_dir / "reports" / "augment-rejects.jsonl").read_text().splitlines()]
    assert [(n["outcome"], n["reason"]) for n in report] == [("rejected", "media:missing:audio")]
    stage = list(Workspace(ws_dir).records("augmented"))
    assert len(stage) == 5
    flagged = [x for x in stage if x.flags]
    assert len(flagged) == 1 and flagged[0].media["audio"] == "media/in/a1.wav" and flagged[0].id == report[0]["id"]
    for copy in (x for x in stage if x.source.get("kind") == "augment"):
        assert copy.media["audio"].startswith("media/augmented/") and (ws_dir / copy.media["audio"]).is_file()
        assert any(op.startswith("audio:") for op in copy.ops)
