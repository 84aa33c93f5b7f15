"""Overrides by key path: parsing, applying (validated like the file), `run --set`,
`campaign --set` and campaign files that `extends` another."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from umbrella.campaign import load_campaign
from umbrella.campaign.overrides import apply_to_campaign
from umbrella.core.errors import InputError
from umbrella.scenario import load_scenario
from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.overrides import (
    Override,
    apply_to_scenario,
    current_value,
    parse_key,
    parse_override,
    parse_value,
    split_defence,
)

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "fixtures" / "small_layered.toml"
CAMPAIGN = ROOT / "tests" / "campaign" / "fixtures" / "small.toml"


def _set(*texts: str) -> list[Override]:
    return [parse_override(t) for t in texts]


# ---------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("threats[0].count", ("threats", 0, "count")),
        ("fire_units[12].magazine.pac3_mse", ("fire_units", 12, "magazine", "pac3_mse")),
        ("doctrine.shoot_look_shoot", ("doctrine", "shoot_look_shoot")),
        (
            'catalogue.threats."my drone".speed_kmh',
            ("catalogue", "threats", "my drone", "speed_kmh"),
        ),
        ("assets[1].position_km[0]", ("assets", 1, "position_km", 0)),
    ],
)
def test_key_paths_split_like_error_messages_print_them(key: str, parts: tuple[Any, ...]) -> None:
    assert parse_key(key) == parts


@pytest.mark.parametrize("key", ["", "threats[", "threats[x].count", "a..b", "a.", ".a", "a b"])
def test_malformed_key_paths_are_input_errors(key: str) -> None:
    with pytest.raises(InputError, match="key path"):
        parse_key(key, "--set")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1000", 1000),
        ("0.25", 0.25),
        ("false", False),
        ("class", "class"),
        ('"quoted text"', "quoted text"),
        ("[1, 2]", [1, 2]),
        ("{drone = 2}", {"drone": 2}),
        ("2026-01-31", date(2026, 1, 31)),
    ],
)
def test_values_are_read_as_toml_or_else_as_text(text: str, value: Any) -> None:
    assert parse_value(text) == value


def test_an_assignment_needs_an_equals_sign() -> None:
    with pytest.raises(InputError, match="KEY=VALUE") as exc:
        parse_override("threats[0].count")
    assert exc.value.one_line().startswith("--set threats[0].count:")


# ---------------------------------------------------------------------------- applying
def test_set_changes_exactly_the_key_and_validates() -> None:
    base = load_bundled()
    new = apply_to_scenario(base, _set("threats[0].count=1000", "doctrine.shoot_look_shoot=false"))
    assert new.threats[0].count == 1000 and new.doctrine.shoot_look_shoot is False
    assert new.threats[1:] == base.threats[1:]
    assert new.model_copy(update={"threats": base.threats, "doctrine": base.doctrine}) == base


def test_a_catalogue_value_deep_inside_keeps_the_rest_of_the_entry() -> None:
    base = load_bundled()
    key = "catalogue.interceptors.interceptor_drone.p_kill.drone"
    new = apply_to_scenario(base, _set(f"{key}=0.9"))
    before = base.resolved_catalogue().interceptors["interceptor_drone"]
    after = new.resolved_catalogue().interceptors["interceptor_drone"]
    assert after.p_kill["drone"] == 0.9
    assert {k: v for k, v in after.p_kill.items() if k != "drone"} == {
        k: v for k, v in before.p_kill.items() if k != "drone"
    }
    assert after.unit_cost_usd == before.unit_cost_usd
    assert current_value(base, parse_key(key)) == before.p_kill["drone"]


def test_one_interceptor_of_a_site_magazine_keeps_the_others() -> None:
    base = load_scenario(SMALL)
    assert base.fire_units[0].magazine is None  # takes the type's
    new = apply_to_scenario(base, _set("fire_units[0].magazine.missile=40"))
    assert new.fire_units[0].magazine == {"missile": 40}
    assert current_value(base, ("fire_units", 0, "magazine")) == {"missile": 14}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("threats[0].count=-5", "--set threats[0].count=-5: threats[0].count: Input should be"),
        ("doctrine.shoot_look_shot=false", "doctrine.shoot_look_shot: Extra inputs"),
        ("threats[9].count=5", "index 9 is out of range: threats has 3 entries"),
        ("threats[0].count.x=5", "threats[0].count is not a table"),
        ("catalogue.interceptors.missil.unit_cost_usd=5", "unknown interceptors type 'missil'"),
        ("doctrine.priority=loudest", "doctrine.priority: Input should be"),
        ("threats[0].type=nothing", "threats[0].type: unknown threat type 'nothing'"),
        ("catalogue.fire_units.sam.min_range_km=30", "impossible envelope"),
    ],
)
def test_bad_overrides_name_the_override_and_the_key(text: str, needle: str) -> None:
    with pytest.raises(InputError) as exc:
        apply_to_scenario(load_scenario(SMALL), _set(text))
    line = exc.value.one_line()
    assert needle in line and "\n" not in line, line
    assert line.startswith(f"--set {text}"), line


def test_campaign_overrides_and_defence_keys() -> None:
    camp = load_campaign(CAMPAIGN)
    ovs = _set("stocks.missile=99", "defence.threats[0].count=7", "raids.fraction=0.5")
    camp_ovs, defence_ovs = split_defence(ovs)
    assert [o.key for o in defence_ovs] == ["threats[0].count"]
    new = apply_to_campaign(camp, camp_ovs)
    assert new.stocks["missile"] == 99 and new.raids.fraction == 0.5
    assert new.base_dir == camp.base_dir  # relative paths still start at the file's folder
    with pytest.raises(InputError, match=r"--set raids.fraction=2: raids.fraction"):
        apply_to_campaign(camp, _set("raids.fraction=2"))


# ---------------------------------------------------------------------------- the CLI
def test_run_set_changes_the_raid(cli: Any) -> None:
    args = ["run", str(SMALL), "--runs", "6", "--seed", "2", "--json"]
    base = json.loads(cli(args)[1])
    code, out, err = cli([*args, "--set", "threats[0].count=50", "--set", "threats[2].count=1"])
    assert code == 0, err
    doc = json.loads(out)
    launched = doc["threats"]["drone"]["launched"]["mean"]
    assert launched == base["threats"]["drone"]["launched"]["mean"] + 30
    assert doc["threats"]["cm"]["launched"]["mean"] == 1


@pytest.mark.parametrize(
    ("sets", "needle"),
    [
        (["threats[0].count=-1"], "threats[0].count"),
        (["threats[0].cont=1"], "Extra inputs are not permitted"),
        (["doctrine.max_engagements=fast"], "doctrine.max_engagements"),
        (["threats[0].count"], "expected KEY=VALUE"),
        (["threats[0]..count=1"], "malformed key path"),
    ],
)
def test_run_rejects_bad_overrides_with_one_line_and_exit_2(
    sets: list[str], needle: str, cli: Any, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    args = ["run", str(SMALL), "--runs", "4", "--json", "--out", str(out_dir)]
    for s in sets:
        args += ["--set", s]
    code, out, err = cli(args)
    assert code == 2 and out == "" and not out_dir.exists()
    assert err.startswith("error: --set ") and err.count("\n") == 1 and needle in err, err


def test_campaign_set_and_defence_set(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["campaign", str(CAMPAIGN), "--runs", "4", "--seed", "1", "--json"]
    code, out, err = cli([*args, "--set", "stocks.missile=77"])
    assert code == 0, err
    assert json.loads(out)["interceptors"]["missile"]["stock_start"] == 77
    code, out, err = cli([*args, "--set", "stocks.missil=77"])  # the runner's reference check
    assert code == 2 and out == ""
    assert (
        err == "error: --set stocks.missil=77: stocks.missil: unknown interceptor type 'missil'\n"
    )
    code, out, err = cli([*args, "--set", "defence.doctrine.shoot_look_shoot=maybe"])
    assert code == 2 and out == ""
    assert "defence.doctrine.shoot_look_shoot" in err and err.count("\n") == 1, err


# ---------------------------------------------------------------------------- extends
def _parent(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = CAMPAIGN.read_text().replace(
        "../../engine/fixtures/small_layered.toml", str(Path("..") / "engine" / SMALL.name)
    )
    (folder.parent / "engine").mkdir(exist_ok=True)
    (folder.parent / "engine" / SMALL.name).write_text(SMALL.read_text())
    path = folder / "base.toml"
    path.write_text(text)
    return path


def test_a_campaign_extends_another_and_changes_only_what_differs(tmp_path: Path) -> None:
    base_path = _parent(tmp_path / "shared")
    child = tmp_path / "mine" / "more-missiles.toml"
    child.parent.mkdir()
    child.write_text(
        'schema_version = 1\nextends = "../shared/base.toml"\nname = "more"\n'
        "[stocks]\nmissile = 90\n[raids.distributions]\ndrones_mean = 35.0\n"
    )
    base, camp = load_campaign(base_path), load_campaign(child)
    assert camp.name == "more" and camp.stocks == {"missile": 90}
    assert camp.raids.distributions is not None and base.raids.distributions is not None
    assert camp.raids.distributions.drones_mean == 35.0
    # Tables merge key by key: the rest of [raids.distributions] is the parent's.
    assert camp.raids.distributions.heavy_mean == base.raids.distributions.heavy_mean
    assert camp.deliveries == base.deliveries and camp.start == base.start
    # The parent's relative scenario path still finds the parent's scenario.
    assert (camp.base_dir / camp.scenario).resolve() == (base.base_dir / base.scenario).resolve()


def test_extends_errors_point_at_the_file_that_writes_the_value(tmp_path: Path) -> None:
    base_path = _parent(tmp_path / "shared")
    text = base_path.read_text().replace("drones_mean = 20.0", "drones_mean = -1.0")
    base_path.write_text(text)
    child = tmp_path / "shared" / "child.toml"
    child.write_text('schema_version = 1\nextends = "base.toml"\nname = "c"\n')
    with pytest.raises(InputError) as exc:
        load_campaign(child)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "drones_mean" in t)
    assert exc.value.one_line().startswith(f"{base_path}:{line}: raids.distributions.drones_mean")
    base_path.write_text(text.replace("drones_mean = -1.0", "drones_mean = 20.0"))
    child.write_text('schema_version = 1\nextends = "base.toml"\nname = "c"\nstart = 2027-01-01\n')
    with pytest.raises(InputError) as exc:
        load_campaign(child)
    assert exc.value.source == str(child) and "end is before start" in exc.value.message


@pytest.mark.parametrize(
    ("extends", "needle"), [('"nowhere.toml"', "does not exist"), ('"child.toml"', "loops back")]
)
def test_extends_that_cannot_be_followed(extends: str, needle: str, tmp_path: Path) -> None:
    child = tmp_path / "child.toml"
    child.write_text(f'schema_version = 1\nextends = {extends}\nname = "c"\n')
    with pytest.raises(InputError, match=needle) as exc:
        load_campaign(child)
    assert exc.value.key == "extends" and exc.value.line == 2
