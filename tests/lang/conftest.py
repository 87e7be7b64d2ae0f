"""Shared fixtures for the language-core tests: a private model cache for the whole session."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _lang_cache(tmp_path_factory):
    """Train the fastText models once per session into a temporary cache, not ~/.cache/tadka."""
    old = os.environ.get("TADKA_CACHE_DIR")
    os.environ["TADKA_CACHE_DIR"] = str(tmp_path_factory.mktemp("tadka-cache"))
    yield
    if old is None:
        os.environ.pop("TADKA_CACHE_DIR", None)
    else:
        os.environ["TADKA_CACHE_DIR"] = old
