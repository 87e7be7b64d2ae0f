"""Spelling-variant normalisation."""

from __future__ import annotations

from tadka.lang import canonical_spelling, normalize_spelling, spelling_variants


def test_canonical_spelling():
    assert canonical_spelling("nhi") == "nahi"
    assert canonical_spelling("bohot") == "bahut"
    assert canonical_spelling("Acha") == "Accha"  # a capital stays
    assert canonical_spelling("phone") == "phone"  # no variant: unchanged


def test_spelling_variants():
    assert "nhi" in spelling_variants("nahi")
    assert "nhi" in spelling_variants("nahin")  # from a variant too: the canonical's list


def test_normalize_spelling_only_touches_hindi():
    assert normalize_spelling("mujhe nhi pata yaar, bohot acha hai") == "mujhe nahi pata yaar, bahut accha hai"
    # "me" is a variant of "mein", but here it is English
    assert normalize_spelling("can you call me") == "can you call me"
    assert normalize_spelling("") == ""
    assert normalize_spelling("nhi pata", only_hindi=False) == "nahi pata"
