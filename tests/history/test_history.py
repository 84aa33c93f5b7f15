"""The run history: one row per command in a real DuckDB file, the same provenance as
meta.json, writers at the same time, a locked or unwritable store, list/show/diff."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from umbrella.history import HistoryStore, diff_runs, record_run

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"
CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"
UMBRELLA = Path(sys.executable).parent / "umbrella"

SWEEP = f"""
schema_version = 1
name = "history-sweep"
scenario = "{SMALL}"
runs = 4
seed = 1
outputs = ["leaked"]
[[parameters]]
key = "threats[0].count"
values = [5, 10]
"""


def _count(home: Path) -> int:
    with duckdb.connect(str(home / "history.duckdb"), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM runs").fetchone()
    assert row is not None
    return int(row[0])


def test_one_row_per_command(
    cli: Any, _umbrella_home: Path, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # campaign checkpoints go under ./.umbrella
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(SWEEP)
    commands = [
        ["run", str(SMALL), "--runs", "4", "--json"],
        ["campaign", str(CAMPAIGN), "--runs", "4", "--json"],
        ["campaign", "compare", str(CAMPAIGN), str(CAMPAIGN), "--runs", "4", "--json"],
        ["sweep", str(sweep), "--json"],
    ]
    for args in commands:
        code, _, err = cli(args)
        assert code == 0 and err == "", err
    assert _count(_umbrella_home) == 4  # a real DuckDB file, one row each
    code, out, _ = cli(["history", "list", "--json"])
    rows = json.loads(out)["runs"]
    assert [r["kind"] for r in rows] == ["run", "campaign", "compare", "sweep"]
    for r, args in zip(rows, commands, strict=True):
        assert r["command"].startswith("umbrella " + " ".join(args[:2]))
    assert len({r["id"] for r in rows}) == 4
    code, out, _ = cli(["history", "list", "--json", "--kind", "sweep"])
    assert [r["kind"] for r in json.loads(out)["runs"]] == ["sweep"]


def test_meta_json_carries_the_provenance_the_history_stores(cli: Any, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, _, err = cli(["run", str(SMALL), "--runs", "5", "--seed", "3", "--json", "--out",
                        str(out_dir), "--set", "threats[1].count=3"])  # fmt: skip
    assert code == 0, err
    meta = json.loads((out_dir / "meta.json").read_text())
    row = HistoryStore().get(meta["id"])
    for key in ("id", "kind", "command", "inputs", "catalogue_hash", "data_hash", "seed", "runs",
                "version", "git_commit", "git_dirty", "dependencies", "parameters"):  # fmt: skip
        assert row[key] == meta[key], key
    assert meta["kind"] == "run" and meta["seed"] == 3 and meta["runs"] == 5
    assert meta["inputs"] == {str(SMALL): hashlib.sha256(SMALL.read_bytes()).hexdigest()}
    assert meta["parameters"] == {"set": {"threats[1].count": 3}}
    assert meta["dependencies"]["numpy"] == np.__version__
    assert {"duckdb", "pydantic", "numba", "dask"} <= set(meta["dependencies"])
    assert len(meta["catalogue_hash"]) == 64 and meta["data_hash"] is None
    assert row["out_dir"] == str(out_dir.resolve())
    assert row["spec"]["threats"][1]["count"] == 3
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True)  # fmt: skip
    if head.returncode == 0:
        assert meta["git_commit"] == head.stdout.strip()
    else:
        assert meta["git_commit"] is None


def test_diff_shows_a_changed_parameter(cli: Any) -> None:
    ids = []
    for n in (10, 30):
        code, out, err = cli(["run", str(SMALL), "--runs", "6", "--seed", "2", "--json",
                              "--set", f"threats[0].count={n}"])  # fmt: skip
        assert code == 0, err
        ids.append(HistoryStore().rows()[-1]["id"])
    code, out, err = cli(["history", "diff", ids[0], ids[1], "--json"])
    assert code == 0, err
    changes = {c["key"]: c for c in json.loads(out)["changes"]}
    assert changes["parameters.set.threats[0].count"]["before"] == 10
    assert changes["parameters.set.threats[0].count"]["after"] == 30
    assert changes["spec.threats[0].count"]["delta"] == 20
    launched = changes["summary.threats.drone.launched.mean"]
    assert (launched["before"], launched["after"]) == (10.0, 30.0)
    assert "provenance.seed" not in changes  # the same seed: not a difference
    code, out, err = cli(["history", "diff", ids[0][:6], ids[1][:6]])
    assert code == 0 and "    parameters.set.threats[0].count: 10 -> 30 (+20)\n" in out, out
    code, out, err = cli(["history", "diff", ids[0], ids[0], "--json"])
    assert json.loads(out)["changes"] == []


def test_show_by_id_prefix_or_last_and_errors(cli: Any) -> None:
    cli(["run", str(SMALL), "--runs", "3", "--json"])
    row = HistoryStore().rows()[-1]
    code, out, _ = cli(["history", "show", row["id"][:5], "--json"])
    assert code == 0 and json.loads(out)["id"] == row["id"]
    code, out, _ = cli(["history", "show", "last", "--json"])
    assert json.loads(out)["summary"]["runs"] == 3
    code, out, _ = cli(["history", "show", "last"])
    assert code == 0 and row["id"] in out and "summary" in out
    for ref, needle in (("zzzzzz", "no run 'zzzzzz'"), ("ab", "at least 4 characters")):
        code, out, err = cli(["history", "show", ref])
        assert code == 2 and out == "" and err.count("\n") == 1 and needle in err, err


# ---------------------------------------------------------------------------- concurrency
WRITER = """
import sys, time
from umbrella.history import HistoryStore
home, tag, n, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start:
    time.sleep(0.005)
