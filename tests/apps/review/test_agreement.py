"""Agreement statistics against published worked examples (and scikit-learn where installed)."""

from __future__ import annotations

import pytest

from tadka.review.agreement import agreement, cohen_kappa, fleiss_kappa, krippendorff_alpha


def test_fleiss_kappa_matches_fleiss_1971_example():
    # 10 subjects, 14 raters, 5 categories (the example in Fleiss 1971 / Wikipedia): kappa = 0.210
    table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
    items = [[k for k, c in enumerate(row) for _ in range(c)] for row in table]
    assert fleiss_kappa(items) == pytest.approx(0.2099, abs=1e-4)


def test_krippendorff_alpha_matches_krippendorff_2011_example():
    # 4 observers, 12 units, missing values ('.'): nominal alpha = 0.743
    obs = ["1 2 3 3 2 1 4 1 2 . . .", "1 2 3 3 2 2 4 1 2 5 . 3", ". 3 3 3 2 3 4 2 2 5 1 .", "1 2 3 3 2 4 4 1 2 5 1 ."]
    units = [[v for v in col if v != "."] for col in zip(*(o.split() for o in obs))]
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)


def test_cohen_kappa_matches_scikit_learn():
    sklearn = pytest.importorskip("sklearn.metrics", reason="scikit-learn not installed (only used to cross-check)")
    a = ["keep", "drop", "keep", "keep", "drop", "edit", "keep", "drop", "edit", "edit"]
    b = ["keep", "drop", "drop", "keep", "drop", "edit", "edit", "drop", "edit", "keep"]
    assert cohen_kappa(a, b) == pytest.approx(sklearn.cohen_kappa_score(a, b))


def test_hand_computed_cohen_kappa_and_undefined_cases():
    # po = 0.75, pe = 0.5 -> 0.5
    assert cohen_kappa(["y", "y", "n", "n"], ["y", "n", "n", "n"]) == pytest.approx(0.5)
    assert cohen_kappa(["y", "y"], ["y", "y"]) is None
    assert fleiss_kappa([]) is None and krippendorff_alpha([["a"]]) is None
    with pytest.raises(ValueError):
        fleiss_kappa([["a", "b"], ["a"]])


def test_agreement_report_from_labels():
    rows = [
        {"record_id": r, "reviewer": who, "label": lab}
        for r, who, lab in [
            ("r1", "asha", "accepted"),
            ("r1", "ravi", "edited"),  # keep / keep
            ("r2", "asha", "rejected"),
            ("r2", "ravi", "accepted"),  # drop / keep
            ("r3", "asha", "rejected"),
            ("r3", "ravi", "rejected"),
            ("r4", "asha", "accepted"),  # single-reviewed: left out
        ]
    ]
    report = agreement(rows)
    assert report.double_reviewed == 3 and report.disagreements == ["r2"]
    (pair,) = report.pairs
    assert (pair.a, pair.b, pair.records) == ("asha", "ravi", 3) and pair.percent == pytest.approx(2 / 3)
    assert pair.kappa == pytest.approx(cohen_kappa(["keep", "drop", "drop"], ["keep", "keep", "drop"]))
    assert report.fleiss_raters == 2 and report.alpha is not None
    three = agreement(rows, collapse=False)
    assert three.disagreements == ["r1", "r2"]
