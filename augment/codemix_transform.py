"""The code-mixer as a record transform (STYLE: ``apply(record, rng) -> Record``)."""

from __future__ import annotations

import random

from tadka.augment.codemix import CodeMixer, default_tagger, is_hindi_frame, op_rng, op_string, parse_band
from tadka.records import Record

LANG_BY_SCRIPT = {"latn": "hi-Latn+en", "deva": "hi-Deva+en", "mixed": "hi-Latn+hi-Deva+en"}


class CodeMix:
    """The mixer as a transform (STYLE: ``apply(record, rng) -> Record``) for augment pipelines.

    Mixes every user and assistant turn into ``band`` — a Hindi-frame turn as it is, an English
    one through :func:`tadka.augment.codemix_frame.hindi_frame` — and returns a derived Record
    (``kind`` augment, ``parent_id`` → the input) with the op and its parameters in ``ops``. A
    turn with nothing to mix is left as it is; a record where nothing changed comes back as is.
    """

    name = "codemix"

    def __init__(self, band: tuple[float, float] = (20.0, 40.0), script: str = "latn", *, seed: int = 0,
                 mixer: CodeMixer | None = None) -> None:
        self.band = parse_band(band)
        self.script = script
        self.seed = seed
        self.mixer = mixer

    def apply(self, record: Record, rng: random.Random) -> Record:
        if self.mixer is None:
            self.mixer = CodeMixer(tagger=default_tagger())
        messages, changed = [dict(m) for m in record.messages], False
        for turn in messages:
            if turn["role"] == "system":
                continue
            text = turn["content"]
            hindi, english = (text, "") if is_hindi_frame(text, self.mixer.lex) else ("", text)
            try:
                mixed = self.mixer.mix(hindi, english, self.band, rng, script=self.script)
            except ValueError:
                continue
            if mixed.text != text:
                turn["content"], changed = mixed.text, True
        if not changed:
            return record
        lang = LANG_BY_SCRIPT[self.script]
        op = op_string(self.name, band=list(self.band), script=self.script, seed=self.seed)
        return record.derive(messages=messages, lang=lang, ops=[*record.ops, op], source={"kind": "augment"})

    def __call__(self, record: Record) -> Record:
        """Apply with the op's own Random: (seed, "codemix", record id)."""
        return self.apply(record, op_rng(self.seed, self.name, record.id))
