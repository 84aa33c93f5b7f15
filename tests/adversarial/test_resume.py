"""Exact resume wherever the interrupt lands: on every line of the night loop and of the
checkpoint write (a trace hook), from a thread while the compiled night runs (a real signal),
and in a real process stopped by SIGINT, SIGTERM or SIGKILL; each resumed run is compared byte
for byte with an uninterrupted one."""

from __future__ import annotations

import inspect
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import pytest

import umbrella.campaign.checkpoint as checkpoint_module
import umbrella.campaign.stocks as stocks
from umbrella.campaign import FileCheckpoint, load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.checkpoint import FileCheckpoint as Store
from umbrella.campaign.inputs import load_defence
from umbrella.campaign.stocks import STATE_FIELDS, SUM_FIELDS
from umbrella.cli.exits import _on_signal

from .corpus import CAMPAIGN, FIXTURES

RUNS, SEED = 12, 8
#: The code whose every line an interrupt is tried on: the night loop, one night, the
#: checkpoint write.
TRACED = {
    stocks.simulate_prepared.__code__,
    stocks._fly_night.__code__,
    Store.save.__code__,
    checkpoint_module._write_zip.__code__,
}


def _release_lines() -> set[tuple[Any, int]]:
    """The lines that let held signals go: no interrupt can land on them (the signals are
    still held there), so the trace does not fake one."""
    out = set()
    for code in TRACED:
        lines, first = inspect.getsourcelines(code)
        out |= {(code, first + k) for k, text in enumerate(lines) if "release_signals(" in text}
    return out


HELD_RELEASE = _release_lines()


@pytest.fixture(autouse=True)
def _no_signal_left_held() -> Iterator[None]:
    yield
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == set()


def _prep() -> Any:
    camp = load_campaign(CAMPAIGN)
    return prepare_campaign(camp, load_defence(camp), RUNS, SEED)


@pytest.fixture(scope="module")
def whole() -> Any:
    return simulate_prepared(_prep())


def _same(a: Any, b: Any) -> None:
    for name in STATE_FIELDS + SUM_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name
    assert json.dumps(a.summary()) == json.dumps(b.summary())


@contextmanager
def _interrupt_at(line_event: int | None) -> Iterator[list[int]]:
    """Raise KeyboardInterrupt at the ``line_event``-th line run in the traced code (None:
    only count them)."""
    seen = [0]

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and (frame.f_code, frame.f_lineno) not in HELD_RELEASE:
            seen[0] += 1
            if seen[0] == line_event:
                raise KeyboardInterrupt
        return local

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code in TRACED else None

    sys.settrace(tracer)
    try:
        yield seen
    finally:
        sys.settrace(None)


def test_interrupt_on_every_line_resumes_exactly(tmp_path: Path, whole: Any) -> None:
    path = tmp_path / "ck.npz"
    marks: list[int] = []  # line count at the end of each night
    with _interrupt_at(None) as seen:
        simulate_prepared(
            _prep(), checkpoint=FileCheckpoint(path), progress=lambda *_: marks.append(seen[0])
        )
    # Every line of night 7 (the first checkpoint is written as it ends), and a sample of
    # moments over the rest of the campaign.
    around = range(marks[5] + 1, marks[6] + 1)
    moments = sorted({*around, *np.linspace(1, seen[0] - 1, 20).astype(int).tolist()})
    kept = set()
    for moment in moments:
        path.unlink(missing_ok=True)
        with pytest.raises(KeyboardInterrupt), _interrupt_at(moment):
            simulate_prepared(_prep(), checkpoint=FileCheckpoint(path), progress=lambda *_: None)
        peek = FileCheckpoint(path).peek()
        kept.add(0 if peek is None else peek[1])
        _same(simulate_prepared(_prep(), checkpoint=FileCheckpoint(path), resume=True), whole)
        assert not path.exists()
    assert len(around) > 40 and {0, 6, 7} <= kept  # before, at and after the first checkpoint


def test_interrupt_twice_then_resume_exactly(tmp_path: Path, whole: Any) -> None:
    path = tmp_path / "ck.npz"
    for stop in (3, 8):
        with pytest.raises(KeyboardInterrupt):
            simulate_prepared(
                _prep(), checkpoint=FileCheckpoint(path), resume=True, stop_after=stop
            )
    _same(simulate_prepared(_prep(), checkpoint=FileCheckpoint(path), resume=True), whole)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("night", [0, 6, 7, 10])
def test_signal_from_a_thread_during_the_compiled_night(
    signum: int, night: int, tmp_path: Path, whole: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ck.npz"
    real = stocks.simulate
    calls = [0]
    main = threading.main_thread().ident
    assert main is not None

    def simulate(*args: Any, **kwargs: Any) -> Any:
        if calls[0] == night:
            sender = threading.Thread(target=signal.pthread_kill, args=(main, signum))
            sender.start()  # lands while the compiled engine runs the night
            result = real(*args, **kwargs)
            sender.join()
        else:
            result = real(*args, **kwargs)
        calls[0] += 1
        return result

    monkeypatch.setattr(stocks, "simulate", simulate)
    old = {s: signal.signal(s, _on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(KeyboardInterrupt):
            simulate_prepared(_prep(), checkpoint=FileCheckpoint(path))
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    monkeypatch.setattr(stocks, "simulate", real)
    peek = FileCheckpoint(path).peek()
    assert (0 if peek is None else peek[1]) <= night + 1
    _same(simulate_prepared(_prep(), checkpoint=FileCheckpoint(path), resume=True), whole)


def _process(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(Path(sys.executable).parent / "umbrella"), *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


ARGS = ["campaign", "long.toml", "--runs", "100", "--seed", "2", "--json", "--checkpoint",
        "ck.npz"]  # fmt: skip


def _long_campaign(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "scenario.toml").write_bytes((FIXTURES / "scenario.toml").read_bytes())
    text = CAMPAIGN.read_text().replace("end = 2026-01-12", "end = 2026-03-01")
    (folder / "long.toml").write_text(text)
    return folder


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = _long_campaign(tmp_path_factory.mktemp("whole"))
    out, err = _process(ARGS, folder).communicate(timeout=300)
    assert out and not err, err
    return out


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)],
    ids=["SIGINT", "SIGTERM", "SIGKILL"],
)
def test_a_real_process_stopped_and_resumed_prints_the_same_json(
    signum: int, code: int, tmp_path: Path, uninterrupted: str
) -> None:
    folder = _long_campaign(tmp_path)
    ck = folder / "ck.npz"
    proc = _process(ARGS, folder)
    deadline = time.monotonic() + 120
    while not ck.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.send_signal(signum)  # the first checkpoint is there: the campaign is under way
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == code, err
    assert out == ""
    if signum != signal.SIGKILL:
        assert err.startswith("interrupted: ") and err.count("\n") == 1, err
        assert "nights kept in ck.npz" in err
    resumed, err = _process([*ARGS, "--resume"], folder).communicate(timeout=300)
    assert resumed == uninterrupted, err
    assert not ck.exists()
