"""Do reviewers agree? Cohen's kappa (two reviewers), Fleiss' kappa (more), Krippendorff's alpha.

Computed on double-reviewed records from each reviewer's standing label in review.db. Written here
rather than taken from scikit-learn / statsmodels / krippendorff: each statistic is a few lines over
a small count table, and those packages would add 100+ MB (and numpy/scipy pins) to the core install
for three formulas. The tests check them against the published worked examples (Fleiss 1971;
Krippendorff 2011) and against scikit-learn where it is installed.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Hashable, Sequence

# For agreement an edit is a "keep": the reviewer kept the sample (and fixed it).
KEEP_OR_DROP = {"accepted": "keep", "edited": "keep", "rejected": "drop"}


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters over the same items; None when undefined (one label only)."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa: every item rated by the same number (≥ 2) of raters, not necessarily the same ones."""
    items = [list(i) for i in items]
    if not items:
        return None
    m = len(items[0])
    if m < 2 or any(len(i) != m for i in items):
        raise ValueError("Fleiss' kappa needs the same number (>= 2) of ratings per item")
    n = len(items)
    totals: Counter = Counter()
    p_items = 0.0
    for ratings in items:
        counts = Counter(ratings)
        totals.update(counts)
        p_items += (sum(c * c for c in counts.values()) - m) / (m * (m - 1))
    p_bar = p_items / n
    p_e = sum((c / (n * m)) ** 2 for c in totals.values())
    if p_e == 1:
        return None
    return (p_bar - p_e) / (1 - p_e)


def krippendorff_alpha(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal labels; units may have any number of ratings (missing data).

    Units with fewer than two ratings carry no pairable values and are left out, as in the definition.
    """
    coincidence: dict[tuple, float] = defaultdict(float)
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            coincidence[(values[i], values[j])] += 1 / (m - 1)
    n_c: defaultdict = defaultdict(float)
    for (c, _k), w in coincidence.items():
        n_c[c] += w
    n = sum(n_c.values())
    if n <= 1:
        return None
    disagree = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    if expected == 0:
        return None
    return 1 - (n - 1) * disagree / expected


@dataclass
class PairAgreement:
    a: str
    b: str
    records: int
    percent: float
    kappa: float | None


@dataclass
class AgreementReport:
    """Agreement on the records that two or more reviewers labelled."""

    double_reviewed: int = 0
    pairs: list[PairAgreement] = field(default_factory=list)
    fleiss_raters: int = 0
    fleiss_records: int = 0
    fleiss: float | None = None
    alpha: float | None = None
    disagreements: list[str] = field(default_factory=list)


def agreement(labels: Sequence[dict], *, collapse: bool = True) -> AgreementReport:
    """From rows {record_id, reviewer, label} (one per reviewer and record) to the three statistics.

    ``collapse`` compares keep (accepted or edited) against drop (rejected), which is what decides
    the training set; without it accepted, edited and rejected are three categories.
    """
    by_record: dict[str, dict[str, str]] = defaultdict(dict)
    for row in labels:
        label = KEEP_OR_DROP.get(row["label"], row["label"]) if collapse else row["label"]
        by_record[row["record_id"]][row["reviewer"]] = label
    multi = {rid: r for rid, r in by_record.items() if len(r) >= 2}
    report = AgreementReport(double_reviewed=len(multi))
    if not multi:
        return report
    report.disagreements = sorted(rid for rid, r in multi.items() if len(set(r.values())) > 1)
    reviewers = sorted({who for r in multi.values() for who in r})
    for a, b in itertools.combinations(reviewers, 2):
        shared = [r for r in multi.values() if a in r and b in r]
        if shared:
            xs, ys = [r[a] for r in shared], [r[b] for r in shared]
            report.pairs.append(
                PairAgreement(a, b, len(shared), sum(x == y for x, y in zip(xs, ys)) / len(shared), cohen_kappa(xs, ys))
            )
    # Fleiss needs a constant number of raters: use the most common count among double-reviewed records.
    m = Counter(len(r) for r in multi.values()).most_common(1)[0][0]
    same_m = [list(r.values()) for r in multi.values() if len(r) == m]
    report.fleiss_raters, report.fleiss_records, report.fleiss = m, len(same_m), fleiss_kappa(same_m)
    report.alpha = krippendorff_alpha([list(r.values()) for r in multi.values()])
    return report
