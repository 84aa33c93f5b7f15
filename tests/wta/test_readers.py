"""Readers: round trip of small files written here, and errors that name file and line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from umbrella.core.errors import InputError
from umbrella.wta import read_apt, read_bracken_mccormick

GOOD_APT = """2 3 2
10
20
30
0 0 0.5
0 1 0.25
0 2 0.0
1 0 1.0
1 1 0.75
1 2 0.125
"""


def write(tmp_path: Path, text: str, name: str = "case.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_apt_round_trip(tmp_path: Path) -> None:
    problem = read_apt(write(tmp_path, GOOD_APT))
    assert problem.values.tolist() == [10.0, 20.0, 30.0]
    assert problem.units.tolist() == [2, 2]
    assert problem.p_kill.tolist() == [[0.5, 0.25, 0.0], [1.0, 0.75, 0.125]]
    assert problem.mask is None and problem.min_units is None


def test_read_apt_accepts_pairs_in_any_order_and_blank_lines(tmp_path: Path) -> None:
    lines = GOOD_APT.splitlines()
    shuffled = [*lines[:4], "", *reversed(lines[4:]), ""]
    problem = read_apt(write(tmp_path, "\n".join(shuffled)))
    assert problem.p_kill[1, 0] == 1.0


def replace_line(number: int, text: str) -> str:
    lines = GOOD_APT.splitlines()
    lines[number - 1] = text
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (replace_line(1, "2 3"), 1, "header needs 3 fields"),
        (replace_line(1, "2 x 2"), 1, "not an integer"),
        (replace_line(3, "20 21"), 3, "needs 1 field"),
        (replace_line(6, "0 1"), 6, "needs 3 fields"),
        (replace_line(6, "0 1 1.5"), 6, "outside [0, 1]"),
        (replace_line(6, "0 1 -0.1"), 6, "outside [0, 1]"),
        (replace_line(6, "0 1 abc"), 6, "not a number"),
        (replace_line(6, "0 7 0.5"), 6, "target index 7 outside"),
        (replace_line(6, "2 1 0.5"), 6, "weapon index 2 outside"),
        (replace_line(6, "0 0 0.5"), 6, "already given on line 5"),
        (GOOD_APT + "0 0 0.5\n", 11, "unexpected data"),
        (replace_line(2, "-3"), 2, "negative"),
    ],
)
def test_read_apt_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as info:
        read_apt(path)
    assert info.value.line == line
    message = info.value.one_line()
    assert message.startswith(f"{path}:{line}: ")
    assert words in message


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty file"), ("\n".join(GOOD_APT.splitlines()[:7]), "ends after 3 of 6")],
)
def test_read_apt_truncated_files(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=words) as info:
        read_apt(path)
    assert str(path) in info.value.one_line()


def test_read_apt_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_apt(tmp_path / "absent.txt")


def bracken(**change: object) -> dict[str, object]:
    data: dict[str, object] = {
        "availability": [3, 2],
        "target_values": [10, 20, 30],
        "min_units_per_target (1-based target index)": {"2": 1},
        "survival[target][weapon]": [[0.5, 1], [0.9, 0.8], [1, 0.25]],
    }
    data.update(change)
    return data


def test_read_bracken_mccormick(tmp_path: Path) -> None:
    problem = read_bracken_mccormick(write(tmp_path, json.dumps(bracken()), "bm.json"))
    assert problem.units.tolist() == [3, 2]
    assert np.allclose(problem.p_kill, [[0.5, 0.1, 0.0], [0.0, 0.2, 0.75]])
    assert problem.mask is not None
    assert problem.mask.tolist() == [[True, True, False], [False, True, True]]
    assert problem.minimums.tolist() == [0, 1, 0]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({k: v for k, v in bracken().items() if k != "availability"}, "availability: missing key"),
        (bracken(**{"survival[target][weapon]": [[0.5, 1], [0.9, 0.8]]}), "does not match"),
        (
            bracken(**{"survival[target][weapon]": [[0.5, 1], [0.9, 1.8], [1, 0.25]]}),
            "outside [0, 1]",
        ),
        (
            bracken(**{"min_units_per_target (1-based target index)": {"4": 1}}),
            "target outside 1..3",
        ),
        (bracken(availability=[3, -2]), "non-negative"),
    ],
)
def test_read_bracken_mccormick_errors(tmp_path: Path, data: dict[str, object], words: str) -> None:
    path = write(tmp_path, json.dumps(data), "bm.json")
    with pytest.raises(InputError) as info:
        read_bracken_mccormick(path)
    assert str(path) in info.value.one_line()
    assert words in info.value.one_line()


def test_read_bracken_mccormick_bad_json_gives_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "availability": [3, 2],\n  oops\n}', "bm.json")
    with pytest.raises(InputError) as info:
        read_bracken_mccormick(path)
    assert info.value.line == 3
    assert info.value.one_line().startswith(f"{path}:3: invalid JSON")
