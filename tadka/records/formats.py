"""The row shapes people already have, turned into tadka Records.

OpenAI ``messages``, ShareGPT ``conversations`` (from/value), Alpaca (instruction/input/output) and
prompt/response pairs. The shape is detected once per file from its columns, so a typo in one row is
reported as that row's missing field rather than silently read as another shape.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from tadka.errors import InputError
from tadka.records.schema import FIELDS

SHAREGPT_ROLES = {
    "system": "system",
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "chatgpt": "assistant",
    "bard": "assistant",
    "bing": "assistant",
    "model": "assistant",
}

FORMATS = ("tadka", "openai", "sharegpt", "alpaca", "prompt-response")
_EXPECTED = "messages, conversations, instruction+output, or prompt+response"


def detect_format(columns: Iterable[str]) -> str:
    """Name the shape from a row's keys (or a table's column names)."""
    cols = set(columns)
    if "messages" in cols:
        return "tadka" if cols & (set(FIELDS) - {"messages", "id"}) else "openai"
    if "conversations" in cols:
        return "sharegpt"
    if "instruction" in cols and ("output" in cols or "response" in cols):
        return "alpaca"
    if "prompt" in cols and ("response" in cols or "completion" in cols):
        return "prompt-response"
    missing = ""
    if "prompt" in cols:
        missing = "response"
    elif "instruction" in cols:
        missing = "output"
    elif "response" in cols or "output" in cols or "completion" in cols:
        missing = "prompt"
    found = ", ".join(sorted(cols)) or "none"
    if missing:
        raise InputError(f"missing column (found: {found})", field=missing, hint=f"expected {_EXPECTED}")
    raise InputError(f"no known record shape (found: {found})", field="<columns>", hint=f"expected {_EXPECTED}")


def _maybe_json(value: Any, field: str) -> Any:
    """CSV cells hold nested lists as JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as e:
            raise InputError(f"not valid JSON ({e.msg} at column {e.colno})", field=field) from None
    return value


def _text(row: dict, key: str, *, required: bool = True) -> str | None:
    value = row.get(key)
    if value is None or (isinstance(value, float) and value != value):  # None or NaN from pandas/CSV
        if required:
            raise InputError("missing value", field=key)
        return None
    if not isinstance(value, str):
        raise InputError(f"expected a string, got {type(value).__name__}", field=key)
    return value


def _carry(row: dict, out: dict) -> dict:
    """Keep the tadka fields a foreign row may already carry (lang, media …)."""
    for key in ("lang", "media", "source", "ops", "scores", "flags", "status"):
        if key in row and row[key] not in (None, ""):
            out[key] = _maybe_json(row[key], key) if key in ("media", "source", "ops", "scores", "flags") else row[key]
    return out


def from_tadka(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k in FIELDS and v not in (None, "")}
    out["messages"] = _maybe_json(row.get("messages"), "messages")
    for key in ("media", "source", "ops", "scores", "flags"):
        if key in out:
            out[key] = _maybe_json(out[key], key)
    return out


def from_openai(row: dict) -> dict:
    return _carry(row, {"messages": _maybe_json(row.get("messages"), "messages")})


def from_sharegpt(row: dict) -> dict:
    turns = _maybe_json(row.get("conversations"), "conversations")
    if not isinstance(turns, list):
        raise InputError("expected a list of {from, value} turns", field="conversations")
    messages: list[dict[str, Any]] = []
    system = row.get("system")
    if isinstance(system, str) and system.strip():
        messages.append({"role": "system", "content": system})
    for i, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise InputError("expected an object with from and value", field=f"conversations[{i}]")
        who = turn.get("from")
        role = SHAREGPT_ROLES.get(who) if isinstance(who, str) else None
        if role is None:
            raise InputError(
                f"unknown speaker {who!r}", field=f"conversations[{i}].from", hint="human/user, gpt/assistant or system"
            )
        messages.append({"role": role, "content": turn.get("value")})
    return _carry(row, {"messages": messages})


def from_alpaca(row: dict) -> dict:
    instruction = _text(row, "instruction")
    extra = _text(row, "input", required=False)
    output = _text(row, "output" if "output" in row else "response")
    user = f"{instruction}\n\n{extra}" if extra and extra.strip() else instruction
    messages: list[dict[str, Any]] = []
    system = _text(row, "system", required=False)
    if system and system.strip():
        messages.append({"role": "system", "content": system})
    messages += [{"role": "user", "content": user}, {"role": "assistant", "content": output}]
    return _carry(row, {"messages": messages})


def from_prompt_response(row: dict) -> dict:
    prompt = _text(row, "prompt")
    response = _text(row, "response" if "response" in row else "completion")
    messages: list[dict[str, Any]] = []
    system = _text(row, "system", required=False)
    if system and system.strip():
        messages.append({"role": "system", "content": system})
    messages += [{"role": "user", "content": prompt}, {"role": "assistant", "content": response}]
    return _carry(row, {"messages": messages})


CONVERTERS: dict[str, Callable[[dict], dict]] = {
    "tadka": from_tadka,
    "openai": from_openai,
    "sharegpt": from_sharegpt,
    "alpaca": from_alpaca,
    "prompt-response": from_prompt_response,
}


def converter(fmt: str) -> Callable[[dict], dict]:
    try:
        return CONVERTERS[fmt]
    except KeyError:
        raise InputError(f"unknown format {fmt!r}", field="format", hint=f"one of auto, {', '.join(FORMATS)}") from None
