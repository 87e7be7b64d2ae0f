"""Where work runs: in this process, in worker processes, or on Ray — one executor for augment and curate.

Every stage hands the executor a function and a list of items (chunks of records, Arrow batches) and
gets the results back **in input order**, whatever the backend. Output is therefore byte-identical for
1 and N workers as long as the function is deterministic per item (which is why every op seeds its own
Random from (seed, op, record id), :func:`tadka.ops.op_rng`).

* ``local`` — a plain loop in this process (also what ``processes`` does with one worker or one item);
* ``processes`` — a ``multiprocessing`` pool (fork where the platform has it, so a worker inherits the
  function and its loaded models instead of unpickling them per task);
* ``ray`` — Ray tasks (extra ``ray``). A running Ray (``ray.init()`` or ``RAY_ADDRESS``) is used as it
  is; otherwise a local one with ``workers`` CPUs is started for the map and shut down after it.

The function and an optional ``initializer(*initargs)`` are installed once per worker; ``fn`` must be
picklable for ``ray`` and for platforms without fork.
"""

from __future__ import annotations

import importlib.util
import multiprocessing as mp
import os
from collections import deque
from typing import Any, Callable, Iterable, Iterator, Literal, Sized, TypeVar

from tadka.errors import ConfigError, MissingExtra

T = TypeVar("T")
R = TypeVar("R")
Engine = Literal["local", "processes", "ray"]
ENGINES = ("local", "processes", "ray")

_INSTALLED: dict[str, Any] = {}


def ray_available() -> bool:
    return importlib.util.find_spec("ray") is not None


def usable_cores() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one: a container or
    `taskset` limits it below os.cpu_count())."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _install(fn: Callable, initializer: Callable | None, initargs: tuple) -> None:
    if initializer is not None:
        initializer(*initargs)
    _INSTALLED["fn"] = fn


def _apply(item: Any) -> Any:
    return _INSTALLED["fn"](item)


def _ray_task(fn: Callable, initializer: Callable | None, initargs: tuple, item: Any) -> Any:
    if initializer is not None and _INSTALLED.get("init") is not initializer:
        initializer(*initargs)
        _INSTALLED["init"] = initializer
    return fn(item)


class Executor:
    """Maps a function over items on one backend; results come back in input order."""

    def __init__(self, engine: str = "local", workers: int = 1) -> None:
        if engine not in ENGINES:
            raise ConfigError(f"unknown engine {engine!r}", field="engine", hint=", ".join(ENGINES))
        if workers < 1:
            raise ConfigError(f"must be at least 1, got {workers}", field="workers")
        if engine == "ray" and not ray_available():
            raise MissingExtra("ray", "ray", "--engine ray")
        self.engine = engine
        self.workers = workers

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], *, initializer: Callable | None = None, initargs: tuple = ()
    ) -> Iterator[R]:
        """``fn(item)`` for every item, yielded in the order of ``items``.

        ``items`` may be a generator: the process and Ray backends take at most 2 x workers items ahead
        of the results, so a stage read a batch at a time is never held whole."""
        if self.engine == "ray":
            return self._map_ray(fn, items, initializer, initargs)
        if self.engine == "local" or self.workers == 1 or (isinstance(items, Sized) and len(items) <= 1):
            return self._map_local(fn, items, initializer, initargs)
        return self._map_processes(fn, items, initializer, initargs)

    @staticmethod
    def _map_local(fn: Callable, items: Iterable, initializer: Callable | None, initargs: tuple) -> Iterator:
        if initializer is not None:
            initializer(*initargs)
        return map(fn, items)

    def _map_processes(self, fn: Callable, items: Iterable, initializer: Callable | None, initargs: tuple) -> Iterator:
        # Submitted through a window rather than Pool.imap, whose feeder thread reads the whole input ahead
        # of the workers (a whole stage in memory); concurrent.futures rather than multiprocessing.Pool
        # because a worker that dies (the kernel's OOM killer) breaks the pool with an error instead of
        # leaving its task unanswered forever.
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        workers = min(self.workers, len(items)) if isinstance(items, Sized) else self.workers
        with ProcessPoolExecutor(
            workers, mp_context=mp.get_context(method), initializer=_install, initargs=(fn, initializer, initargs)
        ) as pool:
            pending: deque = deque()
            try:
                for item in items:
                    pending.append(pool.submit(_apply, item))
                    if len(pending) >= 2 * workers:
                        yield pending.popleft().result()
                while pending:
                    yield pending.popleft().result()
            except BrokenProcessPool:
                raise ConfigError(
                    "a worker process died (killed, or out of memory?)",
                    field="workers",
                    hint="fewer workers or a smaller batch size",
                ) from None
            finally:
                for f in pending:
                    f.cancel()

    def _map_ray(self, fn: Callable, items: Iterable, initializer: Callable | None, initargs: tuple) -> Iterator:
        import ray

        started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
            if not os.environ.get("RAY_ADDRESS"):
                kwargs["num_cpus"] = self.workers
            ray.init(**kwargs)
            started = True
        try:
            task = ray.remote(_ray_task)
            fn_ref = ray.put(fn)  # serialised once, not per task
            pending: deque = deque()
            for item in items:  # at most 2 x workers in flight: the driver holds few results at once
                pending.append(task.remote(fn_ref, initializer, initargs, item))
                if len(pending) >= 2 * self.workers:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        finally:
            if started:
                ray.shutdown()
