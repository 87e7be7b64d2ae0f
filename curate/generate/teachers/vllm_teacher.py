"""``vllm``: an in-process ``vllm.LLM`` — batch generation with guided (structured) JSON decoding.

vLLM is an optional extra (``pip install 'tadka[vllm]'``, CUDA only) and is imported only when the
engine is first needed. The adapter is thin on purpose: chats go to ``LLM.chat`` (which applies
the model's chat template) in chunks of ``chunk`` requests, each chunk's answers are cached before
the next starts, and a request with a JSON schema gets ``structured_outputs`` (vLLM ≥ 0.12) or
``guided_decoding`` (0.10–0.11), so the engine can only produce schema-valid JSON.

The route tested in CI is the other one: ``vllm serve MODEL`` and the ``openai`` teacher with
``--base-url http://HOST:8000/v1`` (docs/teachers.md); it scales to several replicas and keeps
the engine out of the generating process.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from tadka.curate.generate.teachers.base import GenParams, teachers
from tadka.curate.generate.teachers.cached import CachedTeacher, Done, Job, Raw
from tadka.errors import ConfigError, MissingExtra
from tadka.teachercache import TeacherCache

logger = logging.getLogger(__name__)


def sampling_kwargs(params: GenParams, schema: dict[str, Any] | None) -> dict[str, Any]:
    """Our sampling parameters in vLLM's names (``json`` is turned into structured output by the factory)."""
    kw: dict[str, Any] = {"temperature": params.temperature, "top_p": params.top_p, "max_tokens": params.max_tokens}
    if params.seed is not None:
        kw["seed"] = params.seed
    if params.stop:
        kw["stop"] = list(params.stop)
    if schema is not None:
        kw["json"] = schema
    return kw


def vllm_sampling(kw: dict[str, Any]) -> Any:
    """``vllm.SamplingParams`` from :func:`sampling_kwargs`, with the JSON schema as guided decoding."""
    try:
        from vllm import SamplingParams
    except ImportError as e:
        raise MissingExtra("vllm", "vllm", "the vllm teacher") from e
    kw = dict(kw)
    schema = kw.pop("json", None)
    if schema is not None:
        try:
            from vllm.sampling_params import StructuredOutputsParams

            kw["structured_outputs"] = StructuredOutputsParams(json=schema)
        except ImportError:  # vLLM 0.10-0.11 named it guided decoding
            from vllm.sampling_params import GuidedDecodingParams

            kw["guided_decoding"] = GuidedDecodingParams(json=schema)
    return SamplingParams(**kw)


@teachers.register("vllm")
class VLLMTeacher(CachedTeacher):
    """``llm`` and ``sampling`` replace the engine and the SamplingParams factory (tests, a shared engine)."""

    name = "vllm"

    def __init__(
        self,
        model: str,
        *,
        llm: Any = None,
        sampling: Callable[[dict], Any] | None = None,
        engine_args: dict[str, Any] | None = None,
        chunk: int = 256,
        cache: TeacherCache | str | None = None,
        progress: bool = True,
    ) -> None:
        self.model = model
        self.llm = llm
        self.sampling = sampling or vllm_sampling
        self.engine_args = dict(engine_args or {})
        self.chunk = max(1, int(chunk))
        self.cache = cache if isinstance(cache, TeacherCache) or cache is None else TeacherCache(cache)
        self.progress = progress

    @classmethod
    def from_config(cls, cfg: Any, ws: Any = None) -> "VLLMTeacher":
        if not cfg.model:
            raise ConfigError("the vllm teacher needs a model (a hub id or a local folder)", field="generate.model")
        use_cache = getattr(cfg, "cache", True) and ws is not None
        return cls(
            cfg.model,
            engine_args=getattr(cfg, "vllm_args", None) or {},
            cache=TeacherCache(ws.teacher_db) if use_cache else None,
        )

    def engine(self) -> Any:
        if self.llm is None:
            try:
                from vllm import LLM
            except ImportError as e:
                raise MissingExtra("vllm", "vllm", "the vllm teacher") from e
            self.llm = LLM(model=self.model, **self.engine_args)
        return self.llm

    def estimate_cost(self, requests: list, params: GenParams) -> float:
        return 0.0  # local GPU time, not billed per token

    def send(self, jobs: list[Job], params: GenParams, done: Done) -> None:
        llm = self.engine()
        for start in range(0, len(jobs), self.chunk):
            chunk = jobs[start : start + self.chunk]
            sampling = [self.sampling(sampling_kwargs(params, job.schema)) for job in chunk]
            try:
                outputs = llm.chat([job.messages for job in chunk], sampling_params=sampling, use_tqdm=False)
            except (ValueError, RuntimeError) as e:  # e.g. a prompt longer than max_model_len fails the chunk
                logger.warning("vllm failed on a chunk of %d: %s", len(chunk), e)
                for job in chunk:
                    done(job, Raw(error=f"vllm: {type(e).__name__}: {e}"))
                continue
            for job, output in zip(chunk, outputs):
                done(job, self.read(output))

    def read(self, output: Any) -> Raw:
        """A ``vllm.RequestOutput`` → Raw (text, finish reason, token counts)."""
        if not getattr(output, "outputs", None):
            return Raw(error="vllm returned no completion")
        completion = output.outputs[0]
        finish = completion.finish_reason or "stop"
        if finish == "abort":
            return Raw(error="vllm aborted the request")
        return Raw(
            completion.text,
            finish,
            len(getattr(output, "prompt_token_ids", None) or []),
            len(getattr(completion, "token_ids", None) or []),
            0.0,
            self.model,
        )

    def close(self) -> None:
        self.llm = None
        super().close()
