"""Nightly raids for a campaign: drawn from the raid-tempo model or from file distributions,
thinned to the defended area's share, and split over the defence scenario's waves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from umbrella.campaign.spec import Campaign, MissileDistribution, RaidDistributions
from umbrella.core.apportion import largest_remainder
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import (
    DRONE,
    MISSILE_THREAT_CLASSES,
    RAID_GROUPS,
    REPORT_TO_THREAT_CLASS,
)
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = ["NightlyRaids", "draw_raids", "split_over_waves", "wave_groups"]

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class NightlyRaids:
    """(R, D) threats per raid group (:data:`~umbrella.core.vocabulary.RAID_GROUPS`) and night,
    after thinning to the defended area."""

    counts: dict[str, I64]


def _from_distributions(
    dist: RaidDistributions, shape: tuple[int, int], rng: np.random.Generator
) -> dict[str, I64]:
    k = dist.drones_dispersion
    regular = rng.negative_binomial(k, k / (k + dist.drones_mean), size=shape)
    if dist.heavy_p > 0 and dist.heavy_mean > 0:
        heavy = rng.negative_binomial(k, k / (k + dist.heavy_mean), size=shape)
        drones = np.where(rng.random(shape) < dist.heavy_p, heavy, regular)
    else:
        drones = regular
    decoys = rng.binomial(drones, dist.decoy_share)
    out = {"drone": (drones - decoys).astype(np.int64), "decoy": decoys.astype(np.int64)}
    written: dict[str, MissileDistribution] = {str(k): v for k, v in dist.missiles.items()}
    for cls in MISSILE_THREAT_CLASSES:
        m = written.get(cls)
        if m is None:
            out[cls] = np.zeros(shape, dtype=np.int64)
            continue
        night = rng.random(shape) < m.p_night
        out[cls] = np.where(night, 1 + rng.poisson(m.mean - 1.0, size=shape), 0).astype(np.int64)
    return out


def _from_tempo(
    campaign: Campaign, tempo: TempoModel, runs: int, rng: np.random.Generator
) -> dict[str, I64]:
    sim = tempo.draw(campaign.start, campaign.end, runs, rng)
    zero = np.zeros_like(sim.drones)
    out = {
        "drone": (sim.drones - sim.decoys).astype(np.int64),
        "decoy": sim.decoys.astype(np.int64),
    }
    # Each report class flies as its threat class (guided air-to-surface missiles as cruise).
    for cls in MISSILE_THREAT_CLASSES:
        flown = [n for n, c in REPORT_TO_THREAT_CLASS.items() if c == cls and n != DRONE]
        out[cls] = sum((sim.missiles.get(n, zero) for n in flown), zero).astype(np.int64)
    return out


def draw_raids(
    campaign: Campaign, runs: int, rng: np.random.Generator, tempo: TempoModel | None = None
) -> NightlyRaids:
    """Draw every night's raid for every run, thinned by ``raids.fraction``.

    ``tempo`` is the fitted raid-tempo model, needed when the campaign's raids come from it.
    """
    shape = (runs, campaign.n_nights)
    if campaign.raids.source == "distributions":
        assert campaign.raids.distributions is not None
        counts = _from_distributions(campaign.raids.distributions, shape, rng)
    else:
        if tempo is None:
            raise InputError("raids from the tempo model need the fitted model", key="raids")
        counts = _from_tempo(campaign, tempo, runs, rng)
    f = campaign.raids.fraction
    if f < 1.0:
        counts = {g: rng.binomial(c, f).astype(np.int64) for g, c in counts.items()}
    return NightlyRaids(counts={g: np.asarray(counts[g], dtype=np.int64) for g in RAID_GROUPS})


def wave_groups(scenario: Scenario) -> list[str]:
    """The raid group of each of a scenario's waves (decoys apart from real drones)."""
    cat = scenario.resolved_catalogue()
    out: list[str] = []
    for wave in scenario.threats:
        t = cat.threats[wave.type]
        out.append("decoy" if t.is_decoy else t.threat_class)
    return out


def split_over_waves(raids: NightlyRaids, scenario: Scenario) -> tuple[I64, dict[str, I64]]:
    """(R, D, V) threats per wave: each group's count split over its waves in proportion to
    the scenario's counts (largest remainders, ties to the earlier wave), except that on a
    posture whose ``[calibration]`` names frontline waves the drones fill those first
    (:func:`umbrella.calibration.layout.split_drones`); and the counts of groups the scenario
    has no wave for (not flown)."""
    groups = wave_groups(scenario)
    r, d = next(iter(raids.counts.values())).shape
    v = len(scenario.threats)
    out = np.zeros((r, d, v), dtype=np.int64)
    unmapped: dict[str, I64] = {}
    rec = scenario.calibration
    frontline = rec is not None and bool(rec.frontline_waves) and "drone" in groups
    if frontline:
        # A calibrated posture: drones fill its frontline waves first (umbrella.calibration).
        from umbrella.calibration.layout import split_drones

        out += split_drones(raids.counts["drone"], raids.counts["decoy"], scenario)
    for g in RAID_GROUPS:
        if frontline and g in ("drone", "decoy"):
            continue
        waves = [k for k in range(v) if groups[k] == g]
        n = raids.counts[g]
        if not waves:
            unmapped[g] = n
            continue
        weights = [scenario.threats[k].count for k in waves]
        out[:, :, waves] = largest_remainder(n, weights)
    return out, unmapped
