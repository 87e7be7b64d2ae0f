"""``evol-instruct``: make a task deeper, more concrete, more constrained or broader (Xu et al. 2023).

The k-th request from one input applies operation ``k mod 4`` (deepen, concretise, add
constraints, broaden — WizardLM's in-depth and in-breadth evolving), so asking for several
records per input walks through all four. As in the paper's elimination step, an evolved task that
barely changed (ROUGE-L F1 ≥ ``same_max`` against the original, default 0.9) is dropped.
"""

from __future__ import annotations

from tadka.curate.generate.recipes.base import Parsed, recipes
from tadka.curate.generate.recipes.prompting import DOMAIN_NOTES, TeacherRecipe, first_user, rng_for
from tadka.curate.generate.recipes.self_instruct import RougePool
from tadka.curate.generate.teachers.base import Request
from tadka.records import Record

OPERATIONS = {
    "deepen": "make the task need more reasoning: ask about the why, a trade-off or an edge case, so that a "
    "good answer needs more than one fact.",
    "concretise": "replace general words with a concrete situation: a specific place, amount, date or the "
    "person's circumstances (invented but realistic, with no real personal data).",
    "constrain": "add one or two requirements: a format (steps, a table, a short message), a length, a budget, a "
    "deadline, or something the answer must avoid.",
    "broaden": "write a new task on a related but less common topic of the same domain, of similar difficulty "
    "and length.",
}


@recipes.register("evol-instruct")
class EvolInstruct(TeacherRecipe):
    """Options: ``operations`` (subset and order of the four), ``same_max`` (0.9), ``shots`` (2)."""

    name = "evol-instruct"
    template = "evol_instruct.j2"

    @property
    def operations(self) -> list[str]:
        ops = list(self.options.get("operations") or OPERATIONS)
        unknown = [o for o in ops if o not in OPERATIONS]
        if unknown:
            from tadka.errors import ConfigError

            raise ConfigError(f"unknown evol-instruct operation {unknown[0]!r}", hint=f"one of {', '.join(OPERATIONS)}")
        return ops

    def prompt(self, record: Record, index: int) -> Request:
        operation = self.operations[index % len(self.operations)]
        domain = self.domain_for(record, index)
        task = self.task_of(record)
        rng = rng_for("evol-instruct", record.id, index, self.options.get("seed", 0))
        examples = self.examples(domain, self.shots, rng, exclude={task["id"]} if task else set())
        request = self.request(
            record,
            index,
            instruction=first_user(record),
            operation=operation,
            operation_note=OPERATIONS[operation],
            examples=examples,
            domain=domain,
            domain_note=DOMAIN_NOTES.get(domain, domain),
        )
        request.meta.update({"operation": operation, "original": first_user(record), "domain": domain})
        return request

    def parse(self, text: str, request: Request) -> Parsed:
        operation = request.meta.get("operation", "")
        parsed = self.parse_pair(text, request, ops=[f"evol-instruct:{operation}"] if operation else None)
        if parsed.record is None:
            return parsed
        score, _ = RougePool([request.meta.get("original", "")]).best(parsed.record.messages[0]["content"])
        if score >= float(self.options.get("same_max", 0.9)):
            return Parsed(
                None, f"evolution did not change the task (ROUGE-L {score:.2f} against the original)", raw=text
            )
        return parsed
