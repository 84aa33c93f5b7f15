"""Where a fitted posture stands on a night: its capability levels, with their uncertainty.

A fitted posture (:mod:`umbrella.calibration.fit`) knows its drone-layer capability month by
month up to its training end. Past that, its **state** is what moves:

* ``level``: the log capability κ of the drone layer (relative to the file's numbers);
* ``front``: the log of the further factor ρ on κ for the frontline interceptor types;
* ``missile``: one level per missile class (cruise, ballistic, aeroballistic): the defence's
  reach against the class (:func:`with_class_levels`: added to the logit ``p_kill_factor`` of
  every type of the class, and taken from the log frontline count of a salvo type, so that more
  of its salvos fly where fire units engage).

Each is a random walk after the last night the posture has seen: the level's with the fitted
s.d. per √month widened by :data:`LEVEL_WIDENING` (by :data:`ASSIMILATION_WIDENING` in the
filter's move from one reported night to the next) and a share :data:`DRIFT_CARRIED` of the
fitted drift (damped as in :mod:`.trend`); the frontline factor's and the missile levels' with
:data:`FRONT_RW` and :data:`MISSILE_RW`. These constants were chosen by rolling-origin backtests
on origins before the windows they are reported on (docs/calibration.md, "Honest drift").

The state is a cloud of weighted particles, each tied to a posterior draw of the posture's
other parameters (EW, decoys, frontline counts, night-to-night spreads): a frozen posture's cloud
is its posterior draws at their last training month; :mod:`.assimilate` moves and reweights it
night by night with the reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import numpy.typing as npt

from umbrella.calibration.trend import DAMPING, DAYS_PER_MONTH, month_end, month_key
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

__all__ = [
    "ASSIMILATION_WIDENING",
    "DRIFT_CARRIED",
    "FRONT_RW",
    "LEVEL_WIDENING",
    "MISSILE_RW",
    "PARTICLES",
    "STATE_LEVEL",
    "GroupValues",
    "PostureState",
    "missile_level_name",
    "state_date",
    "systematic",
    "warn_if_stale",
    "with_class_levels",
]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Particles of the state (each posterior draw repeated).
PARTICLES = 256
#: Share of the fitted monthly drift carried past the last night seen.
DRIFT_CARRIED = 0.0
#: Factor on the fitted random-walk s.d. of the capability level past the last night seen.
LEVEL_WIDENING = 1.0
#: Factor on the same s.d. in the filter's move from one reported night to the next
#: (:mod:`umbrella.calibration.assimilate`): a wider walk follows an abrupt change sooner.
ASSIMILATION_WIDENING = 2.0
#: Random-walk s.d. per √month of the log frontline capability factor past the training end.
FRONT_RW = 0.5
#: Random-walk s.d. per √month of each missile class's logit level past the training end.
MISSILE_RW = 0.25
#: Name, in a posterior's draws, of the capability level at the state's date (an updated
#: posture: ``umbrella calibrate --update``).
STATE_LEVEL = "log_capability_state"


def missile_level_name(cls: str) -> str:
    """The posterior name of a missile class's logit level (``logit_missile_level_cruise``)."""
    return f"logit_missile_level_{cls}"


@dataclass(frozen=True)
class GroupValues:
    """The values a night's groups of runs fly (shape (G,) or (G, 3) arrays).

    Attributes
    ----------
    draws
        Each group's posterior draw (fitting scale; empty for an unfitted posture).
    level
        Log capability before the night's own deviation.
    front
        Log frontline capability factor.
    missile
        (G, 3) logit level of each missile class, in the order of
        :data:`~umbrella.core.vocabulary.MISSILE_THREAT_CLASSES`.
    """

    draws: list[dict[str, float]]
    level: F64
    front: F64
    missile: F64

    @property
    def fitted(self) -> bool:
        """Whether the groups carry posterior draws."""
        return bool(self.draws and self.draws[0])


