"""The one executor: the same results, in input order, whatever the backend and worker count.

The Ray backend is exercised end to end by tests/curate/test_ray.py (curate on Ray = curate local)."""

import os

import pytest

from tadka.errors import ConfigError
from tadka.executor import Executor

_STATE = {}


def _set_offset(offset: int) -> None:
    _STATE["offset"] = offset


def _work(item: int) -> tuple[int, int, int]:
    return item, item * item + _STATE["offset"], os.getpid()


def test_processes_give_the_local_results_in_input_order():
    items = list(range(40))
    local = list(Executor("local").map(_work, items, initializer=_set_offset, initargs=(7,)))
    pooled = list(Executor("processes", 3).map(_work, items, initializer=_set_offset, initargs=(7,)))
    assert [r[:2] for r in pooled] == [r[:2] for r in local] == [(i, i * i + 7) for i in items]
    assert len({r[2] for r in pooled} - {os.getpid()}) >= 1  # really ran elsewhere


def test_one_worker_or_one_item_stays_in_this_process():
    for workers, items in ((1, [1, 2, 3]), (4, [5])):
        out = list(Executor("processes", workers).map(_work, items, initializer=_set_offset, initargs=(0,)))
        assert {r[2] for r in out} == {os.getpid()}


def test_bad_engine_or_worker_count_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown engine"):
        Executor("threads")
    with pytest.raises(ConfigError, match="at least 1"):
        Executor("processes", 0)


def _die_on_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), 9)  # what the kernel's OOM killer does to a worker
    return item


def test_a_worker_that_dies_is_a_one_line_error_not_a_hang():
    with pytest.raises(ConfigError, match="worker process died") as err:
        list(Executor("processes", 2).map(_die_on_three, range(8)))
    assert "\n" not in str(err.value)


def test_a_generator_is_read_only_a_window_ahead_of_the_results():
    taken: list[int] = []

    def items():
        for i in range(50):
            taken.append(i)
            yield i

    results = Executor("processes", 2).map(_work, items(), initializer=_set_offset, initargs=(0,))
    first = next(results)
    assert first[0] == 0 and len(taken) <= 5  # 2 x workers in flight, and the one that let the first out
    assert [r[0] for r in results] == list(range(1, 50))
