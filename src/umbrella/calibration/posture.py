"""The posture's uncertain parameters and how each one changes the posture's numbers.

Every parameter acts on numbers a scenario already holds, so a fitted posture is an ordinary
scenario file (:func:`posture_scenario`), and the same change can be made to a compiled raid's
arrays without compiling again (:func:`posture_raid`; the two agree exactly, which a test
checks). Relative parameters are relative to the scenario they are applied to, so a fitted file
flies its fitted values when every relative parameter is 0.

=============================  ==============================================================
parameter                      acts on
=============================  ==============================================================
``log_capability`` (log κ)     every interceptor's kill probability against drones:
                               ``p' = 1 - (1 - p)^κ`` (κ shots' worth per engagement)
``log_frontline_capability``   on the interceptor types the ``[calibration]`` table names as
(log ρ)                        frontline ones, on top: ``p' = 1 - (1 - p)^(κρ)``
``log_ew_scale`` (log λ)       every EW zone's loss probability: ``p' = 1 - (1 - p)^λ``
``logit_shahed_ew``            ``ew_vulnerability`` of every non-decoy drone type (decoys keep
                               theirs: a GNSS-only decoy is lost more easily than a Shahed with
                               an anti-jam antenna)
``logit_pk_<type>``            ``p_kill_factor`` of that missile type
=============================  ==============================================================

The layout parameters (``log_frontline_drones``, ``log_frontline_spread``,
``logit_decoy_share``) say how a night's drones spread over the waves
(:mod:`umbrella.calibration.layout`); the time parameters (the monthly ``log_capability``
path, its drift and random walk, the night-to-night ``log_night_sd``) say how κ moves
(:mod:`umbrella.calibration.trend`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from umbrella.core.errors import InputError
from umbrella.core.vocabulary import THREAT_CLASSES
from umbrella.engine import Raid
from umbrella.scenario.model import Scenario

__all__ = [
    "DRONE_CLASS_INDEX",
    "PostureValues",
    "frontline_interceptors",
    "posture_raid",
    "posture_scenario",
    "scaled_probability",
]

F64 = npt.NDArray[np.float64]
DRONE_CLASS_INDEX = THREAT_CLASSES.index("drone")


def scaled_probability(p: F64 | float, exponent: F64 | float) -> F64:
    """``1 - (1 - p)^exponent``: ``p`` as if tried ``exponent`` times (0 stays 0, 1 stays 1)."""
    out: F64 = -np.expm1(np.asarray(exponent) * np.log1p(-np.minimum(np.asarray(p), 1.0 - 1e-15)))
    return np.where(np.asarray(p) >= 1.0, 1.0, out)


@dataclass(frozen=True)
class PostureValues:
    """One setting of the posture's parameters (natural scale).

    Attributes
    ----------
    capability
        κ, relative to the scenario's kill probabilities against drones.
    frontline_capability
        ρ, a further factor on κ for the frontline interceptor types.
    ew_scale
        λ, relative to the scenario's EW zones.
    shahed_ew
        ``ew_vulnerability`` of the non-decoy drone types, or None to keep the scenario's.
    pk_factor
        ``p_kill_factor`` per missile type (types not named keep the scenario's).
    """

    capability: float = 1.0
    frontline_capability: float = 1.0
    ew_scale: float = 1.0
    shahed_ew: float | None = None
    pk_factor: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_draw(
        cls, draw: Mapping[str, float], log_capability: float | None = None
    ) -> PostureValues:
        """From a posterior draw (fitting scale); ``log_capability`` overrides the draw's."""
        lk = draw.get("log_capability", 0.0) if log_capability is None else log_capability
        return cls(
            capability=float(np.exp(lk)),
            frontline_capability=float(np.exp(draw.get("log_frontline_capability", 0.0))),
            ew_scale=float(np.exp(draw.get("log_ew_scale", 0.0))),
            shahed_ew=(
                float(special.expit(draw["logit_shahed_ew"])) if "logit_shahed_ew" in draw else None
            ),
            pk_factor={
                name.removeprefix("logit_pk_"): float(special.expit(v))
                for name, v in draw.items()
                if name.startswith("logit_pk_")
            },
        )


def _real_drone_types(
    raid_names: tuple[str, ...], is_decoy: npt.NDArray[np.bool_], cls: npt.NDArray[np.int64]
) -> list[int]:
    return [k for k in range(len(raid_names)) if cls[k] == DRONE_CLASS_INDEX and not is_decoy[k]]


def _exponents(names: tuple[str, ...], values: PostureValues, frontline: frozenset[str]) -> F64:
    return np.array(
        [
            values.capability * (values.frontline_capability if n in frontline else 1.0)
            for n in names
        ]
    )


def posture_raid(
    raid: Raid, values: PostureValues, frontline: frozenset[str] = frozenset()
) -> Raid:
    """The compiled raid with the parameters applied to its arrays (no recompiling).

    ``frontline`` names the frontline interceptor types (the scenario's
    ``calibration.frontline_interceptors``). Equal, array for array, to compiling
    :func:`posture_scenario` of the raid's scenario.
    """
    pk = raid.itype_pk.copy()
    exps = _exponents(raid.interceptor_names, values, frontline)
    pk[:, DRONE_CLASS_INDEX] = scaled_probability(pk[:, DRONE_CLASS_INDEX], exps)
    zone = scaled_probability(raid.zone_p_loss, values.ew_scale)
    vuln = raid.type_ew_vuln.copy()
    if values.shahed_ew is not None:
        vuln[_real_drone_types(raid.type_names, raid.type_is_decoy, raid.type_class)] = (
            values.shahed_ew
        )
    factor = raid.type_pk_factor.copy()
    for name, f in values.pk_factor.items():
        if name in raid.type_names:
            factor[raid.type_names.index(name)] = f
    return dataclasses.replace(
        raid, itype_pk=pk, zone_p_loss=zone, type_ew_vuln=vuln, type_pk_factor=factor
    )


def frontline_interceptors(scenario: Scenario) -> frozenset[str]:
    """The interceptor types a scenario's ``[calibration]`` names as frontline ones."""
    rec = scenario.calibration
    return frozenset(rec.frontline_interceptors) if rec is not None else frozenset()


def posture_scenario(scenario: Scenario, values: PostureValues) -> Scenario:
    """The scenario with the parameters written into its numbers (catalogue overrides of the
    interceptors' drone kill probabilities, of the drone types' EW vulnerability and of the
    missile types' ``p_kill_factor``; the EW zones' loss probabilities)."""
    cat = scenario.resolved_catalogue()
    used = {w.type for w in scenario.threats}
    over = scenario.catalogue.model_dump()
    interceptors = dict(over["interceptors"])
    front = frontline_interceptors(scenario)
    for name, itype in cat.interceptors.items():
        p = itype.p_kill.get("drone", 0.0)
        if p > 0.0:
            exponent = _exponents((name,), values, front)[0]
            new = float(scaled_probability(p, exponent))
            interceptors[name] = {
                **interceptors.get(name, {}),
                "p_kill": {**itype.p_kill, "drone": new},
            }
    threats = dict(over["threats"])
    for name in used:
        t = cat.threats[name]
        change: dict[str, float] = {}
        if values.shahed_ew is not None and t.threat_class == "drone" and not t.is_decoy:
            if t.ew_vulnerability <= 0.0:
                raise InputError(
                    f"drone type {name!r} has ew_vulnerability 0: EW cannot be calibrated on it",
                    key=f"catalogue.threats.{name}.ew_vulnerability",
                )
            change["ew_vulnerability"] = values.shahed_ew
        if name in values.pk_factor:
            change["p_kill_factor"] = values.pk_factor[name]
        if change:
            threats[name] = {**threats.get(name, {}), **change}
    zones = [
        z.model_copy(update={"p_loss": float(scaled_probability(z.p_loss, values.ew_scale))})
        for z in scenario.ew_zones
    ]
    catalogue = scenario.catalogue.model_copy(
        update={"interceptors": interceptors, "threats": threats}
    )
    return scenario.replace(catalogue=catalogue, ew_zones=zones)