@dataclass(frozen=True)
class PostureState:
    """A posture's state on ``as_of`` (see the module docstring): P weighted particles.

    Attributes
    ----------
    as_of
        The last night the state has seen (the training end, or the last night assimilated).
    names, values
        The posterior's parameter names and its draws, shape (D, n).
    draw
        (P,) the draw each particle carries.
    level, front
        (P,) log capability and log frontline factor.
    missile
        (P, 3) logit missile-class levels.
    weight
        (P,) weights, summing to one.
    anchor
        The date the drift is damped from (end of the last training month).
    type_class
        Missile catalogue type -> its threat class.
    """

    as_of: date
    names: tuple[str, ...]
    values: F64
    draw: I64
    level: F64
    front: F64
    missile: F64
    weight: F64
    anchor: date
    type_class: Mapping[str, str]

    @classmethod
    def of(cls, scenario: Scenario, particles: int = PARTICLES) -> PostureState:
        """The state of a fitted posture at its last night seen, every draw equally likely.

        Raises
        ------
        InputError
            The posture has no fitted ``[calibration]`` posterior.
        """
        rec = scenario.calibration
        if rec is None or rec.posterior is None or rec.train_end is None:
            raise InputError(
                "the posture has no fitted [calibration] posterior; fit it with `umbrella "
                "calibrate` first",
                source=scenario.name,
                key="calibration",
            )
        names = tuple(rec.posterior.names)
        values = np.asarray(rec.posterior.draws, dtype=np.float64)
        draw = np.arange(particles, dtype=np.int64) % len(values)
        col = {n: k for k, n in enumerate(names)}
        if STATE_LEVEL in col:
            level = values[draw, col[STATE_LEVEL]]
        else:
            last = f"log_capability@{rec.months[-1]}"
            if last not in col:
                raise InputError(f"posterior lacks {last}", key="calibration.posterior.names")
            level = values[draw, col[last]]

        def column(name: str) -> F64:
            return values[draw, col[name]] if name in col else np.zeros(particles)

        missile = np.stack([column(missile_level_name(c)) for c in MISSILE_THREAT_CLASSES], 1)
        as_of = rec.updated_through or rec.train_end
        cat = scenario.resolved_catalogue()
        type_class = {
            t: str(cat.threats[t].threat_class)
            for t in cat.threats
            if str(cat.threats[t].threat_class) in MISSILE_THREAT_CLASSES
        }
        return cls(
            as_of=as_of,
            names=names,
            values=values,
            draw=draw,
            level=level,
            front=column("log_frontline_capability"),
            missile=missile,
            weight=np.full(particles, 1.0 / particles),
            anchor=month_end(month_key(rec.train_end)) if rec.months else rec.train_end,
            type_class=type_class,
        )

    @property
    def particles(self) -> int:
        """Number of particles."""
        return len(self.draw)

    def value(self, name: str, default: float = 0.0) -> F64:
        """(P,) each particle's draw of parameter ``name`` (``default`` where absent)."""
        if name not in self.names:
            return np.full(self.particles, default)
        out: F64 = self.values[self.draw, self.names.index(name)]
        return out

    def draw_dict(self, p: int) -> dict[str, float]:
        """Particle ``p``'s draw as a dictionary, with its current levels in it (the missile
        levels folded in by :func:`with_class_levels`)."""
        out = dict(zip(self.names, self.values[self.draw[p]], strict=True))
        out["log_frontline_capability"] = float(self.front[p])
        levels = {str(c): float(self.missile[p, k]) for k, c in enumerate(MISSILE_THREAT_CLASSES)}
        return with_class_levels(out, levels, self.type_class)

    def ahead(
        self, day: date, rng: np.random.Generator, widening: float | None = None
    ) -> PostureState:
        """The state moved on to ``day`` by its random walks (no report seen); the same state
        if ``day`` is not after :attr:`as_of`. The level's fitted s.d. is widened by
        ``widening`` (default :data:`LEVEL_WIDENING`; the filter's move uses
        :data:`ASSIMILATION_WIDENING`)."""
        days = (day - self.as_of).days
        if days <= 0:
            return self
        h = days / DAYS_PER_MONTH
        z = rng.standard_normal((3 + len(MISSILE_THREAT_CLASSES), self.particles))
        drift = self.value("capability_drift")
        factor = LEVEL_WIDENING if widening is None else widening
        sigma = np.exp(self.value("log_capability_rw", -np.inf)) * factor
        g0, g1 = _damped(self.as_of, self.anchor), _damped(day, self.anchor)
        level = self.level + DRIFT_CARRIED * drift * (g1 - g0) + sigma * np.sqrt(h) * z[0]
        front = self.front + FRONT_RW * np.sqrt(h) * z[1]
        missile = self.missile + MISSILE_RW * np.sqrt(h) * z[3:].T
        return replace(self, as_of=day, level=level, front=front, missile=missile)

    def reweighted(self, log_likelihood: F64, rng: np.random.Generator) -> PostureState:
        """The state after a report of log-likelihood ``log_likelihood`` (P,) per particle:
        weights multiplied by the likelihood, and resampled (systematic) when fewer than half
        the particles carry the weight."""
        logw = np.log(np.maximum(self.weight, 1e-300)) + log_likelihood
        logw -= logw.max()
        w = np.exp(logw)
        w /= w.sum()
        if 1.0 / np.sum(w**2) >= self.particles / 2:
            return replace(self, weight=w)
        pick = systematic(w, self.particles, rng)
        return replace(
            self,
            draw=self.draw[pick],
            level=self.level[pick],
            front=self.front[pick],
            missile=self.missile[pick],
            weight=np.full(self.particles, 1.0 / self.particles),
        )

    def groups(self, groups: int, rng: np.random.Generator) -> GroupValues:
        """``groups`` particles drawn by their weights (systematic), as a night's groups."""
        pick = systematic(self.weight, groups, rng)
        return GroupValues(
            draws=[self.draw_dict(int(p)) for p in pick],
            level=self.level[pick],
            front=self.front[pick],
            missile=self.missile[pick],
        )


