"""Dask clusters: local worker processes on this machine, or a running scheduler checked
before connecting (a port that is not a Dask scheduler is refused in one line, within the
connect timeout)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from umbrella.core.errors import InputError
from umbrella.core.executor import available_cores, one_line

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["connect_timeout", "local_client", "probe_scheduler", "remote_client"]


@contextmanager
def local_client(workers: int, threads_per_worker: int | None = None) -> Iterator[Client]:
    """Worker processes sharing this machine's cores."""
    import logging

    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=threads_per_worker or max(1, available_cores() // workers),
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
def remote_client(address: str) -> Iterator[Client]:
    from distributed import Client

    probe_scheduler(address)
    try:
        client = Client(address, timeout=connect_timeout())  # type: ignore[no-untyped-call]
    except Exception as exc:  # OSError, TimeoutError, ValueError for a malformed address
        msg = f"cannot reach the Dask scheduler at {address}: {one_line(exc)}"
        raise InputError(msg, key="--scheduler") from None
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]
