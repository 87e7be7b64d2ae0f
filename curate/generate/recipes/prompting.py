"""What the model-teacher recipes share: Jinja2 prompts, the target block, few-shot seeds, parsing.

Every prompt is a template in ``corpora/prompts/`` that sets ``system`` and renders the user turn;
``_target.j2`` states the CMI band, script and dialect the same way in all of them, and the few-shot
examples are seed tasks from ``corpora/seeds/tasks.jsonl``, picked by a seeded draw from
(record id, index) so a prompt is the same on every run and machine (which is what lets the
request cache resume a run). A recipe that wants JSON puts its schema in ``meta["json_schema"]``:
the teacher sends it as ``response_format`` where the server supports it and repairs where not.
"""

from __future__ import annotations

import functools
import json
import random
from importlib.resources import files
from typing import Any

from tadka.curate.generate.recipes.base import Parsed, Recipe, Target
from tadka.curate.generate.teachers.base import Request
from tadka.curate.generate.teachers.jsonparse import JSONExtractError, extract_json, schema_error
from tadka.errors import InputError
from tadka.records import Record, validate_messages

DOMAINS = (
    "agriculture",
    "health",
    "banking",
    "schemes",
    "education",
    "retail",
    "travel",
    "support",
    "legal",
    "weather",
)
PAIR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"instruction": {"type": "string", "minLength": 1}, "response": {"type": "string", "minLength": 1}},
    "required": ["instruction", "response"],
}
DOMAIN_NOTES = {
    "agriculture": "mandi prices, crops, fertiliser, PM-KISAN",
    "health": "ASHA workers, vaccination, maternal care, common illness",
    "banking": "UPI, bank accounts, fraud, loans",
    "schemes": "government schemes: ration card, Ayushman Bharat, pensions, Aadhaar services",
    "education": "exam prep, school, scholarships",
    "retail": "kirana shops, stock, billing, GST basics",
    "travel": "railways, IRCTC, bus, tatkal",
    "support": "customer support: telecom, delivery, refunds, electricity bill",
    "legal": "legal basics: FIR, consumer court, tenancy, RTI",
    "weather": "weather and disaster alerts: monsoon, heatwave, cyclone, flood",
}
SCRIPTS = {
    "latn": "Roman script for every word, Hindi words as people type them on a phone (hai, nahi, kya, mein, "
    "karo, kaise, bahut, accha), never ITRANS (kyaa, nahiin, haiM)",
    "deva": "Devanagari for the Hindi words; English words stay in Roman script as people write them "
    '("UPI PIN किसी को share मत करो"). The examples are in Roman script: change only the script of '
    "their Hindi words",
    "mixed": "Hindi words in Devanagari in some sentences and in Roman script in others, English words in Roman script",
}
DIALECTS = {
    "hinglish": "Hinglish, the code-mixed Hindi-English a young urban Indian types in chats: Hindi grammar "
    "(postpositions, auxiliaries and verb endings in Hindi) with English content words where "
    'people really use them ("train ka PNR status check karne ke liye IRCTC app kholo")'
}


