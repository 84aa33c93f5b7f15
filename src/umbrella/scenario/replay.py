"""The raid replay: one replication of a run, with the scenario's geography, as ``replay.json``.

Which replication: the one whose leaked count is nearest the median over the run's
replications (the first such, by index), so that the replay shows a typical night rather than
the luckiest or the worst. It is flown again by :func:`umbrella.engine.trace.trace_replication`,
which gives exactly that replication's fates and records every salvo.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from umbrella.core.vocabulary import EXPIRED, FATES, KILLED, LEAKED, LOST
from umbrella.engine import RaidResult
from umbrella.engine.trace import Trace, trace_replication
from umbrella.scenario.compile import site_positions, template_routes
from umbrella.scenario.model import Scenario

__all__ = ["choose_replication", "replay_document"]


def choose_replication(leaked: np.ndarray[Any, Any]) -> int:
    """Index of the first replication whose leaked count is nearest the median."""
    leaked = np.asarray(leaked, dtype=float)
    return int(np.argmin(np.abs(leaked - np.median(leaked))))


def _r(x: float, nd: int = 1) -> float | None:
    return round(float(x), nd) if np.isfinite(x) else None


def _pt(p: Any) -> list[float]:
    return [round(float(p[0]), 2), round(float(p[1]), 2)]


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


def replay_document(scenario: Scenario, result: RaidResult) -> dict[str, Any]:
    """The replay of ``result``'s median-leaked replication: geography (km), threats and salvos
    (s). See the README's "Report" section for the fields."""
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
                    "at": _pt(pos),
                    "range_km": [ftype.min_range_km, ftype.max_range_km],
                }
            )
            u += 1
    sensors = []
    for sensor in scenario.sensors:
        stype = cat.sensors[sensor.type]
        for pos in site_positions(sensor.position_km, sensor.ring):
            sensors.append({"type": sensor.type, "at": _pt(pos), "range_km": stype.range_km})
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
        "types": [
            {
                "id": name,
                "class": cat.threats[name].threat_class,
                "speed_kms": cat.threats[name].speed_kmh / 3600.0,
                "decoy": cat.threats[name].is_decoy,
            }
            for name in raid.type_names
        ],
        "interceptors": list(raid.interceptor_names),
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
        "routes": [[_pt(p) for p in pts] for pts in template_routes(scenario)],
        "threats": {
            "type": raid.threat_type[idx].tolist(),
            "route": trace.tmpl[idx].tolist(),
            "t_launch": [_r(x) for x in trace.t_launch[idx]],
            "t_out": [_r(x) for x in t_out[idx]],
            "fate": trace.fate[idx].tolist(),
            "who": trace.fate_who[idx].tolist(),
        },
        "salvos": {
            "t": [_r(x) for x in trace.shot_t],
            "unit": trace.shot_unit.tolist(),
            "threat": new_index[keep].tolist(),
            "interceptor": trace.shot_itype.tolist(),
            "rounds": trace.shot_rounds.tolist(),
            "kill": trace.shot_kill.astype(int).tolist(),
        },
        "counts": {
            name: {fate: int(trace.type_fates[t, f]) for f, fate in enumerate(FATES)}
            for t, name in enumerate(raid.type_names)
        },
        "killed": int((trace.fate == KILLED).sum()),
    }
