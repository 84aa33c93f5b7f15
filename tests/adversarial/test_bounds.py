"""Bounded work: sweep points, runs and workers over their documented limits are refused in one
line before anything is allocated (and ``validate`` says the same); ``--scheduler`` at an address
that is not a Dask scheduler answers in one line within the connect timeout; a sweep's name and
output path are printed literally."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from umbrella.core.limits import MAX_SWEEP_POINTS, MAX_SWEEP_WORK, MAX_WORKERS

from .corpus import Cli, assert_refused, listing
from .sample import sampled

SWEEP = """
schema_version = 1
name = "bounded"
scenario = "scenario.toml"
runs = 3
seed = 1
outputs = ["leaked"]

[[parameters]]
key = "catalogue.fire_units.sam.min_range_km"
values = [0.5, 2.0]
"""

GRID_1E12 = SWEEP.replace(
    "values = [0.5, 2.0]",
    "range = [0.5, 2.0]\nsteps = 10000\n\n[[parameters]]\n"
    'key = "catalogue.fire_units.sam.max_range_km"\nrange = [25.0, 30.0]\nsteps = 10000\n\n'
    '[[parameters]]\nkey = "threats[0].count"\nrange = [1, 10000]\nsteps = 10000',
)
SOBOL = SWEEP.replace("values = [0.5, 2.0]", "range = [0.5, 2.0]").replace(
    'outputs = ["leaked"]', 'outputs = ["leaked"]\ndesign = "sobol"\nsamples = 65536'
)

#: (sweep file, extra command line, what the error line names)
FILES: list[tuple[str, list[str], str]] = [
    (GRID_1E12, [], f"over the limit of {MAX_SWEEP_POINTS:,} points"),
    (SOBOL, [], f"over the limit of {MAX_SWEEP_POINTS:,} points"),
    (
        SWEEP.replace(
            'outputs = ["leaked"]', 'outputs = ["leaked"]\ndesign = "lhs"\nsamples = 1000000'
        ),
        [],
        "samples",
    ),
    (SWEEP.replace("runs = 3", "runs = 9223372036854775807"), [], "runs"),
    # 30 points x 10,000,000 runs x 20 threats = 6 x 10^9 (the results would fit in memory)
    (
        SWEEP.replace("runs = 3", "runs = 10000000").replace(
            "values = [0.5, 2.0]", "range = [0.5, 3.0]\nsteps = 30"
        ),
        [],
        f"over the budget of {MAX_SWEEP_WORK:,} points x runs x threats",
    ),
    (
        SWEEP.replace(
            "values = [0.5, 2.0]",
            'values = [0.5]\n\n[[parameters]]\nkey = "threats[0].count"\nvalues = [1, 200000]',
        ),
        ["--runs", "20000"],
        f"over the budget of {MAX_SWEEP_WORK:,} points x runs x threats",
    ),
    (SWEEP, ["--runs", "1e14"], "--runs"),
    (SWEEP, ["--runs", "100000000"], "--runs"),
    (SWEEP, ["--workers", "0"], f"between 1 and {MAX_WORKERS}"),
    (SWEEP, ["--workers", str(MAX_WORKERS + 1)], f"between 1 and {MAX_WORKERS}"),
    (SWEEP, ["--workers", "1000000000"], f"between 1 and {MAX_WORKERS}"),
    (SWEEP, ["--batch-runs", "0"], "--batch-runs"),
]


@pytest.mark.parametrize(("text", "extra", "needle"), sampled(FILES, 6))
def test_sizes_over_the_limits_are_refused_at_once(
    text: str, extra: list[str], needle: str, cli: Cli, seeds: Path
) -> None:
    path = seeds / "sweep.toml"
    path.write_text(text)
    before = listing(seeds)
    start = time.monotonic()
    err = assert_refused(cli(["sweep", str(path), "--json", "--out", str(seeds / "out"),
                              *extra]), needle)  # fmt: skip
    assert time.monotonic() - start < 20  # refused from the sizes, not after a long run
    assert listing(seeds) == before
    if not extra:  # validate says what the command says
        code, out, verr = cli(["validate", str(path)])
        assert (code, out, verr) == (2, "", err)


def test_the_python_job_checks_workers_and_sizes(seeds: Path) -> None:
    from umbrella.core.errors import InputError
    from umbrella.jobs import run_sweep

    path = seeds / "sweep.toml"
    path.write_text(SWEEP)
    for workers in (0, MAX_WORKERS + 1, True):
        with pytest.raises(InputError, match="workers"):
            run_sweep(path, workers=workers, history=False)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="points x runs x threats"):
        run_sweep(path, runs=10_000_000, sets=["threats[0].count=100000"], history=False)


@pytest.fixture
def fake_scheduler() -> Iterator[dict[str, str]]:
    """Addresses of TCP servers that are not Dask schedulers: one that accepts and never
    answers, one that answers an HTTP error, one that claims a 1 GB frame, one that closes."""
    answers = {"silent": b"", "http": b"HTTP/1.1 400 Bad Request\r\n\r\n",
               "huge-frame": (10**9).to_bytes(8, "little"), "closes": None}  # fmt: skip
    servers, kept = {}, []
    stop = threading.Event()
    for name, answer in answers.items():
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.settimeout(0.2)

        def serve(sock: socket.socket = sock, answer: bytes | None = answer) -> None:
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                if answer is None:
                    conn.close()
                    continue
                conn.sendall(answer)
                kept.append(conn)  # held open, never answering more

        threading.Thread(target=serve, daemon=True).start()
        servers[name] = f"tcp://127.0.0.1:{sock.getsockname()[1]}"
        kept.append(sock)
    yield servers
    stop.set()
    for s in kept:
        s.close()


@pytest.mark.parametrize("server", ["silent", "http", "huge-frame", "closes"])
def test_an_address_that_is_not_a_dask_scheduler_is_one_line_within_the_timeout(
    server: str, fake_scheduler: dict[str, str], cli: Cli, seeds: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import umbrella.core.cluster as execute

    monkeypatch.setattr(execute, "connect_timeout", lambda: 1.0)
    path = seeds / "sweep.toml"
    path.write_text(SWEEP)
    start = time.monotonic()
    err = assert_refused(cli(["sweep", str(path), "--json", "--scheduler",
                              fake_scheduler[server]]), "--scheduler")  # fmt: skip
    assert time.monotonic() - start < 10
    assert fake_scheduler[server] in err
    assert "not a Dask scheduler" in err or "cannot reach the Dask scheduler" in err
    if server == "silent":
        assert "within 1 s" in err


@pytest.mark.parametrize("address", ["nonsense", "tls://host:8786", "tcp://host:99999",
                                     "http://host:80", "tcp://:8786"])  # fmt: skip
def test_an_address_that_is_not_tcp_host_port_is_one_line(address: str, cli: Cli,
                                                           seeds: Path) -> None:  # fmt: skip
    path = seeds / "sweep.toml"
    path.write_text(SWEEP)
    err = assert_refused(cli(["sweep", str(path), "--scheduler", address]), "--scheduler")
    assert "give tcp://HOST:PORT" in err and err.startswith("error: command line: ")


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("a\\u001b[2Jb", "control characters"),
        ("a\\nb", "control characters"),
        ("a\\u202eb", "bidirectional"),
        ("a\\u2066b\\u2069", "bidirectional"),
        ("a\\u200fb", "bidirectional"),
    ],
)
def test_a_sweep_name_with_control_or_bidi_characters_is_refused(
    name: str, needle: str, cli: Cli, seeds: Path
) -> None:
    path = seeds / "sweep.toml"
    path.write_text(SWEEP.replace('name = "bounded"', f'name = "{name}"'))
    assert needle in assert_refused(cli(["sweep", str(path)]), "sweep.toml")


def test_a_sweeps_name_and_out_path_are_printed_literally(
    cli: Cli, seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    path = seeds / "sweep.toml"
    path.write_text(SWEEP.replace('name = "bounded"', 'name = "[link=https://x.invalid]n[/link]"'))
    out = seeds / "o[bold]ut\x1b[31m"
    code, text, err = cli(["sweep", str(path), "--out", str(out)])
    assert code == 0, err
    assert "[link=https://x.invalid]n[/link]: grid" in text
    assert "o[bold]ut\\x1b[31m" in text and "\x1b" not in text
