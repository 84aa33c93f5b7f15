"""Every reader given files that are not what it expects: empty, binary, in another encoding,
too big, too deep, a folder, a FIFO, a device, a missing path, a name that is an escape
sequence; and the same content with a byte-order mark, CRLF line ends or UTF-16, which are
accepted."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from .corpus import FIXTURES, Cli, assert_finite_json, assert_refused

REPORT_HEADER = "time_start,time_end,model,launched,destroyed,not_reach_goal,is_shahed,source\n"
REPORT_ROW = "2025-06-01 18:00,2025-06-02 08:00,Shahed-136/131,100.0,80.0,10.0,,kpszsu/posts/x\n"
REPORTS = (
    REPORT_HEADER
    + REPORT_ROW
    + REPORT_ROW.replace("06-02 08", "06-03 08").replace("06-01 18", "06-02 18")
)

#: The readers: (name of the file it reads, valid content, command line reading ``{f}``/``{d}``).
READERS: dict[str, tuple[str, str, list[str]]] = {
    "scenario-validate": ("s.toml", (FIXTURES / "scenario.toml").read_text(), ["validate", "{f}"]),
    "scenario-run": ("s.toml", (FIXTURES / "scenario.toml").read_text(),
                     ["run", "{f}", "--runs", "2", "--json"]),
    "scenario-catalogue": ("s.toml", (FIXTURES / "scenario.toml").read_text(),
                           ["catalogue", "{f}"]),
    "campaign-validate": ("c.toml", (FIXTURES / "campaign.toml").read_text(), ["validate", "{f}"]),
    "campaign-run": ("c.toml", (FIXTURES / "campaign.toml").read_text(),
                     ["campaign", "{f}", "--runs", "2", "--json", "--checkpoint", "{d}/ck.npz"]),
    "wta-apt": ("i.txt", (FIXTURES / "apt.txt").read_text(),
                ["wta", "solve", "{f}", "--method", "greedy", "--json"]),
    "wta-json": ("i.json", (FIXTURES / "bm.json").read_text(),
                 ["wta", "solve", "{f}", "--method", "greedy", "--json"]),
    "reports": ("missile_attacks_daily.csv", REPORTS, ["data", "summary", "--data", "{d}"]),
    "classes-csv": ("classes.csv", "model,class\nFoo,one_way_attack_drone\nBar,cruise_missile\n",
                    ["data", "classes", "--classes", "{f}"]),
    "classes-toml": ("classes.toml", '[classes]\n"Foo" = "one_way_attack_drone"\n',
                     ["data", "classes", "--classes", "{f}"]),
}  # fmt: skip

Maker = Callable[[Path, str], None]


def _write(data: bytes) -> Maker:
    def make(path: Path, text: str) -> None:
        path.write_bytes(data)

    return make


def _oversized(path: Path, text: str) -> None:
    with open(path, "wb") as fh:  # sparse: costs no disk
        fh.truncate(300 * 2**20)


def _folder(path: Path, text: str) -> None:
    path.mkdir()


def _fifo(path: Path, text: str) -> None:
    os.mkfifo(path)


def _device(path: Path, text: str) -> None:
    path.symlink_to("/dev/zero")


def _loop(path: Path, text: str) -> None:
    path.symlink_to(path)


def _latin1(path: Path, text: str) -> None:
    path.write_bytes((text + "# café\n").encode("latin-1"))


def _truncated(path: Path, text: str) -> None:
    path.write_text(text[: len(text) // 2 - 7], encoding="utf-8")


def _deep(path: Path, text: str) -> None:
    if path.suffix == ".json":
        path.write_text("[" * 100_000 + "]" * 100_000)
    else:
        path.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")


REFUSED: dict[str, Maker] = {
    "empty": _write(b""),
    "whitespace": _write(b"  \n\n\t \n"),
    "nul-bytes": _write(b"\x00" * 64),
    "random-bytes": _write(bytes(range(256)) * 8),
    "latin-1": _latin1,
    "truncated": _truncated,
    "deeply-nested": _deep,
    "oversized": _oversized,
    "folder": _folder,
    "fifo": _fifo,
    "device": _device,
    "symlink-loop": _loop,
    "missing": lambda path, text: None,
}


def _bom(path: Path, text: str) -> None:
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))


def _crlf(path: Path, text: str) -> None:
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))


def _utf16(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-16"))


ACCEPTED: dict[str, Maker] = {"bom": _bom, "crlf": _crlf, "utf-16": _utf16}


def _args(reader: str, folder: Path, path: Path) -> list[str]:
    return [a.format(f=path, d=folder) for a in READERS[reader][2]]


def _setup(reader: str, seeds: Path) -> tuple[Path, Path, str]:
    name, text, _ = READERS[reader]
    folder = seeds / "in"
    folder.mkdir()
    if reader.startswith("campaign"):
        (folder / "scenario.toml").write_bytes((FIXTURES / "scenario.toml").read_bytes())
    return folder, folder / name, text


@pytest.mark.parametrize("variant", list(REFUSED))
@pytest.mark.parametrize("reader", list(READERS))
def test_unreadable_file_refused_in_one_line(
    reader: str, variant: str, cli: Cli, seeds: Path
) -> None:
    folder, path, text = _setup(reader, seeds)
    REFUSED[variant](path, text)
    before = sorted(p.name for p in folder.iterdir())
    err = assert_refused(cli(_args(reader, folder, path)), str(folder))
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written
    if variant == "oversized":
        assert "limit" in err


@pytest.mark.parametrize("variant", list(ACCEPTED))
@pytest.mark.parametrize("reader", list(READERS))
def test_bom_crlf_and_utf16_accepted(reader: str, variant: str, cli: Cli, seeds: Path) -> None:
    folder, path, text = _setup(reader, seeds)
    ACCEPTED[variant](path, text)
    code, out, err = cli(_args(reader, folder, path))
    assert code == 0, err
    if "--json" in READERS[reader][2]:
        assert_finite_json(out)


@pytest.mark.parametrize(
    "name",
    ["new\nline.toml", "esc\x1b[2J\x1b[31m.toml", "error: forged\n.toml",
     "[bold]markup[link=x].toml", "bidi\u202ecod.exe.toml"],
    ids=["newline", "ansi", "forged-line", "markup", "bidi"],
)  # fmt: skip
def test_hostile_file_names_shown_escaped(name: str, cli: Cli, seeds: Path) -> None:
    missing = seeds / name
    err = assert_refused(cli(["validate", str(missing)]), "no such file")
    assert "\x1b" not in err and "\u202e" not in err and "\n" not in err[:-1]
    present = seeds / ("ok-" + name)
    present.write_bytes((FIXTURES / "scenario.toml").read_bytes())
    code, out, err = cli(["validate", str(present)])
    assert code == 0 and out.count("\n") == 1 and "\x1b" not in out, (out, err)


REPORT_ROWS = [
    ("short-row", REPORT_HEADER + "2025-06-01 18:00,2025-06-02 08:00,Shahed-136/131\n", "fields"),
    ("long-row", REPORT_HEADER + REPORT_ROW.rstrip("\n") + ",extra,cells\n", "fields"),
    ("bad-date", REPORT_HEADER + REPORT_ROW.replace("2025-06-02 08:00", "2025-13-45"), "date"),
    ("negative", REPORT_HEADER + REPORT_ROW.replace("100.0", "-3.0"), "negative"),
    ("huge", REPORT_HEADER + REPORT_ROW.replace("100.0", "1e30"), "over"),
    ("nan-inf", REPORT_HEADER + REPORT_ROW.replace("100.0", "inf"), "not finite"),
    ("fraction", REPORT_HEADER + REPORT_ROW.replace("100.0", "2.5"), "whole"),
    ("destroyed>launched", REPORT_HEADER + REPORT_ROW.replace("80.0", "180.0"), "exceeds"),
    ("missing-column", REPORT_HEADER.replace("launched,", "")
     + REPORT_ROW.replace("100.0,", ""), "column"),
    ("header-only", REPORT_HEADER, "national"),
    ("unclosed-quote", REPORT_HEADER + '"2025-06-01 18:00,2025\n', "row"),
    ("end-before-start", REPORT_HEADER + REPORT_ROW.replace("2025-06-02 08:00", "2025-05-01"),
     "before"),
    ("details-not-dict", REPORT_HEADER.replace("source", "launched_details,source")
     + REPORT_ROW.replace(",kpszsu", ",\"__import__('os')\",kpszsu"), "launched_details"),
    ("details-deep", REPORT_HEADER.replace("source", "launched_details,source")
     + REPORT_ROW.replace(",kpszsu", ",\"" + "[" * 5000 + "\",kpszsu"), "launched_details"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "text", "needle"), REPORT_ROWS, ids=[r[0] for r in REPORT_ROWS])
def test_malformed_reports_refused(
    label: str, text: str, needle: str, cli: Cli, seeds: Path
) -> None:
    (seeds / "missile_attacks_daily.csv").write_text(text, encoding="utf-8")
    err = assert_refused(cli(["data", "summary", "--data", str(seeds)]), "missile_attacks_daily")
    assert needle in err


SURVIVAL = '"survival[target][weapon]"'
WTA_FILES = [
    ("i.txt", "2 2\n1\n1\n", "header"),
    ("i.txt", "2 2 x\n", "not an integer"),
    ("i.txt", "99999999 99999999 1\n", "limit"),
    ("i.txt", "1 1 99999999999\n1\n0 0 0.5\n", "limit"),
    ("i.txt", "1 1 1\nnan\n0 0 0.5\n", "not finite"),
    ("i.txt", "1 1 1\n1\n0 0 1.5\n", "outside"),
    ("i.txt", "1 1 1\n1\n0 0 0.5\n0 0 0.5\n", "unexpected data"),
    ("i.txt", "2 1 1\n1\n0 0 0.5\n0 0 0.5\n", "already given"),
    ("i.txt", "1 1 1\n1\n5 0 0.5\n", "outside"),
    ("i.txt", "1 1 1\n1\n" + "9" * 5000 + " 0 0.5\n", "too long"),
    ("i.json", '{"availability": [1e400], "target_values": [1], ' + SURVIVAL + ': [[0.5]]}',
     "finite"),
    ("i.json", '{"availability": [1e30], "target_values": [1], ' + SURVIVAL + ': [[0.5]]}',
     "rounds"),
    ("i.json", '{"availability": [1], "target_values": [1], ' + SURVIVAL + ': [[0.5, 1]]}',
     "shape"),
    ("i.json", '{"availability": [1], "target_values": [1e300], ' + SURVIVAL + ': [[0.5]]}',
     "values"),
    ("i.json", '{"availability": [1], "target_values": [1], "survival[target][weapon]": [[NaN]]}',
     "survival"),
    ("i.json", '[1, 2]', "object"),
    ("i.json", '{"availability": [1], "target_values": [1], "survival[target][weapon]": [[0.5]],'
     ' "min_units_per_target (1-based target index)": {"' + "1" * 5000 + '": 1}}', "target"),
    ("i.json", '{"availability": [1], "target_values": [1], "survival[target][weapon]": [[0.5]],'
     ' "min_units_per_target (1-based target index)": [1]}', "table"),
    ("i.json", '{"availability": [' + "9" * 5000 + '], "target_values": [1]}', "JSON"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "needle"), WTA_FILES, ids=range(len(WTA_FILES)))
def test_malformed_wta_instances_refused(
    name: str, text: str, needle: str, cli: Cli, seeds: Path
) -> None:
    (seeds / name).write_text(text, encoding="utf-8")
    err = assert_refused(cli(["wta", "solve", str(seeds / name), "--json"]), name)
    assert needle in err