store = HistoryStore(home)
for i in range(n):
    rec = {"id": f"{tag}{i:04d}", "kind": "test", "created": "2026-01-01T00:00:00Z",
           "seed": i, "runs": 2, "summary": {"i": i}}
    done = store.record(rec)
    assert done.status in ("stored", "pending"), done
print("ok")
"""


def test_history_survives_a_second_process_writing_at_once(tmp_path: Path) -> None:
    home = tmp_path / "home"
    start = time.time() + 2.0  # both begin together, after their imports
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(home), tag, "25", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and out.strip() == "ok", err
    store = HistoryStore(home)
    ids = {r["id"] for r in store.rows()}
    assert ids == {f"{t}{i:04d}" for t in "ab" for i in range(25)}
    # Rows kept aside while the other process held the file are added by the next writer.
    assert (
        store.record({"id": "last", "kind": "test", "created": "2026-01-02T00:00:00Z"}).status
        == "stored"
    )
    assert _count(home) == 51 and not list(store.pending_dir.glob("*.json"))


def test_two_commands_at_once_both_recorded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "UMBRELLA_HOME": str(home)}
    procs = [
        subprocess.Popen(
            [str(UMBRELLA), "run", str(SMALL), "--runs", "4", "--seed", str(s), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for s in (1, 2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0 and json.loads(out)["runs"] == 4, err
    rows = HistoryStore(home).rows()
    assert sorted(r["seed"] for r in rows) == [1, 2]


#: Holds the store's lock until its stdin is closed, or for ``argv[2]`` seconds at most.
HOLDER = """
import select, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("holding", flush=True)
select.select([sys.stdin], [], [], float(sys.argv[2]))
con.close()
"""


def test_a_locked_store_warns_and_keeps_the_run(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # The lock is held until the command has ended (or the command's own time-out has passed).
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(home / "history.duckdb"), "150"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        out_dir = tmp_path / "out"
        done = subprocess.run(
            [str(UMBRELLA), "run", str(SMALL), "--runs", "4", "--json", "--out", str(out_dir)],
            capture_output=True, text=True, timeout=120,
            env={**os.environ, "UMBRELLA_HOME": str(home)},
        )  # fmt: skip
        assert done.returncode == 0 and json.loads(done.stdout)["runs"] == 4
        assert (out_dir / "meta.json").exists()  # the result is whole
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("warning: run history")
        assert "in use by another process" in done.stderr
        assert holder.poll() is None  # the lock is still held: the command did not wait for it
        run_id = json.loads((out_dir / "meta.json").read_text())["id"]
        assert [p.stem for p in (home / "pending").glob("*.json")] == [run_id]
    finally:
        holder.communicate(timeout=60)  # closes its stdin: the lock goes
    store = HistoryStore(home)
    assert [r["id"] for r in store.rows()] == [run_id]  # listed while still pending
    record_run({"id": "next", "kind": "test", "created": "2026-01-01T00:00:00Z"}, summary={},
               store=store)  # fmt: skip
    assert _count(home) == 2 and not list((home / "pending").glob("*.json"))


def test_an_unwritable_store_warns_and_the_result_is_whole(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "home"
    not_a_folder.write_text("a file where the history folder should be")
    out_dir = tmp_path / "out"
    done = subprocess.run(
        [str(UMBRELLA), "run", str(SMALL), "--runs", "4", "--json", "--out", str(out_dir)],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "UMBRELLA_HOME": str(not_a_folder)},
    )  # fmt: skip
    assert done.returncode == 0 and json.loads(done.stdout)["runs"] == 4
    assert (out_dir / "summary.json").exists()
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("warning: run history")
    assert "not recorded" in done.stderr


def test_diff_runs_flattens_sections() -> None:
    a = {"kind": "run", "seed": 1, "parameters": {"set": {"x": 1}}, "summary": {"m": [1.0, 2.0]}}
    b = {"kind": "run", "seed": 2, "parameters": {"set": {"y": 1}}, "summary": {"m": [1.0, 2.5]}}
    got = {(c.section, c.key): c for c in diff_runs(a, b)}
    assert set(got) == {
        ("provenance", "seed"),
        ("parameters", "parameters.set.x"),
        ("parameters", "parameters.set.y"),
        ("summary", "summary.m[1]"),
    }
    assert got[("parameters", "parameters.set.x")].is_removed
    assert got[("parameters", "parameters.set.y")].is_added
    assert got[("summary", "summary.m[1]")].delta == pytest.approx(0.5)


def test_campaign_provenance_hashes_every_file_and_the_attack_reports(
    cli: Any, tmp_path: Path, synthetic_dir: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    base = tmp_path / "base.toml"
    base.write_text(f"""schema_version = 1
name = "tempo-base"
scenario = "{SMALL}"
start = 2025-04-01
end = 2025-04-05

[raids]
source = "tempo"
data_dir = "{synthetic_dir}"
train_end = 2025-03-31

[stocks]
missile = 40
""")
    child = tmp_path / "child.toml"
    child.write_text('schema_version = 1\nextends = "base.toml"\nname = "tempo-child"\n'
                     "[stocks]\nmissile = 10\n")  # fmt: skip
    out_dir = tmp_path / "out"
    code, out, err = cli(["campaign", str(child), "--runs", "3", "--json", "--out", str(out_dir)])
    assert code == 0, err
    assert json.loads(out)["interceptors"]["missile"]["stock_start"] == 10
    meta = json.loads((out_dir / "meta.json").read_text())
    sha = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in (child, base, SMALL)}
    assert meta["inputs"] == {str(p): h for p, h in sha.items()}
    csv = synthetic_dir / "missile_attacks_daily.csv"
    assert meta["data_hash"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    assert HistoryStore().get(meta["id"])["data_hash"] == meta["data_hash"]
