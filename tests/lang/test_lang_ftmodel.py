"""The fastText model cache: trained once, deterministic, keyed by its inputs, written atomically."""

from __future__ import annotations

import os
import subprocess
import sys

from tadka.lang import ftmodel

LINES = [
    f"__label__hi {w}" for w in ["kya", "nahi", "hai", "bahut", "accha", "samajh", "kamra", "ladka", "pani", "ghar"]
] + [f"__label__en {w}" for w in ["what", "not", "is", "very", "good", "understand", "room", "boy", "water", "house"]]


def spec(name: str, **params) -> ftmodel.ModelSpec:
    base = {"minn": 2, "maxn": 4, "dim": 8, "bucket": 2000, "epoch": 5, "lr": 0.5}
    base.update(params)
    return ftmodel.ModelSpec(
        name, ("lexicon/en_hi.tsv",), tuple(sorted(base.items())), version="test", quantize_cutoff=None
    )


def test_trained_once_then_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return LINES

    s = spec("t-once")
    model = ftmodel.load_or_train(s, build)
    assert model.predict("kya")[0][0] in ("__label__hi", "__label__en")
    ftmodel._LOADED.clear()
    ftmodel.load_or_train(s, build)
    assert calls == [1]
    files = os.listdir(tmp_path / "lang")
    assert files == [os.path.basename(s.path())]  # no temporary training text or partial model left


def test_key_follows_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path))
    assert spec("t", dim=8).path() != spec("t", dim=16).path()
    assert spec("t", dim=8).path() == spec("t", dim=8).path()


def test_deterministic(tmp_path):
    a, b = str(tmp_path / "a.bin"), str(tmp_path / "b.bin")
    params = dict(spec("t").params)
    ftmodel.train_to(a, LINES, params, None)
    ftmodel.train_to(b, LINES, params, None)
    with open(a, "rb") as fa, open(b, "rb") as fb:
        assert fa.read() == fb.read()


def test_import_does_not_load_fasttext():
    code = "import sys, tadka.lang; print('fasttext' in sys.modules, 'indicnlp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300).stdout
    assert out.split() == ["False", "False"]
