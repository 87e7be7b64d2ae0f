"""``hf``: a local transformers model (a folder or a hub id) answering with its own chat template.

For small teachers on a workstation, and for tests. Chats are rendered with
``tokenizer.apply_chat_template(..., add_generation_prompt=True)``, left-padded into batches of
``batch_size`` and decoded with ``model.generate``; each batch's answers are cached before the next
batch starts. transformers has no guided decoding, so a JSON schema is met by the shared tolerant
parsing and one repair request (:mod:`cached`). torch and transformers are the ``train`` extra,
imported only when the model is loaded.
"""

from __future__ import annotations

import logging
from typing import Any

from tadka.curate.generate.teachers.base import GenParams, teachers
from tadka.curate.generate.teachers.cached import CachedTeacher, Done, Job, Raw
from tadka.errors import ConfigError, MissingExtra
from tadka.teachercache import TeacherCache

logger = logging.getLogger(__name__)


@teachers.register("hf")
class HFTeacher(CachedTeacher):
    """``model``: a local folder or a hub id; ``device``: cpu, cuda, mps …; ``dtype``: auto, float32, bfloat16 …"""

    name = "hf"

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        dtype: str = "auto",
        batch_size: int = 8,
        cache: TeacherCache | str | None = None,
        trust_remote_code: bool = False,
        progress: bool = True,
    ) -> None:
        self.model = model
        self.device = device
        self.dtype = dtype
        self.batch_size = max(1, int(batch_size))
        self.cache = cache if isinstance(cache, TeacherCache) or cache is None else TeacherCache(cache)
        self.trust_remote_code = trust_remote_code
        self.progress = progress
        self.model_ = None
        self.tokenizer_ = None

    @classmethod
    def from_config(cls, cfg: Any, ws: Any = None) -> "HFTeacher":
        if not cfg.model:
            raise ConfigError("the hf teacher needs a model (a local folder or a hub id)", field="generate.model")
        use_cache = getattr(cfg, "cache", True) and ws is not None
        return cls(
            cfg.model,
            device=getattr(cfg, "device", "cpu"),
            batch_size=getattr(cfg, "hf_batch_size", 8),
            cache=TeacherCache(ws.teacher_db) if use_cache else None,
        )

    def load(self) -> tuple[Any, Any]:
        """(model, tokenizer), loaded once; ConfigError when the tokenizer has no chat template."""
        if self.model_ is None:
            try:
                import torch  # noqa: F401
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError as e:
                raise MissingExtra("torch", "train", "the hf teacher") from e
            tokenizer = AutoTokenizer.from_pretrained(self.model, trust_remote_code=self.trust_remote_code)
            if not getattr(tokenizer, "chat_template", None):
                raise ConfigError(
                    f"{self.model} has no chat template",
                    field="generate.model",
                    hint="use an instruct/chat model, or add a chat_template to tokenizer_config.json",
                )
            tokenizer.padding_side = "left"  # generation continues from the right edge of every row
            if tokenizer.pad_token_id is None:
                tokenizer.pad_token = tokenizer.eos_token
            model = AutoModelForCausalLM.from_pretrained(
                self.model, dtype=self.dtype, trust_remote_code=self.trust_remote_code
            )
            model.to(self.device).eval()
            self.model_, self.tokenizer_ = model, tokenizer
        return self.model_, self.tokenizer_

    def estimate_cost(self, requests: list, params: GenParams) -> float:
        return 0.0  # local compute, not billed per token

    def send(self, jobs: list[Job], params: GenParams, done: Done) -> None:
        model, tokenizer = self.load()
        for start in range(0, len(jobs), self.batch_size):
            batch = jobs[start : start + self.batch_size]
            try:
                raws = self._generate(model, tokenizer, batch, params)
            except (RuntimeError, ValueError) as e:  # out of memory, an over-long prompt: fail this batch only
                logger.warning("hf generate failed on a batch of %d: %s", len(batch), e)
                raws = [Raw(error=f"hf: {type(e).__name__}: {e}") for _ in batch]
            for job, raw in zip(batch, raws):
                done(job, raw)

    def _generate(self, model: Any, tokenizer: Any, batch: list[Job], params: GenParams) -> list[Raw]:
        import torch

        texts = [
            tokenizer.apply_chat_template(job.messages, tokenize=False, add_generation_prompt=True) for job in batch
        ]
        enc = tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
        sample = params.temperature > 0
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_tokens,
            "do_sample": sample,
            "pad_token_id": tokenizer.pad_token_id,
        }
        if sample:
            kwargs.update(temperature=params.temperature, top_p=params.top_p)
        else:  # greedy: unset the model's sampling defaults so transformers does not warn about them
            kwargs.update(temperature=None, top_p=None, top_k=None)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=tokenizer)
        if params.seed is not None:
            torch.manual_seed(params.seed)
        with torch.inference_mode():
            out = model.generate(**enc, **kwargs)
        width = enc["input_ids"].shape[1]
        eos = set(_as_list(model.generation_config.eos_token_id) or _as_list(tokenizer.eos_token_id))
        raws = []
        for i in range(len(batch)):
            new = out[i, width:].tolist()
            ended = next((j for j, t in enumerate(new) if t in eos), None)
            tokens = new[:ended] if ended is not None else [t for t in new if t != tokenizer.pad_token_id]
            text = tokenizer.decode(tokens, skip_special_tokens=True)
            cut = _cut_at_stop(text, params.stop)
            finish = "stop" if ended is not None or cut != text or len(tokens) < params.max_tokens else "length"
            raws.append(
                Raw(
                    cut, finish, int(enc["attention_mask"][i].sum()), len(tokens) + (ended is not None), 0.0, self.model
                )
            )
        return raws

    def close(self) -> None:
        self.model_ = self.tokenizer_ = None
        super().close()


def _as_list(value: Any) -> list[int]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _cut_at_stop(text: str, stop: list[str] | None) -> str:
    """The text before the first stop string (the OpenAI convention: the stop string is not returned)."""
    cuts = [text.find(s) for s in stop or [] if s and s in text]
    return text[: min(cuts)] if cuts else text
