"""The compress: section and the format registry, without torch."""

import subprocess
import sys

import pytest

from tadka.compress.config import CompressConfig, check, judged_threads, resolve
from tadka.compress.formats import formats, parse_formats, slug
from tadka.config import SECTIONS, render_template
from tadka.errors import ConfigError


def test_section_is_registered_and_rendered():
    assert SECTIONS["compress"] is CompressConfig
    assert "budget_ms:" in render_template()


@pytest.mark.parametrize(
    "flags, field",
    [
        ({"threads": [0]}, "compress.threads"),
        ({"select_threads": 3, "threads": [1, 2]}, "compress.select_threads"),
        ({"prune": 0.95}, "compress.prune"),
        ({"prune": 0.3, "prune_kinds": ["neurons"]}, "compress.prune_kinds"),
        ({"budget_ms": -1}, "compress.budget_ms"),
        ({"latency": "wall"}, "compress.latency"),
    ],
)
def test_bad_values_are_one_line_config_errors(flags, field):
    with pytest.raises(ConfigError) as e:
        resolve(CompressConfig(), flags)
    assert field in str(e.value) and "\n" not in str(e.value)


def test_judged_threads_defaults_to_the_largest():
    assert judged_threads(CompressConfig(threads=[1, 2, 4])) == 4
    cfg = resolve(CompressConfig(), {"threads": [1, 2], "select_threads": 1})
    check(cfg)
    assert judged_threads(cfg) == 1


def test_every_issue_format_is_registered():
    for name in ("gguf:f16", "gguf:q8_0", "gguf:q4_k_m", "gguf:q6_k", "onnx:fp32", "onnx:int8", "torch:int8"):
        assert name in formats
    assert parse_formats("GGUF:Q8_0, onnx:int8,gguf:q8_0") == ["gguf:q8_0", "onnx:int8"]
    assert slug("gguf:q4_k_m+pruned30") == "gguf-q4_k_m+pruned30"


def test_unknown_format_is_one_line_with_a_suggestion():
    with pytest.raises(ConfigError) as e:
        parse_formats("gguf:q4_k_m,gguf:q4km")
    msg = str(e.value)
    assert msg.startswith("--formats: unknown format 'gguf:q4km'") and "did you mean 'gguf:q4_k_m'" in msg


def test_package_imports_without_the_heavy_runtimes():
    code = (
        "import sys, tadka.compress, tadka.apps.commands.compress; "
        "print(sorted(m for m in ('torch', 'onnxruntime', 'llama_cpp', 'transformers', 'onnx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300).stdout
    assert out.strip() == "[]"


def test_hil_bench_depends_on_nothing_from_tadka():
    import ast
    from pathlib import Path

    import tadka.compress.hil_bench as hb

    tree = ast.parse(Path(hb.__file__).read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert imported <= {
        "__future__",
        "argparse",
        "json",
        "os",
        "platform",
        "statistics",
        "sys",
        "time",
        "pathlib",
        "numpy",
        "resource",
        "llama_cpp",
        "onnxruntime",
    }
