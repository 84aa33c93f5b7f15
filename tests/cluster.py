"""A Dask cluster as a user starts one: a ``dask scheduler`` process and ``dask worker``
processes on this machine, started with the ``dask`` command beside this Python."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

DASK = Path(sys.executable).parent / "dask"


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


@contextmanager
def dask_cluster_at(folder: Path, workers: int = 2) -> Iterator[str]:
    """A scheduler and ``workers`` single-threaded worker processes (each under a nanny that
    restarts it if it dies); yields the scheduler's address."""
    if not DASK.exists() or shutil.which(str(DASK)) is None:
        pytest.skip(f"no `dask` command beside {sys.executable}: install dask[distributed]")
    info = folder / "scheduler.json"
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "NUMBA_NUM_THREADS": "1"}
    with ExitStack() as stack:
        logs = [stack.enter_context(open(folder / f"{n}.log", "wb")) for n in ("s", "w")]
        procs: list[subprocess.Popen[bytes]] = []
        stack.callback(lambda: [_stop(p) for p in reversed(procs)])
        procs.append(subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(info)],
            stdout=logs[0], stderr=subprocess.STDOUT, env=env,
        ))  # fmt: skip
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        procs.append(subprocess.Popen(
            [str(DASK), "worker", address, "--nworkers", str(workers), "--nthreads", "1",
             "--no-dashboard", "--host", "127.0.0.1"],
            stdout=logs[1], stderr=subprocess.STDOUT, env=env,
        ))  # fmt: skip
        waiter = (
            "import sys; from distributed import Client; "
            "c = Client(sys.argv[1], timeout=60); "
            "c.wait_for_workers(int(sys.argv[2]), timeout=90); c.close()"
        )
        subprocess.run([sys.executable, "-c", waiter, address, str(workers)], check=True,
                       timeout=120, capture_output=True, env=env)  # fmt: skip
        yield address