def with_class_levels(
    draw: Mapping[str, float], levels: Mapping[str, float], type_class: Mapping[str, str]
) -> dict[str, float]:
    """``draw`` with each missile class's level folded into its types: added to
    ``logit_pk_<type>`` and taken from ``log_frontline_missiles_<type>`` (a salvo type's
    frontline count), so that a higher level means a better kill chance where the defence
    engages the class and more of its salvos flown where it does."""
    out = dict(draw)
    for name in draw:
        for prefix, sign in (("logit_pk_", 1.0), ("log_frontline_missiles_", -1.0)):
            if name.startswith(prefix):
                level = levels.get(type_class.get(name.removeprefix(prefix), ""), 0.0)
                out[name] = draw[name] + sign * level
    return out


def state_date(scenario: Scenario) -> date | None:
    """The last night of reports a posture has seen (its training end, or the night it was
    updated through); None for a posture never fitted."""
    rec = scenario.calibration
    if rec is None or rec.train_end is None:
        return None
    return rec.updated_through or rec.train_end


def warn_if_stale(scenario: Scenario, last_report: date | None) -> None:
    """One :class:`~umbrella.core.errors.StalePostureWarning` when the reports run past the last
    night the fitted posture has seen."""
    import warnings

    from umbrella.core.errors import StalePostureWarning

    seen = state_date(scenario)
    if seen is None or last_report is None or last_report <= seen:
        return
    warnings.warn(
        f"posture {scenario.name} updated through {seen}; reports run to {last_report}: "
        "`umbrella calibrate --update` brings it current",
        StalePostureWarning,
        stacklevel=3,
    )


def systematic(weight: F64, n: int, rng: np.random.Generator) -> I64:
    """``n`` indices drawn by systematic resampling of ``weight`` (sums to one)."""
    u = (rng.random() + np.arange(n)) / n
    out: I64 = np.minimum(np.searchsorted(np.cumsum(weight), u), len(weight) - 1)
    return out


def _damped(day: date, anchor: date) -> float:
    """``g(h)`` of :mod:`.trend`: months of drift a path has taken ``h`` months after ``anchor``."""
    h = max((day - anchor).days, 0) / DAYS_PER_MONTH
    return float((1.0 - DAMPING**h) / (-np.log(DAMPING)))


def levels_table(state: PostureState) -> Mapping[str, F64]:
    """The state's levels by name, for reading (P,) arrays."""
    out: dict[str, F64] = {"log_capability": state.level, "log_frontline_capability": state.front}
    for k, c in enumerate(MISSILE_THREAT_CLASSES):
        out[missile_level_name(c)] = state.missile[:, k]
    return out


def mean_levels(states: Sequence[PostureState]) -> F64:
    """(n,) weighted mean log capability of each state."""
    return np.array([float(np.sum(s.weight * s.level)) for s in states])
