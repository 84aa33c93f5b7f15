"""Where a sweep's runs go: this process, local worker processes, or a Dask cluster.

The work is cut into tasks of whole batches of replications: a point's raid is compiled once
(one task) and its replications flown in batches of ``batch_runs`` (one task each, depending on
the compiled raid), so task overhead stays small next to the work. Replication ``r`` of a point
draws only from ``(seed, r)``, so the batches are put back together in replication order and
the numbers are the same whatever the number of workers, the batch size or the cluster.

A point that fails (its overrides are refused, or a worker dies) is recorded with its error,
and the rest of the sweep goes on.

Local worker processes and remote clusters both run on Dask distributed: local workers are a
:class:`distributed.LocalCluster` of single-threaded processes; ``scheduler`` is the address of a
running cluster (``dask scheduler`` and ``dask worker``).
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from umbrella.core.errors import InputError
from umbrella.core.limits import check_workers
from umbrella.core.progress import Progress, report
from umbrella.scenario.overrides import Override

if TYPE_CHECKING:
    from distributed import Client

    from umbrella.sweep.models import SweepModel

__all__ = [
    "DEFAULT_BATCH_RUNS",
    "Failure",
    "Task",
    "available_cores",
    "execute",
    "plan_tasks",
]

F64 = npt.NDArray[np.float64]
#: Replications per task by default: a few tenths of a second of the reference raid.
DEFAULT_BATCH_RUNS = 2000

# One engine call at a time per process: a Dask worker may run several tasks in threads, and
# the compiled engine already uses the cores it is given.
_ENGINE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Task:
    """Replications ``rep0 .. rep0 + n - 1`` of one point."""

    point: int
    rep0: int
    n: int


@dataclass(frozen=True)
class Failure:
    """Why a point (or one of its batches) failed, in one line."""

    message: str


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def plan_tasks(n_points: int, runs: int, splittable: bool, batch_runs: int) -> list[Task]:
    """Every task of a sweep, point by point, batches in replication order."""
    if batch_runs < 1:
        raise InputError("batch_runs must be at least 1", key="batch_runs")
    step = batch_runs if splittable else runs
    return [
        Task(p, r0, min(step, runs - r0)) for p in range(n_points) for r0 in range(0, runs, step)
    ]


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return exc.one_line()
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def build_point(model: SweepModel, overrides: Sequence[Override]) -> Any:
    """Task: a point's overrides applied and compiled, or a :class:`Failure`."""
    try:
        return model.build(overrides)
    except Exception as exc:  # a point that fails is reported, not lost
        return Failure(_one_line(exc))


def _worker_threads() -> int | None:
    """The threads of the Dask worker running this task (its share of the cores), if any."""
    try:
        from distributed import get_worker

        return int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return None


def run_batch(
    model: SweepModel, built: Any, seed: int, task: Task, outputs: Sequence[str]
) -> F64 | Failure:
    """Task: (n, O) outputs of a batch of replications, or a :class:`Failure`.

    On a Dask worker the engine uses as many threads as the worker has (``--nthreads``: its
    share of the machine), one engine call at a time.
    """
    if isinstance(built, Failure):
        return built
    try:
        with _ENGINE_LOCK:
            threads = _worker_threads()
            if threads is not None:
                import numba

                limit = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
                numba.set_num_threads(max(1, min(threads, limit)))
            return model.run(built, seed, task.rep0, task.n, outputs)
    except Exception as exc:
        return Failure(_one_line(exc))


#: The stage a sweep's progress counts: replications over every point.
STAGE = "runs"


class _Collector:
    """Batches put back together per point, in replication order; each batch added is reported
    to ``progress`` (replications done of every point's)."""

    def __init__(self, n_points: int, runs: int, n_out: int, progress: Progress | None) -> None:
        self.values = np.full((n_points, runs, n_out), np.nan)
        self.errors: dict[int, str] = {}
        self.done = 0
        self.total = n_points * runs
        self.progress = progress

    def add(self, task: Task, result: F64 | Failure) -> None:
        if isinstance(result, Failure):
            self.errors.setdefault(task.point, result.message)
        else:
            self.values[task.point, task.rep0 : task.rep0 + task.n] = result
        self.done += task.n
        report(self.progress, self.done, self.total, STAGE)

    def finish(self) -> tuple[F64, dict[int, str]]:
        for p in self.errors:
            self.values[p] = np.nan  # never half a point
        return self.values, dict(sorted(self.errors.items()))


