"""A run history that cannot hurt a run: whatever is at ``$UMBRELLA_HOME/history.duckdb`` (a FIFO,
a device, a folder, garbage, a truncated or foreign database, one of a newer umbrella) costs a
command one warning line, never its result or exit code; ``history`` says what is wrong in one
line naming the file (exit 2) within seconds; a malformed pending file is quarantined and
reported, and later rows still reach the database; every recorded string is printed literally."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from umbrella.history import HistoryStore

from .corpus import SCENARIO, Cli, assert_finite_json, assert_refused
from .sample import sampled

UMBRELLA = Path(sys.executable).parent / "umbrella"
STORE = "history.duckdb"


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()


def _device(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 400)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    store = HistoryStore(path.parent)
    for i in range(2):
        store.record({"id": f"run{i:04d}", "kind": "run", "created": f"2025-01-0{i + 1}T00:00Z"})
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 3)


def _other_schema(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE runs (id INTEGER, x VARCHAR)")
        con.execute("INSERT INTO runs VALUES (1, 'a')")


def _newer(path: Path) -> None:
    HistoryStore(path.parent).record({"id": "abcd0001", "kind": "run",
                                      "created": "2025-01-01T00:00Z"})  # fmt: skip
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE store SET schema_version = 99")


STORES: dict[str, Callable[[Path], None]] = {
    "fifo": _fifo,
    "folder": _folder,
    "device": _device,
    "garbage": _garbage,
    "empty": _empty,
    "truncated": _truncated,
    "other-schema": _other_schema,
    "newer": _newer,
}


def _umbrella(args: list[str], home: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UMBRELLA_HOME": str(home)}
    return subprocess.run([str(UMBRELLA), *args], capture_output=True, text=True, env=env,
                          timeout=timeout)  # fmt: skip


@pytest.mark.parametrize("kind", sampled(list(STORES), 4))
def test_a_broken_store_costs_a_command_one_warning_and_history_one_line(
    kind: str, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    STORES[kind](home / STORE)
    # A real process with a deadline: a store that hangs the command fails here, not forever.
    start = time.monotonic()
    done = _umbrella(["run", str(SCENARIO), "--runs", "2", "--seed", "1", "--json"], home)
    assert done.returncode == 0, done.stderr
    assert assert_finite_json(done.stdout)["kind"] == "run"
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("warning: run history"), done.stderr
    assert str(home / STORE) in lines[0]
    for args in (["history", "list"], ["history", "show", "last"],
                 ["history", "diff", "last", "last"]):  # fmt: skip
        result = _umbrella(args, home)
        assert_refused((result.returncode, result.stdout, result.stderr), str(home / STORE))
    assert time.monotonic() - start < 60


def test_a_store_that_does_not_open_in_time_is_given_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli, _umbrella_home: Path
) -> None:
    import umbrella.history.store as store

    HistoryStore().record({"id": "abcd0001", "kind": "run", "created": "2025-01-01T00:00Z"})

    def hung(*args: object, **kwargs: object) -> None:
        time.sleep(30)

    monkeypatch.setattr(store, "OPEN_TIMEOUT_S", 0.2)
    monkeypatch.setattr(duckdb, "connect", hung)
    start = time.monotonic()
    err = assert_refused(cli(["history", "list"]), "did not open within 0.2 s")
    assert str(_umbrella_home / STORE) in err
    assert time.monotonic() - start < 5


PENDING: dict[str, Callable[[Path], None]] = {
    "not-json": lambda p: p.write_text("{not json"),
    "nan": lambda p: p.write_text(
        '{"id": "abcd0009", "kind": "run", "created": "2025-01-01T00:00Z", "seed": NaN}'
    ),
    "a-list": lambda p: p.write_text("[1, 2]"),
    "no-id": lambda p: p.write_text('{"kind": "run", "created": "2025-01-01T00:00Z"}'),
    "bad-time": lambda p: p.write_text('{"id": "abcd0008", "kind": "run", "created": "soon"}'),
    "huge-seed": lambda p: p.write_text(
        '{"id": "abcd0007", "kind": "run", "created": "2025-01-01T00:00Z", "seed": 1e400}'
    ),
    "fifo": lambda p: os.mkfifo(p),
    "folder": lambda p: p.mkdir(),
    "binary": lambda p: p.write_bytes(b"\xff\xfe\x00"),
}


@pytest.mark.parametrize("kind", sampled(list(PENDING), 4))
def test_a_bad_pending_file_is_quarantined_and_never_blocks_later_rows(
    kind: str, cli: Cli, _umbrella_home: Path
) -> None:
    pending = _umbrella_home / "pending"
    pending.mkdir()
    good = {"id": "abcd0001", "kind": "run", "created": "2025-01-01T00:00:00Z", "seed": 1}
    (pending / "abcd0001.json").write_text(json.dumps(good))
    PENDING[kind](pending / "zz-bad.json")
    code, out, err = cli(["history", "list", "--json"])
    assert code == 0, err
    assert [r["id"] for r in json.loads(out)["runs"]] == ["abcd0001"]
    assert err.count("\n") == 1 and err.startswith("warning: run history:"), err
    assert "zz-bad.json" in err and "quarantine" in err
    assert not os.path.lexists(pending / "zz-bad.json")
    assert os.path.lexists(pending / "quarantine" / "zz-bad.json")
    # The next command's row and the good pending one reach the database.
    code, _, err = cli(["run", str(SCENARIO), "--runs", "2", "--seed", "1", "--json"])
    assert code == 0 and err == "", err
    with duckdb.connect(str(_umbrella_home / STORE), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT id FROM runs ORDER BY created").fetchall()]
    assert len(ids) == 2 and ids[0] == "abcd0001"
    assert [p.name for p in pending.glob("*.json")] == []


def test_a_pending_row_the_database_refuses_is_quarantined_while_recording(
    _umbrella_home: Path,
) -> None:
    pending = _umbrella_home / "pending"
    pending.mkdir()
    bad = {"id": "abcd0002", "kind": "run", "created": "2025-01-01T00:00:00Z",
           "git_dirty": "perhaps"}  # fmt: skip
    (pending / "abcd0002.json").write_text(json.dumps(bad))
    done = HistoryStore().record({"id": "abcd0003", "kind": "run",
                                  "created": "2025-01-02T00:00:00Z"})  # fmt: skip
    assert done.status == "stored" and len(done.notes) == 1 and "abcd0002.json" in done.notes[0]
    assert [r["id"] for r in HistoryStore().rows()] == ["abcd0003"]


NASTY = ("[link=https://example.invalid]click[/link] [bold red]LOUD[/] \x1b]0;TITLE\x07 "
         "\x1b[2J\x1b[31m \u202eRTL\u202c \x00 \u2028 end")  # fmt: skip


def _record_nasty() -> None:
    store = HistoryStore()
    for i in range(2):
        store.record({
            "id": f"abcd000{i}", "kind": NASTY, "created": f"2025-01-0{i + 1}T00:00:00Z",
            "command": NASTY, "cwd": NASTY, "inputs": {NASTY: NASTY}, "seed": 1, "runs": 2,
            "version": NASTY, "headline": NASTY, "out_dir": NASTY,
            "summary": {NASTY: f"{NASTY}{i}"}, "parameters": {"set": {NASTY: NASTY}},
            "spec": {"name": f"{NASTY}{i}"}, "dependencies": {NASTY: NASTY},
        })  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ["history", "list"],
        ["history", "show", "abcd0000"],
        ["history", "diff", "abcd0000", "abcd0001"],
        ["history", "list", "--json"],
        ["history", "show", "abcd0000", "--json"],
        ["history", "diff", "abcd0000", "abcd0001", "--json"],
    ],
    ids=lambda a: " ".join(a[1:2] + a[-1:]),
)
def test_recorded_strings_are_shown_never_obeyed(
    args: list[str], cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "1000")  # a table wide enough to hold each string whole
    _record_nasty()
    code, out, err = cli(args)
    assert code == 0 and err == "", err
    text = out + err
    obeyed = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]
    assert not obeyed, obeyed
    assert not {"\u202e", "\u202c", "\u2028"} & set(text)
    if "--json" in args:
        assert_finite_json(out)
        assert "\\u202e" in out and "\\u001b" in out
    else:
        assert "[link=https://example.invalid]click[/link]" in out  # markup shown as text
        assert "\\x1b]0;TITLE\\x07" in out and "\\u202eRTL" in out
