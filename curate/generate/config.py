"""The ``generate:`` section of tadka.yaml: every key of `tadka generate`, with its help text.

Defaults < tadka.yaml < command-line flags (``--base-url`` mirrors ``generate.base_url``). The section
lives apart from the generation code so that `tadka init` renders it and the CLI validates it
without importing teachers or recipes. :func:`resolve` turns the raw keys into what a run uses
(teacher and recipe names, the CMI band, the seed) and raises ConfigError naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from tadka.config import Section, opt, section
from tadka.errors import ConfigError

MIXER = "mixer"
MIXER_RECIPE = "mixer-translate"
LLM_RECIPE = "self-instruct"


@section("generate", "`tadka generate`: seed tasks (or a stage) x recipe x teacher -> Hinglish records.")
@dataclass
class GenerateConfig(Section):
    """`tadka generate`: seed tasks (or a stage) x recipe x teacher -> Hinglish records."""

    teacher: str = opt(
        "",
        "Teacher: mixer (offline code-mixer, no model), openai, vllm or hf. Empty: mixer "
        "when neither model nor base_url is set, else openai.",
    )
    model: str = opt("", "Model name for the teacher (e.g. gpt-4o-mini, or a local model id/path for vllm and hf).")
    base_url: str = opt("", "OpenAI-compatible server URL (vLLM, llama.cpp, Ollama …); empty: the OpenAI API.")
    api_key_env: str = opt(
        "OPENAI_API_KEY", "Environment variable holding the API key (the key itself never goes in this file)."
    )
    recipe: str = opt(
        "",
        f"Recipe: {MIXER_RECIPE}, self-instruct, evol-instruct, persona, translate, respond. "
        f"Empty: {MIXER_RECIPE} with the mixer, {LLM_RECIPE} with a model.",
    )
    n: int = opt(100, "How many new records to generate.", ge=0)
    cmi: str = opt("20-40", "Target Code-Mixing Index band LOW-HIGH on the 0-100 scale (two languages top out at 50).")
    script: Literal["latn", "deva", "mixed"] = opt(
        "latn", "Script of the Hindi words: latn (Roman), deva (Devanagari) or mixed."
    )
    dialect: str = opt("hinglish", "Dialect the prompts ask for.")
    domains: list[str] = opt(
        [],
        "Seed-task domains to draw from (agriculture, health, banking, schemes, education, "
        "retail, travel, support, legal, weather); empty: all.",
    )
    input: str = opt(
        "",
        "Inputs: empty for the shipped seed tasks (corpora/seeds/tasks.jsonl), a path to a JSONL "
        "file of seed tasks in that shape, or stage:NAME for the records of a workspace stage.",
    )
    stage: str = opt("generated", "Stage the new records are appended to.")
    seed: int = opt(-1, "Seed of the run (which seeds, which swaps, sampling); -1 uses project.seed.")
    cmi_retries: int = opt(
        1,
        "Retries of a record whose re-measured CMI is out of band (with a corrective note); "
        "a record still out of band is kept and flagged cmi_out_of_band.",
        ge=0,
    )
    chunk: int = opt(
        64, "Requests sent to the teacher per call (the progress bar and the failure log advance per chunk).", ge=1
    )
    concurrency: int = opt(16, "Requests in flight at once (API teachers).", ge=1)
    cache: bool = opt(
        True, "Reuse answers from cache/teacher.db for identical requests, so a rerun resumes without paying twice."
    )
    temperature: float = opt(0.7, "Sampling temperature (model teachers).")
    top_p: float = opt(0.95, "Nucleus sampling (model teachers).")
    max_tokens: int = opt(768, "Most tokens per answer (model teachers).")
    timeout: float = opt(60.0, "Seconds before one request is given up and retried (API teachers).")
    retries: int = opt(4, "Retries of a request on 429, 5xx and timeouts, with exponential backoff (API teachers).")
    rpm: float = opt(0.0, "Most requests per minute (API teachers); 0: no limit.")
    tpm: float = opt(0.0, "Most tokens per minute (API teachers); 0: no limit.")
    transport: Literal["auto", "aiohttp", "httpx"] = opt(
        "auto", "HTTP client under the openai SDK: auto (aiohttp when installed, else httpx), aiohttp or httpx."
    )
    json_mode: Literal["auto", "schema", "object", "off"] = opt(
        "auto",
        "Structured output: auto (response_format json_schema; a server that refuses it steps down to "
        "json_object with the schema, then to plain text with one repair, remembered per endpoint in "
        "cache/teacher.db), schema or object (always that format) or off (plain text, parsed and repaired).",
    )
    batch_api: bool = opt(False, "Send the requests through the OpenAI Batch API (half price, answers within 24 h).")
    batch_poll_s: float = opt(30.0, "Seconds between polls of a Batch API job.")
    batch_wait_s: float = opt(86400.0, "Longest wait for a Batch API job before giving up (its answers stay cached).")
    price_in: float = opt(
        0.0,
        "USD per million prompt tokens of the model, for the cost estimate and accounting; "
        "0: the built-in price list (or unpriced).",
    )
    price_out: float = opt(0.0, "USD per million completion tokens of the model; 0: the built-in price list.")
    prices: dict[str, list[float]] = opt(
        {}, "More prices: model name -> [USD per 1M prompt tokens, per 1M completion tokens]."
    )
    device: str = opt("cpu", "Device of the hf teacher: cpu, cuda, cuda:0, mps.")
    hf_batch_size: int = opt(8, "Prompts per generate() call of the hf teacher.")
    vllm_args: dict[str, Any] = opt({}, "Extra vllm.LLM engine arguments (tensor_parallel_size, max_model_len …).")

    def rules(self) -> None:
        """The CMI band must parse (the keys' bounds are checked before this)."""
        from tadka.ops import parse_band

        try:
            parse_band(self.cmi)
        except ValueError as e:
            raise ConfigError(str(e), field="generate.cmi", hint="e.g. --cmi 20-40") from None


@dataclass
class Resolved:
    """What a run actually uses once the config is read."""

    teacher: str
    recipe: str
    band: tuple[float, float]
    seed: int
    domains: list[str]


def resolve(cfg: GenerateConfig, project_seed: int = 0) -> Resolved:
    """Teacher and recipe names, the CMI band and the seed of a run (ConfigError on a bad value)."""
    from tadka.ops import parse_band

    cfg.check()
    teacher = cfg.teacher or (MIXER if not (cfg.model or cfg.base_url) else "openai")
    recipe = cfg.recipe or (MIXER_RECIPE if teacher == MIXER else LLM_RECIPE)
    band = parse_band(cfg.cmi)
    domains = [d.strip() for d in cfg.domains if d.strip()]
    return Resolved(teacher, recipe, band, project_seed if cfg.seed < 0 else cfg.seed, domains)