def _in_process(
    model: SweepModel,
    points: Sequence[Sequence[Override]],
    tasks: Sequence[Task],
    seed: int,
    outputs: Sequence[str],
    col: _Collector,
) -> None:
    built: dict[int, Any] = {}
    for task in tasks:
        if task.point not in built:
            built = {task.point: build_point(model, points[task.point])}
        col.add(task, run_batch(model, built[task.point], seed, task, outputs))


def _on_client(
    client: Client,
    model: SweepModel,
    points: Sequence[Sequence[Override]],
    tasks: Sequence[Task],
    seed: int,
    outputs: Sequence[str],
    col: _Collector,
) -> None:
    from distributed import as_completed

    token = uuid.uuid4().hex[:12]
    [model_f] = client.scatter([model], broadcast=True, hash=False)  # type: ignore[no-untyped-call]
    futures: dict[Any, Task] = {}
    built_f: Any = None
    current = -1
    for task in tasks:
        if task.point != current:
            current = task.point
            built_f = client.submit(
                build_point, model_f, list(points[task.point]),
                key=f"umbrella-build-{token}-{task.point}", retries=1,
            )  # fmt: skip
        f = client.submit(
            run_batch, model_f, built_f, seed, task, list(outputs),
            key=f"umbrella-run-{token}-{task.point}-{task.rep0}", retries=1,
        )  # fmt: skip
        futures[f] = task
    del built_f  # the compiled raids are released once their batches are done
    for f in as_completed(list(futures)):  # type: ignore[no-untyped-call]
        task = futures.pop(f)
        if f.status == "error":
            exc = f.exception()
            col.add(task, Failure(f"the task failed on the cluster: {_one_line(exc)}"))
        else:
            col.add(task, f.result())
        f.release()


@contextmanager
def _local_client(workers: int) -> Iterator[Client]:
    """Worker processes sharing this machine's cores."""
    import logging

    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=max(1, available_cores() // workers),
            processes=True,
            dashboard_address=":0",  # a free port: never the shared default
            silence_logs=logging.ERROR,
        ) as cluster,  # type: ignore[no-untyped-call]
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def connect_timeout() -> float:
    """Seconds to wait for a Dask scheduler to answer: Dask's own connect timeout
    (``distributed.comm.timeouts.connect``, 30 s by default; set
    ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT`` to change it)."""
    import dask.config
    from dask.utils import parse_timedelta

    value = dask.config.get("distributed.comm.timeouts.connect", 30)
    seconds = parse_timedelta(value, default="seconds")
    return float(seconds) if seconds else 30.0


def _host_port(address: str) -> tuple[str, int]:
    """(host, port) of ``tcp://HOST:PORT`` (or ``HOST:PORT``)."""
    text = address.strip()
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "tcp", text
    host, colon, port = rest.rstrip("/").rpartition(":")
    host = host.strip("[]")
    if scheme != "tcp" or not colon or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("give tcp://HOST:PORT")
    return host, int(port)


#: Largest handshake a scheduler sends on connecting, bytes (Dask's is under a hundred).
_MAX_HANDSHAKE = 64 * 2**10


def _recv(sock: Any, n: int, deadline: float) -> bytes:
    import time

    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        sock.settimeout(left)
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionResetError("the connection closed")
        data += chunk
    return data


