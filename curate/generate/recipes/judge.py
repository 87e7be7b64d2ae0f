"""``judge``: rubric scores for existing records — naturalness, correctness, helpfulness, safety, focus.

LLM-as-a-judge (Zheng et al. 2023) with a written 1–5 rubric per criterion and a reason for each
score. The record comes back unchanged except for ``scores``: ``judge_<criterion>`` and
``judge_overall`` (their mean), which the curate stage's ``judge`` step thresholds. The reasons
do not fit ``scores`` (numbers only); they are kept per record id in :attr:`Judge.reasons`, and the
raw JSON is in the answer the orchestration already logs. A judge answer is about a record, not a
new text, so ``measure_cmi`` is off: there is nothing to re-measure or retry.
"""

from __future__ import annotations

from tadka.curate.generate.recipes.base import Parsed, recipes
from tadka.curate.generate.recipes.prompting import TeacherRecipe, rng_for
from tadka.curate.generate.teachers.base import Request
from tadka.records import Record

# ``focus`` is the junk gates' blind spot: the rules of curate/filters catch boilerplate in the wordings and
# registers they were built on, and held-out rounds in new registers (bench/junk_rounds.md) leak a fifth to a
# third of their openers and closings; telling a shop's plug from the answer needs a reader.
CRITERIA = ("naturalness", "correctness", "helpfulness", "safety", "focus")
_SCORE = {
    "type": "object",
    # an enum, not minimum/maximum: llama-cpp-python's schema-to-grammar (0.3.36) ignores the bounds, so a constrained
    # small model wrote 0, 7 and 8 (every such answer a failed request); the enum becomes part of the grammar
    "properties": {"score": {"type": "integer", "enum": [1, 2, 3, 4, 5]}, "reason": {"type": "string"}},
    "required": ["score", "reason"],
}
JUDGE_SCHEMA = {"type": "object", "properties": {c: _SCORE for c in CRITERIA}, "required": list(CRITERIA)}


@recipes.register("judge")
class Judge(TeacherRecipe):
    name = "judge"
    template = "judge.j2"
    json_schema = JUDGE_SCHEMA
    measure_cmi = False
    annotates = True

    def __init__(self, target, **options) -> None:
        super().__init__(target, **options)
        self.reasons: dict[str, dict[str, str]] = {}

    def prompt(self, record: Record, index: int) -> Request:
        rng = rng_for("judge", record.id, index, self.options.get("seed", 0))
        anchor = self.examples(self.domain_for(record, index), 1, rng)[0]
        conversation = [m for m in record.messages if m["role"] != "system"]
        request = self.request(record, index, anchor=anchor, conversation=conversation)
        request.meta["record"] = record.to_dict()
        return request

    def parse(self, text: str, request: Request) -> Parsed:
        value, problem = self.read_json(text)
        if problem is not None:
            return Parsed(None, f"not the JSON asked for: {problem}", raw=text)
        record = Record.from_dict(request.meta["record"], validate=False)
        scores = {f"judge_{c}": float(value[c]["score"]) for c in CRITERIA}
        scores["judge_overall"] = round(sum(scores.values()) / len(CRITERIA), 3)
        record.scores.update(scores)
        self.reasons[record.id] = {c: str(value[c]["reason"]) for c in CRITERIA}
        return Parsed(record, raw=text)

    def corrective(self, request: Request, text: str, measured: float, band=None, attempt: int = 1) -> Request:
        """A judge answer has no CMI of its own; a retry just asks again."""
        return Request(list(request.messages), {**request.meta, "attempt": attempt})