@functools.lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment over corpora/prompts (strict: a missing variable is an error, not '')."""
    import jinja2

    root = files("tadka.corpora").joinpath("prompts")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render(template: str, **context: Any) -> tuple[str, str]:
    """(system, user) from a template that sets ``system`` and renders the user turn."""
    module = environment().get_template(template).make_module(context)
    return str(getattr(module, "system", "")).strip(), str(module).strip()


@functools.lru_cache(maxsize=1)
def shipped_tasks() -> tuple[dict, ...]:
    """corpora/seeds/tasks.jsonl (the orchestration passes its validated copy as ``tasks``; this is the fallback)."""
    text = files("tadka.corpora").joinpath("seeds", "tasks.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def target_context(target: Target) -> dict[str, Any]:
    """What every template states about the target; ``mix`` and ``language`` name the pack's code-mix
    and language ("Hinglish", "Hindi"; "Tanglish", "Tamil" for ``target.pack == "ta"``)."""
    lo, hi = target.cmi
    if target.pack != "hi":
        return {"lo": f"{lo:g}", "hi": f"{hi:g}", "script": target.script, **_pack_context(target)}
    return {
        "lo": f"{lo:g}",
        "hi": f"{hi:g}",
        "script": target.script,
        "script_desc": SCRIPTS.get(target.script, SCRIPTS["latn"]),
        "dialect_desc": DIALECTS.get(target.dialect, target.dialect),
        "mix": "Hinglish",
        "language": "Hindi",
        "helpline": "apne bank ki helpline",
    }


def _pack_context(target: Target) -> dict[str, str]:
    """The script and dialect descriptions of another language pack, from the pack itself."""
    from tadka.lang.pack import get_pack

    p = get_pack(target.pack)
    scripts = {
        "latn": f"Roman script for every word, {p.name} words as people type them on a phone",
        "deva": f"{p.name} script for the {p.name} words; English words stay in Roman script as people write "
        f"them. The examples are in Roman script: change only the script of their {p.name} words",
        "mixed": f"{p.name} words in {p.name} script in some sentences and in Roman script in others, English "
        "words in Roman script",
    }
    return {
        "script_desc": scripts.get(target.script, scripts["latn"]),
        "mix": p.mix_name,
        "language": p.name,
        "dialect_desc": f"{p.mix_name}, the code-mixed {p.name}-English people in India type in chats: "
        f"{p.mix_style.rstrip('.')}",
        "helpline": p.helpline_example,
    }


def rng_for(*parts: object) -> random.Random:
    """A generator seeded from the parts as text (stable across runs, unlike hash())."""
    return random.Random(":".join(str(p) for p in parts))


class TeacherRecipe(Recipe):
    """Base of self-instruct, evol-instruct, persona, translate, respond and judge.

    Options: ``tasks`` (seed tasks by id, from the orchestration), ``shots`` (few-shot examples per
    prompt, default 2), ``seed`` (mixed into every draw).
    """

    template: str = ""
    json_schema: dict[str, Any] | None = PAIR_SCHEMA
    measure_cmi: bool = True  # the orchestration re-measures CMI of what parse() returns
    annotates: bool = False  # parse() returns the input record with scores, not a new record (keep its source)

    # -- seeds and examples -----------------------------------------------------------------------
    @functools.cached_property
    def tasks(self) -> list[dict]:
        given = self.options.get("tasks")
        return list(given.values()) if given else list(shipped_tasks())

    @functools.cached_property
    def _by_domain(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        side = f"{self.target.pack}_latn"  # the pack's side of each seed task (hi_latn, ta_latn)
        for task in self.tasks:
            if (task.get(side) or {}).get("instruction"):
                out.setdefault(task.get("domain", ""), []).append(task)
        return out

    @functools.cached_property
    def _task_index(self) -> dict[str, dict]:
        return {t["id"]: t for t in self.tasks if t.get("id")}

    def task_of(self, record: Record) -> dict | None:
        seed_id = record.source.get("seed_id")
        return self._task_index.get(seed_id) if seed_id else None

    def domain_for(self, record: Record, index: int) -> str:
        task = self.task_of(record)
        if task and task.get("domain"):
            return task["domain"]
        pool = self.target.domains or list(DOMAINS)
        return pool[(index + rng_for(record.id).randrange(len(pool))) % len(pool)]

    def examples(self, domain: str, k: int, rng: random.Random, exclude: set[str] = frozenset()) -> list[dict]:
        """``k`` seed tasks (Hinglish side), from ``domain`` first, never those in ``exclude``."""
        same = [t for t in self._by_domain.get(domain, []) if t["id"] not in exclude]
        rest = [t for d, ts in sorted(self._by_domain.items()) if d != domain for t in ts if t["id"] not in exclude]
        picked = rng.sample(same, min(k, len(same)))
        if len(picked) < k and rest:
            picked += rng.sample(rest, min(k - len(picked), len(rest)))
        side = f"{self.target.pack}_latn"
        return [
            {
                "id": t["id"],
                "domain": t.get("domain", ""),
                "instruction": t[side]["instruction"],
                "response": t[side]["response"],
                "en": t.get("en") or {},
            }
            for t in picked
        ]

    @property
    def shots(self) -> int:
        return int(self.options.get("shots", 2))

    # -- requests ---------------------------------------------------------------------------------
    def request(self, record: Record, index: int, **context: Any) -> Request:
        system, user = render(self.template, t=target_context(self.target), **context)
        messages = ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]
        meta: dict[str, Any] = {"recipe": self.name, "index": index, "input_id": record.id}
        if record.source.get("seed_id"):
            meta["seed_id"] = record.source["seed_id"]
        if record.source.get("kind") != "seed":
            meta["parent_id"] = record.id
        if self.json_schema is not None:
            meta["json_schema"] = self.json_schema
        return Request(messages, meta)

    def corrective(
        self, request: Request, text: str, measured: float, band: tuple[float, float] | None = None, attempt: int = 1
    ) -> Request:
        """The follow-up after an answer whose CMI came out of band: the answer, then what to change."""
        lo, hi = band or self.target.cmi
        _, note = render(
            "corrective.j2",
            t=target_context(self.target),
            measured=f"{measured:.0f}",
            direction="down" if measured > hi else "up",
            json=self.json_schema is not None,
        )
        return Request(
            request.messages + [{"role": "assistant", "content": text}, {"role": "user", "content": note}],
            {**request.meta, "attempt": attempt, "measured_cmi": measured},
        )

    # -- answers ----------------------------------------------------------------------------------
    def read_json(self, text: str) -> tuple[Any, str | None]:
        try:
            value = extract_json(text)
        except JSONExtractError as e:
            return None, str(e)
        return value, schema_error(value, self.json_schema)

    def make_record(self, messages: list[dict[str, str]], request: Request, ops: list[str] | None = None) -> Parsed:
        """A new Record with provenance, or a Parsed failure naming what is wrong with the turns."""
        try:
            messages = validate_messages([{"role": m["role"], "content": m["content"].strip()} for m in messages])
        except (InputError, KeyError, AttributeError) as e:
            return Parsed(None, f"bad turns: {e}")
        if messages[-1]["role"] != "assistant":
            return Parsed(None, "the conversation does not end with an assistant turn")
        source = {
            "kind": "teacher",
            "recipe": self.name,
            "seed_id": request.meta.get("seed_id"),
            "parent_id": request.meta.get("parent_id"),
        }
        return Parsed(
            Record(
                messages=messages,
                lang=self.target.lang,
                ops=list(ops or []),
                source={k: v for k, v in source.items() if v},
            )
        )

    def parse_pair(self, text: str, request: Request, ops: list[str] | None = None) -> Parsed:
        """``{"instruction", "response"}`` → a user/assistant Record."""
        value, problem = self.read_json(text)
        if problem is not None:
            return Parsed(None, f"not the JSON asked for: {problem}", raw=text)
        parsed = self.make_record(
            [{"role": "user", "content": value["instruction"]}, {"role": "assistant", "content": value["response"]}],
            request,
            ops,
        )
        return parsed if parsed.record is not None else Parsed(None, parsed.reason, raw=text)


def first_user(record: Record) -> str:
    return next((m["content"] for m in record.messages if m["role"] == "user"), "")
