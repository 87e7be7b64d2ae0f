"""Tolerant JSON from model text: fences, prose around it, trailing commas, a truncated tail.

Servers that honour ``response_format`` return clean JSON; many (older vLLM, llama.cpp without a
grammar, small local models) wrap it in prose or code fences, or break it. :func:`extract_json`
tries the strict readings first (whole text, then the first complete object found by
``json.JSONDecoder.raw_decode``) and only then hands the text to ``json_repair``, a maintained
repairer for exactly these LLM mistakes. If that still fails, or the object does not match the
schema, a teacher sends one repair request built by :func:`repair_messages`.
"""

from __future__ import annotations

import json
import re
from typing import Any

_FENCED = re.compile(r"```[ \t]*(?:json|JSON)?[ \t]*\n?(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()
MAX_SCHEMA_CHARS = 2000  # the schema quoted in a repair request, so a huge schema cannot blow the prompt


class JSONExtractError(ValueError):
    """No JSON object or array could be read from the text."""


def _candidates(text: str) -> list[str]:
    found = [m.group(1).strip() for m in _FENCED.finditer(text)]
    found.append(text.strip())
    return [c for c in found if c]


def _first_complete(text: str) -> Any:
    """The first complete JSON object/array embedded in ``text`` (prose before or after is ignored)."""
    for match in re.finditer(r"[\[{]", text):
        try:
            value, _ = _DECODER.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, (dict, list)):
            return value
    raise JSONExtractError("no complete JSON object")


def extract_json(text: str | None) -> Any:
    """The JSON object or array in a model's answer; raises :class:`JSONExtractError` if there is none."""
    if not text or not text.strip():
        raise JSONExtractError("empty answer")
    candidates = _candidates(text)
    for cand in candidates:
        try:
            value = json.loads(cand)
        except json.JSONDecodeError:
            continue
        if isinstance(value, (dict, list)):
            return value
    for cand in candidates:
        try:
            return _first_complete(cand)
        except JSONExtractError:
            continue
    import json_repair

    for cand in candidates:
        start = min((i for i in (cand.find("{"), cand.find("[")) if i >= 0), default=-1)
        if start < 0:
            continue
        value = json_repair.repair_json(cand[start:], return_objects=True, skip_json_loads=True)
        if isinstance(value, (dict, list)) and value:
            return value
    raise JSONExtractError("no JSON object in the answer")


def schema_error(value: Any, schema: dict[str, Any] | None) -> str | None:
    """The first way ``value`` breaks ``schema`` (one short line), or None when it fits."""
    if not schema:
        return None
    import jsonschema

    try:
        validator_cls = jsonschema.validators.validator_for(schema)
        error = jsonschema.exceptions.best_match(validator_cls(schema).iter_errors(value))
    except jsonschema.exceptions.SchemaError as e:
        return f"the schema itself is invalid: {e.message}"
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
    return f"{where}: {error.message}"[:300]


def parse_json(text: str | None, schema: dict[str, Any] | None = None) -> tuple[Any, str | None]:
    """(value, None) when the text holds JSON matching the schema, else (value or None, the reason)."""
    try:
        value = extract_json(text)
    except JSONExtractError as e:
        return None, str(e)
    problem = schema_error(value, schema)
    return value, problem


def repair_messages(
    messages: list[dict[str, str]], bad_text: str, problem: str, schema: dict[str, Any] | None
) -> list[dict[str, str]]:
    """The conversation so far plus the bad answer and a request to answer again with valid JSON."""
    note = f"Your reply could not be used: {problem}. Reply again with only one JSON value"
    if schema:
        shown = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
        if len(shown) <= MAX_SCHEMA_CHARS:
            note += f" matching this JSON schema: {shown}"
        else:
            note += " matching the schema you were given"
    note += ". No prose, no code fences."
    return [*messages, {"role": "assistant", "content": bad_text or "(empty reply)"}, {"role": "user", "content": note}]
