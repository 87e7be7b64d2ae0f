"""``translate``: an English instruction set → Hinglish at the target CMI, protected text intact.

The input is any chat (an imported English set, or a seed task, whose English side is used). The
prompt lists the text that must survive verbatim — code, URLs, e-mail addresses, numbers — and
:meth:`Translate.parse` checks it did: an answer that lost or changed one is dropped with the
reason, because a translation that changes "₹2,000" or a URL is worse than none. Named entities
(capitalised words inside a sentence, like "IRCTC" or "Agmarknet") are asked for in the prompt and
checked loosely: a missing one only adds the flag ``entity_changed:<word>``, since Hinglish may
legitimately inflect or re-spell a name.
"""

from __future__ import annotations

import json
import re

from tadka.curate.generate.recipes.base import Parsed, recipes
from tadka.curate.generate.recipes.prompting import TeacherRecipe, rng_for
from tadka.curate.generate.teachers.base import Request
from tadka.records import Record

MESSAGES_SCHEMA = {
    "type": "object",
    "properties": {
        "messages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "role": {"type": "string", "enum": ["system", "user", "assistant"]},
                    "content": {"type": "string", "minLength": 1},
                },
                "required": ["role", "content"],
            },
        }
    },
    "required": ["messages"],
}
_PROTECTED = re.compile(
    r"```.*?```"  # code blocks
    r"|`[^`\n]+`"  # inline code
    r"|\bhttps?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]"  # URLs (without trailing punctuation)
    r"|\b[\w.+-]+@[\w-]+\.[\w.-]+\b"  # e-mail addresses
    r"|(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])",  # numbers and amounts
    re.DOTALL,
)
_ENTITY = re.compile(r"(?<=[a-z0-9,;:] )([A-Z][A-Za-z0-9]+(?:-[A-Z][A-Za-z0-9]+)*)")


def exact_turns(n: int) -> dict:
    """The messages schema with exactly ``n`` turns, so structured-output servers cannot add or drop one."""
    schema = json.loads(json.dumps(MESSAGES_SCHEMA))
    schema["properties"]["messages"].update(minItems=n, maxItems=n)
    return schema


def protected_spans(text: str) -> list[str]:
    """Text a translation must keep exactly: code, URLs, e-mails, numbers (in order, no repeats)."""
    return list(dict.fromkeys(m.group(0) for m in _PROTECTED.finditer(text)))


def entities(text: str) -> list[str]:
    """Capitalised words inside a sentence (IRCTC, UPI, Agmarknet, PM-KISAN): a cheap stand-in for NER."""
    return list(dict.fromkeys(_ENTITY.findall(text)))


def _norm_number(span: str) -> str:
    return span.replace(",", "") if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", span) else span


@recipes.register("translate")
class Translate(TeacherRecipe):
    """Options: ``shots`` (English/Hinglish example pairs, 2)."""

    name = "translate"
    template = "translate.j2"
    json_schema = MESSAGES_SCHEMA

    def source_turns(self, record: Record) -> list[dict[str, str]]:
        task = self.task_of(record)
        english = (task or {}).get("en") or {}
        if english.get("instruction") and english.get("response"):
            return [
                {"role": "user", "content": english["instruction"]},
                {"role": "assistant", "content": english["response"]},
            ]
        return [{"role": m["role"], "content": m["content"]} for m in record.messages]

    def prompt(self, record: Record, index: int) -> Request:
        turns = self.source_turns(record)
        text = "\n".join(t["content"] for t in turns)
        rng = rng_for("translate", record.id, index, self.options.get("seed", 0))
        task = self.task_of(record)
        domain = self.domain_for(record, index)
        examples = [
            e
            for e in self.examples(domain, self.shots, rng, exclude={task["id"]} if task else set())
            if e["en"].get("instruction")
        ]
        protected = protected_spans(text) + entities(text)
        request = self.request(
            record,
            index,
            source=json.dumps({"messages": turns}, ensure_ascii=False, indent=1),
            protected=protected,
            examples=examples,
        )
        request.meta.update(
            {
                "roles": [t["role"] for t in turns],
                "protected": protected_spans(text),
                "entities": entities(text),
                "json_schema": exact_turns(len(turns)),
            }
        )
        return request

    def parse(self, text: str, request: Request) -> Parsed:
        value, problem = self.read_json(text)
        if problem is not None:
            return Parsed(None, f"not the JSON asked for: {problem}", raw=text)
        messages = value["messages"]
        if [m.get("role") for m in messages] != request.meta.get("roles", [m.get("role") for m in messages]):
            return Parsed(None, "the translation changed the turns (roles or their order)", raw=text)
        out = "\n".join(m["content"] for m in messages)
        bare = out.replace(",", "")
        lost = [s for s in request.meta.get("protected", []) if s not in out and _norm_number(s) not in bare]
        if lost:
            return Parsed(None, f"changed protected text: {', '.join(lost[:5])}", raw=text)
        parsed = self.make_record(messages, request, ops=["translate"])
        if parsed.record is None:
            return Parsed(None, parsed.reason, raw=text)
        low = out.lower()
        parsed.record.flags.extend(
            f"entity_changed:{e}" for e in request.meta.get("entities", []) if e.lower() not in low
        )
        return parsed
