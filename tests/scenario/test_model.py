"""Scenario files: round trips and one clear error for every kind of bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from umbrella.core.errors import InputError
from umbrella.scenario import dump_scenario, load_scenario, parse_scenario
from umbrella.scenario.bundled import bundled_text, load_bundled

REF = bundled_text()


def test_reference_round_trips_losslessly() -> None:
    ref = load_bundled()
    assert parse_scenario(dump_scenario(ref)) == ref
    assert ref.name == "reference-2025-07-04"
    counts = {w.type: 0 for w in ref.threats}
    for w in ref.threats:
        counts[w.type] += w.count
    assert counts == {"shahed": 300, "gerbera": 239, "kinzhal": 1, "iskander_m": 6, "iskander_k": 4}


def test_python_built_scenario_round_trips(scenario_factory: Any) -> None:
    built = scenario_factory(ew_p=0.2, units=2)
    assert parse_scenario(dump_scenario(built)) == built


def _line_of(text: str, needle: str, nth: int = 0) -> int:
    hits = [k + 1 for k, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth]


def _replace(old: str, new: str, count: int = 1) -> str:
    assert old in REF
    return REF.replace(old, new, count)


CASES = [
    ("malformed", _replace('name = "reference-2025-07-04"', "name = "), "malformed TOML", None),
    (
        "unknown key",
        _replace('id = "nasams"\n', 'id = "nasams"\nmagazne = 3\n'),
        "fire_units[2].magazne",
        "magazne = 3",
    ),
    ("wrong type", _replace("count = 70", 'count = "many"'), "threats[0].count", 'count = "many"'),
    ("negative count", _replace("count = 70", "count = -5"), "threats[0].count", "count = -5"),
    (
        "unknown threat type",
        _replace('type = "gerbera"', 'type = "lancet"'),
        "threats[1].type",
        'type = "lancet"',
    ),
    (
        "unknown asset",
        _replace("aim = { gov-quarter = 1.0 }", "aim = { nowhere = 1.0 }"),
        "threats[8].aim.nowhere",
        "aim = { nowhere",
    ),
    (
        "impossible envelope",
        REF + "\n[catalogue.fire_units.gepard]\nmin_range_km = 5.0\n",
        "catalogue.fire_units.gepard",
        "[catalogue.fire_units.gepard]",
    ),
    (
        "wrong units",
        REF + "\n[catalogue.threats.shahed]\nspeed_kmh = -185.0\n",
        "catalogue.threats.shahed.speed_kmh",
        "speed_kmh = -185.0",
    ),
    (
        "unknown interceptor",
        _replace('type = "iris_t_slm"\n', 'type = "iris_t_slm"\nmagazine = { iris_t_xl = 8 }\n'),
        "fire_units[1].magazine.iris_t_xl",
        "magazine = { iris_t_xl",
    ),
    (
        "duplicate id",
        _replace('id = "chp-6"', 'id = "chp-5"'),
        "assets[2].id",
        ('id = "chp-5"', 1),
    ),
    (
        "unknown doctrine interceptor",
        _replace('aeroballistic = ["pac3_mse"]', 'aeroballistic = ["thaad"]'),
        "doctrine.allow.aeroballistic",
        None,
    ),
    ("no schema version", _replace("schema_version = 1", ""), "schema_version", None),
    (
        "bad window",
        _replace("launch_window_h = [0.0, 5.0]", "launch_window_h = [5.0, 1.0]"),
        "threats[0]",
        None,
    ),
]


@pytest.mark.parametrize(("label", "text", "key", "line_of"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_names_file_key_and_line(
    tmp_path: Path, label: str, text: str, key: str, line_of: str | tuple[str, int] | None
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    msg = info.value.one_line()
    assert "\n" not in msg
    assert msg.startswith(str(path))
    assert key in msg
    if isinstance(line_of, tuple):
        assert info.value.line == _line_of(text, *line_of)
    elif line_of is not None:
        assert info.value.line == _line_of(text, line_of)


def test_malformed_toml_gives_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    text = _replace('name = "reference-2025-07-04"', "name = ")
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert info.value.line == _line_of(text, "name = ")


def test_empty_raid_is_rejected(tmp_path: Path) -> None:
    import re

    path = tmp_path / "empty.toml"
    path.write_text(re.sub(r"^count = \d+$", "count = 0", REF, flags=re.M))
    with pytest.raises(InputError, match="empty raid"):
        load_scenario(path)


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "nope.toml")
