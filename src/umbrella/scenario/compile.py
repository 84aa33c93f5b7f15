"""Compile a scenario into a :class:`Raid`: plain arrays in SI units for the engine.

Threats of a wave share a small set of *route templates* (aim asset x lane across the corridor).
For every template the compiler precomputes, once, the engagement windows of every fire unit, the
coverage entry times of every sensor and the entry times of every EW zone. The engine then only
draws, per threat and replication, a template and a launch time, and works through the windows:
its cost grows with the number of engagement opportunities, not with clock ticks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from umbrella.catalogue import Catalogue, FireUnitType, InterceptorType, SensorType, ThreatType
from umbrella.core.vocabulary import THREAT_CLASSES
from umbrella.engine.geometry import annulus_intervals, radar_horizon_km, route_profile
from umbrella.engine.raid import Raid
from umbrella.scenario.model import FireUnitSite, Ring, Scenario, SensorSite, Wave

__all__ = ["PRIORITY_MODES", "compile_raid", "site_positions", "template_routes"]

F = npt.NDArray[np.float64]
IntA = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

PRIORITY_MODES = ("value", "class", "arrival")


def site_positions(
    position_km: tuple[float, float] | None, ring: Ring | None
) -> list[tuple[float, float]]:
    """Positions of a site entry: one point, or ``ring.count`` points on a circle."""
    if position_km is not None:
        return [position_km]
    assert ring is not None
    out = []
    for k in range(ring.count):
        ang = math.radians(ring.phase_deg + 360.0 * k / ring.count)
        out.append(
            (
                ring.centre_km[0] + ring.radius_km * math.cos(ang),
                ring.centre_km[1] + ring.radius_km * math.sin(ang),
            )
        )
    return out


def _expand(
    sites: list[FireUnitSite] | list[SensorSite],
) -> list[tuple[str, int, tuple[float, float]]]:
    out = []
    for i, site in enumerate(sites):
        pos = site_positions(site.position_km, site.ring)
        for k, p in enumerate(pos):
            out.append((site.id if len(pos) == 1 else f"{site.id}-{k + 1}", i, p))
    return out


def _routes(wave: Wave, scenario: Scenario) -> list[tuple[int, float, F]]:
    """(asset index, weight, points) per template of a wave."""
    assets = scenario.assets
    if wave.aim:
        weights = [(k, wave.aim[a.id]) for k, a in enumerate(assets) if a.id in wave.aim]
    else:
        weights = [(k, a.value) for k, a in enumerate(assets)]
    total = sum(w for _, w in weights)
    launch = np.array(wave.launch.centre_km, dtype=float)
    out = []
    for k, w in weights:
        aim = np.array(assets[k].position_km, dtype=float)
        first = np.array(wave.waypoints_km[0], dtype=float) if wave.waypoints_km else aim
        axis = first - launch
        norm = float(np.hypot(*axis))
        perp = np.array([-axis[1], axis[0]]) / norm if norm > 0 else np.zeros(2)
        for lane in range(wave.lanes):
            frac = 0.0 if wave.lanes == 1 else lane / (wave.lanes - 1) - 0.5
            pts = [launch + perp * frac * 2.0 * wave.launch.radius_km]
            pts += [
                np.array(p, dtype=float) + perp * frac * wave.corridor_km for p in wave.waypoints_km
            ]
            pts.append(aim)
            out.append((k, w / total / wave.lanes, np.array(pts)))
    return out


def template_routes(scenario: Scenario) -> list[F]:
    """Every route template's (P, 2) points in km, launch first, in the compiled raid's template
    order (``Raid.tmpl_*``)."""
    return [pts for wave in scenario.threats for _, _, pts in _routes(wave, scenario)]


def _engagement_s(ftype: FireUnitType, itypes: list[InterceptorType]) -> float:
    # Decision-to-intercept time: reaction plus fly-out to half the maximum range at the
    # slowest interceptor of the unit (fire units commit to a predicted intercept point).
    speed_kms = min(it.speed_kmh for it in itypes) / 3600.0 if itypes else 1.0
    return ftype.reaction_s + 0.5 * ftype.max_range_km / speed_kms


def _allow_rank(scenario: Scenario, cat: Catalogue, inames: tuple[str, ...]) -> IntA:
    """(C, IntA) preference rank of each interceptor type per class, -1 where not allowed."""
    doc = scenario.doctrine
    iidx = {n: k for k, n in enumerate(inames)}
    allow = np.full((len(THREAT_CLASSES), len(inames)), -1, dtype=np.int64)
    for c, cname in enumerate(THREAT_CLASSES):
        if cname in doc.allow:
            order = [n for n in doc.allow[cname] if n in iidx]
        else:
            order = sorted(
                (n for n in inames if cat.interceptors[n].p_kill.get(cname, 0.0) > 0),
                key=lambda n: cat.interceptors[n].unit_cost_usd,
            )
        for rank, n in enumerate(order):
            allow[c, iidx[n]] = rank
    return allow


@dataclass
class _Units:
    """Fire units after rings are expanded, their magazine slots, and who may fire at what."""

    sites: list[tuple[str, int, tuple[float, float]]]  # (id, site index, position)
    types: list[FireUnitType]
    inames: tuple[str, ...]  # interceptor types in use, in catalogue order
    itypes: list[InterceptorType]
    channels: list[int] = field(default_factory=list)
    eng_s: list[float] = field(default_factory=list)
    turnaround_s: list[float] = field(default_factory=list)
    reload_s: list[float] = field(default_factory=list)
    slot_ptr: list[int] = field(default_factory=lambda: [0])
    slot_itype: list[int] = field(default_factory=list)
    slot_rounds: list[int] = field(default_factory=list)
    slot_loaded: list[int] = field(default_factory=list)
    allow: IntA = field(default_factory=lambda: np.zeros((0, 0), np.int64))
    can: B = field(default_factory=lambda: np.zeros((0, 0), bool))  # (U, C) may ever engage


@dataclass
class _Templates:
    """Threats and their route templates, with each template's windows and entries."""

    threat_type: list[int] = field(default_factory=list)
    threat_wave: list[int] = field(default_factory=list)
    threat_rank: list[int] = field(default_factory=list)
    wave_t0: list[float] = field(default_factory=list)
    wave_t1: list[float] = field(default_factory=list)
    wave_start: list[int] = field(default_factory=list)
    wave_end: list[int] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)
    asset: list[int] = field(default_factory=list)
    arrival: list[float] = field(default_factory=list)
    expire: list[float] = field(default_factory=list)
    opp_ptr: list[int] = field(default_factory=lambda: [0])
    sens_ptr: list[int] = field(default_factory=lambda: [0])
    ew_ptr: list[int] = field(default_factory=lambda: [0])
    opp_unit: list[int] = field(default_factory=list)
    opp_in: list[float] = field(default_factory=list)
    opp_out: list[float] = field(default_factory=list)
    sens_id: list[int] = field(default_factory=list)
    sens_t: list[float] = field(default_factory=list)
    ew_zone: list[int] = field(default_factory=list)
    ew_t: list[float] = field(default_factory=list)


