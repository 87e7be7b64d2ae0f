"""Pick the variant to ship by a stated rule: among the variants whose latency fits the budget and whose
Hinglish fidelity is at least the floor, the lowest perplexity (``select_by: ppl``) or the best chrF
against the reference answers (``select_by: chrf``); the runner-up is kept so the CLI can name it.

Latency is ms per decoded token or time to first token (``compress.latency``) at one thread count
(``compress.select_threads``, default the largest benched). Fidelity and chrF come from the student
eval (``row["eval"]``, see :mod:`tadka.compress.eval_run`); a variant with no eval figures never passes
a fidelity floor. Ties go to the smaller file. When nothing qualifies, :class:`BudgetError` says in one
line what was missed: the closest variant to the budget and by how much, or — with a floor — which
variants were fast enough and how faithful they were, and the most faithful one's latency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tadka.compress.bench import latency
from tadka.errors import TadkaError


class BudgetError(TadkaError):
    """No variant meets the latency budget (and the fidelity floor)."""


LABEL = {"per_token": "ms per token", "ttft": "ms to first token"}
RULES = {"ppl": "lowest perplexity", "chrf": "best chrF"}


def fidelity(row: dict[str, Any]) -> float | None:
    return (row.get("eval") or {}).get("fidelity")


def chrf(row: dict[str, Any]) -> float | None:
    return (row.get("eval") or {}).get("chrf")


@dataclass(frozen=True)
class Choice:
    row: dict[str, Any]
    latency_ms: float
    threads: int
    kind: str
    budget_ms: float
    min_fidelity: float = 0.0
    rule: str = "ppl"
    runner_up: dict[str, Any] | None = None
    runner_up_ms: float | None = None

    @property
    def name(self) -> str:
        return self.row["name"]

    def rule_text(self) -> str:
        """The rule in words: '<rule> among variants within <budget> at <threads> thread(s) with fidelity >= X'."""
        parts = [f"{RULES[self.rule]} among the variants"]
        if self.budget_ms:
            parts.append(f"within {self.budget_ms:g} {LABEL[self.kind]} at {self.threads} thread(s)")
        if self.min_fidelity:
            parts.append(f"with Hinglish fidelity >= {self.min_fidelity:g}")
        return " ".join(parts)


def describe(row: dict[str, Any], ms: float | None = None) -> str:
    """'gguf:q8_0 (ppl 12.3, chrF 31.2, fidelity 0.85, 9.1 ms)': the figures a choice is made on."""
    bits = [
        f"ppl {row['ppl']:.3f}" if row.get("ppl") is not None else None,
        f"chrF {chrf(row):.1f}" if chrf(row) is not None else None,
        f"fidelity {fidelity(row):.2f}" if fidelity(row) is not None else None,
        f"{ms:.1f} ms" if ms is not None else None,
    ]
    return f"{row['name']} ({', '.join(b for b in bits if b)})"


def eligible(report: dict[str, Any], rule: str = "ppl") -> list[dict[str, Any]]:
    """Variants that may be shipped: asked for, benched without error, with the figure the rule ranks by."""
    ranked = (lambda v: v.get("ppl") is not None) if rule == "ppl" else (lambda v: chrf(v) is not None)
    return [v for v in report["variants"] if v.get("requested", True) and "error" not in v and ranked(v)]


def _rank(rule: str):
    if rule == "chrf":
        return lambda t: (-chrf(t[0]), t[0]["size_bytes"])
    return lambda t: (t[0]["ppl"], t[0]["size_bytes"])


def _refuse_floor(timed, fits, budget_ms: float, threads: int, kind: str, min_fidelity: float) -> BudgetError:
    """One line: which variants were fast enough (and their fidelity), and the most faithful one's latency."""
    fast = (
        ", ".join(
            f"{v['name']} ({'no eval' if fidelity(v) is None else f'fidelity {fidelity(v):.2f}'})"
            for v, _ in sorted(fits, key=lambda t: -(fidelity(t[0]) or 0.0))
        )
        or "none"
    )
    best = max(timed, key=lambda t: fidelity(t[0]) if fidelity(t[0]) is not None else -1.0)
    best_fid = fidelity(best[0])
    budget = f"{budget_ms:g} {LABEL[kind]} at {threads} thread(s)" if budget_ms else "no latency budget"
    most = (
        f"the most faithful is {best[0]['name']} at {best_fid:.2f} ({best[1]:.1f} ms)"
        if best_fid is not None
        else "no variant has eval figures"
    )
    return BudgetError(
        f"no variant meets both {budget} and Hinglish fidelity >= {min_fidelity:g}: within the budget {fast}; {most}",
        field="--min-fidelity",
        hint="lower --min-fidelity, raise the budget, or train longer on Hinglish answers",
    )


def choose(
    report: dict[str, Any],
    budget_ms: float,
    threads: int,
    kind: str = "per_token",
    *,
    min_fidelity: float = 0.0,
    rule: str = "ppl",
) -> Choice:
    """The best eligible variant by ``rule`` within ``budget_ms`` (0: no budget) at ``threads`` whose
    fidelity is at least ``min_fidelity`` (0: no floor); raises BudgetError in one line when none is."""
    timed = [(v, latency(v, threads, kind)) for v in eligible(report, rule)]
    timed = [(v, ms) for v, ms in timed if ms is not None]
    if not timed:
        failed = [f"{v['name']} ({v['error']})" for v in report["variants"] if "error" in v]
        what = "benched successfully" if rule == "ppl" else "benched and evaluated (chrF) successfully"
        raise BudgetError(f"no variant was {what}" + (f": {'; '.join(failed)}" if failed else ""), field="--formats")
    fits = [(v, ms) for v, ms in timed if not budget_ms or ms <= budget_ms]
    if not fits and not min_fidelity:
        v, ms = min(timed, key=lambda t: t[1])
        over = ms - budget_ms
        raise BudgetError(
            f"no variant meets {budget_ms:g} {LABEL[kind]} at {threads} thread(s): the closest is {v['name']} at "
            f"{ms:.1f} ms, {over:.1f} ms ({over / budget_ms:.0%}) over",
            field="--budget-ms",
            hint="raise the budget, add threads, or add a smaller format such as gguf:q4_k_m",
        )
    good = [(v, ms) for v, ms in fits if not min_fidelity or (fidelity(v) is not None and fidelity(v) >= min_fidelity)]
    if not good:
        raise _refuse_floor(timed, fits, budget_ms, threads, kind, min_fidelity)
    ranked = sorted(good, key=_rank(rule))
    (v, ms), second = ranked[0], ranked[1] if len(ranked) > 1 else (None, None)
    return Choice(v, ms, threads, kind, budget_ms, min_fidelity, rule, second[0], second[1])
