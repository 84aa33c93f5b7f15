"""The bundled national posture: its structure holds what the calibration assumes of it."""

from __future__ import annotations

import numpy as np
import pytest

from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.compile import compile_raid


@pytest.mark.parametrize("name", ["national-base", "national"])
def test_frontline_and_deep_zones_never_meet(name: str) -> None:
    """No frontline drone route enters a deep unit's envelope and no deep route a frontline
    unit's: the emulator measures the two zones apart."""
    s = load_bundled(name)
    rec = s.calibration
    assert rec is not None and rec.frontline_waves and rec.frontline_interceptors
    raid = compile_raid(s)
    front_types = {raid.interceptor_names.index(n) for n in rec.frontline_interceptors
                   if n in raid.interceptor_names}  # fmt: skip
    slots = np.split(raid.slot_itype, raid.unit_slot_ptr[1:-1])
    unit_front = np.array([bool(set(k.tolist()) & front_types) for k in slots])
    assert unit_front.any() and (~unit_front).any()
    cat = s.resolved_catalogue()
    for v, wave in enumerate(s.threats):
        if cat.threats[wave.type].threat_class != "drone":
            continue
        front = wave.id in rec.frontline_waves
        for m in range(raid.wave_tmpl_start[v], raid.wave_tmpl_end[v]):
            units = raid.opp_unit[raid.tmpl_opp_ptr[m] : raid.tmpl_opp_ptr[m + 1]]
            assert (unit_front[units] == front).all(), (wave.id, m)


def test_the_bundled_national_is_fitted_and_its_structure_is_not() -> None:
    fitted, base = load_bundled("national"), load_bundled("national-base")
    assert fitted.calibration is not None and fitted.calibration.is_fitted
    assert base.calibration is not None and not base.calibration.is_fitted
    assert fitted.calibration.data_credit.startswith("Data: Petro Ivaniuk")
    assert [w.id for w in fitted.threats] == [w.id for w in base.threats]