def _compile_units(scenario: Scenario, cat: Catalogue) -> _Units:
    """Expand rings, list the interceptor types in use, and lay out the magazine slots."""
    sites = _expand(scenario.fire_units)
    types = [cat.fire_units[scenario.fire_units[i].type] for _, i, _ in sites]
    used: dict[str, None] = {}
    for _, i, _ in sites:
        site = scenario.fire_units[i]
        mag = site.magazine if site.magazine is not None else cat.fire_units[site.type].magazine
        for name in mag:
            used[name] = None
    inames = tuple(n for n in cat.interceptors if n in used)
    iidx = {n: k for k, n in enumerate(inames)}
    out = _Units(sites, types, inames, [cat.interceptors[n] for n in inames])
    for (_, i, _), ftype in zip(sites, types, strict=True):
        site = scenario.fire_units[i]
        mag = site.magazine if site.magazine is not None else ftype.magazine
        loaded = (
            site.loaded
            if site.loaded is not None
            else (ftype.loaded if site.magazine is None else {})
        )
        for name in [name for name in mag if mag[name] > 0]:
            out.slot_itype.append(iidx[name])
            out.slot_rounds.append(mag[name])
            out.slot_loaded.append(min(loaded.get(name, mag[name]), mag[name]))
        out.slot_ptr.append(len(out.slot_itype))
        out.channels.append(ftype.channels)
        fired = [cat.interceptors[name] for name in mag] or out.itypes
        out.eng_s.append(_engagement_s(ftype, fired))
        out.turnaround_s.append(ftype.turnaround_s)
        out.reload_s.append(ftype.reload_s)
    # Which classes each unit may ever engage (doctrine x magazine): other windows are dropped.
    out.allow = _allow_rank(scenario, cat, inames)
    out.can = np.zeros((len(sites), len(THREAT_CLASSES)), dtype=bool)
    for u in range(len(sites)):
        for s_ in range(out.slot_ptr[u], out.slot_ptr[u + 1]):
            out.can[u] |= out.allow[:, out.slot_itype[s_]] >= 0
    return out


