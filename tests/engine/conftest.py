"""Small scenarios built in Python for the raid engine tests."""

from __future__ import annotations

from typing import Any

import pytest

from umbrella.scenario import (
    Asset,
    CatalogueOverrides,
    Doctrine,
    EWZone,
    FireUnitSite,
    Launch,
    Scenario,
    SensorSite,
    Wave,
    check_scenario,
)

# A slow drone flying 100 km due west into an asset at the origin; a test fire unit at the
# origin with a 20 km envelope and a 1 km/s interceptor (15 s decision to intercept).
TEST_CATALOG: dict[str, dict[str, dict[str, Any]]] = {
    "threats": {
        "slow": {
            "threat_class": "drone",
            "speed_kmh": 180.0,
            "altitude_m": 500.0,
            "range_km": 1000.0,
            "damage": 0.1,
            "unit_cost_usd": 1000.0,
            "ew_vulnerability": 1.0,
        }
    },
    "interceptors": {
        "shot": {"p_kill": {"drone": 0.5}, "unit_cost_usd": 10.0, "speed_kmh": 3600.0},
    },
    "fire_units": {
        "battery": {
            "kind": "sam",
            "channels": 1000,
            "magazine": {"shot": 100000},
            "reaction_s": 5.0,
            "min_range_km": 0.0,
            "max_range_km": 20.0,
            "min_altitude_m": 0.0,
            "max_altitude_m": 5000.0,
        }
    },
    "sensors": {
        "eye": {
            "kind": "radar",
            "range_km": 200.0,
            "antenna_height_m": 100.0,
            "p_detect": 1.0,
            "track_delay_s": 0.0,
        }
    },
}


def make_scenario(
    *,
    count: int = 100,
    p_kill: float = 0.5,
    channels: int = 1000,
    magazine: int = 100000,
    shots: int = 1,
    sls: bool = False,
    max_engagements: int = 1,
    units: int = 1,
    ew_p: float | None = None,
    sensors: bool = True,
    window_h: tuple[float, float] = (0.0, 0.5),
    reload_s: float = 0.0,
    loaded: int | None = None,
    turnaround_s: float = 0.0,
    fire_control: str = "greedy",
    price_per_musd: float = 0.0,
) -> Scenario:
    """A one-asset scenario with ``units`` identical test batteries at the asset."""
    cat = {k: {n: dict(v) for n, v in d.items()} for k, d in TEST_CATALOG.items()}
    cat["interceptors"]["shot"]["p_kill"] = {"drone": p_kill}
    fu = cat["fire_units"]["battery"]
    fu["channels"] = channels
    fu["magazine"] = {"shot": magazine}
    fu["reload_s"] = reload_s
    fu["turnaround_s"] = turnaround_s
    if loaded is not None:
        fu["loaded"] = {"shot": loaded}
    scenario = Scenario(
        name="test",
        duration_h=6.0,
        assets=[Asset(id="a", kind="substation", position_km=(0.0, 0.0), value=10.0)],
        threats=[
            Wave(
                id="w",
                type="slow",
                count=count,
                launch=Launch(centre_km=(100.0, 0.0)),
                launch_window_h=window_h,
                lanes=1,
            )
        ],
        sensors=[SensorSite(id="s", type="eye", position_km=(0.0, 0.0))] if sensors else [],
        fire_units=[
            FireUnitSite(id=f"u{k}", type="battery", position_km=(0.0, 0.0)) for k in range(units)
        ],
        ew_zones=[EWZone(id="z", centre_km=(50.0, 0.0), radius_km=5.0, p_loss=ew_p)]
        if ew_p is not None
        else [],
        doctrine=Doctrine(
            shoot_look_shoot=sls,
            max_engagements=max_engagements,
            shots={"drone": shots},
            fire_control=fire_control,
            price_per_musd=price_per_musd,
        ),
        catalogue=CatalogueOverrides(**cat),
    )
    check_scenario(scenario)
    return scenario


@pytest.fixture(scope="session")
def scenario_factory() -> Any:
    return make_scenario
