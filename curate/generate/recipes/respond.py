"""``respond``: the assistant's answer to a conversation's last user turn, in Hinglish at the target.

For instruction-only sets (a stage of questions, or evolved tasks to re-answer with a stronger
teacher): the input's turns up to its last user turn go to the teacher as real chat turns, after a
system prompt with the target and few-shot examples (a different draw of examples for each index,
so several answers per input are different requests). The answer is plain text, not JSON.
"""

from __future__ import annotations

import re

from tadka.curate.generate.recipes.base import Parsed, recipes
from tadka.curate.generate.recipes.prompting import TeacherRecipe, rng_for
from tadka.curate.generate.teachers.base import Request
from tadka.records import Record

_PREFIX = re.compile(r"^\s*(?:assistant|jawab|answer|response)\s*:\s*", re.IGNORECASE)


def strip_answer(text: str) -> str:
    """The answer without a role prefix or quotes wrapped around the whole of it."""
    text = _PREFIX.sub("", text.strip())
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    return text


@recipes.register("respond")
class Respond(TeacherRecipe):
    name = "respond"
    template = "respond.j2"
    json_schema = None

    def prompt(self, record: Record, index: int) -> Request:
        turns = [m for m in record.messages if m["role"] != "system"]
        while turns and turns[-1]["role"] != "user":
            turns = turns[:-1]
        if not turns:
            raise ValueError("the input has no user turn to answer")
        rng = rng_for("respond", record.id, index, self.options.get("seed", 0))
        task = self.task_of(record)
        exclude = {task["id"]} if task else set()
        examples = self.examples(self.domain_for(record, index), self.shots, rng, exclude=exclude)
        request = self.request(record, index, examples=examples)
        system = request.messages[0]
        request.messages[:] = [system] + [{"role": m["role"], "content": m["content"]} for m in turns]
        request.meta["turns"] = len(turns)
        return request

    def parse(self, text: str, request: Request) -> Parsed:
        answer = strip_answer(text or "")
        if not answer:
            return Parsed(None, "empty answer", raw=text)
        turns = request.messages[1 : 1 + request.meta.get("turns", len(request.messages) - 1)]
        parsed = self.make_record([*turns, {"role": "assistant", "content": answer}], request)
        return parsed if parsed.record is not None else Parsed(None, parsed.reason, raw=text)
