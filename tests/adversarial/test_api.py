"""Every way to change a scenario or campaign from Python validates (or is closed); size
limits refuse before anything is allocated, naming the limit; integer results never wrap."""

from __future__ import annotations

import copy
import pickle
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

import umbrella
from umbrella.campaign import load_campaign, prepare_campaign
from umbrella.campaign.inputs import load_defence
from umbrella.core.errors import InputError
from umbrella.core.limits import MAX_FIRE_UNITS, MAX_THREATS
from umbrella.engine.raid import check_raid_run
from umbrella.scenario import Scenario, Wave, parse_scenario

from .corpus import CAMPAIGN, SCENARIO, Cli, assert_refused, set_path, write_toml

SEED = tomllib.loads(SCENARIO.read_text())


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return umbrella.load_scenario(SCENARIO)


CHANGES = [
    lambda s: s.model_copy(update={"duration_h": -5}),
    lambda s: s.replace(duration_h=float("nan")),
    lambda s: s.copy(update={"duration_h": 1e9}),
    lambda s: s.replace(threats=[s.threats[0].replace(count=-10)]),
    lambda s: s.replace(threats=[s.threats[0].model_copy(update={"count": True})]),
    lambda s: s.replace(threats=[{**s.threats[0].model_dump(), "type": "nope"}]),
    lambda s: Scenario.model_construct(**{**s.model_dump(), "assets": []}),
    lambda s: Scenario(**{**s.model_dump(), "name": "a\nb"}),
    lambda s: Wave.model_construct(**{**s.threats[0].model_dump(), "count": -1}),
    lambda s: Scenario.model_validate({**s.model_dump(), "fire_units": [
        {**s.fire_units[0].model_dump(), "type": "nope"}]}),
]  # fmt: skip


@pytest.mark.parametrize("change", CHANGES, ids=range(len(CHANGES)))
def test_every_python_change_validates(change: Any, scenario: Scenario) -> None:
    with pytest.raises((InputError, ValidationError)):  # the constructor's own error, or ours
        change(scenario)


IN_PLACE = [
    lambda s: s.threats.append(s.threats[0]),
    lambda s: s.threats.__setitem__(0, s.threats[1]),
    lambda s: s.threats[0].aim.__setitem__("plant", -1.0),
    lambda s: s.fire_units[0].magazine.update(missile=-5),
    lambda s: s.doctrine.allow["cruise"].clear(),
    lambda s: s.catalogue.threats["drone"].__setitem__("speed_kmh", float("inf")),
    lambda s: setattr(s, "duration_h", -5),
    lambda s: setattr(s.threats[0], "count", -10),
]


@pytest.mark.parametrize("change", IN_PLACE, ids=range(len(IN_PLACE)))
def test_a_validated_scenario_cannot_be_changed_in_place(change: Any, scenario: Scenario) -> None:
    before = umbrella.dump_scenario(scenario)
    with pytest.raises((TypeError, ValueError)):
        change(scenario)
    assert umbrella.dump_scenario(scenario) == before


def test_read_only_specs_copy_pickle_and_round_trip(scenario: Scenario) -> None:
    copies = [
        copy.deepcopy(scenario),
        copy.copy(scenario),
        pickle.loads(pickle.dumps(scenario)),
        scenario.model_copy(deep=True),
        parse_scenario(umbrella.dump_scenario(scenario)),
    ]
    for other in copies:
        assert other == scenario
        with pytest.raises(TypeError):
            other.threats.append(other.threats[0])
    assert scenario.replace(name="renamed").name == "renamed"


def test_campaign_changes_validate() -> None:
    camp = load_campaign(CAMPAIGN)
    with pytest.raises(InputError):
        camp.model_copy(update={"budget_usd": float("inf")})
    with pytest.raises(InputError):
        camp.replace(end=camp.start.replace(year=9999))
    with pytest.raises(TypeError):
        camp.stocks["missile"] = -1  # type: ignore[index]


def _scenario_with(tmp_path: Path, changes: dict[tuple[Any, ...], Any]) -> Path:
    doc = SEED
    for path, value in changes.items():
        doc = set_path(doc, path, value)
    return write_toml(tmp_path / "big.toml", doc)


