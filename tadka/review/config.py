"""The ``review:`` section of tadka.yaml: who reviews, how the queue is ordered, where the app listens.

It lives in the core (no streamlit import) so that `tadka init` can render it and `tadka review`
can validate it before the server starts. Defaults < tadka.yaml < `tadka review` flags.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Literal

from tadka.config import Section, opt, section
from tadka.errors import ConfigError

ORDERS = ("quality", "quality-low", "uncertainty", "random", "stage")
SCORE_ORDERS = {"quality": "quality", "quality-low": "quality", "uncertainty": "quality"}  # order -> score it needs
REJECT_REASONS = [
    "wrong or unsafe answer",
    "not Hinglish / wrong language mix",
    "unnatural code-mixing",
    "broken or garbled text",
    "off-topic or low effort",
    "contains personal data",
    "duplicate",
]


@section("review", "`tadka review`: the review app (queue, browse, dashboard, export).")
@dataclass
class ReviewConfig(Section):
    reviewer: str = opt("", "Reviewer name; empty asks each reviewer for a name when the app opens.")
    stage: str = opt("", "Stage to review; empty picks the latest of curated, augmented, generated, imported, seeds.")
    reject_reasons: list[str] = opt(REJECT_REASONS, "Reasons offered when rejecting (keys 1-9 pick one).")
    order: Literal["quality", "quality-low", "uncertainty", "random", "stage"] = opt(
        "quality", "Queue order: quality (best first), quality-low, uncertainty, random or stage."
    )
    overlap: float = opt(
        0.0, "Share of records (by a seeded hash of the id) shown to several reviewers, for agreement.", ge=0, le=1
    )
    overlap_reviewers: int = opt(2, "How many reviewers label each overlap record.", ge=2)
    claim_minutes: float = opt(
        10.0, "A record on one reviewer's screen is kept out of the others' queues this long.", ge=0
    )
    host: str = opt(
        "127.0.0.1",
        "Address the app binds to; anything but loopback requires accounts (tadka review users add NAME --role admin).",
    )
    port: int = opt(8501, "Port of the app.", ge=1, le=65535)
    collapse_chars: int = opt(
        600, "A turn longer than this is shown folded, with its length, so the buttons stay near.", ge=80
    )

    def rules(self) -> None:
        """Refuse values the app cannot work with, before the server starts."""
        if not self.reject_reasons:
            raise ConfigError("needs at least one reason", field="review.reject_reasons")


def check_review_config(cfg: ReviewConfig) -> ReviewConfig:
    """:meth:`ReviewConfig.check` (the name callers used before every section had one)."""
    return cfg.check()


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (then a single-user app needs no login)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
