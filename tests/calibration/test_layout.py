"""A night laid out over a posture's waves: every launch flies, in its class, on the right waves."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umbrella.calibration.layout import Allocation, WaveLayout, night_scenario, night_waves
from umbrella.calibration.night import Night
from umbrella.core.errors import InputError
from umbrella.engine import simulate
from umbrella.scenario import Scenario
from umbrella.scenario.bundled import load_bundled
from umbrella.scenario.compile import compile_raid

NATIONAL = load_bundled("national")
LAYOUT = WaveLayout.from_scenario(NATIONAL)
CLASSES = {t: c.threat_class for t, c in NATIONAL.resolved_catalogue().threats.items()}


def _by(layout: WaveLayout, counts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return counts[:, mask].sum(axis=1)


@settings(max_examples=40, deadline=None)
@given(
    drones=st.integers(0, 1500),
    decoys=st.one_of(st.none(), st.floats(0.0, 1.0)),
    missiles=st.dictionaries(
        st.sampled_from(
            ["kh101", "kalibr", "kh22", "kh59", "iskander_k", "iskander_m", "s300", "kinzhal"]
        ),
        st.integers(1, 60),
        max_size=5,
    ),
    front=st.floats(1.0, 400.0),
    spread=st.floats(0.0, 1.5),
    seed=st.integers(0, 10_000),
)
def test_counts_are_conserved_by_class_and_kind(
    drones: int,
    decoys: float | None,
    missiles: dict[str, int],
    front: float,
    spread: float,
    seed: int,
) -> None:
    if drones + sum(missiles.values()) == 0:
        return
    d = None if decoys is None else round(decoys * drones)
    night = Night(night=date(2025, 9, 1), drones=drones, decoys=d, missiles=missiles)
    alloc = Allocation(
        frontline_drones=front,
        frontline_spread=spread,
        decoy_share=0.4,
        frontline_missiles={"iskander_m": 2.0},
        frontline_missile_spread={"iskander_m": 0.5},
    )
    counts, unmapped = night_waves(LAYOUT, night, 16, np.random.default_rng(seed), alloc, CLASSES)
    assert counts.min() >= 0
    assert (_by(LAYOUT, counts, LAYOUT.is_drone) == drones).all()
    if d is not None:
        assert (_by(LAYOUT, counts, LAYOUT.is_decoy) == d).all()
    front_drones = _by(LAYOUT, counts, LAYOUT.is_drone & LAYOUT.is_frontline)
    if spread == 0.0:
        assert (front_drones == min(drones, round(front))).all()
    for t in {t for t in LAYOUT.wave_type if CLASSES[t] != "drone"}:
        own = np.array([w == t for w in LAYOUT.wave_type])
        assert (_by(LAYOUT, counts, own) == missiles.get(t, 0)).all()
    assert all(v == 0 for v in unmapped.values())


def test_a_ballistic_salvo_flies_one_deep_wave_a_run() -> None:
    night = Night(night=date(2025, 9, 1), drones=0, missiles={"iskander_m": 12})
    alloc = Allocation(frontline_drones=0.0, frontline_spread=0.0, decoy_share=0.5)
    counts, _ = night_waves(LAYOUT, night, 400, np.random.default_rng(3), alloc, CLASSES)
    waves = [v for v, t in enumerate(LAYOUT.wave_type) if t == "iskander_m"]
    used = (counts[:, waves] > 0).sum(axis=1)
    assert (used == 1).all()
    # Chosen in proportion to the waves' counts (frontline waves excluded: no frontline count).
    deep = [v for v in waves if not LAYOUT.is_frontline[v]]
    share = (counts[:, deep] > 0).mean(axis=0)
    expected = LAYOUT.weight[deep] / LAYOUT.weight[deep].sum()
    np.testing.assert_allclose(share, expected, atol=4 * np.sqrt(0.25 / 400))


def test_cruise_missiles_are_split_over_their_waves() -> None:
    night = Night(night=date(2025, 9, 1), drones=0, missiles={"kh101": 30})
    counts, _ = night_waves(LAYOUT, night, 3, np.random.default_rng(0), None, CLASSES)
    waves = [v for v, t in enumerate(LAYOUT.wave_type) if t == "kh101"]
    assert (counts[:, waves].sum(axis=1) == 30).all()


def test_missiles_without_a_wave_of_their_class_are_unmapped(tiny: Scenario) -> None:
    layout = WaveLayout.from_scenario(tiny)
    night = Night(night=date(2025, 9, 1), drones=10, missiles={"kh101": 5, "kinzhal": 2, "s300": 3})
    counts, unmapped = night_waves(layout, night, 4, np.random.default_rng(0))
    assert unmapped == {"cruise": 5, "ballistic": 0, "aeroballistic": 2}
    # S-300 has no wave of its own: it flies the ballistic waves.
    ballistic = [v for v, t in enumerate(layout.wave_type) if t == "iskander_m"]
    assert (counts[:, ballistic].sum(axis=1) == 3).all()


def test_drones_on_a_posture_without_drone_waves_are_refused(tiny: Scenario) -> None:
    missiles_only = tiny.replace(threats=[w for w in tiny.threats if w.type == "iskander_m"],
                                 calibration=None)  # fmt: skip
    layout = WaveLayout.from_scenario(missiles_only)
    night = Night(night=date(2025, 9, 1), drones=10)
    with pytest.raises(InputError, match="no drone wave"):
        night_waves(layout, night, 2, np.random.default_rng(0))


def test_without_a_frontline_drones_follow_the_wave_counts(tiny: Scenario) -> None:
    plain = tiny.replace(calibration=None)
    layout = WaveLayout.from_scenario(plain)
    night = Night(night=date(2025, 9, 1), drones=150, decoys=60)
    counts, _ = night_waves(layout, night, 2, np.random.default_rng(0))
    # Real drones 90 split 30:60 over the two Shahed waves, decoys 60 split 20:40.
    assert counts[0].tolist()[:4] == [30, 20, 60, 40]


def test_night_scenario_is_a_raid_of_the_night(tiny: Scenario) -> None:
    night = Night(night=date(2025, 9, 1), drones=77, decoys=30, missiles={"iskander_m": 5})
    raid = compile_raid(night_scenario(tiny, night))
    result = simulate(raid, 4, seed=1)
    kinds = dict(zip(raid.type_names, result.launched[0], strict=True))
    assert kinds == {"shahed": 47, "gerbera": 30, "iskander_m": 5}


def test_campaign_nights_fill_the_frontline_first() -> None:
    from umbrella.calibration.layout import split_drones

    rng = np.random.default_rng(1)
    real = rng.integers(0, 900, size=(5, 7))
    decoys = rng.integers(0, 500, size=(5, 7))
    out = split_drones(real, decoys, NATIONAL)
    assert out.shape == (5, 7, LAYOUT.n_waves)
    np.testing.assert_array_equal(out[..., LAYOUT.is_drone & ~LAYOUT.is_decoy].sum(-1), real)
    np.testing.assert_array_equal(out[..., LAYOUT.is_decoy].sum(-1), decoys)
    front = out[..., LAYOUT.is_drone & LAYOUT.is_frontline].sum(-1)
    rec = NATIONAL.calibration
    assert rec is not None
    c = round(rec.parameters.get("frontline_drones", float(LAYOUT.default.frontline_drones)))
    np.testing.assert_array_equal(front, np.minimum(real + decoys, c))
    assert not out[..., ~LAYOUT.is_drone].any()
