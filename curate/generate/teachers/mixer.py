"""``mixer``: the offline teacher. No model — it code-mixes the seed corpora with tadka.augment.

It answers requests that carry ``meta["codemix"]`` (the ``mixer-translate`` recipe attaches it):
each turn is mixed into the band with :class:`tadka.curate.generate.mixer.codemixer.CodeMixer`, seeded from
(global seed, "codemix", record key, attempt), so the same seed gives the same text and a retry
gives a different one. On a retry (``meta["attempt"] > 0``) the measured CMI of the rejected
answer steers the new target into the half of the band that corrects it. A request it cannot
mix comes back as a Result with ``error`` set, never as an exception.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from tadka.curate.generate.mixer.codemixer import CodeMixer, Tagger
from tadka.ops import op_rng, op_string, parse_band
from tadka.curate.generate.teachers.base import GenParams, Request, Result, Teacher, teachers

logger = logging.getLogger(__name__)


@teachers.register("mixer")
class MixerTeacher(Teacher):
    """Code-mixes seed tasks (or any chat) to the requested CMI band and script, offline."""

    name = "mixer"

    def __init__(self, tagger: Tagger | None = None, mixer: CodeMixer | None = None, pack: str = "hi") -> None:
        self.tagger = tagger
        self.mixer = mixer
        self.pack = pack
        self._other_packs: dict[str, CodeMixer] = {}  # requests naming another pack (meta["codemix"]["pack"])

    @classmethod
    def from_config(cls, cfg: Any = None, ws: Any = None) -> "MixerTeacher":
        """The teacher `tadka generate` uses: CMI measured with tadka.lang's language ID."""
        from tadka.curate.generate.mixer.codemixer import default_tagger
        from tadka.lang.pack import pack_of

        pack = pack_of(ws.config["project"].lang) if ws is not None else "hi"
        return cls(tagger=default_tagger(pack), pack=pack)

    def generate(self, requests: list[Request], params: GenParams) -> list[Result]:
        if self.mixer is None:
            self.mixer = self._new_mixer(self.pack, self.tagger)
        return [self._one(r, params) for r in requests]

    @staticmethod
    def _new_mixer(pack: str, tagger: Tagger | None) -> CodeMixer:
        from tadka.curate.generate.mixer.lexicon import load_mix_lexicon

        return CodeMixer(lexicon=load_mix_lexicon(pack) if pack != "hi" else None, tagger=tagger)

    def _mixer_for(self, pack: str) -> CodeMixer:
        """The mixer of the request's pack: this teacher's own, or one made for another pack (with
        that pack's language ID)."""
        if pack == self.pack:
            return self.mixer
        if pack not in self._other_packs:
            from tadka.curate.generate.mixer.codemixer import default_tagger

            self._other_packs[pack] = self._new_mixer(pack, default_tagger(pack))
        return self._other_packs[pack]

    def estimate_cost(self, requests: list[Request], params: GenParams) -> float:
        """Nothing to pay: the mixer runs locally."""
        return 0.0

    def _one(self, request: Request, params: GenParams) -> Result:
        meta = request.meta.get("codemix")
        if not isinstance(meta, dict) or not isinstance(meta.get("turns"), list):
            return Result(
                None,
                error="the mixer answers only recipes that attach meta['codemix'] "
                "(use --recipe mixer-translate, or configure a model teacher)",
            )
        try:
            attempt = int(request.meta.get("attempt", 0))
            lo, hi = parse_band(meta.get("band", (20.0, 40.0)))
            aim = (lo, hi)
            measured = request.meta.get("measured_cmi")
            if attempt and measured is not None:
                mid = (lo + hi) / 2
                aim = (lo, mid) if float(measured) > hi else (mid, hi)
            script = meta.get("script", "latn")
            rng = op_rng(params.seed or 0, "codemix", f"{meta.get('key', '')}#{attempt}")
            mixer = self._mixer_for(str(meta.get("pack") or "hi"))
            messages, details = self._mix_turns(meta["turns"], (lo, hi), aim, script, rng, attempt, mixer)
        except (ValueError, TypeError) as e:
            return Result(None, error=f"mixer: {e}")
        except Exception as e:  # one odd input must not stop a run of thousands (see module docstring)
            logger.debug("mixer failed on %r", meta.get("key"), exc_info=True)
            return Result(None, error=f"mixer: {type(e).__name__}: {e}")
        op = op_string(
            "codemix",
            band=[lo, hi],
            script=script,
            seed=params.seed or 0,
            key=meta.get("key", ""),
            attempt=attempt,
            turns=details,
        )
        if [m["role"] for m in messages] == ["user", "assistant"]:
            body: dict[str, Any] = {"instruction": messages[0]["content"], "response": messages[1]["content"]}
        else:
            body = {"messages": messages}
        body["ops"] = [op]
        return Result(json.dumps(body, ensure_ascii=False), finish_reason="stop", model="mixer")

    def _mix_turns(
        self, turns: list[dict], band, aim, script: str, rng, attempt: int, mixer: CodeMixer | None = None
    ) -> tuple[list[dict], list[dict]]:
        from tadka.curate.generate.mixer.codemixer import draw_target, is_hindi_frame

        mixer = mixer or self.mixer

        messages, details = [], []
        for turn in turns:
            role = turn.get("role", "user")
            if role == "system":
                messages.append(
                    {"role": role, "content": turn.get("text") or turn.get("hindi") or turn.get("english", "")}
                )
                continue
            hindi, english = turn.get("hindi") or "", turn.get("english") or ""
            if turn.get("text"):
                text = turn["text"]
                hindi, english = (text, "") if is_hindi_frame(text, mixer.lex) else ("", text)
            target = draw_target(aim, rng)
            # First attempts use only swaps the English source confirms or the lexicon leaves
            # unambiguous; a retry may also guess a sense, to reach the band.
            mixed = mixer.mix(
                hindi, english, band, rng, script=script, target=target, max_tier=1 if attempt == 0 else 2
            )
            messages.append({"role": role, "content": mixed.text})
            details.append(
                {
                    "frame": mixed.frame,
                    "target": round(mixed.target, 1),
                    "cmi": round(mixed.cmi, 1),
                    "swaps": mixed.swaps,
                }
            )
        return messages, details
