"""wordfreq's tables are cached on disk: the table read back is the table built, and an unreadable
cache file is rebuilt rather than trusted."""

from __future__ import annotations

from tadka.lang import frequency


def test_zipf_table_cached_on_disk_equals_built(tmp_path, monkeypatch):
    monkeypatch.setenv("TADKA_CACHE_DIR", str(tmp_path))
    frequency.zipf_table.cache_clear()
    try:
        built = frequency.zipf_table("hi")
        files = list((tmp_path / "lang").glob("zipf-hi-small-*.pkl"))
        assert len(files) == 1 and built
        frequency.zipf_table.cache_clear()
        assert frequency.zipf_table("hi") == built == frequency._build_zipf_table("hi", "small")
        files[0].write_bytes(b"not a pickle")
        frequency.zipf_table.cache_clear()
        assert frequency.zipf_table("hi") == built
    finally:
        frequency.zipf_table.cache_clear()