def _compile_threats(
    scenario: Scenario, cat: Catalogue, units: _Units, type_names: tuple[str, ...]
) -> _Templates:
    """Every threat (wave by wave, in rank order) and every wave's route templates."""
    sensors = _expand(scenario.sensors)
    sens_types = [cat.sensors[scenario.sensors[i].type] for _, i, _ in sensors]
    out = _Templates()
    for v, wave in enumerate(scenario.threats):
        tt = cat.threats[wave.type]
        out.threat_type += [type_names.index(wave.type)] * wave.count
        out.threat_wave += [v] * wave.count
        out.threat_rank += list(range(wave.count))
        out.wave_t0.append(wave.launch_window_h[0] * 3600.0)
        out.wave_t1.append(wave.launch_window_h[1] * 3600.0)
        out.wave_start.append(len(out.asset))
        cum = 0.0
        for asset_k, weight, pts0 in _routes(wave, scenario):
            cum += weight
            out.cum.append(cum)
            out.asset.append(asset_k)
            route = route_profile(pts0, tt.altitude_m, tt.dive_km)
            _template_windows(out, route, tt, units)
            _template_sensors(out, route, tt, sensors, sens_types)
            _template_ew(out, route, tt, scenario)
        out.cum[-1] = 1.0
        out.wave_end.append(len(out.asset))
    return out


Route = tuple[F, F, F]  # points (km), altitudes (m), distance flown at each point (km)


def _template_windows(out: _Templates, route: Route, tt: ThreatType, units: _Units) -> None:
    # Flight times of the template, and the engagement windows of every fire unit that may
    # engage its class, relative to launch.
    pts, alt, s = route
    speed = tt.speed_kmh / 3600.0
    total = float(s[-1])
    out.arrival.append(total / speed)
    out.expire.append(tt.range_km / speed if tt.range_km < total else math.inf)
    nseg = len(s) - 1
    buf = np.empty((2 * nseg + 2, 2))
    c = THREAT_CLASSES.index(tt.threat_class)
    for u, ((_, _, pos), ftype) in enumerate(zip(units.sites, units.types, strict=True)):
        if not units.can[u, c]:
            continue
        rseg = np.full(nseg, ftype.max_range_km)
        n_iv = annulus_intervals(
            pts, alt, s, pos[0], pos[1], ftype.min_range_km, rseg, ftype.min_altitude_m,
            ftype.max_altitude_m, buf,
        )  # fmt: skip
        for q in range(n_iv):
            if buf[q, 1] > buf[q, 0]:
                out.opp_unit.append(u)
                out.opp_in.append(buf[q, 0] / speed)
                out.opp_out.append(buf[q, 1] / speed)
    out.opp_ptr.append(len(out.opp_unit))


