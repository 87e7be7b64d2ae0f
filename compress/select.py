"""Pick the variant to ship: the lowest perplexity among those whose latency fits the budget.

Latency is ms per decoded token or time to first token (``compress.latency``) at one thread count
(``compress.select_threads``, default the largest benched). Ties in perplexity go to the smaller file.
When nothing fits, :class:`BudgetError` names the closest variant and by how much it misses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tadka.compress.bench import latency
from tadka.errors import TadkaError


class BudgetError(TadkaError):
    """No variant meets the latency budget."""


@dataclass(frozen=True)
class Choice:
    row: dict[str, Any]
    latency_ms: float
    threads: int
    kind: str
    budget_ms: float

    @property
    def name(self) -> str:
        return self.row["name"]


LABEL = {"per_token": "ms per token", "ttft": "ms to first token"}


def eligible(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Variants that may be shipped: asked for, benched without error, with a perplexity."""
    return [v for v in report["variants"] if v.get("requested", True) and "error" not in v and v.get("ppl") is not None]


def choose(report: dict[str, Any], budget_ms: float, threads: int, kind: str = "per_token") -> Choice:
    """The lowest-perplexity eligible variant within ``budget_ms`` (0: no budget) at ``threads``."""
    timed = [(v, latency(v, threads, kind)) for v in eligible(report)]
    timed = [(v, ms) for v, ms in timed if ms is not None]
    if not timed:
        failed = [f"{v['name']} ({v['error']})" for v in report["variants"] if "error" in v]
        raise BudgetError("no variant was benched successfully" + (f": {'; '.join(failed)}" if failed else ""),
                          field="--formats")
    fits = [(v, ms) for v, ms in timed if not budget_ms or ms <= budget_ms]
    if not fits:
        v, ms = min(timed, key=lambda t: t[1])
        over = ms - budget_ms
        raise BudgetError(
            f"no variant meets {budget_ms:g} {LABEL[kind]} at {threads} thread(s): the closest is {v['name']} at "
            f"{ms:.1f} ms, {over:.1f} ms ({over / budget_ms:.0%}) over", field="--budget-ms",
            hint="raise the budget, add threads, or add a smaller format such as gguf:q4_k_m")
    v, ms = min(fits, key=lambda t: (t[0]["ppl"], t[0]["size_bytes"]))
    return Choice(v, ms, threads, kind, budget_ms)
