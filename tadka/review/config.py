"""The ``review:`` section of tadka.yaml: who reviews, how the queue is ordered, where the app listens.

It lives in the core (no streamlit import) so that `tadka init` can render it and `tadka review`
can validate it before the server starts. Defaults < tadka.yaml < `tadka review` flags.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from tadka.config import opt, section
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
class ReviewConfig:
    reviewer: str = opt("", "Reviewer name; empty asks each reviewer for a name when the app opens.")
    stage: str = opt("", "Stage to review; empty picks the latest of curated, augmented, generated, imported, seeds.")
    reject_reasons: list[str] = opt(REJECT_REASONS, "Reasons offered when rejecting (keys 1-9 pick one).")
    order: str = opt("quality", "Queue order: quality (best first), quality-low, uncertainty, random or stage.")
    overlap: float = opt(
        0.0, "Share of records (by a seeded hash of the id) shown to several reviewers, for agreement.")
    overlap_reviewers: int = opt(2, "How many reviewers label each overlap record.")
    claim_minutes: float = opt(
        10.0, "A record on one reviewer's screen is kept out of the others' queues this long.")
    host: str = opt("127.0.0.1", "Address the app binds to; anything but loopback requires accounts "
                                 "(tadka review users add NAME --role admin).")
    port: int = opt(8501, "Port of the app.")
    collapse_chars: int = opt(600, "A turn longer than this is shown folded, with its length, so the buttons stay near.")


def check_review_config(cfg: ReviewConfig) -> ReviewConfig:
    """Refuse values the app cannot work with, before the server starts."""
    if cfg.order not in ORDERS:
        raise ConfigError(f"unknown order {cfg.order!r}", field="review.order", hint=", ".join(ORDERS))
    if not 0.0 <= cfg.overlap <= 1.0:
        raise ConfigError("must be in [0, 1]", field="review.overlap")
    if cfg.overlap_reviewers < 2:
        raise ConfigError("must be at least 2", field="review.overlap_reviewers")
    if not cfg.reject_reasons:
        raise ConfigError("needs at least one reason", field="review.reject_reasons")
    if not 0 < cfg.port < 65536:
        raise ConfigError("must be in 1..65535", field="review.port")
    if cfg.claim_minutes < 0:
        raise ConfigError("must be >= 0", field="review.claim_minutes")
    if cfg.collapse_chars < 80:
        raise ConfigError("must be at least 80", field="review.collapse_chars")
    return cfg


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (then a single-user app needs no login)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