def _template_sensors(
    out: _Templates,
    route: Route,
    tt: ThreatType,
    sensors: list[tuple[str, int, tuple[float, float]]],
    sens_types: list[SensorType],
) -> None:
    # When the template first enters each sensor's coverage, in time order.
    pts, alt, s = route
    speed = tt.speed_kmh / 3600.0
    nseg = len(s) - 1
    buf = np.empty((2 * nseg + 2, 2))
    seg_hi = np.maximum(alt[:-1], alt[1:])
    entries = []
    for e, ((_, _, pos), stype) in enumerate(zip(sensors, sens_types, strict=True)):
        if tt.speed_kmh > stype.max_speed_kmh:
            continue
        if stype.kind == "radar":
            rseg = np.minimum(stype.range_km, radar_horizon_km(stype.antenna_height_m, seg_hi))
        else:
            rseg = np.full(nseg, stype.range_km)
        n_iv = annulus_intervals(
            pts, alt, s, pos[0], pos[1], 0.0, rseg, stype.min_altitude_m, stype.max_altitude_m,
            buf,
        )  # fmt: skip
        if n_iv:
            entries.append((buf[0, 0] / speed, e))
    for t_enter, e in sorted(entries):
        out.sens_id.append(e)
        out.sens_t.append(t_enter)
    out.sens_ptr.append(len(out.sens_id))


def _template_ew(out: _Templates, route: Route, tt: ThreatType, scenario: Scenario) -> None:
    # When the template enters each EW zone (only threats that EW can lose).
    pts, alt, s = route
    if tt.ew_vulnerability > 0:
        speed = tt.speed_kmh / 3600.0
        nseg = len(s) - 1
        buf = np.empty((2 * nseg + 2, 2))
        for z, zone in enumerate(scenario.ew_zones):
            n_iv = annulus_intervals(
                pts, alt, s, zone.centre_km[0], zone.centre_km[1], 0.0,
                np.full(nseg, zone.radius_km), -1.0, 1e9, buf,
            )  # fmt: skip
            if n_iv:
                out.ew_zone.append(z)
                out.ew_t.append(buf[0, 0] / speed)
    out.ew_ptr.append(len(out.ew_zone))


def _reserve_keep(scenario: Scenario, inames: tuple[str, ...]) -> IntA:
    """(I, C) rounds of each interceptor type a unit keeps back from each class."""
    iidx = {n: k for k, n in enumerate(inames)}
    keep = np.zeros((len(inames), len(THREAT_CLASSES)), dtype=np.int64)
    for res in scenario.doctrine.reserves:
        if res.interceptor in iidx:
            k = iidx[res.interceptor]
            for c, cname in enumerate(THREAT_CLASSES):
                if cname not in res.for_classes:
                    keep[k, c] = max(keep[k, c], res.keep)
    return keep


def _floats(x: list[float]) -> F:
    return np.asarray(x, dtype=np.float64)


def _ints(x: list[int]) -> IntA:
    return np.asarray(x, dtype=np.int64)


