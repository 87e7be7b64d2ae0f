"""``openai``: any OpenAI-compatible chat server (OpenAI, vLLM serve, llama.cpp, Ollama …).

Built on the official ``openai`` SDK's ``AsyncOpenAI`` with one shared HTTP connection pool sized to
the concurrency, driven from one event loop in a background thread (so the pool and its keep-alive
connections outlive each ``generate`` call, and the teacher works from inside a notebook's loop too).
The SDK's own retries are off: :mod:`ratelimit` paces requests (RPM/TPM), pauses every worker on a
429, and retries 429/5xx/timeouts/dropped connections with jittered exponential backoff. Structured
output walks the endpoint's :mod:`structured` ladder (json_schema → json_object → text) when a server
refuses a format, and :mod:`failfast` stops a run whose backend fails every request.

The API key is read from the environment variable named in the config (``api_key_env``) when the
client is made, and is never stored on this object, in the cache, in a log or in an error message:
:func:`scrub` masks it (and anything shaped like an OpenAI key) in every error we keep.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import os
import re
import threading
from typing import Any

from tadka.curate.generate.teachers.accounting import Estimate, PriceTable, estimate, estimate_prompt_tokens
from tadka.curate.generate.teachers.base import GenParams, Request, teachers
from tadka.curate.generate.teachers.cached import CachedTeacher, Done, Job, Raw, request_schema
from tadka.curate.generate.teachers.failfast import FIRST, Endpoint, FailFast
from tadka.curate.generate.teachers.ratelimit import Backoff, RateLimiter, retry_after
from tadka.curate.generate.teachers.structured import MODES, NOTE, FormatLadder, names_the_format, response_format
from tadka.errors import ConfigError
from tadka.teachercache import TeacherCache

logger = logging.getLogger(__name__)

JSON_MODES = tuple(MODES)  # auto, schema, object, off
OPENAI_URL = "https://api.openai.com/v1"
TRANSPORTS = ("auto", "aiohttp", "httpx")
_KEY_SHAPE = re.compile(r"\b(sk|rk|pk)-[A-Za-z0-9_\-*]{6,}")
PLACEHOLDER_KEY = "not-needed"  # local servers (vLLM, llama.cpp) started without --api-key accept anything


def scrub(text: str, env: str = "OPENAI_API_KEY") -> str:
    """``text`` with the API key (and anything shaped like one) masked, on one line, at most 400 chars."""
    key = os.environ.get(env) or ""
    if len(key) >= 6:
        text = text.replace(key, "***")
    text = _KEY_SHAPE.sub(r"\1-***", text)
    return " ".join(text.split())[:400]


class _LoopThread:
    """One asyncio loop in a daemon thread: ``run(coro)`` from any thread, blocking until it ends."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="tadka-openai", daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C in the caller: stop the workers too
            raise

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()


def _http_module() -> Any:
    """The httpx flavour this SDK version is built on (httpx, or httpx2 from openai 3.x on)."""
    import openai

    cls = openai.DefaultAsyncHttpxClient
    for base in getattr(cls, "__mro__", ())[1:]:
        if base.__name__ == "AsyncClient":
            return importlib.import_module(base.__module__.split(".")[0])
    import httpx

    return httpx


def _http_client(transport: str) -> Any:
    """The SDK's async HTTP client class: aiohttp underneath when installed (``auto``), else httpx.

    Both are the SDK's own ``httpx.AsyncClient`` subclasses with one connection pool. With aiohttp
    the client spends about a third of the CPU per request (httpcore scans every pooled connection
    with a poll() for each request), which is what lets one core drive ≥ 1,000 requests/s.
    """
    import openai

    if transport in ("auto", "aiohttp"):
        try:
            import aiohttp  # noqa: F401

            return openai.DefaultAioHttpClient
        except (ImportError, AttributeError):
            if transport == "aiohttp":
                raise ConfigError(
                    "transport aiohttp needs the aiohttp package",
                    field="generate.transport",
                    hint="pip install aiohttp, or use transport: httpx",
                ) from None
    return openai.DefaultAsyncHttpxClient


