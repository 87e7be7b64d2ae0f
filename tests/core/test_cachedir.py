"""One cache directory variable: TADKA_CACHE_DIR, XDG default, TADKA_CACHE still read with a warning."""

import pytest

from tadka.cachedir import cache_dir


def test_tadka_cache_dir_wins_then_the_old_name_then_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("TADKA_CACHE_DIR", raising=False)
    monkeypatch.delenv("TADKA_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "tadka"
    monkeypatch.setenv("TADKA_CACHE", str(tmp_path / "old"))
    with pytest.warns(DeprecationWarning, match="TADKA_CACHE_DIR"):
        assert cache_dir() == tmp_path / "old"
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path / "new"))
    assert cache_dir() == tmp_path / "new"


def test_the_language_models_and_the_base_models_share_it(monkeypatch, tmp_path):
    from tadka.lang.resources import cache_dir as lang_cache

    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path))
    assert lang_cache() == tmp_path / "lang" and lang_cache().is_dir()
