"""The install: no top-level `train`/`curate` modules, corpora data in the wheel, no torch in the core.

Run from a temporary folder so that the repository's own folders are not on sys.path.
"""

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TAKEN = ("train", "curate", "augment", "compress", "apps")


def _py(code, cwd, env=None):
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def test_installed_namespace(tmp_path):
    for name in TAKEN:
        assert _py(f"import {name}", tmp_path).returncode != 0, f"a top-level {name!r} module is installed"
    proc = _py("import tadka.curate, tadka.augment, tadka.apps.cli, tadka.corpora; print('ok')", tmp_path)
    assert proc.stdout.strip() == "ok", proc.stderr


def test_core_install_never_pulls_torch():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(
        dep.split("[")[0].split("=")[0].split(">")[0].strip().lower() == "torch" for dep in meta["dependencies"]
    )
    for extra, deps in meta["optional-dependencies"].items():
        for dep in deps:
            if dep.lower().startswith("torch") and not dep.lower().startswith("torch-"):
                assert dep == "torch==2.13.0", f"extra {extra!r} lets pip pick another torch: {dep}"


def test_core_commands_do_not_import_torch(tmp_path):
    code = (
        "import sys; from click.testing import CliRunner; from tadka.apps.cli import cli;"
        "r = CliRunner().invoke(cli, ['init', 'w']); assert r.exit_code == 0, r.output;"
        "print(json.dumps(sorted(m for m in ('torch', 'streamlit', 'transformers') if m in sys.modules)))"
    )
    proc = _py("import json;" + code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (whl,) = out.glob("tadka-*.whl")
    return whl


def test_wheel_layout_and_corpora(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"tadka"}, tops
    assert "tadka/curate/__init__.py" in names and "tadka/train/__init__.py" in names
    shipped = [n for n in names if n.startswith("tadka/corpora/") and not n.endswith(".py")]
    repo = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "corpora").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    ]
    assert len(shipped) == len(repo) and repo, (shipped, repo)


def test_wheel_imports_in_isolation(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        timeout=600,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = _py(
        "import tadka, tadka.curate; from tadka.corpora import __file__ as c;print(tadka.__file__); print(c)",
        tmp_path,
        env,
    )
    assert proc.returncode == 0, proc.stderr
    assert all(line.startswith(str(site)) for line in proc.stdout.split()), proc.stdout
    for name in TAKEN:
        assert _py(f"import {name}", tmp_path, env).returncode != 0


def test_every_command_help_shows_an_example():
    from click.testing import CliRunner

    from tadka.apps.cli import cli

    runner = CliRunner()
    assert "Example" in runner.invoke(cli, ["--help"]).output
    for name, command in cli.commands.items():
        commands = [[name]]
        if hasattr(command, "commands"):
            commands += [[name, sub] for sub in command.commands]
        for argv in commands:
            result = runner.invoke(cli, [*argv, "--help"])
            assert result.exit_code == 0 and "Example" in result.output, argv
    version = runner.invoke(cli, ["--version"])
    assert version.exit_code == 0 and "tadka" in version.output