LIMITS = [
    ({("threats", 0, "count"): 70_000, ("threats", 1, "count"): 70_000,
      ("threats", 2, "count"): 70_000}, f"over the limit of {MAX_THREATS:,}"),
    ({("threats", 0, "count"): 400_000}, f"less than or equal to {MAX_THREATS}"),
    ({("fire_units", 1, "ring", "count"): MAX_FIRE_UNITS + 1}, f"{MAX_FIRE_UNITS}"),
    ({("fire_units", 0, "ring"): {"radius_km": 5.0, "count": 6000},
      ("fire_units", 0, "position_km"): None, ("fire_units", 1, "ring", "count"): 6000},
     "fire units after rings, over the limit of 10,000"),
    ({("catalogue", "fire_units", "gun", "channels"): 1000,
      ("fire_units", 1, "ring", "count"): 1001}, "engagement channels, over the limit"),
    ({("threats", 0, "lanes"): 64, ("threats", 1, "lanes"): 64,
      ("fire_units", 1, "ring", "count"): 9000}, "geometry pairs, over the limit"),
    ({("catalogue", "fire_units", "gun", "channels"): 10**12}, "less than or equal to 1000"),
    ({("fire_units", 0, "magazine", "missile"): 10**12}, "less than or equal to 10000000"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "needle"), LIMITS, ids=range(len(LIMITS)))
def test_size_limits_refuse_before_compiling(
    changes: dict[tuple[Any, ...], Any], needle: str, cli: Cli, tmp_path: Path
) -> None:
    cleaned = {k: v for k, v in changes.items() if v is not None}
    path = _scenario_with(tmp_path, cleaned)
    if ("fire_units", 0, "position_km") in changes:  # a ring instead of a position
        doc = tomllib.loads(path.read_text())
        del doc["fire_units"][0]["position_km"]
        del doc["fire_units"][0]["magazine"], doc["fire_units"][0]["loaded"]
        write_toml(path, doc)
    err = assert_refused(cli(["validate", str(path)]), "big.toml")
    assert needle in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["run", "{s}", "--runs", "9000000"], "GiB"),
        (["run", "--runs", "5000000"], "budget of 5,000,000,000"),
        (["campaign", "{c}", "--runs", "3000000"], "GiB"),
        (["run", "{s}", "--force"], "--force applies"),
        (["data", "summary", "--data", "{d}", "--force"], "--force applies"),
        (["validate", "{s}", "--data", "{d}"], "--data applies to a campaign"),
    ],
    ids=["run-memory", "run-work", "campaign-memory", "force-run", "force-data", "data-scenario"],
)
def test_work_and_memory_budgets_and_flags_without_effect(
    args: list[str], needle: str, cli: Cli, seeds: Path
) -> None:
    argv = [a.format(s=seeds / "scenario.toml", c=seeds / "campaign.toml", d=seeds) for a in args]
    err = assert_refused(cli(argv), needle)
    assert "limit" in err or "budget" in err or "applies" in err


def test_campaign_nights_beyond_the_raid_limits_refused() -> None:
    camp = load_campaign(CAMPAIGN)
    dist = camp.raids.distributions
    assert dist is not None
    wild = dist.replace(drones_mean=99_000.0, heavy_mean=99_000.0, drones_dispersion=0.3)
    heavy = camp.replace(raids=camp.raids.replace(distributions=wild))
    with pytest.raises(InputError, match="limit"):
        prepare_campaign(heavy, load_defence(camp), 400, 1)


def test_two_hundred_interceptor_types_are_credited_to_their_own_index(tmp_path: Path) -> None:
    names = [f"i{k:03d}" for k in range(200)]
    interceptors = {n: {"p_kill": {"drone": 0.6}, "unit_cost_usd": 1.0, "speed_kmh": 3000.0}
                    for n in names}  # fmt: skip
    doc = set_path(SEED, ("catalogue", "interceptors"), {**SEED["catalogue"]["interceptors"],
                                                       **interceptors})  # fmt: skip
    doc = set_path(doc, ("fire_units", 0, "magazine"), {n: 2 for n in names})
    doc = set_path(doc, ("fire_units", 0, "loaded"), {n: 2 for n in names})
    doc = set_path(doc, ("catalogue", "fire_units", "sam", "channels"), 50)
    doc = set_path(doc, ("catalogue", "fire_units", "sam", "min_range_km"), 0.0)
    doc = set_path(doc, ("doctrine", "allow"), {"drone": names[::-1], "cruise": names[::-1]})
    doc = set_path(doc, ("doctrine", "reserves"), [])
    scenario = umbrella.load_scenario(write_toml(tmp_path / "many.toml", doc))
    raid = umbrella.compile_raid(scenario)
    check_raid_run(raid, 40)
    result = umbrella.simulate(raid, 40, seed=3)
    killed = result.fate == 0
    credited = result.fate_itype[killed]
    assert credited.size > 50 and credited.min() >= 0
    assert credited.max() < len(raid.interceptor_names) and credited.max() > 127
    units = result.fate_who[killed]
    assert units.min() >= 0 and units.max() < len(raid.unit_ids)
    # No kill without a round of that type fired in the same replication.
    runs = np.nonzero(killed)[0]
    for r, itype in zip(runs, credited, strict=True):
        assert result.fired[r, itype] > 0
