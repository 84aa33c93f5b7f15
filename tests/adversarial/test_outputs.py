"""Outputs never destroy: a user's files are never removed or replaced, inputs are never
outputs, every write is whole or absent (also when killed), and permissions follow the umask."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from umbrella.core.files import MANIFEST, atomic_dir

from .corpus import Cli, assert_finite_json, assert_refused, listing

RUN = ["--runs", "2", "--seed", "1"]


def _complete(
    folder: Path, others: set[str] = frozenset(), staging_allowed: bool = False
) -> dict[str, object]:
    """The manifest of a whole umbrella output in ``folder`` (beside ``others``; and beside the
    hidden staging folder of a killed write, if ``staging_allowed``)."""
    manifest = json.loads((folder / MANIFEST).read_text())
    files = manifest["files"]
    names = {p.name for p in folder.iterdir()}
    if staging_allowed:
        names = {n for n in names if "umbrella-staging" not in n}
    assert names == {MANIFEST, *files, *others}, names
    for name, entry in files.items():
        data = (folder / name).read_bytes()
        assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
    return files


def _no_staging(parent: Path) -> None:
    assert not [p for p in parent.rglob("*") if "umbrella-staging" in p.name], list(
        parent.rglob("*")
    )


def test_a_users_file_stops_the_write_and_force_writes_beside_it(cli: Cli, seeds: Path) -> None:
    out = seeds / "out"
    out.mkdir()
    (out / "precious_notes.txt").write_text("mine")
    before = listing(out)
    assert_refused(cli(["run", str(seeds / "scenario.toml"), *RUN, "--out", str(out)]),
                   "precious_notes.txt")  # fmt: skip
    assert listing(out) == before
    _no_staging(seeds)
    for runs in ("2", "3"):  # the second run replaces umbrella's files only
        code, _, err = cli(["run", str(seeds / "scenario.toml"), "--runs", runs, "--out",
                            str(out), "--force"])  # fmt: skip
        assert code == 0, err
        _complete(out, {"precious_notes.txt"})
        assert (out / "precious_notes.txt").read_text() == "mine"
    assert json.loads((out / "meta.json").read_text())["runs"] == 3
    _no_staging(seeds)


def test_an_edited_output_file_is_the_users(cli: Cli, seeds: Path) -> None:
    out = seeds / "out"
    assert cli(["run", str(seeds / "scenario.toml"), *RUN, "--out", str(out)])[0] == 0
    (out / "summary.json").write_text('{"my": "notes"}')
    assert_refused(cli(["run", str(seeds / "scenario.toml"), *RUN, "--out", str(out)]),
                   "summary.json")  # fmt: skip
    err = assert_refused(cli(["run", str(seeds / "scenario.toml"), *RUN, "--out", str(out),
                              "--force"]), "summary.json")  # fmt: skip
    assert "did not write" in err
    assert (out / "summary.json").read_text() == '{"my": "notes"}'


def test_an_earlier_output_is_replaced_whole(cli: Cli, seeds: Path) -> None:
    out = seeds / "out"
    assert cli(["run", str(seeds / "scenario.toml"), *RUN, "--out", str(out)])[0] == 0
    first = _complete(out)
    code, _, err = cli(["campaign", str(seeds / "campaign.toml"), *RUN, "--out", str(out),
                        "--checkpoint", str(seeds / "ck.npz")])  # fmt: skip
    assert code == 0, err
    second = _complete(out)
    assert set(first) != set(second) and "stocks.parquet" in second
    _no_staging(seeds)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "{d}/scenario.toml", "--out", "{d}/scenario.toml"], "is the input"),
        (["run", "{d}/scenario.toml", "--out", "{d}"], "holds the input"),
        (["run", "{d}/scenario.toml", "--out", "{d}/notes.txt"], "is a file"),
        (["campaign", "{d}/campaign.toml", "--out", "{d}"], "holds the input"),
        (["campaign", "{d}/campaign.toml", "--out", "{d}/scenario.toml"], "is the input"),
        (["campaign", "{d}/campaign.toml", "--checkpoint", "{d}/scenario.toml"], "input"),
        (["campaign", "{d}/campaign.toml", "--checkpoint", "{d}/notes.txt"], "foreign checkpoint"),
        (["campaign", "compare", "{d}/campaign.toml", "{d}/campaign.toml", "--out", "{d}"],
         "holds the input"),
        (["data", "summary", "--data", "{d}", "--out", "{d}"], "is the input"),
        (["data", "backtest", "--data", "{d}", "--out", "{d}"], "is the input"),
        (["data", "fit", "--data", "{d}", "--train-end", "2025-06-01", "--out",
          "{d}/missile_attacks_daily.csv"], "input"),
        (["data", "fit", "--data", "{d}", "--train-end", "2025-06-01", "--out",
          "{d}/notes.txt"], "not an umbrella output"),
        (["data", "fit", "--data", "{d}", "--train-end", "2025-06-01", "--out", "{d}"], "input"),
        (["data", "fit", "--data", "{d}", "--train-end", "2025-06-01", "--out", "{d}/sub"],
         "folder"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:2]),
)  # fmt: skip
def test_outputs_never_replace_inputs_or_files(
    args: list[str], needle: str, cli: Cli, seeds: Path
) -> None:
    (seeds / "notes.txt").write_text("mine")
    (seeds / "missile_attacks_daily.csv").write_text("time_start\n")
    (seeds / "sub").mkdir()
    before = listing(seeds)
    assert_refused(cli([a.format(d=seeds) for a in args]), needle)
    assert listing(seeds) == before


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_ordinary_permissions_follow_the_umask(mask: int, cli: Cli, seeds: Path) -> None:
    old = os.umask(mask)
    try:
        out = seeds / "out"
        assert cli(["run", str(seeds / "scenario.toml"), *RUN, "--out", str(out)])[0] == 0
        model = seeds / "model.json"
        reports = seeds / "data"
        reports.mkdir()
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o777 & ~mask
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path.name
    assert not model.exists()


def test_an_interrupted_write_leaves_the_previous_output(seeds: Path) -> None:
    out = seeds / "out"
    with atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("first")
    with pytest.raises(KeyboardInterrupt), atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("second")
        raise KeyboardInterrupt
    assert (out / "a.txt").read_text() == "first"
    _complete(out)
    _no_staging(seeds)


KILLER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from umbrella.core import files as atomic
    out, force, kill_at, text = Path(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4]
    calls = [0]
    def counted(real):
        def wrapper(*args, **kwargs):
            calls[0] += 1
            if calls[0] == kill_at:
                os._exit(9)  # like kill -9: no clean-up runs
            return real(*args, **kwargs)
        return wrapper
    for name in ("rename", "replace", "unlink", "rmdir", "chmod"):
        setattr(atomic.os, name, counted(getattr(os, name)))
    atomic.shutil.rmtree = counted(atomic.shutil.rmtree)
    with atomic.atomic_dir(out, force=force) as tmp:
        for name in ("a.txt", "b.txt", "c.txt"):
            (tmp / name).write_text(text)
    """
)


