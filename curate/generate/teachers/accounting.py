"""Token and USD accounting: a price table, the live counters of a run, and the dry-run estimate.

Prices are USD per million tokens, (prompt, completion). The built-in table holds OpenAI's list
prices for the models people use for data generation; tadka.yaml overrides them (``price_in`` /
``price_out`` for the configured model, or a whole ``prices`` table), because prices change and a
self-hosted server (vLLM, llama.cpp) costs nothing per token. A model found in no table is unpriced:
its tokens are still counted, its cost is 0, and one warning says so.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Iterable, Mapping

logger = logging.getLogger(__name__)

# OpenAI list prices, USD per 1M tokens (prompt, completion), standard tier. Batch API: half.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "o4-mini": (1.10, 4.40),
    "o3-mini": (1.10, 4.40),
    "gpt-3.5-turbo": (0.50, 1.50),
}
BATCH_DISCOUNT = 0.5
CHARS_PER_TOKEN = 4.0  # the usual rule of thumb for English-like text; Roman Hinglish is close to it
TOKENS_PER_MESSAGE = 4  # role and separators the chat format adds around each message


class PriceTable:
    """Model name → (USD per 1M prompt tokens, USD per 1M completion tokens).

    A dated snapshot name ("gpt-4o-mini-2024-07-18") takes the price of its longest listed prefix.
    """

    def __init__(self, prices: Mapping[str, Iterable[float]] | None = None, *, defaults: bool = True) -> None:
        self.prices: dict[str, tuple[float, float]] = dict(DEFAULT_PRICES) if defaults else {}
        for name, pair in (prices or {}).items():
            p_in, p_out = (float(x) for x in pair)
            self.prices[name] = (p_in, p_out)
        self._warned: set[str] = set()

    @classmethod
    def from_config(cls, cfg: object, model: str) -> "PriceTable":
        """The table a run uses: defaults < ``generate.prices`` < ``price_in``/``price_out`` for ``model``."""
        table = cls(getattr(cfg, "prices", None) or {})
        p_in, p_out = float(getattr(cfg, "price_in", 0.0) or 0.0), float(getattr(cfg, "price_out", 0.0) or 0.0)
        if model and (p_in or p_out):
            table.prices[model] = (p_in, p_out)
        return table

    def price(self, model: str) -> tuple[float, float] | None:
        if model in self.prices:
            return self.prices[model]
        best = max((name for name in self.prices if model.startswith(name)), key=len, default=None)
        return self.prices[best] if best else None

    def cost(self, model: str, prompt_tokens: int, completion_tokens: int, *, batch: bool = False) -> float:
        price = self.price(model)
        if price is None:
            if model not in self._warned:
                self._warned.add(model)
                logger.warning(
                    "no price for model %r: its tokens are counted but cost $0 (set generate.price_in/"
                    "price_out in tadka.yaml)",
                    model,
                )
            return 0.0
        usd = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1e6
        return usd * BATCH_DISCOUNT if batch else usd


def estimate_prompt_tokens(messages: list[dict[str, str]]) -> int:
    """A tokenizer-free estimate (no tiktoken dependency): characters / 4 plus the chat framing."""
    chars = sum(len(m.get("content") or "") for m in messages)
    return math.ceil(chars / CHARS_PER_TOKEN) + TOKENS_PER_MESSAGE * len(messages) + 3


@dataclass
class Estimate:
    """What a dry run would send and, at most, pay."""

    requests: int
    cached: int
    prompt_tokens: int
    max_completion_tokens: int
    usd_max: float
    priced: bool

    def line(self) -> str:
        cost = f"at most ${self.usd_max:,.4f}" if self.priced else "unpriced model ($0 counted)"
        return (
            f"{self.requests} requests to send ({self.cached} already cached): ~{self.prompt_tokens:,} prompt "
            f"tokens + up to {self.max_completion_tokens:,} completion tokens, {cost}"
        )


def estimate(
    prompts: list[list[dict[str, str]]],
    max_tokens: int,
    model: str,
    prices: PriceTable,
    *,
    cached: int = 0,
    batch: bool = False,
) -> Estimate:
    """Upper-bound cost of sending ``prompts`` (each answer assumed to use all of ``max_tokens``)."""
    pt = sum(estimate_prompt_tokens(m) for m in prompts)
    ct = max_tokens * len(prompts)
    return Estimate(
        len(prompts), cached, pt, ct, prices.cost(model, pt, ct, batch=batch), prices.price(model) is not None
    )


@dataclass
class Usage:
    """Live counters of one teacher: what the status line shows and the run summary records."""

    requests: int = 0  # answers received from the server (not counting retries)
    cached: int = 0  # answers served from cache/teacher.db
    failed: int = 0  # requests that ended in an error Result
    retries: int = 0  # extra attempts after 429 / 5xx / timeouts / dropped connections
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    saved_usd: float = 0.0  # what the cached answers cost when they were first bought
    started: float = field(default_factory=time.monotonic)

    def add_sent(self, prompt_tokens: int, completion_tokens: int, cost_usd: float) -> None:
        self.requests += 1
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        self.cost_usd += cost_usd

    def add_cached(self, saved_usd: float) -> None:
        self.cached += 1
        self.saved_usd += saved_usd

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return (self.requests + self.cached + self.failed) / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """``12.3 req/s · 45.6k tok · $0.0123 · 120 cached · 3 failed`` — the live status line."""
        tokens = self.prompt_tokens + self.completion_tokens
        return (
            f"{self.rate:.1f} req/s · {_short(tokens)} tok · ${self.cost_usd:.4f} · {self.cached} cached · "
            f"{self.failed} failed" + (f" · {self.retries} retries" if self.retries else "")
        )

    def to_dict(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "cached": self.cached,
            "failed": self.failed,
            "retries": self.retries,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "cost_usd": round(self.cost_usd, 6),
            "saved_usd": round(self.saved_usd, 6),
        }


def _short(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    if n >= 1_000:
        return f"{n / 1e3:.1f}k"
    return str(n)
