"""``persona``: the same domains seen through many Indian users (Ge et al. 2024, persona hub).

A request pairs a domain (the input seed's, or the target's domains in turn) with a persona from
``corpora/personas/personas.jsonl`` whose domains include it, drawn from (record id, index), and asks
for the message that person would type and the answer they need. The persona's id goes into
``ops`` so the spread of personas in a dataset can be counted.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files

from tadka.curate.generate.recipes.base import Parsed, recipes
from tadka.curate.generate.recipes.prompting import DOMAIN_NOTES, TeacherRecipe, rng_for
from tadka.curate.generate.teachers.base import Request
from tadka.errors import ConfigError
from tadka.records import Record


@functools.lru_cache(maxsize=1)
def shipped_personas() -> tuple[dict, ...]:
    text = files("tadka.corpora").joinpath("personas", "personas.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


@recipes.register("persona")
class Persona(TeacherRecipe):
    """Options: ``personas`` (a list of ``{"id", "description", "domains"}`` to use instead of the shipped ones)."""

    name = "persona"
    template = "persona.j2"

    @functools.cached_property
    def personas(self) -> list[dict]:
        people = list(self.options.get("personas") or shipped_personas())
        if not people:
            raise ConfigError("the persona recipe has no personas", field="personas")
        return people

    def persona_for(self, domain: str, rng) -> dict:
        fitting = [p for p in self.personas if domain in p.get("domains", [])]
        return rng.choice(fitting or self.personas)

    def prompt(self, record: Record, index: int) -> Request:
        domain = self.domain_for(record, index)
        rng = rng_for("persona", record.id, index, self.options.get("seed", 0))
        person = self.persona_for(domain, rng)
        task = self.task_of(record)
        examples = self.examples(domain, self.shots, rng, exclude={task["id"]} if task else set())
        request = self.request(
            record,
            index,
            persona=person,
            domain=domain,
            examples=examples,
            domain_note=DOMAIN_NOTES.get(domain, domain),
        )
        request.meta.update({"persona": person["id"], "domain": domain})
        return request

    def parse(self, text: str, request: Request) -> Parsed:
        persona = request.meta.get("persona")
        return self.parse_pair(text, request, ops=[f"persona:{persona}"] if persona else None)
