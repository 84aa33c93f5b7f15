"""The raid replay: one replication of a run, with the scenario's geography, as ``replay.json``.

Which replication: the one whose leaked count is nearest the median over the run's
replications (the first such, by index), so that the replay shows a typical night rather than
the luckiest or the worst. It is flown again by :func:`umbrella.engine.trace.trace_replication`,
which gives exactly that replication's fates and records every salvo.

Everything a reader sees is named by the catalogue's display name (``name``; the key where the
catalogue gives none); keys (``id``, ``type``) stay for programs. ``events`` lists how each
threat's flight ended, in time order, so that the page can step from one intercept, leak or hit
to the next and draw every track and impact at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from umbrella.catalogue import FireUnitType, InterceptorType, SensorType, ThreatType
from umbrella.core.vocabulary import EXPIRED, FATES, KILLED, LEAKED, LOST
from umbrella.engine import RaidResult
from umbrella.engine.trace import Trace, trace_replication
from umbrella.scenario.compile import site_positions, template_routes
from umbrella.scenario.model import Scenario

__all__ = ["EVENT_KINDS", "choose_replication", "replay_document"]

#: What ended a threat's flight, by fate code (:data:`~umbrella.core.vocabulary.FATES`): killed
#: by a fire unit, lost to electronic warfare, arrived at its target, or fell short (out of range
#: or out of time).
EVENT_KINDS = ("intercept", "lost to EW", "leak", "fell short")


def choose_replication(leaked: np.ndarray[Any, Any]) -> int:
    """Index of the first replication whose leaked count is nearest the median."""
    leaked = np.asarray(leaked, dtype=float)
    return int(np.argmin(np.abs(leaked - np.median(leaked))))


def _r(x: float, nd: int = 1) -> float | None:
    return round(float(x), nd) if np.isfinite(x) else None


def _pt(p: Any, nd: int = 2) -> list[float]:
    return [round(float(p[0]), nd), round(float(p[1]), nd)]


def _name(entry: ThreatType | InterceptorType | FireUnitType | SensorType, key: str) -> str:
    """What a reader sees for a catalogue type: its display name, or its key if it has none."""
    return entry.display_name or key


def _fate_times(trace: Trace) -> np.ndarray[Any, Any]:
    # When each threat leaves the map: its killing salvo, its loss to EW, its arrival, or the
    # end of its flight.
    t = np.full(trace.fate.shape, np.nan)
    t[trace.fate == LOST] = trace.t_lost[trace.fate == LOST]
    t[trace.fate == LEAKED] = trace.t_arrive[trace.fate == LEAKED]
    t[trace.fate == EXPIRED] = trace.t_end[trace.fate == EXPIRED]
    kills = trace.shot_kill
    t[trace.shot_threat[kills]] = trace.shot_t[kills]
    return t


def _position(route: list[list[float]], s_km: float) -> list[float]:
    """The point ``s_km`` along ``route`` (its end beyond it), as the page interpolates it."""
    pts = np.asarray(route, dtype=float)
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(pts, axis=0).T))])
    s = min(max(s_km, 0.0), float(cum[-1]))
    return _pt([np.interp(s, cum, pts[:, 0]), np.interp(s, cum, pts[:, 1])], 1)


def _events(
    threats: dict[str, list[Any]],
    types: list[dict[str, Any]],
    routes: list[list[list[float]]],
    damage: list[float],
    itype: np.ndarray[Any, Any],
) -> dict[str, list[Any]]:
    """How each threat's flight ended, in time order (columns, one row per threat that ended).

    ``kind`` indexes :data:`EVENT_KINDS`; ``threat`` the threats' columns; ``type`` the types;
    ``interceptor`` the interceptor type that killed it (-1 if none); ``who`` the fire unit that
    killed it or the asset it struck (-1 if neither); ``at`` where (km), computed from the
    document's own rounded routes, times and speeds, as the page draws it; ``hit`` 1 for an
    arrival that does damage (a decoy's arrival does none).
    """
    t_out = threats["t_out"]
    order = sorted((i for i, t in enumerate(t_out) if t is not None), key=lambda i: (t_out[i], i))
    cols: dict[str, list[Any]] = {
        k: [] for k in ("t", "kind", "threat", "type", "interceptor", "who", "at", "hit")
    }
    for i in order:
        ty, fate = threats["type"][i], threats["fate"][i]
        flown = (t_out[i] - threats["t_launch"][i]) * types[ty]["speed_kms"]
        cols["t"].append(t_out[i])
        cols["kind"].append(fate)
        cols["threat"].append(i)
        cols["type"].append(ty)
        cols["interceptor"].append(int(itype[i]) if fate == KILLED else -1)
        cols["who"].append(threats["who"][i] if fate in (KILLED, LEAKED) else -1)
        cols["at"].append(_position(routes[threats["route"][i]], flown))
        cols["hit"].append(int(fate == LEAKED and damage[ty] > 0))
    return cols


def replay_document(scenario: Scenario, result: RaidResult) -> dict[str, Any]:
    """The replay of ``result``'s median-leaked replication: geography (km), threats, salvos
    and events (s). See docs/report.md, "replay.json", for the fields."""
    raid = result.raid
    cat = scenario.resolved_catalogue()
    leaked = result.leaked
    k = choose_replication(leaked)
    trace = trace_replication(raid, result.seed, k)
    launched = trace.fate >= 0
    idx = np.flatnonzero(launched)
    new_index = np.full(trace.fate.shape, -1)
    new_index[idx] = np.arange(idx.size)
    t_out = _fate_times(trace)
    units = []
    u = 0
    for site in scenario.fire_units:
        ftype = cat.fire_units[site.type]
        for pos in site_positions(site.position_km, site.ring):
            units.append(
                {
                    "id": raid.unit_ids[u],
                    "type": site.type,
                    "name": _name(ftype, site.type),
                    "at": _pt(pos),
                    "range_km": [ftype.min_range_km, ftype.max_range_km],
                }
            )
            u += 1
    sensors = []
    for sensor in scenario.sensors:
        stype = cat.sensors[sensor.type]
        for pos in site_positions(sensor.position_km, sensor.ring):
            sensors.append(
                {
                    "type": sensor.type,
                    "name": _name(stype, sensor.type),
                    "at": _pt(pos),
                    "range_km": stype.range_km,
                }
            )
    threat_types = [cat.threats[name] for name in raid.type_names]
    types = [
        {
            "id": name,
            "name": _name(tt, name),
            "class": tt.threat_class,
            "speed_kms": round(tt.speed_kmh / 3600.0, 6),
            "decoy": tt.is_decoy,
        }
        for name, tt in zip(raid.type_names, threat_types, strict=True)
    ]
    routes = [[_pt(p, 1) for p in pts] for pts in template_routes(scenario)]
    threats = {
        "type": raid.threat_type[idx].tolist(),
        "route": trace.tmpl[idx].tolist(),
        "t_launch": [_r(x) for x in trace.t_launch[idx]],
        "t_out": [_r(x) for x in t_out[idx]],
        "fate": trace.fate[idx].tolist(),
        "who": trace.fate_who[idx].tolist(),
    }
    keep = trace.shot_threat
    return {
        "kind": "replay",
        "scenario": scenario.name,
        "description": scenario.description,
        "seed": result.seed,
        "runs": result.n_runs,
        "replication": k,
        "leaked": int(leaked[k]),
        "leaked_median": float(np.median(leaked)),
        "horizon_s": raid.horizon_s,
        "fates": list(FATES),
        "types": types,
        "interceptors": [
            {"id": name, "name": _name(cat.interceptors[name], name)}
            for name in raid.interceptor_names
        ],
        "assets": [
            {"id": a.id, "kind": a.kind, "value": a.value, "at": _pt(a.position_km)}
            for a in scenario.assets
        ],
        "units": units,
        "sensors": sensors,
        "ew_zones": [
            {"id": z.id, "at": _pt(z.centre_km), "radius_km": z.radius_km, "p_loss": z.p_loss}
            for z in scenario.ew_zones
        ],
        "launch_areas": [
            {"type": w.type, "at": _pt(w.launch.centre_km), "radius_km": w.launch.radius_km}
            for w in scenario.threats
        ],
        "routes": routes,
        "threats": threats,
        "salvos": {
            "t": [_r(x) for x in trace.shot_t],
            "unit": trace.shot_unit.tolist(),
            "threat": new_index[keep].tolist(),
            "interceptor": trace.shot_itype.tolist(),
            "rounds": trace.shot_rounds.tolist(),
            "kill": trace.shot_kill.astype(int).tolist(),
        },
        "event_kinds": list(EVENT_KINDS),
        "events": _events(threats, types, routes, raid.type_damage.tolist(), trace.fate_itype[idx]),
        "counts": {
            name: {fate: int(trace.type_fates[t, f]) for f, fate in enumerate(FATES)}
            for t, name in enumerate(raid.type_names)
        },
        "killed": int((trace.fate == KILLED).sum()),
    }