@teachers.register("openai")
class OpenAITeacher(CachedTeacher):
    """Chat completions against ``base_url`` (empty: api.openai.com) with limits, retries and a cache.

    ``json_mode``: ``auto`` sends the JSON schema as ``response_format: json_schema`` and steps down
    the endpoint's ladder when the server refuses it (to ``json_object`` with the schema, then to plain
    text with tolerant parsing and one repair request), remembering the step in the cache's endpoint
    notes; ``schema`` and ``object`` pin one rung; ``off`` never sends a format. ``batch_api``: send the
    missing requests through the OpenAI Batch API (half price, results within 24 h) — see :mod:`batch`.
    ``fail_fast``: stop the run (:class:`~tadka.curate.generate.teachers.failfast.TeacherStopped`) when the
    first requests, or a whole window of them, fail.
    ``transport``: ``auto`` (aiohttp when installed, else httpx), ``aiohttp`` or ``httpx``.
    """

    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        concurrency: int = 16,
        rpm: float = 0,
        tpm: float = 0,
        timeout: float = 60.0,
        retries: int = 4,
        cache: TeacherCache | str | os.PathLike | None = None,
        prices: PriceTable | None = None,
        json_mode: str = "auto",
        batch_api: bool = False,
        batch_poll_s: float = 30.0,
        batch_wait_s: float = 24 * 3600.0,
        backoff: Backoff | None = None,
        progress: bool = True,
        transport: str = "auto",
        fail_fast: bool = True,
    ) -> None:
        if transport not in TRANSPORTS:
            raise ConfigError(
                f"unknown transport {transport!r}", field="generate.transport", hint=f"one of {', '.join(TRANSPORTS)}"
            )
        if json_mode not in JSON_MODES:
            raise ConfigError(
                f"unknown json_mode {json_mode!r}", field="generate.json_mode", hint=f"one of {', '.join(JSON_MODES)}"
            )
        self.model = model
        self.base_url = base_url or None
        self.api_key_env = api_key_env
        self.concurrency = max(1, int(concurrency))
        self.timeout = float(timeout)
        self.retries = max(0, int(retries))
        self.cache = cache if isinstance(cache, TeacherCache) or cache is None else TeacherCache(cache)
        self.prices = prices or PriceTable()
        self.json_mode = json_mode
        self.batch = bool(batch_api)
        self.batch_poll_s = batch_poll_s
        self.batch_wait_s = batch_wait_s
        self.limiter = RateLimiter(rpm, tpm)
        self.backoff = backoff or Backoff()
        self.progress = progress
        self.endpoint = (self.base_url or OPENAI_URL).rstrip("/")
        self.ladder = FormatLadder(json_mode, self.endpoint, start=self._remembered_step())
        self._noted = self.ladder.step
        window = max(FIRST, 2 * self.concurrency)  # two "generations" of in-flight requests
        self.monitor = (
            None
            if self.batch or not fail_fast
            else FailFast(Endpoint(self.endpoint, model, api_key_env, self.timeout), window=window)
        )
        self.token_field = "max_tokens"
        self.transport = transport
        self._loop: _LoopThread | None = None
        self._client: Any = None
        self._response_type: Any = None

    def _remembered_step(self) -> str | None:
        """The rung an earlier run learnt for this endpoint and model (json_mode auto only)."""
        if self.cache is None or self.json_mode != "auto":
            return None
        note = self.cache.recall(self.endpoint, self.model, NOTE)
        if note is None:
            return None
        logger.info(
            "%s: sending %s, as learnt on an earlier run (`tadka cache clear` forgets it)", self.endpoint, note[0]
        )
        return note[0]

    @classmethod
    def from_config(cls, cfg: Any, ws: Any = None) -> "OpenAITeacher":
        """The teacher `tadka generate` builds from the ``generate:`` section (keys absent there use defaults)."""
        if not cfg.model:
            raise ConfigError(
                "the openai teacher needs a model", field="generate.model", hint="e.g. --model gpt-4o-mini"
            )
        env = getattr(cfg, "api_key_env", "OPENAI_API_KEY") or "OPENAI_API_KEY"
        use_cache = getattr(cfg, "cache", True) and ws is not None
        return cls(
            cfg.model,
            base_url=cfg.base_url or None,
            api_key_env=env,
            concurrency=getattr(cfg, "concurrency", 16),
            rpm=getattr(cfg, "rpm", 0),
            tpm=getattr(cfg, "tpm", 0),
            timeout=getattr(cfg, "timeout", 60.0),
            retries=getattr(cfg, "retries", 4),
            cache=TeacherCache(ws.teacher_db) if use_cache else None,
            prices=PriceTable.from_config(cfg, cfg.model),
            json_mode=getattr(cfg, "json_mode", "auto"),
            batch_api=bool(getattr(cfg, "batch_api", False)),
            batch_poll_s=getattr(cfg, "batch_poll_s", 30.0),
            batch_wait_s=getattr(cfg, "batch_wait_s", 86400.0),
            transport=getattr(cfg, "transport", "auto"),
        )

    # -- cost ---------------------------------------------------------------------------------
    def estimate(self, requests: list[Request], params: GenParams) -> Estimate:
        """The dry-run figure: requests still to send (cache consulted) and their most cost."""
        jobs = [self.job(r.messages, request_schema(r, params), params) for r in requests]
        hits = self.cache.get_many([j.key for j in jobs]) if self.cache is not None else {}
        todo = list({j.key: j for j in jobs if j.key not in hits}.values())
        return estimate(
            [j.messages for j in todo],
            params.max_tokens,
            self.model,
            self.prices,
            cached=len(jobs) - len(todo),
            batch=self.batch,
        )

    def estimate_cost(self, requests: list[Request], params: GenParams) -> float:
        return self.estimate(requests, params).usd_max

    # -- sending ------------------------------------------------------------------------------
    def send(self, jobs: list[Job], params: GenParams, done: Done) -> None:
        if self._loop is None:
            self._loop = _LoopThread()
        if self.batch:
            from tadka.curate.generate.teachers.batch import run_batch

            self._loop.run(run_batch(self, jobs, params, done))
        else:
            self._loop.run(self._send_all(jobs, params, done))

    def client(self) -> Any:
        """The AsyncOpenAI client (made on first use, inside the loop thread), one pool of ``concurrency``."""
        if self._client is None:
            import openai

            key = os.environ.get(self.api_key_env) or (PLACEHOLDER_KEY if self.base_url else None)
            if key is None:  # checked at the first request, so a dry run (no requests) needs no key
                raise ConfigError(
                    f"no API key: the environment variable {self.api_key_env} is not set",
                    field="generate.api_key_env",
                    hint=f"export {self.api_key_env}=… (never put the key in tadka.yaml), or use "
                    "--base-url for a local server",
                )
            http = _http_module()
            pool = http.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency)
            timeout = http.Timeout(self.timeout, connect=min(10.0, self.timeout))
            self._client = openai.AsyncOpenAI(
                api_key=key,
                base_url=self.base_url,
                max_retries=0,
                timeout=timeout,
                http_client=_http_client(self.transport)(limits=pool, timeout=timeout),
            )
            self._response_type = http.Response
        return self._client

    async def _send_all(self, jobs: list[Job], params: GenParams, done: Done) -> None:
        client = self.client()
        queue = iter(jobs)

        async def worker() -> None:
            for job in queue:  # one shared iterator: each job goes to exactly one worker
                done(job, await self.ask(client, job, params))

        tasks = [asyncio.ensure_future(worker()) for _ in range(min(self.concurrency, len(jobs)))]
        try:
            await asyncio.gather(*tasks)
        finally:  # a stop (TeacherStopped from `done`) or Ctrl-C: the other workers end too
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def body(self, job: Job, params: GenParams) -> dict[str, Any]:
        """The chat-completions request body (also the Batch API line's ``body``)."""
        body: dict[str, Any] = {
            "model": self.model,
            "messages": job.messages,
            "temperature": params.temperature,
            "top_p": params.top_p,
            self.token_field: params.max_tokens,
        }
        if params.seed is not None:
            body["seed"] = params.seed
        if params.stop:
            body["stop"] = params.stop
        fmt = response_format(self.ladder.step, job.schema) if job.schema is not None else None
        if fmt is not None:
            body["response_format"] = fmt
        return body

    async def ask(self, client: Any, job: Job, params: GenParams) -> Raw:
        """One request to the end: an answer, or an error after the retries (never an exception)."""
        import openai

        body = self.body(job, params)
        reserve = estimate_prompt_tokens(job.messages) + params.max_tokens
        attempt, adapted = 0, 0
        while True:
            await self.limiter.acquire(reserve)
            wait_hint, pause_all = None, False
            try:
                # The SDK's documented raw route (client.post + cast_to=Response): same auth, errors and
                # timeouts as chat.completions.create, without building pydantic models we would only
                # dump again — a third of the client's CPU per request (bench/teacher.py).
                response = await client.post("/chat/completions", cast_to=self._response_type, body=body)
                return self.read(json.loads(response.content), job, reserve)
            except openai.APIStatusError as e:
                code, message = e.status_code, self._message(e)
                if adapted < 4 and self._adapt(body, message, code, job):  # not a retry: the body changed
                    adapted += 1
                    self.limiter.release_unused(reserve)
                    continue
                if "response_format" in body and code not in (401, 403, 404, 429) and names_the_format(message):
                    return Raw(error=f"format refused: http {code}: {message}")  # resending would not help
                if not (code == 429 or code >= 500 or code in (408, 409)):
                    return Raw(error=f"http {code}: {message}")
                last = f"http {code}: {message}"
                wait_hint = retry_after(getattr(e.response, "headers", None))
                pause_all = code == 429
            except openai.APITimeoutError as e:
                dropped = _dropped(e)
                last = f"connection error: {dropped}" if dropped else f"timeout after {self.timeout:g}s"
            except openai.APIConnectionError as e:
                last = f"connection error: {self._message(e.__cause__ or e)}"
            except (openai.APIResponseValidationError, _Malformed, ValueError) as e:
                last = f"malformed response: {self._message(e)}"
            except Exception as e:  # an odd reply must end in a failed Result, never kill a run of thousands
                logger.debug("unexpected error from the server", exc_info=True)
                last = f"{type(e).__name__}: {self._message(e)}"
            self.limiter.release_unused(reserve)
            if attempt >= self.retries:
                return Raw(error=f"{last} (gave up after {attempt + 1} tries)")
            delay = self.backoff.delay(attempt, wait_hint)
            if pause_all:
                self.limiter.pause(delay)
            self.usage.retries += 1
            attempt += 1
            logger.debug("retry %d in %.2fs: %s", attempt, delay, last)
            await asyncio.sleep(delay)

    def read(self, response: Any, job: Job, reserve: int) -> Raw:
        """A ChatCompletion (object or dict) → Raw; :class:`_Malformed` if it is not one."""
        data = response.model_dump() if hasattr(response, "model_dump") else response
        if not isinstance(data, dict) or not data.get("choices"):
            raise _Malformed("no choices in the reply")
        choice = data["choices"][0]
        message = choice.get("message") or {}
        text = message.get("content")
        if text is None and message.get("refusal"):
            text = message["refusal"]
        finish = choice.get("finish_reason")
        usage = data.get("usage") or {}
        pt = int(usage.get("prompt_tokens") or estimate_prompt_tokens(job.messages))
        ct = int(usage.get("completion_tokens") or estimate_prompt_tokens([{"content": text or ""}]))
        self.limiter.release_unused(max(0, reserve - pt - ct))
        model = data.get("model") or self.model
        return Raw(text or "", finish, pt, ct, self.prices.cost(self.model, pt, ct, batch=self.batch), model)

    def _adapt(self, body: dict[str, Any], message: str, code: int, job: Job) -> bool:
        """Change what the server refused (the format's rung, max_tokens) and say whether to resend."""
        text = message.lower()
        if "response_format" in body and code not in (401, 403, 404, 429) and names_the_format(message):
            step = self.ladder.refused(body["response_format"]["type"], message)
            if step is None:
                return False
            fmt = response_format(step, job.schema or {})
            if fmt is None:
                del body["response_format"]
            else:
                body["response_format"] = fmt
            self._note(step, message)
            return True
        if "max_tokens" in body and "max_completion_tokens" in text:
            self.token_field = "max_completion_tokens"
            body["max_completion_tokens"] = body.pop("max_tokens")
            return True
        return False

    def _note(self, step: str, message: str) -> None:
        """Keep the rung in the cache's endpoint notes, so the next run starts on it (once per change)."""
        if self.cache is None or step == self._noted:
            return
        self._noted = step
        try:
            self.cache.note(self.endpoint, self.model, NOTE, step, message)
        except Exception:  # a locked or full cache must not stop the run; the step holds for this run anyway
            logger.warning("could not store the endpoint's response_format in the teacher cache", exc_info=True)

    @property
    def schema_supported(self) -> bool:
        """Whether the endpoint still gets ``response_format: json_schema`` (False once it refused it)."""
        return self.ladder.step == "json_schema"

    def _message(self, error: BaseException) -> str:
        return scrub(getattr(error, "message", None) or str(error) or type(error).__name__, self.api_key_env)

    def close(self) -> None:
        if self._loop is not None:
            if self._client is not None:
                try:
                    self._loop.run(self._client.close())
                except Exception:  # closing a half-dead pool at exit must not mask the real outcome
                    logger.debug("closing the HTTP client failed", exc_info=True)
                self._client = None
            self._loop.close()
            self._loop = None
        super().close()


def _dropped(error: BaseException) -> str | None:
    """Why a "timeout" was really a dropped connection (the aiohttp adapter reports a server that
    hung up as ConnectTimeout), or None for a real timeout."""
    seen = 0
    while error is not None and seen < 8:
        name, text = type(error).__name__, str(error).lower()
        if isinstance(error, ConnectionError) or name.endswith("DisconnectedError") or "disconnected" in text:
            return str(error) or name
        error = error.__cause__ or error.__context__
        seen += 1
    return None


class _Malformed(ValueError):
    """The server's reply is not a chat completion."""
