"""The optional judge: pairwise preference between two variants' answers, asked of the configured teacher.

Built on the curate ``judge`` recipe (its rubric criteria, target block, anchor example, request and
JSON handling; :class:`PairJudge` only changes the question to "A or B?"). LLM judges favour the reply
shown first (Zheng et al. 2023, "position bias"), so every pair is asked twice with the replies swapped:
a variant wins a prompt only when both orders pick it; two different picks, or a tie, count as a tie.
The share of prompts whose two verdicts agree is reported as the judge's consistency, and the tokens
and dollars it cost from the teacher's own accounting (answers cached in cache/teacher.db are free).

Pairs judged: the trained model (adapter, else merged) against the base, and every compressed variant
against the fp32 merged model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from tadka.curate.generate.recipes.judge import CRITERIA, Judge
from tadka.curate.generate.recipes.prompting import rng_for
from tadka.curate.generate.teachers.base import GenParams, Request
from tadka.errors import ConfigError
from tadka.records import Record

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {"winner": {"type": "string", "enum": ["A", "B", "tie"]}, "reason": {"type": "string"}},
    "required": ["winner"],
}


class PairJudge(Judge):
    """The judge recipe asked "which of A and B is better?" (not registered: eval uses it, curate does not)."""

    name = "judge_pair"
    template = "judge_pair.j2"
    json_schema = VERDICT_SCHEMA

    def pair_request(self, turns: list[dict], first: str, second: str, key: str) -> Request:
        record = Record(messages=[*turns, {"role": "assistant", "content": first or "-"}])
        anchor = self.examples(self.domain_for(record, 0), 1, rng_for("judge_pair", key))[0]
        conversation = [m for m in turns if m["role"] != "system"]
        return self.request(
            record,
            0,
            anchor=anchor,
            conversation=conversation,
            a=first or "(empty)",
            b=second or "(empty)",
            criteria=list(CRITERIA),
        )

    def verdict(self, text: str | None) -> str | None:
        """A, B or tie; None when the answer is not the JSON asked for."""
        value, problem = self.read_json(text or "")
        return None if problem is not None else value["winner"]


def combine(first: str | None, swapped: str | None) -> str | None:
    """One prompt's outcome for X (shown as A first, as B second): win, loss, tie, or None if a verdict failed."""
    if first is None or swapped is None:
        return None
    if first == "A" and swapped == "B":
        return "win"
    if first == "B" and swapped == "A":
        return "loss"
    return "tie"


@dataclass
class PairResult:
    x: str
    y: str
    outcomes: list[str | None]
    consistent: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        done = [o for o in self.outcomes if o is not None]
        wins, losses, ties = (done.count(k) for k in ("win", "loss", "tie"))
        return {
            "x": self.x,
            "y": self.y,
            "judged": len(done),
            "failed": len(self.outcomes) - len(done),
            "wins": wins,
            "losses": losses,
            "ties": ties,
            "preference": round((wins + 0.5 * ties) / len(done), 4) if done else None,
            "consistency": round(self.consistent / len(done), 4) if done else None,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6),
        }


def judge_pair(
    teacher, recipe: PairJudge, items: Sequence[tuple[str, list[dict], str, str]], x: str, y: str, params: GenParams
) -> PairResult:
    """``items``: (prompt id, turns, X's answer, Y's answer). Each asked with X first, then with Y first."""
    requests = []
    for pid, turns, ax, ay in items:
        requests.append(recipe.pair_request(turns, ax, ay, f"{pid}:{x}:{y}:0"))
        requests.append(recipe.pair_request(turns, ay, ax, f"{pid}:{x}:{y}:1"))
    results = teacher.generate(requests, params)
    out = PairResult(x, y, [], 0)
    for i in range(0, len(results), 2):
        a, b = results[i], results[i + 1]
        for r in (a, b):
            out.prompt_tokens += r.prompt_tokens
            out.completion_tokens += r.completion_tokens
            out.cost_usd += r.cost_usd
        first = recipe.verdict(a.text) if a.ok else None
        swapped = recipe.verdict(b.text) if b.ok else None
        outcome = combine(first, swapped)
        out.outcomes.append(outcome)
        out.consistent += outcome in ("win", "loss") or (outcome == "tie" and first == swapped == "tie")
    return out


def pairs_to_judge(names: list[str]) -> list[tuple[str, str]]:
    """(trained, base) and (each compressed variant, merged), among the variants that answered."""
    pairs = []
    trained = "adapter" if "adapter" in names else ("merged" if "merged" in names else None)
    if trained and "base" in names:
        pairs.append((trained, "base"))
    if "merged" in names:
        pairs += [(n, "merged") for n in names if n not in ("base", "adapter", "merged")]
    return pairs


def make_judge_teacher(ws):
    """The generate: section's teacher; the offline mixer cannot judge, so it is refused in one line."""
    from tadka.curate.generate.pipeline import make_teacher, resolve

    cfg = ws.config["generate"]
    run = resolve(cfg, ws.config.project.seed)
    if run.teacher == "mixer":
        raise ConfigError(
            "the judge needs a model teacher; generate.teacher is the offline mixer",
            field="eval.judge",
            hint="set generate.model (and generate.base_url for a local server), or turn eval.judge off",
        )
    return make_teacher(run.teacher, cfg, ws), run


def judge_report(
    ws, prompts, rows: list[dict[str, Any]], n: int, echo: Callable[[str], None], teacher=None
) -> dict[str, Any]:
    """Every pair of :func:`pairs_to_judge` on the first ``n`` prompts both variants answered."""
    from tadka.curate.generate.recipes.base import Target

    own = teacher is None
    run = None
    if own:
        teacher, run = make_judge_teacher(ws)
    seed = run.seed if run else (ws.config.project.seed if ws is not None else 0)
    answers = {r["name"]: r.get("answers", {}) for r in rows if r.get("answers")}
    recipe = PairJudge(Target(), seed=seed)
    params = GenParams(temperature=0.0, top_p=1.0, max_tokens=200, seed=0, json_schema=VERDICT_SCHEMA)
    out = []
    try:
        for x, y in pairs_to_judge(list(answers)):
            items = [
                (p.id, p.messages, answers[x][p.id]["greedy"], answers[y][p.id]["greedy"])
                for p in prompts
                if "greedy" in answers[x].get(p.id, {}) and "greedy" in answers[y].get(p.id, {})
            ][:n]
            echo(f"judge {x} vs {y} on {len(items)} prompts (both orders)")
            out.append(judge_pair(teacher, recipe, items, x, y, params).to_dict())
    finally:
        if own:
            teacher.close()
    total = {k: sum(p[k] for p in out) for k in ("prompt_tokens", "completion_tokens")}
    return {
        "teacher": getattr(teacher, "name", "") or type(teacher).__name__,
        "pairs": out,
        **total,
        "cost_usd": round(sum(p["cost_usd"] for p in out), 6),
        "definition": "preference: (wins + ties/2) / judged prompts for the first variant; a win needs the same "
        "pick with the replies in both orders; consistency: share of prompts whose two verdicts agree",
    }
