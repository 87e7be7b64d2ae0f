"""One progress bar per long loop, shown only when the loop takes longer than a second.

tqdm prints records/s and the ETA; ``delay`` keeps short runs (and test logs) quiet.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterable, Iterator, TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def progress(
    items: Iterable[T], *, desc: str, total: int | None = None, unit: str = "rec", delay: float = 1.0
) -> Iterator[T]:
    """Wrap an iterable in a progress bar (records/s, ETA) on stderr after ``delay`` seconds."""
    disable = os.environ.get("TADKA_NO_PROGRESS") == "1"
    return iter(
        tqdm(
            items,
            desc=desc,
            total=total,
            unit=unit,
            unit_scale=True,
            delay=delay,
            file=sys.stderr,
            disable=disable,
            dynamic_ncols=True,
            leave=False,
        )
    )


def bar(*, desc: str, total: int | None = None, unit: str = "rec", delay: float = 1.0) -> tqdm:
    """A manual progress bar for loops that advance by batches (``bar.update(n)``)."""
    return tqdm(
        desc=desc,
        total=total,
        unit=unit,
        unit_scale=True,
        delay=delay,
        file=sys.stderr,
        disable=os.environ.get("TADKA_NO_PROGRESS") == "1",
        dynamic_ncols=True,
        leave=False,
    )


@contextlib.contextmanager
def quiet_datasets() -> Iterator[None]:
    """datasets draws its own bar per save; ours already shows records/s for the whole command."""
    from datasets.utils import logging as ds_logging

    was_enabled = ds_logging.is_progress_bar_enabled()
    ds_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            ds_logging.enable_progress_bar()