@pytest.mark.parametrize("force", [False, True], ids=["own-folder", "beside-users-files"])
def test_a_kill_at_any_step_leaves_a_whole_output(force: bool, seeds: Path) -> None:
    out = seeds / "out"
    out.mkdir()
    if force:
        (out / "mine.txt").write_text("mine")
    others = {"mine.txt"} if force else set()

    def write(kill_at: int, text: str) -> int:
        args = [sys.executable, "-c", KILLER, str(out), "1" if force else "0", str(kill_at), text]
        return subprocess.run(args, capture_output=True, text=True).returncode

    assert write(0, "old") == 0
    kills = journalled = 0
    for kill_at in range(1, 40):
        code = write(kill_at, f"new{kill_at}")
        if (out / ".umbrella-output.commit").exists():
            # Killed inside the journalled move beside a user's files: the next command that
            # writes there completes it.
            assert force
            journalled += 1
        else:
            files = _complete(out, others, staging_allowed=True)
            texts = {(out / n).read_text() for n in files}
            assert len(texts) == 1 and texts.pop() in ("old", f"new{kill_at}")
        if code == 0:
            break
        kills += 1
        write(10_000, "old")  # the next write finishes or clears what the kill left
        _complete(out, others)
        _no_staging(seeds)
    assert kills >= 5  # every step of the commit was cut at least once
    assert journalled <= 8  # the moves of three files and the manifest, and their clean-up
    if force:
        assert (out / "mine.txt").read_text() == "mine"


def test_compare_out_writes_tables_charts_and_meta(cli: Cli, seeds: Path) -> None:
    out = seeds / "cmp"
    alt = seeds / "alt.toml"
    alt.write_text((seeds / "campaign.toml").read_text().replace("missile = 25", "missile = 5"))
    args = ["campaign", "compare", str(seeds / "campaign.toml"), str(alt), "--runs", "6"]
    code, doc_text, err = cli([*args, "--json", "--out", str(out)])
    assert code == 0, err
    files = _complete(out)
    charts = {f"{name}.{ext}" for name in ("differences", "difference-spread", "groups", "stockout")
              for ext in ("png", "svg")}  # fmt: skip
    assert set(files) == {"summary.json", "meta.json", "differences.parquet",
                          "interceptors.parquet", "per_run.parquet", "stockout.parquet",
                          "assets.parquet", "report.html", *charts}  # fmt: skip
    summary = json.loads((out / "summary.json").read_text())
    assert summary.pop("provenance")["kind"] == "compare"
    assert summary == assert_finite_json(doc_text)
    import pandas as pd

    diff = pd.read_parquet(out / "differences.parquet")
    assert len(diff) == 5 and set(diff["alternative"]) == {str(alt)}
    per_run = pd.read_parquet(out / "per_run.parquet")
    assert len(per_run) == 12 and set(per_run["role"]) == {"baseline", "alternative"}
    meta = json.loads((out / "meta.json").read_text())
    assert [c["source"] for c in meta["campaigns"]] == [str(seeds / "campaign.toml"), str(alt)]
