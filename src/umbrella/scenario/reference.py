"""A slow, obviously-correct reference simulation of the raid model, for testing the engine.

It shares no code with the engine beyond the scenario specs: routes are rebuilt here, positions
are interpolated along them at every clock tick, sensors, EW zones and envelopes are checked by
plain distance tests, and fire control looks at every threat at every tick. Random numbers come
from a NumPy Generator, so agreement with the engine is statistical, not draw-for-draw.

Model (as documented in the README): a unit may fire at time t at a tracked, alive, free threat if
the threat's position at t + T (T = reaction + half the unit's range at its slowest interceptor's
speed) is inside the unit's envelope and before the threat's flight ends; the intercept resolves
at t + T, each shot killing with Pk x the threat's factor, unless EW lost the threat first.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from umbrella.catalogue import FireUnitType, SensorType
from umbrella.core.vocabulary import FATES, ThreatClass
from umbrella.scenario.model import FireUnitSite, Scenario, SensorSite

#: A round in flight: (time of intercept, unit, threat, interceptor type, rounds).
_Shot = tuple[float, int, int, str, int]


@dataclass
class Threat:
    type_name: str
    cls: ThreatClass
    speed: float  # km/s
    launch: float
    pts: list[tuple[float, float]]
    cum: list[float]
    altitude: float
    dive: float
    range_km: float
    asset: int
    vuln: float
    pk_factor: float
    detect: list[bool]
    ew_hit: list[bool]
    tracked_at: float = math.inf
    fate: str = ""
    busy: bool = False
    engagements: int = 0
    engaged_by: set[int] = field(default_factory=set)

    @property
    def length(self) -> float:
        return self.cum[-1]

    def where(self, t: float) -> tuple[float, float, float, float]:
        """(x, y, altitude, distance flown) at absolute time t."""
        s = min(max(0.0, (t - self.launch) * self.speed), self.length)
        k = 0
        while k < len(self.cum) - 2 and self.cum[k + 1] < s:
            k += 1
        seg = self.cum[k + 1] - self.cum[k]
        f = 0.0 if seg == 0 else (s - self.cum[k]) / seg
        x = self.pts[k][0] + f * (self.pts[k + 1][0] - self.pts[k][0])
        y = self.pts[k][1] + f * (self.pts[k + 1][1] - self.pts[k][1])
        to_go = self.length - s
        alt = (
            self.altitude
            if to_go >= self.dive or self.dive <= 0
            else self.altitude * to_go / self.dive
        )
        return x, y, alt, s

    def end_time(self, horizon: float) -> float:
        flight = min(self.length, self.range_km) / self.speed
        return min(self.launch + flight, horizon)


def _routes(
    scenario: Scenario, wave_index: int, rng: np.random.Generator
) -> tuple[int, list[tuple[float, float]]]:
    wave = scenario.threats[wave_index]
    assets = scenario.assets
    if wave.aim:
        idx = [k for k, a in enumerate(assets) if a.id in wave.aim]
        w = np.array([wave.aim[assets[k].id] for k in idx])
    else:
        idx = list(range(len(assets)))
        w = np.array([a.value for a in assets])
    asset = idx[int(rng.choice(len(idx), p=w / w.sum()))]
    lane = int(rng.integers(wave.lanes))
    frac = 0.0 if wave.lanes == 1 else lane / (wave.lanes - 1) - 0.5
    aim = assets[asset].position_km
    first = wave.waypoints_km[0] if wave.waypoints_km else aim
    lx, ly = wave.launch.centre_km
    ax, ay = first[0] - lx, first[1] - ly
    norm = math.hypot(ax, ay)
    px, py = (-ay / norm, ax / norm) if norm > 0 else (0.0, 0.0)
    r = wave.launch.radius_km
    pts = [(lx + px * frac * 2 * r, ly + py * frac * 2 * r)]
    pts += [
        (x + px * frac * wave.corridor_km, y + py * frac * wave.corridor_km)
        for x, y in wave.waypoints_km
    ]
    pts.append(aim)
    return asset, pts


def _positions(site: FireUnitSite | SensorSite) -> list[tuple[float, float]]:
    if site.position_km is not None:
        return [site.position_km]
    assert site.ring is not None
    ring = site.ring
    out = []
    for k in range(ring.count):
        a = math.radians(ring.phase_deg + 360.0 * k / ring.count)
        out.append((ring.centre_km[0] + ring.radius_km * math.cos(a),
                    ring.centre_km[1] + ring.radius_km * math.sin(a)))  # fmt: skip
    return out


@dataclass
class _Unit:
    pos: tuple[float, float]
    ftype: FireUnitType
    mag: dict[str, int]
    cap: dict[str, int]
    engage_s: float  # decision to intercept


@dataclass
class _UnitState:
    busy_until: list[float]
    rounds: dict[str, int]
    loaded: dict[str, int]
    reload_at: dict[str, float] = field(default_factory=dict)


class _Reference:
    """One scenario's reference model: fire units, sensors and doctrine, stepped tick by tick."""

    def __init__(self, scenario: Scenario, dt: float) -> None:
        self.scenario = scenario
        self.cat = scenario.resolved_catalogue()
        self.doc = scenario.doctrine
        self.dt = dt
        self.horizon = scenario.duration_h * 3600.0
        self.type_names = list(dict.fromkeys(w.type for w in scenario.threats))
        self.units: list[_Unit] = []
        for site in scenario.fire_units:
            ft = self.cat.fire_units[site.type]
            mag = dict(site.magazine if site.magazine is not None else ft.magazine)
            cap = dict(
                site.loaded
                if site.loaded is not None
                else (ft.loaded if site.magazine is None else {})
            )
            speed = min(self.cat.interceptors[n].speed_kmh for n in mag) / 3600.0
            t_engage = ft.reaction_s + 0.5 * ft.max_range_km / speed
            self.units += [_Unit(pos, ft, mag, cap, t_engage) for pos in _positions(site)]
        self.used = [
            n for n in self.cat.interceptors if any(u.mag.get(n, 0) > 0 for u in self.units)
        ]
        self.sensors: list[tuple[tuple[float, float], SensorType]] = []
        for sensor_site in scenario.sensors:
            positions = _positions(sensor_site)
            self.sensors += [(pos, self.cat.sensors[sensor_site.type]) for pos in positions]

    # -------------------------------------------------------------- doctrine
    def allowed(self, cls: ThreatClass) -> list[str]:
        """Interceptors allowed against a class, in order of preference."""
        if cls in self.doc.allow:
            return [n for n in self.doc.allow[cls] if n in self.used]
        return sorted(
            (n for n in self.used if self.cat.interceptors[n].p_kill.get(cls, 0.0) > 0),
            key=lambda n: self.cat.interceptors[n].unit_cost_usd,
        )

    def kept(self, name: str, cls: ThreatClass) -> int:
        """Rounds of ``name`` a unit keeps back from class ``cls``."""
        reserves = self.doc.reserves
        return max(
            [r.keep for r in reserves if r.interceptor == name and cls not in r.for_classes] + [0]
        )

    # -------------------------------------------------------------- one run
    def launch(self, rng: np.random.Generator) -> list[Threat]:
        """Every threat of the raid with its route, launch time, detections and EW draws."""
        threats: list[Threat] = []
        for v, wave in enumerate(self.scenario.threats):
            tt = self.cat.threats[wave.type]
            for _ in range(wave.count):
                asset, pts = _routes(self.scenario, v, rng)
                cum = [0.0]
                for a, b in itertools.pairwise(pts):
                    cum.append(cum[-1] + math.hypot(b[0] - a[0], b[1] - a[1]))
                lo, hi = wave.launch_window_h
                threats.append(
                    Threat(
                        type_name=wave.type,
                        cls=tt.threat_class,
                        speed=tt.speed_kmh / 3600.0,
                        launch=3600.0 * (lo + (hi - lo) * rng.random()),
                        pts=pts,
                        cum=cum,
                        altitude=tt.altitude_m,
                        dive=tt.dive_km,
                        range_km=tt.range_km,
                        asset=asset,
                        vuln=tt.ew_vulnerability,
                        pk_factor=tt.p_kill_factor,
                        detect=[bool(rng.random() < s.p_detect) for _, s in self.sensors],
                        ew_hit=[
                            bool(rng.random() < z.p_loss * tt.ew_vulnerability)
                            for z in self.scenario.ew_zones
                        ],
                    )
                )
        return threats

    def resolve(self, t: float, threats: list[Threat], pending: list[_Shot],
                rng: np.random.Generator) -> None:  # fmt: skip
        """Intercepts due at ``t``: each shot of the salvo kills with Pk x the threat's factor."""
        for item in [p for p in pending if p[0] <= t]:
            pending.remove(item)
            _, _u, i, name, shots = item
            th = threats[i]
            th.busy = False
            if th.fate:
                continue
            pk = self.cat.interceptors[name].p_kill.get(th.cls, 0.0) * th.pk_factor
            if any(rng.random() < pk for _ in range(shots)):
                th.fate = "killed"

    def move(self, t: float, threats: list[Threat]) -> None:
        """Threats fly: they arrive, expire, get lost to EW or get tracked."""
        for th in threats:
            if th.fate or t < th.launch:
                continue
            x, y, alt, s = th.where(t)
            if (t - th.launch) * th.speed >= th.range_km and th.range_km < th.length:
                th.fate = "expired"
            elif s >= th.length:
                th.fate = "leaked"
            elif t >= self.horizon:
                th.fate = "expired"
            if th.fate:
                continue
            for z, zone in enumerate(self.scenario.ew_zones):
                dist = math.hypot(x - zone.centre_km[0], y - zone.centre_km[1])
                if th.ew_hit[z] and dist <= zone.radius_km:
                    th.fate = "lost"
            if th.fate:
                continue
            for e, (pos, sen) in enumerate(self.sensors):
                if not th.detect[e] or th.speed * 3600.0 > sen.max_speed_kmh:
                    continue
                reach = sen.range_km
                if sen.kind == "radar":
                    reach = min(reach, 4.12 * (math.sqrt(sen.antenna_height_m) + math.sqrt(alt)))
                inside = math.hypot(x - pos[0], y - pos[1]) <= reach
                if inside and sen.min_altitude_m <= alt <= sen.max_altitude_m:
                    th.tracked_at = min(th.tracked_at, t + sen.track_delay_s)

    def best_target(
        self, t: float, u: int, st_: _UnitState, threats: list[Threat]
    ) -> tuple[int, str] | None:
        """The waiting threat of highest priority unit ``u`` may engage now, and the round."""
        unit, doc = self.units[u], self.doc
        ft = unit.ftype
        best: tuple[float, int, str] | None = None
        for i, th in enumerate(threats):
            if th.fate or th.busy or t < th.launch or t < th.tracked_at:
                continue
            if th.engagements >= doc.max_engagements:
                continue
            if not doc.shoot_look_shoot and u in th.engaged_by:
                continue
            names = [
                n
                for n in self.allowed(th.cls)
                if n in unit.mag
                and st_.rounds[n] > self.kept(n, th.cls)
                and st_.loaded[n] > 0
                and n not in st_.reload_at
            ]
            if not names:
                continue
            t_hit = t + unit.engage_s
            if t_hit >= th.end_time(self.horizon):
                continue
            x, y, alt, _ = th.where(t_hit)
            d = math.hypot(x - unit.pos[0], y - unit.pos[1])
            if not (
                ft.min_range_km <= d <= ft.max_range_km
                and ft.min_altitude_m <= alt <= ft.max_altitude_m
            ):
                continue
            weight = doc.class_priority.get(th.cls, 1.0)
            value = self.scenario.assets[th.asset].value
            score = weight * value if doc.priority == "value" else weight
            if doc.priority == "arrival":
                score = -th.end_time(self.horizon)
            if best is None or score > best[0]:
                best = (score, i, names[0])
        return None if best is None else (best[1], best[2])

    def fire(self, t: float, threats: list[Threat], states: list[_UnitState],
             pending: list[_Shot], fired: npt.NDArray[np.int64]) -> None:  # fmt: skip
        """Fire control, unit by unit and channel by channel."""
        for u, unit in enumerate(self.units):
            st_ = states[u]
            for name, at in list(st_.reload_at.items()):
                if at <= t:
                    st_.loaded[name] = min(unit.cap.get(name, unit.mag[name]), st_.rounds[name])
                    del st_.reload_at[name]
            ft = unit.ftype
            for ch in range(ft.channels):
                if st_.busy_until[ch] > t:
                    continue
                choice = self.best_target(t, u, st_, threats)
                if choice is None:
                    break
                i, name = choice
                th = threats[i]
                shots = min(
                    self.doc.shots.get(th.cls, 1),
                    st_.loaded[name],
                    st_.rounds[name] - self.kept(name, th.cls),
                )
                st_.loaded[name] -= shots
                st_.rounds[name] -= shots
                fired[self.used.index(name)] += shots
                th.busy = True
                th.engagements += 1
                th.engaged_by.add(u)
                st_.busy_until[ch] = t + unit.engage_s + ft.turnaround_s
                pending.append((t + unit.engage_s, u, i, name, shots))
                if st_.loaded[name] == 0 and st_.rounds[name] > 0 and name not in st_.reload_at:
                    if ft.reload_s > 0:
                        st_.reload_at[name] = t + ft.reload_s
                    else:
                        st_.loaded[name] = st_.rounds[name]

    def run(self, rng: np.random.Generator) -> tuple[list[Threat], npt.NDArray[np.int64]]:
        """One replication: the threats with their fates, and rounds fired per type."""
        threats = self.launch(rng)
        states = [
            _UnitState(
                busy_until=[0.0] * u.ftype.channels,
                rounds=dict(u.mag),
                loaded={n: u.cap.get(n, u.mag[n]) for n in u.mag},
            )
            for u in self.units
        ]
        fired = np.zeros(len(self.used), dtype=np.int64)
        pending: list[_Shot] = []
        t = 0.0
        while t <= self.horizon + self.dt:
            self.resolve(t, threats, pending, rng)
            self.move(t, threats)
            self.fire(t, threats, states, pending, fired)
            t += self.dt
        return threats, fired


def reference_simulate(
    scenario: Scenario, n_runs: int, seed: int, dt: float = 1.0
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Fates (R, K, 4) by threat type and rounds fired (R, I) per interceptor type, with the
    threat type and interceptor type names."""
    ref = _Reference(scenario, dt)
    fates = np.zeros((n_runs, len(ref.type_names), 4), dtype=np.int64)
    fired = np.zeros((n_runs, len(ref.used)), dtype=np.int64)
    for r in range(n_runs):
        threats, fired[r] = ref.run(np.random.default_rng([seed, r]))
        for th in threats:
            fate = th.fate or "expired"
            fates[r, ref.type_names.index(th.type_name), FATES.index(fate)] += 1
    return fates, fired, ref.type_names, ref.used


__all__ = ["reference_simulate"]
