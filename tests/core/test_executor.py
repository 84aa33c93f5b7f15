"""The executor: results in item order whatever order the tasks finish in, progress counted by
weight, errors brought back as they were raised, and the worker cache kept per job."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from umbrella.core.errors import InputError
from umbrella.core.executor import (
    InProcess,
    OnDask,
    TaskFailed,
    Where,
    forget,
    job_token,
    open_executor,
    worker_cache,
)


def _square_late(shared: float, item: int) -> float:
    """The first items finish last: a task's result must still land at its item."""
    time.sleep(shared * (5 - item % 5))
    return float(item * item)


def _refuse(shared: None, item: int) -> int:
    if item == 2:
        raise InputError("item 2 is refused", key="items[2]")
    return item


def _crash(shared: None, item: int) -> int:
    if item == 1:
        raise ZeroDivisionError("division by zero")
    return item


@pytest.fixture(scope="module")
def threads_cluster() -> Iterator[Any]:
    """A scheduler with two single-threaded workers in this process."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                     silence_logs=logging.ERROR) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):  # fmt: skip
        yield client


def test_in_process_runs_in_order_and_counts_progress_by_weight() -> None:
    seen: list[tuple[int, int, str]] = []
    out = InProcess().map(_square_late, 0.0, [1, 2, 3], weights=[10, 20, 30],
                          progress=lambda d, t, s: seen.append((d, t, s)), stage="runs",
                          done0=5)  # fmt: skip
    assert out == [1.0, 4.0, 9.0]
    assert seen == [(15, 65, "runs"), (35, 65, "runs"), (65, 65, "runs")]


def test_dask_results_land_at_their_items_whatever_order_they_finish(threads_cluster: Any) -> None:
    ex = OnDask(threads_cluster, "test")
    seen: list[int] = []
    out = ex.map(_square_late, 0.02, list(range(10)), progress=lambda d, t, s: seen.append(d))
    assert out == [float(i * i) for i in range(10)]
    assert seen == list(range(1, 11)) and ex.workers == 2


def test_an_input_error_in_a_task_comes_back_as_it_was_raised(threads_cluster: Any) -> None:
    with pytest.raises(InputError, match="item 2 is refused") as err:
        OnDask(threads_cluster, "test").map(_refuse, None, [0, 1, 2, 3])
    assert err.value.key == "items[2]"
    with pytest.raises(InputError, match="item 2 is refused"):
        InProcess().map(_refuse, None, [0, 1, 2, 3])


def test_a_task_that_keeps_failing_is_one_line_naming_it(threads_cluster: Any) -> None:
    with pytest.raises(TaskFailed) as err:
        OnDask(threads_cluster, "test").map(_crash, None, [0, 1, 2])
    text = str(err.value)
    assert text == "task 2 of 3 (crash) failed on the cluster: ZeroDivisionError: division by zero"
    # ... or gives what ``failed`` makes of it, the other tasks' results kept.
    out = OnDask(threads_cluster, "test").map(
        _crash, None, [0, 1, 2], failed=lambda i, exc: -10 * i - len(str(exc))
    )
    assert out == [0, -10 - len("division by zero"), 2]


def test_the_worker_cache_builds_once_per_job_and_forgets_it() -> None:
    token, calls = job_token(), []

    def build() -> list[int]:
        calls.append(1)
        return [1, 2]

    first = worker_cache((token, "x"), build)
    assert worker_cache((token, "x"), build) is first and len(calls) == 1
    forget(token)
    assert worker_cache((token, "x"), build) is not first and len(calls) == 2
    forget(token)


def test_where_refuses_both_and_out_of_range_workers() -> None:
    with pytest.raises(InputError, match="not both"):
        Where(workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(InputError, match="between 1 and"):
        Where(workers=0)
    assert Where().in_process and Where().describe() == "in this process"
    assert Where(workers=1).describe() == "1 local worker process"
    with open_executor() as ex:
        assert isinstance(ex, InProcess) and ex.workers == 0
