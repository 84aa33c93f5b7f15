"""The fast engine agrees statistically with the slow reference simulation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from umbrella.engine import simulate
from umbrella.raid import compile_raid
from umbrella.scenario import parse_scenario

_spec = importlib.util.spec_from_file_location("refsim", Path(__file__).with_name("refsim.py"))
assert _spec is not None and _spec.loader is not None
refsim = importlib.util.module_from_spec(_spec)
sys.modules["refsim"] = refsim
_spec.loader.exec_module(refsim)

SMALL = """
schema_version = 1
name = "small-layered"
duration_h = 0.8

[[assets]]
id = "plant"
kind = "power_plant"
position_km = [0.0, 0.0]
value = 80.0

[[assets]]
id = "sub"
kind = "substation"
position_km = [4.0, -3.0]
value = 20.0

[[threats]]
id = "east"
type = "drone"
count = 20
launch = { center_km = [60.0, 5.0], radius_km = 3.0 }
launch_window_h = [0.0, 0.2]
waypoints_km = [[25.0, -10.0]]
corridor_km = 6.0
lanes = 3

[[threats]]
id = "north-decoys"
type = "decoy"
count = 12
launch = { center_km = [0.0, 50.0] }
launch_window_h = [0.0, 0.2]
lanes = 2

[[threats]]
id = "cruise"
type = "cm"
count = 4
launch = { center_km = [-150.0, 20.0] }
launch_window_h = [0.1, 0.15]
aim = { plant = 1.0 }

[[sensors]]
id = "radar"
type = "radar"
position_km = [0.0, 0.0]

[[fire_units]]
id = "sam"
type = "sam"
position_km = [3.0, 3.0]

[[fire_units]]
id = "gun"
type = "gun"
ring = { center_km = [2.0, -1.0], radius_km = 3.0, count = 2 }

[[ew_zones]]
id = "ew"
center_km = [30.0, -8.0]
radius_km = 8.0
p_loss = 0.3

[doctrine]
shoot_look_shoot = true
max_engagements = 3
class_priority = { cruise = 5.0 }

[[doctrine.reserves]]
interceptor = "missile"
keep = 3
for_classes = ["cruise"]

[catalog.threats.drone]
threat_class = "drone"
speed_kmh = 180.0
altitude_m = 800.0
dive_km = 2.0
range_km = 1000.0
ew_vulnerability = 1.0
damage = 0.1
unit_cost_usd = 1.0

[catalog.threats.decoy]
base = "drone"
is_decoy = true
ew_vulnerability = 0.5

[catalog.threats.cm]
threat_class = "cruise"
speed_kmh = 700.0
altitude_m = 120.0
range_km = 2000.0
damage = 0.3
unit_cost_usd = 1.0
p_kill_factor = 0.8

[catalog.interceptors.missile]
p_kill = { drone = 0.7, cruise = 0.6 }
unit_cost_usd = 100.0
speed_kmh = 3600.0

[catalog.interceptors.burst]
p_kill = { drone = 0.4, cruise = 0.1 }
unit_cost_usd = 1.0
speed_kmh = 3000.0

[catalog.fire_units.sam]
kind = "sam"
channels = 2
magazine = { missile = 14 }
loaded = { missile = 6 }
reload_s = 300.0
reaction_s = 5.0
min_range_km = 1.0
max_range_km = 25.0
min_altitude_m = 50.0
max_altitude_m = 10000.0

[catalog.fire_units.gun]
kind = "gun"
channels = 1
magazine = { burst = 10 }
reaction_s = 3.0
turnaround_s = 10.0
max_range_km = 3.0
max_altitude_m = 2000.0

[catalog.sensors.radar]
kind = "radar"
range_km = 100.0
antenna_height_m = 20.0
p_detect = 0.9
track_delay_s = 10.0
"""


@pytest.mark.slow
def test_fast_engine_agrees_with_reference_simulation() -> None:
    scenario = parse_scenario(SMALL)
    n_ref, n_fast = 60, 4000
    ref_fates, ref_fired, ref_types, ref_used = refsim.reference_simulate(scenario, n_ref, seed=3)
    res = simulate(compile_raid(scenario), n_fast, seed=3)
    assert list(res.raid.type_names) == ref_types
    assert list(res.raid.interceptor_names) == ref_used
    fast = res.fates_by_type
    for k, name in enumerate(ref_types):
        launched = fast[0, k].sum()
        for f in range(4):
            a, b = fast[:, k, f].astype(float), ref_fates[:, k, f].astype(float)
            se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
            # Statistical tolerance plus the reference's 1 s clock (decisions on ticks).
            tol = 4 * se + 0.03 * launched
            assert abs(a.mean() - b.mean()) <= tol, (name, refsim.FATES[f], a.mean(), b.mean(), tol)
    for i, name in enumerate(ref_used):
        a, b = res.fired[:, i].astype(float), ref_fired[:, i].astype(float)
        se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        assert abs(a.mean() - b.mean()) <= 4 * se + 0.05 * max(a.mean(), 1.0), (
            name,
            a.mean(),
            b.mean(),
        )
