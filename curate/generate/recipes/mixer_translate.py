"""``mixer-translate``: a seed task (or any chat) → the same task in Hinglish at a target CMI band.

The prompt is a real translation prompt, so a model teacher can answer it; the request also
carries the structured input in ``meta["codemix"]`` (turns with their Hindi-frame and English
text, band, script and the record key the randomness is seeded from), which is all the offline
``mixer`` teacher reads. The answer is one JSON object, ``{"instruction", "response"}`` or
``{"messages": [...]}``, optionally with ``"ops"`` (the mixer lists what it did there).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tadka.curate.generate.recipes.base import Parsed, Recipe, recipes
from tadka.curate.generate.teachers.base import Request
from tadka.errors import InputError
from tadka.records import Record, validate_messages

SCRIPT_WORDS = {
    "latn": "Roman script for the Hindi words",
    "deva": "Devanagari for the Hindi words (English words stay in Roman script)",
    "mixed": "some sentences with the Hindi words in Devanagari, the others in Roman script",
}
SYSTEM = (
    "You rewrite text as natural Hinglish, the way a young urban Indian types: Hindi grammar "
    "(postpositions, auxiliaries and verb endings in Hindi) with English content words where people "
    'really use them ("UPI PIN kabhi kisi ko share mat karo"). Use common spellings (hai, nahi, kya, '
    "mein), never ITRANS. Keep names, numbers and URLs exactly as they are. Keep the meaning and "
    "every fact. Reply with one JSON object and nothing else."
)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


@recipes.register("mixer-translate")
class MixerTranslate(Recipe):
    """Translate a seed task or a chat into Hinglish at the target CMI band and script.

    Options: ``tasks`` — seed tasks by id (``{"id", "domain", "en": {...}, "hi_latn": {...}}``),
    so that a seed record's English and Hindi-frame versions both reach the teacher.
    """

    name = "mixer-translate"

    def prompt(self, record: Record, index: int) -> Request:
        seed_id = record.source.get("seed_id")
        task = self.options.get("tasks", {}).get(seed_id) if seed_id else None
        code = self.target.pack
        turns = seed_turns(task, code) if task else chat_turns(record)
        lo, hi = self.target.cmi
        mix, language, script_words = _pack_words(code, self.target.script)
        lines = [
            f"Rewrite the conversation below in {mix}. Code-Mixing Index between {lo:g} and {hi:g} "
            f"(roughly {lo:g}-{hi:g}% of the words English, the rest {language}); {script_words}."
        ]
        if self.target.domains:
            lines.append(f"Domain: {', '.join(self.target.domains)}.")
        for turn in turns:
            if turn.get("english"):
                lines.append(f"\n[{turn['role']}, English]\n{turn['english']}")
            if turn.get("hindi"):
                lines.append(f"\n[{turn['role']}, {language} reference]\n{turn['hindi']}")
            if turn.get("text"):
                lines.append(f"\n[{turn['role']}]\n{turn['text']}")
        if [t["role"] for t in turns] == ["user", "assistant"]:
            lines.append('\nAnswer as {"instruction": "...", "response": "..."}.')
        else:
            lines.append(
                '\nAnswer as {"messages": [{"role": "...", "content": "..."}, ...]}, same roles in the same order.'
            )
        meta: dict[str, Any] = {
            "codemix": {
                "turns": turns,
                "key": f"{record.id}:{index}",
                "band": [lo, hi],
                "script": self.target.script,
                **({"pack": code} if code != "hi" else {}),
            },
            "index": index,
            "input_id": record.id,
        }
        if seed_id:
            meta["seed_id"] = seed_id
        if record.source.get("kind") != "seed":
            meta["parent_id"] = record.id
        return Request(
            [{"role": "system", "content": system_prompt(code)}, {"role": "user", "content": "\n".join(lines)}], meta
        )

    def parse(self, text: str, request: Request) -> Parsed:
        data = extract_json(text)
        if not isinstance(data, dict):
            return Parsed(None, "the answer is not a JSON object", raw=text)
        if "messages" in data:
            messages = data["messages"]
        elif "instruction" in data and "response" in data:
            messages = [
                {"role": "user", "content": data["instruction"]},
                {"role": "assistant", "content": data["response"]},
            ]
        else:
            return Parsed(None, "the JSON has neither instruction/response nor messages", raw=text)
        try:
            messages = validate_messages(messages)
        except InputError as e:
            return Parsed(None, f"bad messages: {e}", raw=text)
        if messages[-1]["role"] != "assistant":
            return Parsed(None, "the conversation does not end with an assistant turn", raw=text)
        ops = data.get("ops") or []
        if not isinstance(ops, list) or not all(isinstance(o, str) for o in ops):
            ops = []
        source = {
            "kind": "teacher",
            "recipe": self.name,
            "seed_id": request.meta.get("seed_id"),
            "parent_id": request.meta.get("parent_id"),
        }
        record = Record(
            messages=messages, lang=self.target.lang, ops=list(ops), source={k: v for k, v in source.items() if v}
        )
        return Parsed(record)


def system_prompt(pack: str = "hi") -> str:
    """The system message: Hindi's :data:`SYSTEM`, or the same built from another pack's description."""
    if pack == "hi":
        return SYSTEM
    from tadka.lang.pack import get_pack

    p = get_pack(pack)
    return (
        f"You rewrite text as natural {p.mix_name}, the way a young urban Indian types: {p.mix_style} "
        "Keep names, numbers and URLs exactly as they are. Keep the meaning and every fact. Reply with "
        "one JSON object and nothing else."
    )


def _pack_words(pack: str, script: str) -> tuple[str, str, str]:
    """(code-mix name, language name, script instruction) for the prompt of a pack."""
    if pack == "hi":
        return "Hinglish", "Hindi", SCRIPT_WORDS.get(script, SCRIPT_WORDS["latn"])
    from tadka.lang.pack import get_pack

    p = get_pack(pack)
    native = f"{p.name} script for the {p.name} words (English words stay in Roman script)"
    words = {
        "latn": f"Roman script for the {p.name} words",
        "deva": native,
        "mixed": f"some sentences with the {p.name} words in {p.name} script, the others in Roman script",
    }
    return p.mix_name, p.name, words.get(script, words["latn"])


def seed_turns(task: dict, pack: str = "hi") -> list[dict[str, str]]:
    """The two turns of a seed task, each with its pack-frame (``<pack>_latn``) and English text
    (either may be missing). The key ``hindi`` names the pack-frame text for every pack."""
    en, hi = task.get("en") or {}, task.get(f"{pack}_latn") or {}
    return [
        {"role": "user", "hindi": hi.get("instruction", ""), "english": en.get("instruction", "")},
        {"role": "assistant", "hindi": hi.get("response", ""), "english": en.get("response", "")},
    ]


def chat_turns(record: Record) -> list[dict[str, str]]:
    """The turns of any chat record, text only (the mixer decides whether each is Hindi-frame)."""
    return [{"role": m["role"], "text": m["content"]} for m in record.messages]


def extract_json(text: str) -> Any:
    """The JSON object in a teacher's answer, tolerating code fences and prose around it; None if none."""
    if not text:
        return None
    stripped = _FENCE.sub("", text.strip())
    try:
        return json.loads(stripped)
    except json.JSONDecodeError:
        pass
    start, end = stripped.find("{"), stripped.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        return json.loads(stripped[start : end + 1])
    except json.JSONDecodeError:
        return None
