"""`tadka compress` end to end on a tiny model (torch and ONNX formats), and its one-line errors."""

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

pytest.importorskip("onnxruntime", reason="needs the 'compress' extra (onnxruntime)")

FAST = ["--threads", "1"]


@pytest.fixture(scope="module")
def ws(tiny_model, tmp_path_factory):
    """A workspace whose run 'tiny' has only merged/ (the adapter was merged and removed)."""
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path_factory.mktemp("cws") / "ws")
    shutil.copytree(tiny_model, ws.runs_dir / "tiny" / "merged")
    text = ws.config_path.read_text(encoding="utf-8")
    fast = (
        "compress:\n  ppl_chats: 4\n  agreement_prompts: 6\n  flip_prompts: 2\n  flip_tokens: 4\n"
        "  decode_tokens: 4\n  repeats: 1\n"
    )
    ws.config_path.write_text(text.split("\ncompress:")[0] + "\n" + fast, encoding="utf-8")
    return ws


def cli(ws, *args):
    from tadka.apps.cli import cli as tadka

    return CliRunner().invoke(tadka, ["compress", "-w", str(ws.root), *args])


@pytest.fixture(scope="module")
def exported(ws):
    r = cli(ws, "--run", "runs/tiny", "--formats", "onnx:fp32,onnx:int8,torch:int8", *FAST, "--name", "tiny-x")
    assert r.exit_code == 0, r.output
    return ws.exports_dir / "tiny-x", r.output


def test_every_format_is_built_benched_and_one_is_exported(exported):
    folder, output = exported
    bench = json.loads((folder / "bench.json").read_text())
    names = {v["name"] for v in bench["variants"]}
    assert names == {"torch:fp32", "onnx:fp32", "onnx:int8", "torch:int8"}
    for v in bench["variants"]:
        assert "error" not in v, v
        assert v["ppl"] > 1 and v["rows"][0]["decode_tok_s"] > 0 and v["kv_bytes_per_token"] > 0
        assert v["peak_rss_mb"] > 0 and v["flip_pairs"] == 2 and len(v["first_tokens"]) == 6
    fp32 = next(v for v in bench["variants"] if v["name"] == "onnx:fp32")
    assert fp32["agreement"] == 1.0  # the ONNX export is the reference model, exactly
    assert "chose " in output and "onnx:int8" in output


def test_bundle_has_model_manifest_card_and_device_kit(exported):
    folder, _ = exported
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "model" and manifest["source"]["run"] == "tiny"
    files = {f["path"]: f for f in manifest["files"]}
    assert manifest["model"] in files or any(p.startswith(manifest["model"]) for p in files)
    for name in ("hil_bench.py", "bench_inputs.json", "bench.json", "README.md", "pareto.png"):
        assert name in files and files[name]["bytes"] > 0 and len(files[name]["sha256"]) == 64
    assert manifest["eval"]["sha256"] and manifest["figures"]["ppl"] > 1
    assert "hil_bench.py --model" in (folder / "README.md").read_text()


def test_hil_bench_runs_on_its_own_from_the_export(ws, tmp_path):
    """As on the device: a copy of the folder, the script alone, no tadka on the path (-I, another cwd)."""
    r = cli(ws, "--run", "tiny", "--formats", "onnx:int8", *FAST, "--name", "tiny-onnx")
    assert r.exit_code == 0, r.output
    folder = ws.exports_dir / "tiny-onnx"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["variant"] == "onnx:int8" and manifest["model"].endswith(".onnx")  # the only format asked for
    device = tmp_path / "device"
    shutil.copytree(folder, device)
    code = (
        "import runpy, sys; sys.modules['tadka'] = None; sys.argv = ['hil_bench.py', '--model', %r, "
        "'--threads', '1', '--out', 'out.json', '--no-spin']; runpy.run_path('hil_bench.py', run_name='__main__')"
        % manifest["model"]
    )
    subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=device, check=True, capture_output=True, text=True, timeout=300
    )
    mine = json.loads((device / "out.json").read_text())
    theirs = next(
        v for v in json.loads((folder / "bench.json").read_text())["variants"] if v["name"] == manifest["variant"]
    )
    assert mine["first_tokens"] == theirs["first_tokens"] and mine["ppl"] == pytest.approx(theirs["ppl"], rel=1e-4)
    assert mine["file_bytes"] == theirs["file_bytes"]


def test_budget_no_variant_meets_exits_non_zero_naming_the_closest(ws, exported):
    r = cli(ws, "--run", "tiny", "--formats", "onnx:int8,torch:int8", *FAST, "--budget-ms", "0.001")
    assert r.exit_code == 2
    line = r.output.strip().splitlines()[-1]
    assert line.startswith("error: --budget-ms: no variant meets 0.001 ms per token at 1 thread(s): the closest is ")
    assert " over " in line


def test_run_without_adapter_is_one_line(ws):
    (ws.runs_dir / "half" / "checkpoints").mkdir(parents=True)
    r = cli(ws, "--run", "half", "--formats", "onnx:int8")
    assert r.exit_code == 2
    assert r.output.strip() == (
        f"error: {ws.runs_dir / 'half'}: --run: run has no adapter (no adapter/adapter_config.json)"
        " (the run did not finish; resume it with `tadka train --name half`, or pick a finished run)"
    )


def test_corrupt_safetensors_is_one_line(ws, tiny_model):
    bad = ws.runs_dir / "bad" / "adapter"
    shutil.copytree(tiny_model, bad)  # a full fine-tune keeps the whole model where the adapter would be
    weights = bad / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    r = cli(ws, "--run", "bad", "--formats", "onnx:int8")
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {weights}: --run: corrupt safetensors file (")


def test_unknown_format_is_one_line(ws):
    r = cli(ws, "--run", "tiny", "--formats", "gguf:q4_k_m,onnx:int4")
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1
    assert "unknown format 'onnx:int4'" in r.output
