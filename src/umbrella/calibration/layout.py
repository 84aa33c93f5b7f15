"""A night's launches laid out over a posture's waves: the night-to-raid mapping.

Rules (each keeps every launch of a class in that class):

* **Missiles** fly the waves of their catalogue type; a type the posture has no wave for flies
  the waves of its threat class; a class with no wave at all is not flown (returned as
  *unmapped*). Cruise missiles are split over the waves in proportion to their counts; a night's
  ballistic or aeroballistic missiles of one type fly *one* of the type's waves, drawn per run
  with probability in proportion to the waves' counts (a salvo is launched from one area at one
  target area, so a night's salvo meets a defended city or does not).
* **Drones**: real drones fly the waves of non-decoy drone types, decoys the waves of decoy
  types (a zone without waves of one kind flies both kinds on the other). Where the reports do
  not give the decoys (``is_shahed``, from July 2025), each run draws the night's decoy share
  from a beta around the posture's ``decoy_share`` (concentration :data:`DECOY_CONCENTRATION`).
* **Frontline and deep.** When the scenario's ``[calibration]`` names ``frontline_waves``, a
  night's drones fill the frontline waves first: ``F = min(N, round(c · exp(s · y)))`` with ``c``
  the posture's ``frontline_drones``, ``s`` its ``frontline_spread`` and ``y`` standard normal per
  run; decoys are among them by the hypergeometric law; the other ``N - F`` fly the deep waves.
  Without it, drones are split over all drone waves in proportion to their counts.

* **Missile salvos and the frontline.** A missile type with both frontline and deep waves
  (e.g. Iskander-M at frontline cities and at the capital) lays a night out the same way with
  the posture's ``frontline_missiles`` and ``frontline_missile_spread`` for that type: small
  salvos hit the frontline, large ones reach deep (the reports: Iskander-M salvos of up to five
  were stopped 14% of the time in 2025, salvos of six or more 48%).

Within a group, counts go to waves by largest remainders in proportion to the waves' counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Self

import numpy as np
import numpy.typing as npt

from umbrella.calibration.night import Night
from umbrella.core.apportion import largest_remainder
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

__all__ = [
    "DECOY_CONCENTRATION",
    "SALVO_CLASSES",
    "Allocation",
    "WaveLayout",
    "night_scenario",
    "night_waves",
    "split_drones",
]

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
SALVO_CLASSES = ("ballistic", "aeroballistic")
"""Missile classes whose night flies one wave per type (see above)."""
DECOY_CONCENTRATION = 30.0
"""Night-to-night concentration of the decoy share where the reports do not give it (as the
raid-tempo model's decoy prior)."""


@dataclass(frozen=True)
class Allocation:
    """Per-run parameters of the drone layout, each shape (R,) (or scalars, broadcast).

    Attributes
    ----------
    frontline_drones
        Median drones a night sends at frontline targets (``c``).
    frontline_spread
        Log-scale spread of that count from night to night (``s``).
    decoy_share
        Mean decoy share of drones, used where a night's decoys are not reported.
    frontline_missiles, frontline_missile_spread
        Per missile type with frontline waves, the same as ``frontline_drones`` and
        ``frontline_spread`` for its salvo (types not named send no missile to the frontline).
    """

    frontline_drones: F64 | float
    frontline_spread: F64 | float
    decoy_share: F64 | float
    frontline_missiles: Mapping[str, float] = field(default_factory=dict)
    frontline_missile_spread: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class WaveLayout:
    """Which waves of a posture take which launches (from the scenario and its catalogue)."""

    wave_ids: tuple[str, ...]
    wave_type: tuple[str, ...]
    wave_class: tuple[str, ...]
    weight: F64  # (V,) the waves' counts: shares within a group
    is_drone: npt.NDArray[np.bool_]
    is_decoy: npt.NDArray[np.bool_]
    is_frontline: npt.NDArray[np.bool_]
    default: Allocation  # from the wave counts: used when a posture has no fitted value

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Self:
        """The layout of a scenario's waves."""
        cat = scenario.resolved_catalogue()
        types = [cat.threats[w.type] for w in scenario.threats]
        front = set(scenario.calibration.frontline_waves) if scenario.calibration else set()
        is_drone = np.array([t.threat_class == "drone" for t in types])
        is_decoy = np.array([t.is_decoy for t in types]) & is_drone
        is_front = np.array([w.id in front for w in scenario.threats])
        weight = np.array([float(w.count) for w in scenario.threats])
        drones = float(weight[is_drone].sum())
        decoy = float(weight[is_decoy].sum()) / drones if drones > 0 else 0.5
        return cls(
            wave_ids=tuple(w.id for w in scenario.threats),
            wave_type=tuple(w.type for w in scenario.threats),
            wave_class=tuple(t.threat_class for t in types),
            weight=weight,
            is_drone=is_drone,
            is_decoy=is_decoy,
            is_frontline=is_front,
            default=Allocation(
                frontline_drones=float(weight[is_front & is_drone].sum()),
                frontline_spread=0.0,
                decoy_share=decoy,
                frontline_missiles={
                    t: float(
                        sum(
                            weight[v]
                            for v, w in enumerate(scenario.threats)
                            if w.type == t and is_front[v]
                        )
                    )
                    for t in {
                        w.type for w, d in zip(scenario.threats, is_drone, strict=True) if not d
                    }
                },
            ),
        )

    @property
    def n_waves(self) -> int:
        """Number of waves."""
        return len(self.wave_ids)

    @property
    def has_frontline(self) -> bool:
        """Whether some (but not all) drone waves are frontline waves."""
        front = self.is_frontline[self.is_drone]
        return bool(front.any() and not front.all())

    def missile_waves(self, threat_type: str, threat_class: str) -> list[int]:
        """Waves a missile of this type flies: its type's, else its class's; [] if none."""
        own = [v for v, t in enumerate(self.wave_type) if t == threat_type]
        if own:
            return own
        return [v for v, c in enumerate(self.wave_class) if c == threat_class]


def _split(out: I64, counts: I64, waves: list[int], weight: F64) -> None:
    """Add ``counts`` (R,) to ``out[:, waves]`` in proportion to the waves' weights."""
    if waves:
        out[:, waves] += largest_remainder(counts, weight[waves])


def _zone(
    out: I64, layout: WaveLayout, zone: npt.NDArray[np.bool_], real: I64, decoys: I64
) -> None:
    real_w = [int(v) for v in np.flatnonzero(zone & ~layout.is_decoy)]
    decoy_w = [int(v) for v in np.flatnonzero(zone & layout.is_decoy)]
    if not decoy_w:
        real, decoys, decoy_w = real + decoys, np.zeros_like(decoys), real_w
    elif not real_w:
        real, decoys, real_w = np.zeros_like(real), real + decoys, decoy_w
    _split(out, real, real_w, layout.weight)
    _split(out, decoys, decoy_w, layout.weight)


def night_waves(
    layout: WaveLayout,
    night: Night,
    runs: int,
    rng: np.random.Generator,
    allocation: Allocation | None = None,
    threat_classes: Mapping[str, str] | None = None,
) -> tuple[I64, dict[str, int]]:
    """Threats per wave for each run of one night.

    Parameters
    ----------
    layout
        The posture's waves (:meth:`WaveLayout.from_scenario`).
    night
        What was launched.
    runs
        Number of runs (rows).
    rng
        Draws the frontline share and, where not reported, the decoys.
    allocation
        Per-run layout parameters; by default the layout's own (from the wave counts).
    threat_classes
        Catalogue type → threat class, for missile types the posture has no wave of (by
        default the types of the layout).

    Returns
    -------
    counts, unmapped
        ``counts`` (runs, V) threats per wave; ``unmapped``: missiles per threat class that no
        wave of the posture can fly.
    """
    alloc = allocation or layout.default
    out = np.zeros((runs, layout.n_waves), dtype=np.int64)
    n = night.drones
    if n > 0:
        if not layout.is_drone.any():
            raise InputError(f"night {night.night}: {n} drones but the posture has no drone wave")
        if night.decoys is not None:
            decoys = np.full(runs, night.decoys, dtype=np.int64)
        else:
            mean = np.clip(np.broadcast_to(alloc.decoy_share, (runs,)), 1e-3, 1 - 1e-3)
            share = rng.beta(mean * DECOY_CONCENTRATION, (1 - mean) * DECOY_CONCENTRATION)
            decoys = rng.binomial(n, share).astype(np.int64)
        real = n - decoys
        if layout.has_frontline:
            c = np.broadcast_to(np.asarray(alloc.frontline_drones, dtype=float), (runs,))
            s = np.broadcast_to(np.asarray(alloc.frontline_spread, dtype=float), (runs,))
            front = np.minimum(n, np.rint(c * np.exp(s * rng.standard_normal(runs)))).astype(
                np.int64
            )
            front_decoys = rng.hypergeometric(decoys, real, front).astype(np.int64)
            zone = layout.is_drone & layout.is_frontline
            _zone(out, layout, zone, front - front_decoys, front_decoys)
            _zone(
                out,
                layout,
                layout.is_drone & ~zone,
                real - front + front_decoys,
                decoys - front_decoys,
            )
        else:
            _zone(out, layout, layout.is_drone, real, decoys)
    unmapped: dict[str, int] = dict.fromkeys(MISSILE_THREAT_CLASSES, 0)
    for t, count in night.missiles.items():
        if count <= 0:
            continue
        cls = (threat_classes or {}).get(t) or _class_of_type(layout, t)
        waves = layout.missile_waves(t, cls)
        if not waves:
            unmapped[cls] += count
            continue
        front = [v for v in waves if layout.is_frontline[v]]
        deep = [v for v in waves if not layout.is_frontline[v]]
        salvo = np.full(runs, count, dtype=np.int64)
        if front and deep:
            cm = alloc.frontline_missiles.get(t, 0.0)
            sm = alloc.frontline_missile_spread.get(t, 0.0)
            drawn = np.rint(cm * np.exp(sm * rng.standard_normal(runs)))
            to_front = np.minimum(salvo, drawn).astype(np.int64)
            _split(out, to_front, front, layout.weight)
            _missiles(out, layout, salvo - to_front, deep, cls, rng)
        else:
            _missiles(out, layout, salvo, waves, cls, rng)
    return out, unmapped


def _missiles(
    out: I64, layout: WaveLayout, n: I64, waves: list[int], cls: str, rng: np.random.Generator
) -> None:
    """Salvo classes fly one wave per run (drawn by weight); cruise missiles are split."""
    if cls in SALVO_CLASSES and len(waves) > 1:
        w = layout.weight[waves]
        pick = rng.choice(len(waves), size=len(n), p=w / w.sum() if w.sum() > 0 else None)
        out[np.arange(len(n)), np.asarray(waves)[pick]] += n
    else:
        _split(out, n, waves, layout.weight)


def _class_of_type(layout: WaveLayout, threat_type: str) -> str:
    if threat_type in layout.wave_type:
        return layout.wave_class[layout.wave_type.index(threat_type)]
    from umbrella.catalogue import load_catalogue

    cat = load_catalogue()
    if threat_type not in cat.threats:
        raise InputError(f"unknown threat type {threat_type!r} (see `umbrella catalogue`)")
    return cat.threats[threat_type].threat_class


def night_scenario(scenario: Scenario, night: Night, seed: int = 0) -> Scenario:
    """The posture with its waves' counts set to one layout of a night (the first run of
    :func:`night_waves` with the posture's own layout parameters): a raid to compile and fly.

    Missiles the posture cannot fly are left out.
    """
    from umbrella.core.seeds import generator

    layout = WaveLayout.from_scenario(scenario)
    counts, _ = night_waves(layout, night, 1, generator(seed), _fitted_allocation(scenario, layout))
    threats = [
        w.model_copy(update={"count": int(c)})
        for w, c in zip(scenario.threats, counts[0], strict=True)
    ]
    return scenario.replace(threats=threats)


def _fitted_allocation(scenario: Scenario, layout: WaveLayout) -> Allocation:
    """The posture's fitted layout parameters where ``[calibration.parameters]`` has them."""
    params = scenario.calibration.parameters if scenario.calibration else {}
    base = layout.default
    return Allocation(
        frontline_drones=params.get("frontline_drones", float(base.frontline_drones)),
        frontline_spread=0.0,
        decoy_share=params.get("decoy_share", float(base.decoy_share)),
        frontline_missiles={
            t: params.get(f"frontline_missiles_{t}", c) for t, c in base.frontline_missiles.items()
        },
    )


def split_drones(real: I64, decoys: I64, scenario: Scenario) -> I64:
    """Drones and decoys of many nights over the posture's drone waves, the frontline first.

    The deterministic form of :func:`night_waves` for drone counts already drawn (a campaign's
    nights): each night sends ``min(N, round(c))`` drones at the frontline waves (``c`` the
    posture's fitted ``frontline_drones``), decoys among them in proportion, the rest deep.

    Parameters
    ----------
    real, decoys
        Real drones and decoys, same shape (…).
    scenario
        The posture.

    Returns
    -------
    numpy.ndarray
        (…, V) drones per wave (missile waves 0).
    """
    layout = WaveLayout.from_scenario(scenario)
    shape = np.shape(real)
    r = np.asarray(real, dtype=np.int64).reshape(-1)
    d = np.asarray(decoys, dtype=np.int64).reshape(-1)
    out = np.zeros((r.size, layout.n_waves), dtype=np.int64)
    if layout.has_frontline:
        c = float(_fitted_allocation(scenario, layout).frontline_drones)
        n = r + d
        front = np.minimum(n, round(c))
        front_decoys = np.rint(front * d / np.maximum(n, 1)).astype(np.int64)
        zone = layout.is_drone & layout.is_frontline
        _zone(out, layout, zone, front - front_decoys, front_decoys)
        _zone(out, layout, layout.is_drone & ~zone, r - front + front_decoys, d - front_decoys)
    else:
        _zone(out, layout, layout.is_drone, r, d)
    return out.reshape((*shape, layout.n_waves))
