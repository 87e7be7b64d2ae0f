"""``self-instruct``: new tasks from the seed pool, kept only when they are new (Wang et al. 2023).

Each request shows the input seed and other seeds of its domain and asks for one new task of a
given type (question, steps, a message to draft …, rotated by index) with its response. An answer
whose instruction is too close to anything in the pool — the seed tasks in both languages and every
instruction this recipe has already accepted — is dropped: ROUGE-L F1 over word tokens at or above
``rouge_max`` (0.7, the paper's threshold) means "not new".

ROUGE-L is computed with rapidfuzz's ``LCSseq`` over token lists (``process.cdist`` against the
whole pool at once): its bit-parallel C++ LCS is exact and thousands of times faster than a Python
dynamic programme, so the check stays cheap as the pool grows to tens of thousands.
"""

from __future__ import annotations

import re

from tadka.curate.generate.recipes.base import Parsed, recipes
from tadka.curate.generate.recipes.prompting import DOMAIN_NOTES, TeacherRecipe, rng_for
from tadka.curate.generate.teachers.base import Request
from tadka.records import Record

TASK_TYPES = (
    "a direct question",
    "how-to steps for a task",
    "drafting a short SMS, WhatsApp message or complaint",
    "explaining a term or a rule in simple words",
    "comparing two options and recommending one",
    "advice for a specific situation",
    "a checklist of documents or things to do",
    "a quick calculation or conversion (amounts, dates, units)",
)
_WORD = re.compile(r"\w+", re.UNICODE)


def rouge_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class RougePool:
    """Texts seen so far, and the best ROUGE-L F1 of a new text against all of them."""

    def __init__(self, texts: list[str] = ()) -> None:
        self.tokens: list[list[str]] = []
        self.ids: list[str] = []
        for text in texts:
            self.add(text)

    def add(self, text: str, ident: str = "") -> None:
        toks = rouge_tokens(text)
        if toks:
            self.tokens.append(toks)
            self.ids.append(ident)

    def best(self, text: str) -> tuple[float, str]:
        """(highest ROUGE-L F1 against the pool, the id of that text) — (0.0, "") for an empty pool."""
        from rapidfuzz import process
        from rapidfuzz.distance import LCSseq

        toks = rouge_tokens(text)
        if not toks or not self.tokens:
            return 0.0, ""
        lcs = process.cdist([toks], self.tokens, scorer=LCSseq.similarity, workers=1)[0]
        best_i, best_f = 0, 0.0
        for i, (common, other) in enumerate(zip(lcs, self.tokens)):
            f = 2.0 * float(common) / (len(toks) + len(other))
            if f > best_f:
                best_i, best_f = i, f
        return best_f, self.ids[best_i]


@recipes.register("self-instruct")
class SelfInstruct(TeacherRecipe):
    """Options: ``rouge_max`` (0.7), ``shots`` (examples per prompt, 3)."""

    name = "self-instruct"
    template = "self_instruct.j2"

    @property
    def rouge_max(self) -> float:
        return float(self.options.get("rouge_max", 0.7))

    @property
    def pool(self) -> RougePool:
        if getattr(self, "_pool", None) is None:
            self._pool = RougePool()
            for task in self.tasks:
                for side in ("hi_latn", "en"):
                    text = (task.get(side) or {}).get("instruction")
                    if text:
                        self._pool.add(text, f"seed:{task['id']}")
        return self._pool

    def prompt(self, record: Record, index: int) -> Request:
        domain = self.domain_for(record, index)
        rng = rng_for("self-instruct", record.id, index, self.options.get("seed", 0))
        task = self.task_of(record)
        shots = int(self.options.get("shots", 3))
        examples = self.examples(domain, shots - (1 if task else 0), rng, exclude={task["id"]} if task else set())
        if task and (task.get("hi_latn") or {}).get("instruction"):
            examples.insert(
                0,
                {
                    "id": task["id"],
                    "domain": domain,
                    "instruction": task["hi_latn"]["instruction"],
                    "response": task["hi_latn"]["response"],
                    "en": task.get("en") or {},
                },
            )
        task_type = TASK_TYPES[(index + rng_for(record.id).randrange(len(TASK_TYPES))) % len(TASK_TYPES)]
        request = self.request(
            record,
            index,
            examples=examples,
            domain=domain,
            task_type=task_type,
            domain_note=DOMAIN_NOTES.get(domain, domain),
        )
        request.meta["domain"] = domain
        return request

    def parse(self, text: str, request: Request) -> Parsed:
        parsed = self.parse_pair(text, request)
        if parsed.record is None:
            return parsed
        instruction = parsed.record.messages[0]["content"]
        score, near = self.pool.best(instruction)
        if score >= self.rouge_max:
            return Parsed(None, f"not novel: ROUGE-L {score:.2f} against {near or 'an earlier answer'}", raw=text)
        self.pool.add(instruction, f"generated:{parsed.record.id}")
        return parsed
