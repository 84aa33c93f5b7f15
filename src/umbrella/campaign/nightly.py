"""Nightly raids for a campaign: drawn from the raid-tempo model or from file distributions,
thinned to the defended area's share, and split over the defence scenario's waves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from umbrella.campaign.spec import (
    MISSILE_CLASSES,
    Campaign,
    MissileDistribution,
    RaidDistributions,
)
from umbrella.scenario import Scenario

__all__ = ["GROUPS", "NightlyRaids", "draw_raids", "split_over_waves"]

#: Raid groups: real drones, decoys and the missile classes.
GROUPS = ("drone", "decoy", *MISSILE_CLASSES)

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class NightlyRaids:
    """(R, D) threats per group and night, after thinning to the defended area."""

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
    for cls in MISSILE_CLASSES:
        m = written.get(cls)
        if m is None:
            out[cls] = np.zeros(shape, dtype=np.int64)
            continue
        night = rng.random(shape) < m.p_night
        out[cls] = np.where(night, 1 + rng.poisson(m.mean - 1.0, size=shape), 0).astype(np.int64)
    return out


def _from_tempo(
    campaign: Campaign, base: Path, runs: int, rng: np.random.Generator
) -> dict[str, I64]:
    from umbrella.data import fit_tempo, load_nights

    raids = campaign.raids
    assert raids.data_dir is not None and raids.train_end is not None
    data_dir = Path(raids.data_dir)
    if not data_dir.is_absolute():
        data_dir = base / data_dir
    model = fit_tempo(load_nights(data_dir), raids.train_end)
    sim = model.simulate(campaign.start, campaign.end, runs, rng)
    zero = np.zeros_like(sim.drones)

    def missiles(*names: str) -> I64:
        return sum((sim.missiles.get(n, zero) for n in names), zero).astype(np.int64)

    # Guided air-to-surface missiles (Kh-59/69) fly like cruise missiles.
    return {
        "drone": (sim.drones - sim.decoys).astype(np.int64),
        "decoy": sim.decoys.astype(np.int64),
        "cruise": missiles("cruise_missile", "guided_air_to_surface_missile"),
        "ballistic": missiles("ballistic_missile"),
        "aeroballistic": missiles("aeroballistic_missile"),
    }


def draw_raids(campaign: Campaign, base: Path, runs: int, rng: np.random.Generator) -> NightlyRaids:
    """Draw every night's raid for every run, thinned by ``raids.fraction``."""
    shape = (runs, campaign.n_nights)
    if campaign.raids.source == "distributions":
        assert campaign.raids.distributions is not None
        counts = _from_distributions(campaign.raids.distributions, shape, rng)
    else:
        counts = _from_tempo(campaign, base, runs, rng)
    f = campaign.raids.fraction
    if f < 1.0:
        counts = {g: rng.binomial(c, f).astype(np.int64) for g, c in counts.items()}
    return NightlyRaids(counts={g: np.asarray(counts[g], dtype=np.int64) for g in GROUPS})


def split_over_waves(
    raids: NightlyRaids, scenario: Scenario, groups: list[str]
) -> tuple[I64, dict[str, I64]]:
    """(R, D, V) threats per wave: each group's count split over its waves in proportion to
    the scenario's counts (largest remainders, ties to the earlier wave); and the counts of
    groups the scenario has no wave for (not flown)."""
    r, d = next(iter(raids.counts.values())).shape
    v = len(scenario.threats)
    out = np.zeros((r, d, v), dtype=np.int64)
    unmapped: dict[str, I64] = {}
    for g in GROUPS:
        waves = [k for k in range(v) if groups[k] == g]
        n = raids.counts[g]
        if not waves:
            unmapped[g] = n
            continue
        w = np.array([scenario.threats[k].count for k in waves], dtype=float)
        w = w / w.sum() if w.sum() > 0 else np.full(len(waves), 1.0 / len(waves))
        exact = n[:, :, None] * w[None, None, :]
        base = np.floor(exact).astype(np.int64)
        rest = n - base.sum(axis=2)
        order = np.argsort(-(exact - base), axis=2, kind="stable")
        rank = np.argsort(order, axis=2, kind="stable")
        base += rank < rest[:, :, None]
        out[:, :, waves] = base
    return out, unmapped
