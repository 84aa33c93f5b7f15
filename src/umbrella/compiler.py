"""Compile a scenario into a :class:`Raid`: plain arrays in SI units for the engine.

Threats of a wave share a small set of *route templates* (aim asset x lane across the corridor).
For every template the compiler precomputes, once, the engagement windows of every fire unit, the
coverage entry times of every sensor and the entry times of every EW zone. The engine then only
draws, per threat and replication, a template and a launch time, and works through the windows:
its cost grows with the number of engagement opportunities, not with clock ticks.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from umbrella.catalog import Catalog, FireUnitType, InterceptorType, ThreatType
from umbrella.engine.raid import Raid
from umbrella.geometry import annulus_intervals, radar_horizon_km, route_profile
from umbrella.scenario import FireUnitSite, Ring, Scenario, SensorSite, Wave
from umbrella.vocabulary import THREAT_CLASSES

__all__ = ["PRIORITY_MODES", "compile_raid", "site_positions"]

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
                ring.center_km[0] + ring.radius_km * math.cos(ang),
                ring.center_km[1] + ring.radius_km * math.sin(ang),
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
    launch = np.array(wave.launch.center_km, dtype=float)
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


def _engagement_s(ftype: FireUnitType, itypes: list[InterceptorType]) -> float:
    # Decision-to-intercept time: reaction plus fly-out to half the maximum range at the
    # slowest interceptor of the unit (fire units commit to a predicted intercept point).
    speed_kms = min(it.speed_kmh for it in itypes) / 3600.0 if itypes else 1.0
    return ftype.reaction_s + 0.5 * ftype.max_range_km / speed_kms


def _allow_rank(scenario: Scenario, cat: Catalog, inames: tuple[str, ...]) -> IntA:
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


def compile_raid(scenario: Scenario, catalog: Catalog | None = None) -> Raid:
    """Compile a validated scenario into engine arrays.

    Parameters
    ----------
    scenario
        A validated scenario.
    catalog
        Resolved catalogue; by default the bundled one with the scenario's overrides.
    """
    cat = catalog or scenario.resolved_catalog()
    cls_index = {c: k for k, c in enumerate(THREAT_CLASSES)}
    n_cls = len(THREAT_CLASSES)

    type_names = tuple(dict.fromkeys(w.type for w in scenario.threats))
    ttypes: list[ThreatType] = [cat.threats[t] for t in type_names]

    units = _expand(scenario.fire_units)
    sensors = _expand(scenario.sensors)
    unit_types = [cat.fire_units[scenario.fire_units[i].type] for _, i, _ in units]

    # Interceptor types in use: those in any magazine, in catalogue order.
    used: dict[str, None] = {}
    for _, i, _ in units:
        site = scenario.fire_units[i]
        mag = site.magazine if site.magazine is not None else cat.fire_units[site.type].magazine
        for name in mag:
            used[name] = None
    inames = tuple(n for n in cat.interceptors if n in used)
    iidx = {n: k for k, n in enumerate(inames)}
    itypes = [cat.interceptors[n] for n in inames]

    # Fire units and magazine slots.
    unit_channels, unit_eng, unit_turn, unit_reload, slot_ptr = [], [], [], [], [0]
    slot_itype, slot_rounds, slot_loaded = [], [], []
    for (_, i, _), ftype in zip(units, unit_types, strict=True):
        site = scenario.fire_units[i]
        mag = site.magazine if site.magazine is not None else ftype.magazine
        loaded = (
            site.loaded
            if site.loaded is not None
            else (ftype.loaded if site.magazine is None else {})
        )
        names = [name for name in mag if mag[name] > 0]
        for name in names:
            slot_itype.append(iidx[name])
            slot_rounds.append(mag[name])
            slot_loaded.append(min(loaded.get(name, mag[name]), mag[name]))
        slot_ptr.append(len(slot_itype))
        unit_channels.append(ftype.channels)
        unit_eng.append(_engagement_s(ftype, [cat.interceptors[name] for name in mag] or itypes))
        unit_turn.append(ftype.turnaround_s)
        unit_reload.append(ftype.reload_s)

    # Which classes each unit may ever engage (doctrine x magazine): other windows are dropped.
    allow = _allow_rank(scenario, cat, inames)
    unit_can = np.zeros((len(units), n_cls), dtype=bool)
    for u in range(len(units)):
        for s_ in range(slot_ptr[u], slot_ptr[u + 1]):
            unit_can[u] |= allow[:, slot_itype[s_]] >= 0

    # Threats and templates.
    threat_type: list[int] = []
    threat_wave: list[int] = []
    threat_rank: list[int] = []
    wave_t0: list[float] = []
    wave_t1: list[float] = []
    wave_start: list[int] = []
    wave_end: list[int] = []
    tmpl_cum: list[float] = []
    tmpl_asset: list[int] = []
    tmpl_arr: list[float] = []
    tmpl_exp: list[float] = []
    opp_ptr, sens_ptr, ew_ptr = [0], [0], [0]
    opp_unit: list[int] = []
    opp_in: list[float] = []
    opp_out: list[float] = []
    sens_id: list[int] = []
    sens_t: list[float] = []
    ew_zone: list[int] = []
    ew_t: list[float] = []
    sens_types = [cat.sensors[scenario.sensors[i].type] for _, i, _ in sensors]

    for v, wave in enumerate(scenario.threats):
        tt = cat.threats[wave.type]
        k_type = type_names.index(wave.type)
        threat_type += [k_type] * wave.count
        threat_wave += [v] * wave.count
        threat_rank += list(range(wave.count))
        wave_t0.append(wave.launch_window_h[0] * 3600.0)
        wave_t1.append(wave.launch_window_h[1] * 3600.0)
        wave_start.append(len(tmpl_asset))
        speed = tt.speed_kmh / 3600.0
        cum = 0.0
        for asset_k, weight, pts0 in _routes(wave, scenario):
            pts, alt, s = route_profile(pts0, tt.altitude_m, tt.dive_km)
            nseg = len(s) - 1
            buf = np.empty((2 * nseg + 2, 2))
            total = float(s[-1])
            cum += weight
            tmpl_cum.append(cum)
            tmpl_asset.append(asset_k)
            tmpl_arr.append(total / speed)
            tmpl_exp.append(tt.range_km / speed if tt.range_km < total else math.inf)
            seg_hi = np.maximum(alt[:-1], alt[1:])
            for u, ((_, _, pos), ftype) in enumerate(zip(units, unit_types, strict=True)):
                if not unit_can[u, cls_index[tt.threat_class]]:
                    continue
                rseg = np.full(nseg, ftype.max_range_km)
                n_iv = annulus_intervals(
                    pts,
                    alt,
                    s,
                    pos[0],
                    pos[1],
                    ftype.min_range_km,
                    rseg,
                    ftype.min_altitude_m,
                    ftype.max_altitude_m,
                    buf,
                )
                for q in range(n_iv):
                    if buf[q, 1] > buf[q, 0]:
                        opp_unit.append(u)
                        opp_in.append(buf[q, 0] / speed)
                        opp_out.append(buf[q, 1] / speed)
            opp_ptr.append(len(opp_unit))
            entries = []
            for e, ((_, _, pos), stype) in enumerate(zip(sensors, sens_types, strict=True)):
                if tt.speed_kmh > stype.max_speed_kmh:
                    continue
                if stype.kind == "radar":
                    rseg = np.minimum(
                        stype.range_km, radar_horizon_km(stype.antenna_height_m, seg_hi)
                    )
                else:
                    rseg = np.full(nseg, stype.range_km)
                n_iv = annulus_intervals(
                    pts,
                    alt,
                    s,
                    pos[0],
                    pos[1],
                    0.0,
                    rseg,
                    stype.min_altitude_m,
                    stype.max_altitude_m,
                    buf,
                )
                if n_iv:
                    entries.append((buf[0, 0] / speed, e))
            for t_enter, e in sorted(entries):
                sens_id.append(e)
                sens_t.append(t_enter)
            sens_ptr.append(len(sens_id))
            if tt.ew_vulnerability > 0:
                for z, zone in enumerate(scenario.ew_zones):
                    n_iv = annulus_intervals(
                        pts,
                        alt,
                        s,
                        zone.center_km[0],
                        zone.center_km[1],
                        0.0,
                        np.full(nseg, zone.radius_km),
                        -1.0,
                        1e9,
                        buf,
                    )
                    if n_iv:
                        ew_zone.append(z)
                        ew_t.append(buf[0, 0] / speed)
            ew_ptr.append(len(ew_zone))
        tmpl_cum[-1] = 1.0
        wave_end.append(len(tmpl_asset))

    doc = scenario.doctrine
    keep = np.zeros((len(inames), n_cls), dtype=np.int64)
    for res in doc.reserves:
        if res.interceptor in iidx:
            for c, cname in enumerate(THREAT_CLASSES):
                if cname not in res.for_classes:
                    keep[iidx[res.interceptor], c] = max(keep[iidx[res.interceptor], c], res.keep)

    def floats(x: list[float]) -> F:
        return np.asarray(x, dtype=np.float64)

    def ints(x: list[int]) -> IntA:
        return np.asarray(x, dtype=np.int64)

    return Raid(
        scenario_name=scenario.name,
        type_names=type_names,
        interceptor_names=inames,
        unit_ids=tuple(u[0] for u in units),
        unit_types=tuple(scenario.fire_units[u[1]].type for u in units),
        asset_ids=tuple(a.id for a in scenario.assets),
        type_class=ints([cls_index[t.threat_class] for t in ttypes]),
        type_is_decoy=np.asarray([t.is_decoy for t in ttypes], dtype=bool),
        type_damage=floats([0.0 if t.is_decoy else t.damage for t in ttypes]),
        type_cost=floats([t.unit_cost_usd for t in ttypes]),
        type_ew_vuln=floats([t.ew_vulnerability for t in ttypes]),
        type_pk_factor=floats([t.p_kill_factor for t in ttypes]),
        threat_type=ints(threat_type),
        threat_wave=ints(threat_wave),
        threat_rank=ints(threat_rank),
        wave_t0_s=floats(wave_t0),
        wave_t1_s=floats(wave_t1),
        wave_tmpl_start=ints(wave_start),
        wave_tmpl_end=ints(wave_end),
        tmpl_cum_weight=floats(tmpl_cum),
        tmpl_asset=ints(tmpl_asset),
        tmpl_arrival_s=floats(tmpl_arr),
        tmpl_expire_s=floats(tmpl_exp),
        tmpl_opp_ptr=ints(opp_ptr),
        tmpl_sens_ptr=ints(sens_ptr),
        tmpl_ew_ptr=ints(ew_ptr),
        opp_unit=ints(opp_unit),
        opp_in_s=floats(opp_in),
        opp_out_s=floats(opp_out),
        sens_id=ints(sens_id),
        sens_t_s=floats(sens_t),
        sensor_p_detect=floats([s.p_detect for s in sens_types]),
        sensor_delay_s=floats([s.track_delay_s for s in sens_types]),
        ew_zone=ints(ew_zone),
        ew_t_s=floats(ew_t),
        zone_p_loss=floats([z.p_loss for z in scenario.ew_zones]),
        unit_channels=ints(unit_channels),
        unit_eng_s=floats(unit_eng),
        unit_turnaround_s=floats(unit_turn),
        unit_reload_s=floats(unit_reload),
        unit_slot_ptr=ints(slot_ptr),
        slot_itype=ints(slot_itype),
        slot_rounds=ints(slot_rounds),
        slot_loaded=ints(slot_loaded),
        itype_cost=floats([it.unit_cost_usd for it in itypes]),
        itype_pk=np.array(
            [[it.p_kill.get(c, 0.0) for c in THREAT_CLASSES] for it in itypes], dtype=np.float64
        ).reshape(len(itypes), n_cls),
        allow_rank=allow,
        class_shots=ints([doc.shots.get(c, 1) for c in THREAT_CLASSES]),
        class_weight=floats([doc.class_priority.get(c, 1.0) for c in THREAT_CLASSES]),
        reserve_keep=keep,
        priority_mode=PRIORITY_MODES.index(doc.priority),
        shoot_look_shoot=doc.shoot_look_shoot,
        max_engagements=doc.max_engagements,
        horizon_s=scenario.duration_h * 3600.0,
        fire_mode=("greedy", "wta").index(doc.fire_control),
        price_per_usd=doc.price_per_musd / 1e6,
        asset_value=floats([a.value for a in scenario.assets]),
    )
