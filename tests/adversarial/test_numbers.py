"""Numbers in reports are numbers, and what a folder holds is read strictly: a count written
``NaN`` in the attack reports is refused with the file and row (never read as no weapons), a
document of an output folder holding NaN or Infinity, or tampered consistently (its hash in the
manifest updated), is refused in one line naming it, and names and ids refuse bidirectional
formatting characters."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from umbrella.core.manifest import MANIFEST

from .corpus import SCENARIO, Cli, assert_refused, listing, set_path, write_toml
from .sample import sampled

REPORTS = "missile_attacks_daily.csv"


def _reports(folder: Path, write: Callable[..., Path], change: dict[str, str]) -> tuple[Path, int]:
    """Synthetic reports for January-March 2025 with ``change`` written into the drones' row
    of the night of 2025-01-20; returns the file and that row's number (1-based)."""
    path = write(folder, date(2025, 1, 1), date(2025, 3, 31)) / REPORTS
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    index = next(i for i, r in enumerate(rows) if r["time_end"].startswith("2025-01-20")
                 and r["model"].startswith("Shahed"))  # fmt: skip
    rows[index].update(change)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path, index + 1


@pytest.mark.parametrize(
    ("cell", "value"),
    sampled(
        [("launched", "NaN"), ("launched", "nan"), ("destroyed", "NaN"), ("launched", "inf"),
         ("not_reach_goal", "-NaN"), ("launched", "12.5"), ("destroyed", "Infinity")],
        4,
    ),
)  # fmt: skip
def test_a_count_that_is_not_a_whole_number_is_refused_with_file_and_row(
    cell: str, value: str, cli: Cli, tmp_path: Path, write_reports_to: Callable[..., Path]
) -> None:
    path, row = _reports(tmp_path / "reports", write_reports_to, {cell: value})
    needle = f"{REPORTS}:{row + 1}: row {row}, column {cell}"
    night = ["--start", "2025-01-19", "--end", "2025-01-21", "--runs", "2", "--json"]
    commands = [
        ["nights", "national", "--data", str(path.parent), *night],
        ["data", "summary", "--data", str(path.parent)],
        ["calibrate", "--data", str(path.parent), "--train-end", "2025-01-31",
         "--out", str(tmp_path / "fitted.toml")],
    ]  # fmt: skip
    for args in commands:
        err = assert_refused(cli(args), needle)
        assert repr(value) in err
    assert not (tmp_path / "fitted.toml").exists()


def test_an_empty_count_is_unknown_not_refused(
    cli: Cli, tmp_path: Path, write_reports_to: Callable[..., Path]
) -> None:
    """The way to write an unknown count is an empty cell (kept as unknown, as before)."""
    path, _ = _reports(tmp_path / "reports", write_reports_to, {"not_reach_goal": ""})
    code, _, err = cli(["data", "summary", "--data", str(path.parent), "--json"])
    assert code == 0, err


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from umbrella.jobs import run_raid

    out = tmp_path_factory.mktemp("run") / "out"
    run_raid(str(SCENARIO), runs=2, seed=1, out=out, history=False)
    return out


def _tamper(folder: Path, name: str, text: str) -> None:
    """Write ``text`` as ``name`` and record its new hash in the manifest, as someone who
    knows the format would (consistently tampered)."""
    data = text.encode("utf-8")
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / MANIFEST).write_text(json.dumps(manifest))


def _first_number(doc: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...]:
    """The key path of the first number of a parsed document (depth first)."""
    items = (
        doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else []
    )
    for key, value in items:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (*path, key)
        if isinstance(value, dict | list):
            found = _first_number(value, (*path, key))
            if found:
                return found
    return ()


#: (document, key path, JSON text written there) of each tampered folder.
TAMPERED: list[tuple[str, tuple[Any, ...], str]] = [
    ("summary.json", ("totals", "leaked", "mean"), "NaN"),
    ("summary.json", ("totals", "launched", "mean"), "Infinity"),
    ("summary.json", ("runs",), "-Infinity"),
    ("meta.json", (), "NaN"),
    ("summary.json", ("totals",), "[1, 2]"),
    ("summary.json", ("totals", "leaked"), '"many"'),
    ("summary.json", ("threats",), "5"),
    ("summary.json", ("interceptors", "missile"), "null"),
    ("summary.json", ("runs",), '"two"'),
    ("summary.json", ("assets",), '{"plant": []}'),
]


