"""Client-side limits for API teachers: requests/min, tokens/min, shared pauses, and backoff.

Two token buckets (requests and tokens per minute) refill continuously; each holds one second's
worth, so a run is paced evenly instead of firing a minute's budget in one burst and then stalling
on 429s. A 429 with Retry-After pauses *every* worker (:meth:`RateLimiter.pause`), not only the one
that got it: the server is telling the whole client to slow down. Retries wait with exponential
backoff and full jitter (AWS architecture blog, "Exponential Backoff And Jitter"), so many workers
failing together do not retry together.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from typing import Callable, Mapping


class TokenBucket:
    """``limit`` units per minute, at most one second's worth banked; 0 means no limit."""

    def __init__(self, limit: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = float(limit)
        self.rate = self.limit / 60.0
        self.capacity = max(1.0, self.rate)
        self.level = self.capacity
        self.clock = clock
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, amount: float) -> float:
        """Seconds until ``amount`` can be taken (a request larger than the bucket waits for a full one)."""
        if self.limit <= 0:
            return 0.0
        self._refill()
        need = min(amount, self.capacity)
        return 0.0 if self.level >= need else (need - self.level) / self.rate

    def take(self, amount: float) -> None:
        if self.limit > 0:
            self._refill()
            self.level -= amount  # may go negative for an oversized request: later ones wait it off

    def give_back(self, amount: float) -> None:
        """Return units reserved but not used (a reply shorter than max_tokens)."""
        if self.limit > 0 and amount > 0:
            self._refill()
            self.level = min(self.capacity, self.level + amount)


class RateLimiter:
    """Paces request starts by RPM and TPM and honours server-wide pauses (asyncio, one event loop)."""

    def __init__(self, rpm: float = 0, tpm: float = 0, clock: Callable[[], float] = time.monotonic) -> None:
        self.requests = TokenBucket(rpm, clock)
        self.tokens = TokenBucket(tpm, clock)
        self.clock = clock
        self.paused_until = 0.0
        self._lock: asyncio.Lock | None = None

    async def acquire(self, tokens: int) -> None:
        """Wait until one more request of about ``tokens`` tokens may start (FIFO among waiters)."""
        if self.requests.limit <= 0 and self.tokens.limit <= 0 and self.paused_until <= self.clock():
            return
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            while True:
                wait = max(self.paused_until - self.clock(), self.requests.wait_time(1), self.tokens.wait_time(tokens))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self.requests.take(1)
            self.tokens.take(tokens)

    def release_unused(self, tokens: int) -> None:
        self.tokens.give_back(tokens)

    def pause(self, seconds: float) -> None:
        """Hold every worker back for ``seconds`` (a 429's Retry-After)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)


class Backoff:
    """Delay before retry ``attempt`` (0-based): Retry-After when the server sent one, else full jitter."""

    def __init__(
        self, base: float = 0.5, cap: float = 30.0, max_retry_after: float = 120.0, rng: random.Random | None = None
    ) -> None:
        self.base = base
        self.cap = cap
        self.max_retry_after = max_retry_after
        self.rng = rng or random.Random()

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            # A little jitter on top, so the workers a 429 stopped do not all come back in the same ms.
            return min(retry_after, self.max_retry_after) + self.rng.uniform(0, min(0.1, self.base))
        return self.rng.uniform(0, min(self.cap, self.base * 2**attempt))


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, ``retry-after`` seconds or HTTP date."""
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())
