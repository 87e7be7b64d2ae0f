"""`tadka eval` and `tadka compress --min-fidelity` end to end on a tiny LoRA run (seconds, not minutes): every
run variant answers through the real runtimes, the report and the run card are written, a second call
reads the cache, and the bad inputs — no eval prompts, a variant that fails to load, an unknown variant, no
variant meeting both budget and floor — are one line each while the other variants still run."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("peft", reason="needs the 'train' extra (peft)")
pytest.importorskip("trl", reason="needs the 'train' extra (trl)")
pytest.importorskip("sacrebleu", reason="needs the 'train' or 'compress' extra (sacrebleu)")

EVAL_YAML = "eval:\n  max_prompts: 4\n  max_new_tokens: 8\n  samples: 4\n"
FAST_COMPRESS = (
    "compress:\n  ppl_chats: 2\n  agreement_prompts: 2\n  flip_prompts: 1\n  flip_tokens: 2\n"
    "  decode_tokens: 2\n  repeats: 1\n"
)


@pytest.fixture(scope="module")
def ws(tiny_model, tmp_path_factory):
    """A workspace with the sample chats exported (with an eval split) and a 3-step LoRA run of the tiny model."""
    from tadka.config import ExportConfig
    from tadka.export import export
    from tadka.records import read_records
    from tadka.train.config import resolve
    from tadka.train.demo import CORPORA
    from tadka.train.run import train
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path_factory.mktemp("evalws") / "ws")
    ws.write_stage("imported", list(read_records(Path(str(CORPORA / "samples" / "hinglish_chat.jsonl")))))
    export(ws, ExportConfig(format="jsonl", eval_fraction=0.12), name="v1")
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.split("\ncompress:")[0] + "\n" + FAST_COMPRESS + EVAL_YAML, encoding="utf-8")
    cfg = resolve(
        Workspace(ws.root).config["train"],
        {
            "dataset": "v1",
            "base": str(tiny_model),
            "max_length": 128,
            "max_steps": 3,
            "batch_size": 4,
            "eval_at_start": False,
            "save_every": 100,
            "learning_rate": 1e-3,
            "merge": True,
        },
    )
    train(ws, cfg, name="lora", echo=lambda line: None)
    return ws


def tadka(ws, *args):
    from tadka.apps.cli import cli

    return CliRunner().invoke(cli, [args[0], "-w", str(ws.root), *args[1:]])


@pytest.fixture(scope="module")
def evaluated(ws):
    r = tadka(ws, "eval", "--run", "lora", "--variants", "base,adapter,merged,torch:int8")
    assert r.exit_code == 0, r.output
    return json.loads((ws.runs_dir / "lora" / "eval" / "eval.json").read_text()), r.output


def test_every_variant_answers_and_is_scored(evaluated, ws):
    report, output = evaluated
    assert [v["name"] for v in report["variants"]] == ["base", "adapter", "merged", "torch:int8"]
    sets = report["sources"]["sets"]
    assert sets == {"split": 2, "hindi_deva_eval": 1, "hinglish_eval": 1}
    targets = {p["target"] for p in report["prompts"]}
    assert targets == {"hi-Latn", "hi-Deva"}
    assert report["reference"]["answers"] > 30 and report["reference"]["band"][0] < report["reference"]["band"][1]
    for v in report["variants"]:
        assert "error" not in v, v
        for tag in ("greedy", "noisy", "sample"):
            f = v[tag]
            assert f["answers"] == 4 and 0 <= f["fidelity"] <= 1 and 0 <= f["repeat"] <= 1 and f["chrf"] is not None
            assert f["cmi_in_band"] is not None and f["cmi_distance"] is not None
        assert v["ref_ppl"] > 1 and v["robustness"]["changed"] is not None
        assert len(v["answers"]) == 4
    # the adapter applied at run time answers as the merged model does (same weights, fp32)
    rows = {v["name"]: v for v in report["variants"]}
    same = sum(
        rows["adapter"]["answers"][p]["greedy"] == rows["merged"]["answers"][p]["greedy"]
        for p in rows["merged"]["answers"]
    )
    assert same >= 3
    assert rows["adapter"]["ref_ppl"] == pytest.approx(rows["merged"]["ref_ppl"], rel=1e-3)
    print("\n" + report["table"])
    assert "fidelity" in output and "torch:int8" in output


def test_report_files_and_run_card(evaluated, ws):
    folder = ws.runs_dir / "lora" / "eval"
    for name in ("fidelity.png", "codemix.png", "degeneration.png", "overlap.png"):
        assert (folder / name).read_bytes()[:4] == b"\x89PNG"
    page = (folder / "samples.html").read_text()
    assert page.count("<table>") == 4 and all(
        f"<th>{n}</th>" in page for n in ("base", "adapter", "merged", "torch:int8")
    )
    assert "fidelity" in (folder / "table.txt").read_text()
    card = json.loads((ws.runs_dir / "lora" / "run_card.json").read_text())
    assert set(card["eval"]["variants"]) == {"base", "adapter", "merged", "torch:int8"}
    assert card["eval"]["variants"]["merged"]["fidelity"] is not None
    assert "## Evaluation" in (ws.runs_dir / "lora" / "README.md").read_text()


def test_a_second_eval_reads_every_answer_from_the_cache(evaluated, ws):
    r = tadka(ws, "eval", "--run", "lora", "--variants", "merged,torch:int8")
    assert r.exit_code == 0, r.output
    assert "answers to compute" not in r.output  # nothing was loaded or generated
    again = json.loads((ws.runs_dir / "lora" / "eval" / "eval.json").read_text())
    first = {v["name"]: v for v in evaluated[0]["variants"]}
    for v in again["variants"]:
        assert v["computed"] == 0 and v["answers"] == first[v["name"]]["answers"]


def test_a_variant_that_fails_to_load_is_one_line_and_the_others_run(evaluated, ws):
    built = next((ws.root / "cache" / "compress").glob("lora-*/merged/torch-int8/model-int8.safetensors"))
    data, st = built.read_bytes(), built.stat()
    try:
        built.write_bytes(data[: len(data) // 3])  # a cut-short download: same name, new size, so not cached
        r = tadka(ws, "eval", "--run", "lora", "--variants", "torch:int8,merged")
    finally:
        built.write_bytes(data)
        os.utime(built, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert r.exit_code == 0, r.output
    failed = [line for line in r.output.splitlines() if line.startswith("variant ") and ": " in line]
    assert len(failed) == 1 and failed[0].startswith("variant torch:int8: failed to load: ")
    report = json.loads((ws.runs_dir / "lora" / "eval" / "eval.json").read_text())
    rows = {v["name"]: v for v in report["variants"]}
    assert "greedy" not in rows["torch:int8"] and rows["merged"]["greedy"]["answers"] == 4
    assert "torch:int8" in report["table"] and "failed: failed to load" in report["table"]


def test_no_eval_prompts_is_one_line(ws):
    r = tadka(ws, "eval", "--run", "lora", "--variants", "merged", "--no-split", "--no-shipped")
    assert r.exit_code == 2
    assert r.output.strip().splitlines() == [r.output.strip()]
    assert "eval: no eval prompts: looked in nothing" in r.output


def test_unknown_variant_is_one_line(ws):
    r = tadka(ws, "eval", "--run", "lora", "--variants", "merged,gguf:q9")
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1
    assert "unknown variant 'gguf:q9'" in r.output


def test_compress_picks_by_the_stated_rule_and_names_the_runner_up(evaluated, ws):
    r = tadka(
        ws,
        "compress",
        "--run",
        "lora",
        "--formats",
        "torch:fp32,torch:int8",
        "--threads",
        "1",
        "--select-by",
        "chrf",
        "--name",
        "lora-chrf",
    )
    assert r.exit_code == 0, r.output
    rule = [line for line in r.output.splitlines() if line.startswith("rule: ")]
    assert rule == [rule[0]] and rule[0].startswith("rule: best chrF among the variants; runner-up: torch:")
    bench = json.loads((ws.exports_dir / "lora-chrf" / "bench.json").read_text())
    assert all(v["eval"]["fidelity"] is not None for v in bench["variants"])
    folder = ws.exports_dir / "lora-chrf"
    assert (folder / "eval" / "eval.json").is_file() and "Hinglish fidelity" in (folder / "README.md").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["selection"]["rule"] == "best chrF among the variants" and manifest["selection"]["runner_up"]


def test_compress_refuses_in_one_line_when_no_variant_meets_budget_and_floor(evaluated, ws):
    bench = json.loads((ws.exports_dir / "lora-chrf" / "bench.json").read_text())
    best = max(v["eval"]["fidelity"] for v in bench["variants"])
    assert best < 1  # one prompt is Devanagari, and this tokenizer has never seen Devanagari text
    floor = f"{best + 0.01:.2f}"
    r = tadka(
        ws,
        "compress",
        "--run",
        "lora",
        "--formats",
        "torch:fp32,torch:int8",
        "--threads",
        "1",
        "--budget-ms",
        "100",
        "--min-fidelity",
        floor,
    )
    assert r.exit_code == 2
    line = r.output.strip().splitlines()[-1]
    assert line.startswith(
        f"error: --min-fidelity: no variant meets both 100 ms per token at 1 thread(s) and "
        f"Hinglish fidelity >= {float(floor):g}: within the budget torch:"
    )
    assert "the most faithful is " in line and "\n" not in line