@pytest.mark.parametrize(
    ("name", "path", "token"),
    sampled(TAMPERED, 5, ids=[f"{n}-{'.'.join(map(str, p))}-{t}" for n, p, t in TAMPERED]),
)
def test_a_tampered_document_of_the_folder_is_refused_in_one_line(
    name: str, path: tuple[Any, ...], token: str, run_folder: Path, tmp_path: Path, cli: Cli
) -> None:
    folder = tmp_path / "shared"
    shutil.copytree(run_folder, folder)
    doc = json.loads((folder / name).read_text())
    path = path or _first_number(doc)
    marker = "__TAMPERED__"
    text = json.dumps(set_path(doc, path, marker)).replace(f'"{marker}"', token)
    _tamper(folder, name, text)
    before = listing(tmp_path)
    result = cli(["report", str(folder)])
    if token in ("NaN", "Infinity", "-Infinity"):
        err = assert_refused(result, name)
        assert "not strict JSON" in err and token in err
    else:  # a document of another shape: one line naming it, or a page that shows it as text
        code, _, err = result
        if code == 0:
            assert err == ""
            page = (folder / "report.html").read_text()
            assert ">nan<" not in page.lower() and ">inf<" not in page.lower()
            return
        assert_refused(result, name)
    assert listing(tmp_path) == before


def _parquet(frame: Any, tmp: Path) -> bytes:
    path = tmp / "table.parquet"
    frame.to_parquet(path)
    return path.read_bytes()


#: (table, how it is replaced, what the line names: the table, or the folder for a table of
#: other columns, which only building the page finds out).
TABLES = [
    ("totals.parquet", "garbage", "totals.parquet"),
    ("units.parquet", "other-columns", "shared: its documents and tables"),
    ("replications.parquet", "garbage", "replications.parquet"),
]


@pytest.mark.parametrize(("name", "how", "needle"), TABLES)
def test_a_tampered_table_is_refused_in_one_line_naming_it(
    name: str, how: str, needle: str, run_folder: Path, tmp_path: Path, cli: Cli
) -> None:
    import pandas as pd

    folder = tmp_path / "shared"
    shutil.copytree(run_folder, folder)
    if how == "garbage":
        data = b"PAR1 not a table"
    else:
        data = _parquet(pd.DataFrame({"x": ["a"]}), tmp_path)
    (folder / name).write_bytes(data)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / MANIFEST).write_text(json.dumps(manifest))
    before = listing(tmp_path)
    err = assert_refused(cli(["report", str(folder)]), needle)
    assert "umbrella-staging" not in err  # the folder's file, not the copy it was read from
    assert listing(tmp_path) == before


def test_a_document_that_is_not_an_object_is_refused(
    run_folder: Path, tmp_path: Path, cli: Cli
) -> None:
    folder = tmp_path / "shared"
    shutil.copytree(run_folder, folder)
    _tamper(folder, "summary.json", "[1, 2, 3]")
    err = assert_refused(cli(["report", str(folder)]), "summary.json")
    assert "JSON object" in err


BIDI = ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c",
        "\u202a", "\u202b", "\u202c"]  # fmt: skip
PLACES = [("name",), ("assets", 0, "id"), ("threats", 1, "id"), ("fire_units", 0, "id"),
          ("sensors", 0, "id")]  # fmt: skip
BIDI_CASES = [(place, char) for place in PLACES for char in BIDI]


@pytest.mark.parametrize(
    ("place", "char"),
    sampled(BIDI_CASES, 6, ids=[f"{'.'.join(map(str, p))}-{ord(c):04x}" for p, c in BIDI_CASES]),
)
def test_names_and_ids_refuse_bidirectional_formatting_characters(
    place: tuple[Any, ...], char: str, cli: Cli, seeds: Path
) -> None:
    doc = tomllib.loads(SCENARIO.read_text())
    old = doc
    for part in place:
        old = old[part]
    path = write_toml(seeds / "bidi.toml", set_path(doc, place, f"safe{char}exe.toml{old}"))
    for args in (["validate", str(path)], ["run", str(path), "--runs", "2", "--json"]):
        err = assert_refused(cli(args), "bidi.toml")
        assert "bidirectional" in err and char not in err