def probe_scheduler(address: str, timeout: float | None = None) -> None:
    """Check that ``address`` is a Dask scheduler, within ``timeout`` seconds (default
    :func:`connect_timeout`): connect, and read the handshake a scheduler sends at once.

    Raises
    ------
    InputError
        The address is malformed, cannot be reached, does not answer in time, or answers
        with something other than a Dask scheduler's handshake: one line naming it.
    """
    import socket
    import struct
    import time

    timeout = connect_timeout() if timeout is None else timeout
    where = f"cannot reach the Dask scheduler at {address}"
    try:
        host, port = _host_port(address)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}", key="--scheduler") from None
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as exc:
        reason = "no answer in time" if isinstance(exc, TimeoutError) else exc.strerror or exc
        raise InputError(f"{where}: {reason}", key="--scheduler") from None
    try:
        with sock:
            (size,) = struct.unpack("<Q", _recv(sock, 8, deadline))
            if not 8 <= size <= _MAX_HANDSHAKE:
                raise ValueError("not a Dask message")
            _check_handshake(_recv(sock, size, deadline))
    except TimeoutError:
        raise InputError(
            f"{address} is not a Dask scheduler: it accepted the connection but sent no Dask "
            f"handshake within {timeout:g} s",
            key="--scheduler",
        ) from None
    except OSError as exc:
        raise InputError(f"{where}: {exc.strerror or exc}", key="--scheduler") from None
    except Exception:
        raise InputError(
            f"{address} is not a Dask scheduler: it answered, but not with a Dask handshake",
            key="--scheduler",
        ) from None


def _check_handshake(data: bytes) -> None:
    """Raise unless ``data`` is a Dask handshake (frames of a msgpack table naming the
    scheduler's Python)."""
    import msgpack  # type: ignore[import-untyped]
    from distributed.protocol.utils import unpack_frames

    frames = unpack_frames(data)
    msg = msgpack.unpackb(bytes(frames[0]), raw=False, strict_map_key=False)
    if not isinstance(msg, dict) or "python" not in msg:
        raise ValueError("not a Dask handshake")


@contextmanager
def _remote_client(address: str) -> Iterator[Client]:
    from distributed import Client

    probe_scheduler(address)
    try:
        client = Client(address, timeout=connect_timeout())  # type: ignore[no-untyped-call]
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address
        msg = f"cannot reach the Dask scheduler at {address}: {_one_line(exc)}"
        raise InputError(msg, key="--scheduler") from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def execute(
    model: SweepModel,
    points: Sequence[Sequence[Override]],
    runs: int,
    seed: int,
    outputs: Sequence[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    batch_runs: int = DEFAULT_BATCH_RUNS,
    progress: Progress | None = None,
) -> tuple[F64, dict[int, str]]:
    """Run every point of a sweep.

    Parameters
    ----------
    model
        What is varied (:class:`~umbrella.sweep.models.RaidModel` or ``CampaignModel``).
    points
        One list of overrides per point.
    runs, seed
        Replications per point and the seed every point uses (common random numbers).
    outputs
        Output names (:mod:`umbrella.sweep.metrics`).
    workers
        Local worker processes (default: the cores); 1 runs in this process.
    scheduler
        Address of a running Dask scheduler (``tcp://HOST:PORT``), instead of local workers.
    client
        A connected :class:`distributed.Client` to use (neither ``workers`` nor ``scheduler``).
    batch_runs
        Replications per task (the numbers do not depend on it).
    progress
        ``progress(done, total, "runs")`` after each batch: replications done of every point's
        (``total`` is ``len(points) * runs``; :mod:`umbrella.core.progress`).

    Returns
    -------
    values, errors
        (P, R, O) outputs per point, replication and output (NaN for a failed point), and the
        one-line error of each failed point.
    """
    given = sum(x is not None for x in (workers, scheduler, client))
    if given > 1:
        raise InputError("give one of workers, scheduler or client", key="--workers")
    check_workers(workers, key="--workers")
    tasks = plan_tasks(len(points), runs, model.splittable, batch_runs)
    col = _Collector(len(points), runs, len(outputs), progress)
    if client is not None:
        _on_client(client, model, points, tasks, seed, outputs, col)
    elif scheduler is not None:
        with _remote_client(scheduler) as remote:
            _on_client(remote, model, points, tasks, seed, outputs, col)
    else:
        n = min(workers if workers is not None else available_cores(), len(tasks))
        if n <= 1:
            _in_process(model, points, tasks, seed, outputs, col)
        else:
            with _local_client(n) as local:
                _on_client(local, model, points, tasks, seed, outputs, col)
    return col.finish()
