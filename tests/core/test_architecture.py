"""The shape of the tree: docs/architecture.md names real paths, modules and functions stay small,
and every core module is under the dependency rule's contract."""

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ["tadka", "augment", "curate", "train", "compress", "apps", "bench", "corpora"]
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 80


def _modules() -> list[Path]:
    return [p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py")) if "__pycache__" not in p.parts]


def test_every_path_the_architecture_page_names_exists():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = {m for m in re.findall(r"`(\w[\w./<>-]*)`", text) if "/" in m and "<" not in m}
    assert len(paths) > 30
    missing = sorted(p for p in paths if not (ROOT / p.rstrip("/")).exists())
    assert not missing


def test_the_architecture_page_names_every_stage_folder():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in (
        "tadka/",
        "tadka/lang/",
        "tadka/review/",
        "curate/generate/",
        "augment/",
        "curate/filters/",
        "curate/dedup/",
        "train/",
        "compress/",
        "apps/",
    ):
        assert f"`{folder}" in text, folder


def test_no_module_over_450_lines_and_no_function_over_80():
    too_long = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        if source.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{rel}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    too_long.append(f"{rel}:{node.lineno} {node.name}(): {n} lines")
    assert not too_long


def test_every_core_module_is_under_the_core_contract():
    """A new module in tadka/ must be listed, or the rule `the core never imports a stage package`
    would not look at it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    core = next(c for c in config["contracts"] if c["name"].startswith("the core never imports"))
    present = {
        f"tadka.{p.stem}"
        for p in (ROOT / "tadka").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())
    }
    assert present == set(core["source_modules"])
    mapped = {"tadka.augment", "tadka.curate", "tadka.train", "tadka.compress", "tadka.apps"}
    assert set(core["forbidden_modules"]) == mapped