def compile_raid(scenario: Scenario, catalogue: Catalogue | None = None) -> Raid:
    """Compile a validated scenario into engine arrays.

    Parameters
    ----------
    scenario
        A validated scenario.
    catalogue
        Resolved catalogue; by default the bundled one with the scenario's overrides.
    """
    cat = catalogue or scenario.resolved_catalogue()
    type_names = tuple(dict.fromkeys(w.type for w in scenario.threats))
    ttypes: list[ThreatType] = [cat.threats[t] for t in type_names]
    units = _compile_units(scenario, cat)
    tm = _compile_threats(scenario, cat, units, type_names)
    sens_types = [cat.sensors[scenario.sensors[i].type] for _, i, _ in _expand(scenario.sensors)]
    doc = scenario.doctrine
    itypes = units.itypes
    return Raid(
        scenario_name=scenario.name,
        type_names=type_names,
        interceptor_names=units.inames,
        unit_ids=tuple(u[0] for u in units.sites),
        unit_types=tuple(scenario.fire_units[u[1]].type for u in units.sites),
        asset_ids=tuple(a.id for a in scenario.assets),
        type_labels=tuple(t.display_name or n for t, n in zip(ttypes, type_names, strict=True)),
        data_credit="" if scenario.calibration is None else scenario.calibration.data_credit,
        interceptor_labels=tuple(
            cat.interceptors[n].display_name or n if n in cat.interceptors else n
            for n in units.inames
        ),
        type_class=_ints([THREAT_CLASSES.index(t.threat_class) for t in ttypes]),
        type_is_decoy=np.asarray([t.is_decoy for t in ttypes], dtype=bool),
        type_damage=_floats([0.0 if t.is_decoy else t.damage for t in ttypes]),
        type_cost=_floats([t.unit_cost_usd for t in ttypes]),
        type_ew_vuln=_floats([t.ew_vulnerability for t in ttypes]),
        type_pk_factor=_floats([t.p_kill_factor for t in ttypes]),
        threat_type=_ints(tm.threat_type),
        threat_wave=_ints(tm.threat_wave),
        threat_rank=_ints(tm.threat_rank),
        wave_t0_s=_floats(tm.wave_t0),
        wave_t1_s=_floats(tm.wave_t1),
        wave_tmpl_start=_ints(tm.wave_start),
        wave_tmpl_end=_ints(tm.wave_end),
        tmpl_cum_weight=_floats(tm.cum),
        tmpl_asset=_ints(tm.asset),
        tmpl_arrival_s=_floats(tm.arrival),
        tmpl_expire_s=_floats(tm.expire),
        tmpl_opp_ptr=_ints(tm.opp_ptr),
        tmpl_sens_ptr=_ints(tm.sens_ptr),
        tmpl_ew_ptr=_ints(tm.ew_ptr),
        opp_unit=_ints(tm.opp_unit),
        opp_in_s=_floats(tm.opp_in),
        opp_out_s=_floats(tm.opp_out),
        sens_id=_ints(tm.sens_id),
        sens_t_s=_floats(tm.sens_t),
        sensor_p_detect=_floats([s.p_detect for s in sens_types]),
        sensor_delay_s=_floats([s.track_delay_s for s in sens_types]),
        ew_zone=_ints(tm.ew_zone),
        ew_t_s=_floats(tm.ew_t),
        zone_p_loss=_floats([z.p_loss for z in scenario.ew_zones]),
        unit_channels=_ints(units.channels),
        unit_eng_s=_floats(units.eng_s),
        unit_turnaround_s=_floats(units.turnaround_s),
        unit_reload_s=_floats(units.reload_s),
        unit_slot_ptr=_ints(units.slot_ptr),
        slot_itype=_ints(units.slot_itype),
        slot_rounds=_ints(units.slot_rounds),
        slot_loaded=_ints(units.slot_loaded),
        itype_cost=_floats([it.unit_cost_usd for it in itypes]),
        itype_pk=np.array(
            [[it.p_kill.get(c, 0.0) for c in THREAT_CLASSES] for it in itypes], dtype=np.float64
        ).reshape(len(itypes), len(THREAT_CLASSES)),
        allow_rank=units.allow,
        class_shots=_ints([doc.shots.get(c, 1) for c in THREAT_CLASSES]),
        class_weight=_floats([doc.class_priority.get(c, 1.0) for c in THREAT_CLASSES]),
        reserve_keep=_reserve_keep(scenario, units.inames),
        priority_mode=PRIORITY_MODES.index(doc.priority),
        shoot_look_shoot=doc.shoot_look_shoot,
        max_engagements=doc.max_engagements,
        horizon_s=scenario.duration_h * 3600.0,
        fire_mode=("greedy", "wta").index(doc.fire_control),
        price_per_usd=doc.price_per_musd / 1e6,
        asset_value=_floats([a.value for a in scenario.assets]),
    )
