"""Quality figures for `tadka curate`, printed by bench/curate.py: PII (beside Presidio). The junk
gates' figures are in bench/curate_junk.py (the rounds' story in bench/junk_rounds.md).

Every figure is computed on data shipped in corpora/ or generated here with a fixed seed; peers run in
their own venvs (bench/README.md).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = Path(os.environ.get("TADKA_PEERS", "/tmp/tadka-peers"))
MARK = re.compile(r"\{\{(\w+):(.*?)\}\}")
# Presidio entity → tadka kind (Presidio has no UPI, IFSC or driving-licence recogniser for India)
PRESIDIO_KINDS = {
    "IN_AADHAAR": "aadhaar",
    "IN_PAN": "pan",
    "IN_PASSPORT": "passport",
    "IN_VOTER": "voter",
    "IN_VEHICLE_REGISTRATION": "vehicle",
    "IN_GSTIN": "gstin",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "CREDIT_CARD": "card",
}


# -- PII ------------------------------------------------------------------------------------------
def load_pii_set(name: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, gold spans) per line of the tuning set (corpora/pii/pii_tune.tsv), the held-out set
    (corpora/eval/pii_heldout.tsv) or the stress set (corpora/eval/pii_stress.tsv); ``{{kind:value}}``
    marks a span."""
    rows = []
    folder = "pii" if name == "tune" else "eval"
    lines = (ROOT / "corpora" / folder / f"pii_{name}.tsv").read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        _, marked = line.split("\t", 1)
        parts, spans, at = [], [], 0
        for m in MARK.finditer(marked):
            parts.append(marked[at : m.start()])
            start = sum(map(len, parts))
            parts.append(m.group(2))
            spans.append((start, start + len(m.group(2)), m.group(1)))
            at = m.end()
        parts.append(marked[at:])
        rows.append(("".join(parts), spans))
    return rows


def score_spans(rows, predicted) -> dict:
    """Span-level P/R: a prediction is right when it overlaps a gold span of the same kind."""
    tp, fp, fn = Counter(), Counter(), Counter()
    native = [0, 0]  # gold spans written with non-ASCII digits: found, total
    for (text, gold), pred in zip(rows, predicted):
        used = set()
        for g in gold:
            hit = next((p for p in pred if p[2] == g[2] and p[0] < g[1] and g[0] < p[1] and p not in used), None)
            non_ascii = any(unicodedata.category(c) == "Nd" and not c.isascii() for c in text[g[0] : g[1]])
            native[1] += non_ascii
            if hit:
                used.add(hit)
                tp[g[2]] += 1
                native[0] += non_ascii
            else:
                fn[g[2]] += 1
        for p in pred:
            if p not in used:
                fp[p[2]] += 1
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    kinds = sorted(set(tp) | set(fp) | set(fn))
    return {
        "precision": round(t / max(1, t + f), 3),
        "recall": round(t / max(1, t + n), 3),
        "tp": t,
        "fp": f,
        "fn": n,
        "native_digits_found": f"{native[0]}/{native[1]}",
        "per_kind": {
            k: {"recall": round(tp[k] / max(1, tp[k] + fn[k]), 3), "gold": tp[k] + fn[k], "fp": fp[k]} for k in kinds
        },
    }


def tadka_spans(rows) -> list[list[tuple[int, int, str]]]:
    from tadka.curate.filters.pii import detect

    return [[(s.start, s.end, s.kind) for s in detect(text)] for text, _ in rows]


def presidio_spans(rows, python: Path) -> tuple[str, list[list[tuple[int, int, str, float]]]]:
    """Presidio's spans (kind-mapped, with scores), run in its own venv; raises when it is missing."""
    if not python.exists():
        raise FileNotFoundError(f"{python} (make the Presidio venv: bench/README.md)")
    proc = subprocess.run(
        [str(python), str(ROOT / "bench" / "peers" / "presidio_pii.py")],
        input=json.dumps({"texts": [t for t, _ in rows]}),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode:
        raise RuntimeError(proc.stderr[-2000:])
    data = json.loads(proc.stdout)
    spans = [
        [(s, e, PRESIDIO_KINDS[k], score) for s, e, k, score in text_spans if k in PRESIDIO_KINDS]
        for text_spans in data["spans"]
    ]
    return data["presidio"], spans


def _at(spans, threshold: float):
    return [[(s, e, k) for s, e, k, score in text if score >= threshold] for text in spans]


def only_kinds(rows, predicted, kinds):
    rows = [(t, [g for g in gold if g[2] in kinds]) for t, gold in rows]
    return rows, [[p for p in pred if p[2] in kinds] for pred in predicted]


def part_pii(presidio_python: Path | None = None) -> dict:
    """tadka vs Presidio on the held-out set; Presidio's score threshold picked on the tuning set.

    Both labelled sets share one generator of identifier formats (7 phone layouts, 5 Aadhaar
    layouts …), so ``stress`` (corpora/eval/pii_stress.tsv, 44 lines typed by hand after every rule
    was fixed: dotted and double-spaced Aadhaar, "(+91)" and 4-3-3 phones, Gujarati digits, spelled-out
    e-mails, masked Aadhaar, spaced OTPs, PF and enrolment numbers) is scored too, for both. Its
    first run: tadka P 1.000 R 0.923 (a dotted and a double-spaced Aadhaar missed), Presidio P 0.750
    R 0.577; the Aadhaar separators were then widened, so tadka's figure on it is tuned now."""
    tune, held, stress = load_pii_set("tune"), load_pii_set("heldout"), load_pii_set("stress")
    out: dict = {
        "set": "corpora/eval/pii_heldout.tsv (never tuned on)",
        "lines": len(held),
        "negative_lines": sum(1 for _, g in held if not g),
        "gold_spans": sum(len(g) for _, g in held),
        "tadka": score_spans(held, tadka_spans(held)),
        "tadka_on_tuning_set": score_spans(tune, tadka_spans(tune)),
        "tadka_on_stress_set": score_spans(stress, tadka_spans(stress)),
    }
    python = presidio_python or PEERS / "presidio" / "bin" / "python"
    try:
        version, p_tune = presidio_spans(tune, python)
        _, p_held = presidio_spans(held, python)
        _, p_stress = presidio_spans(stress, python)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as e:
        out["presidio"] = f"not run: {e}"
        return out
    grid = sorted({0.0, *(s for text in p_tune for *_, s in text)})

    def f1(r):
        return 2 * r["precision"] * r["recall"] / max(1e-9, r["precision"] + r["recall"])

    best = max(grid, key=lambda th: f1(score_spans(tune, _at(p_tune, th))))
    covered = set(PRESIDIO_KINDS.values())
    out["presidio"] = {
        "version": version,
        "default_threshold_0": score_spans(held, _at(p_held, 0.0)),
        f"threshold_{best:g}_best_f1_on_tuning_set": score_spans(held, _at(p_held, best)),
        "on_stress_set": score_spans(stress, _at(p_stress, best)),
    }
    out["kinds_both_cover"] = {
        "kinds": sorted(covered),
        "tadka": score_spans(*only_kinds(held, tadka_spans(held), covered)),
        "presidio": score_spans(*only_kinds(held, _at(p_held, best), covered)),
    }
    return out
