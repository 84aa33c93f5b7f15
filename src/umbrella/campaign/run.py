"""The campaign engine: nightly raids through the raid engine, stocks carried night to night.

Each night, for every run at once: arrivals are added to the stocks, the night's magazines are
allocated from the stocks (capped by rationing and operator limits) over the fire units present,
the night's raid is flown through the raid engine, and the rounds fired leave the stocks.
Randomness: the nightly raids come from one stream keyed by the seed; the raid engine's night
``d`` uses its own key ``(seed, d)`` with run ``r`` as the replication, so a resumed campaign
reproduces an uninterrupted one and two campaigns with the same seed see the same shots
(common random numbers).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from umbrella import __version__
from umbrella.bundled import bundled_names, load_bundled
from umbrella.campaign.nightly import draw_raids, split_over_waves
from umbrella.campaign.results import CampaignResult
from umbrella.campaign.spec import Campaign, campaign_hash
from umbrella.campaign.supply import plan_supply
from umbrella.catalog import resolve_catalog
from umbrella.engine import simulate
from umbrella.errors import InputError
from umbrella.kernel import LEAKED
from umbrella.raid import Raid, compile_raid, site_positions
from umbrella.scenario import Scenario, load_scenario

__all__ = ["PreparedCampaign", "prepare_campaign", "run_campaign"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
CHECKPOINT_EVERY = 7


@dataclass(frozen=True, eq=False)
class PreparedCampaign:
    """A campaign with its defence compiled and its raids drawn: everything but the nights."""

    campaign: Campaign
    scenario: Scenario
    raid: Raid
    runs: int
    seed: int
    tracked: tuple[str, ...]  # interceptor types whose stocks are carried
    wave_counts: I64  # (R, D, V)
    slot_active: npt.NDArray[np.bool_]  # (D, S): magazine slots of the units present each night
    inflow: I64  # (D, I)
    purchase_spend_usd: F64
    purchased: I64
    unmapped: dict[str, I64]
    wave_cost: F64  # (V,) attacker's cost per threat of each wave
    fingerprint: str


def _load_defence(campaign: Campaign, base: Path) -> Scenario:
    name = campaign.scenario
    if name in bundled_names():
        return load_bundled(name)
    path = Path(name)
    return load_scenario(path if path.is_absolute() else base / path)


def _check(campaign: Campaign, scenario: Scenario, source: str) -> None:
    cat = resolve_catalog(scenario)
    known = set(cat.interceptors)

    def need(name: str, key: str) -> None:
        if name not in known:
            raise InputError(f"unknown interceptor type {name!r}", source=source, key=key)

    for name in campaign.stocks:
        need(name, f"stocks.{name}")
    for field in ("deliveries", "pauses", "production", "purchases", "rationing", "limits"):
        for k, item in enumerate(getattr(campaign, field)):
            need(item.interceptor, f"{field}[{k}].interceptor")
    ids = {u.id for u in scenario.fire_units}
    for k, change in enumerate(campaign.posture):
        for j, site in enumerate(change.add):
            if site.id in ids:
                raise InputError(f"duplicate fire unit id {site.id!r}", source=source,
                                 key=f"posture[{k}].add[{j}].id")  # fmt: skip
            if site.type not in cat.fire_units:
                raise InputError(f"unknown fire unit type {site.type!r}", source=source,
                                 key=f"posture[{k}].add[{j}].type")  # fmt: skip
            ids.add(site.id)
        for j, uid in enumerate(change.remove):
            if uid not in ids:
                raise InputError(f"unknown fire unit {uid!r}", source=source,
                                 key=f"posture[{k}].remove[{j}]")  # fmt: skip
    if campaign.budget_usd is None and campaign.purchases:
        raise InputError("purchases need budget_usd", source=source, key="budget_usd")


def prepare_campaign(
    campaign: Campaign, runs: int, seed: int, base: str | Path = ".", source: str = "<campaign>"
) -> PreparedCampaign:
    """Compile the defence (with every unit that ever takes part) and draw the raids."""
    if runs < 2:
        raise InputError("runs must be at least 2", key="--runs")
    if seed < 0:
        raise InputError("seed must be non-negative", key="--seed")
    base = Path(base)
    defence = _load_defence(campaign, base)
    _check(campaign, defence, source)
    cat = resolve_catalog(defence)
    group_of = {
        name: ("decoy" if t.is_decoy else t.threat_class)
        for name, t in cat.threats.items()
    }  # fmt: skip
    groups = [group_of[w.type] for w in defence.threats]

    rng = np.random.default_rng(np.random.SeedSequence([seed, 0]))
    raids = draw_raids(campaign, base, runs, rng)
    waves, unmapped = split_over_waves(raids, defence, groups)
    capacity = waves.max(axis=(0, 1)) if waves.size else np.zeros(len(defence.threats), int)

    sites = list(defence.fire_units) + [s for c in campaign.posture for s in c.add]
    threats = [
        w.model_copy(update={"count": int(max(c, 0))})
        for w, c in zip(defence.threats, capacity, strict=True)
    ]
    if sum(w.count for w in threats) == 0:
        threats[0] = threats[0].model_copy(update={"count": 1})  # keep the raid compilable
    scenario = defence.model_copy(update={"threats": threats, "fire_units": sites})
    raid = compile_raid(scenario, cat)

    # Which expanded units are present on each night.
    n = campaign.n_nights
    present = np.ones((n, len(sites)), dtype=bool)
    for k in range(len(defence.fire_units), len(sites)):
        present[:, k] = False
    for change in sorted(campaign.posture, key=lambda c: c.date):
        night = max((change.date - campaign.start).days, 0)
        for site in change.add:
            present[night:, [s.id for s in sites].index(site.id)] = True
        for uid in change.remove:
            present[night:, [s.id for s in sites].index(uid)] = False
    per_site = [len(site_positions(s.position_km, s.ring)) for s in sites]
    unit_active = np.repeat(present, per_site, axis=1)
    slot_unit = np.repeat(np.arange(len(raid.unit_ids)), np.diff(raid.unit_slot_ptr))

    tracked = tuple(n_ for n_ in raid.interceptor_names if n_ in campaign.stocks)
    supply = plan_supply(campaign, list(tracked))
    fingerprint = f"{campaign_hash(campaign)}:{runs}:{seed}:{__version__}"
    return PreparedCampaign(
        campaign=campaign, scenario=scenario, raid=raid, runs=runs, seed=seed, tracked=tracked,
        wave_counts=waves, slot_active=unit_active[:, slot_unit], inflow=supply.inflow,
        purchase_spend_usd=supply.purchase_spend_usd, purchased=supply.purchased,
        unmapped=unmapped, fingerprint=fingerprint,
        wave_cost=np.array([cat.threats[w.type].unit_cost_usd for w in defence.threats]),
    )  # fmt: skip


def _night_seed(seed: int, night: int) -> int:
    return int(np.random.SeedSequence([seed, 1, night]).generate_state(1, dtype=np.uint64)[0] >> 1)


def _share_out(cap: I64, mag: I64) -> I64:
    """(R, S) rounds per slot: ``cap`` (R,) shared in proportion to the magazines ``mag`` (S,),
    at most a full magazine each, every round of the cap used (largest remainders)."""
    total = int(mag.sum())
    cap = np.minimum(cap, total)
    exact = cap[:, None] * (mag[None, :] / total)
    base = np.floor(exact).astype(np.int64)
    rest = cap - base.sum(axis=1)
    order = np.argsort(-(exact - base), axis=1, kind="stable")
    rank = np.argsort(order, axis=1, kind="stable")
    return np.asarray(np.minimum(base + (rank < rest[:, None]), mag[None, :]), dtype=np.int64)


def _magazines(prep: PreparedCampaign, night: int, stock: I64) -> I64:
    """(R, S) rounds per magazine slot for a night, from the stocks and the units present."""
    raid, camp = prep.raid, prep.campaign
    runs = prep.runs
    active = prep.slot_active[night]
    default = np.where(active, raid.slot_rounds, 0)
    rounds = np.broadcast_to(default, (runs, default.size)).copy()
    for k, name in enumerate(prep.tracked):
        it = raid.interceptor_names.index(name)
        slots = np.flatnonzero((raid.slot_itype == it) & active)
        if slots.size == 0:
            continue
        cap = stock[:, k].copy()
        for lim in camp.limits:
            if lim.interceptor == name:
                cap = np.minimum(cap, lim.max_per_night)
        for rat in camp.rationing:
            if rat.interceptor == name:
                cap = np.where(stock[:, k] < rat.below, np.minimum(cap, rat.max_per_night), cap)
        rounds[:, slots] = _share_out(cap, raid.slot_rounds[slots])
    return rounds


def run_campaign(
    prep: PreparedCampaign,
    *,
    checkpoint: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[int], None] | None = None,
    stop_after: int | None = None,
) -> CampaignResult:
    """Run every night for every run; see the module docstring.

    Parameters
    ----------
    prep
        From :func:`prepare_campaign`.
    checkpoint
        File to save progress to every few nights (and on interruption); removed when done.
    resume
        Start from ``checkpoint`` if it holds a run of the same campaign, runs and seed.
    progress
        Called with the number of nights done.
    stop_after
        Stop (after checkpointing) once this many nights are done: for tests of resumption.
    """
    raid, camp = prep.raid, prep.campaign
    runs, n = prep.runs, camp.n_nights
    n_i = len(raid.interceptor_names)
    state: dict[str, Any] = {
        "stock": np.zeros((runs, n, len(prep.tracked)), dtype=np.int64),
        "fired": np.zeros((runs, n, n_i), dtype=np.int64),
        "leaked": np.zeros((runs, n), dtype=np.int64),
        "leaked_missiles": np.zeros((runs, n), dtype=np.int64),
        "damage": np.zeros((runs, n)),
        "defender_cost": np.zeros((runs, n)),
        "attacker_cost": np.zeros((runs, n)),
    }
    stock = np.array([[camp.stocks[name] for name in prep.tracked]] * runs, dtype=np.int64)
    stock = stock.reshape(runs, len(prep.tracked))
    start = 0
    path = Path(checkpoint) if checkpoint is not None else None
    if resume and path is not None and path.exists():
        start, stock = _load_checkpoint(path, prep, state)
    tracked_idx = np.array([raid.interceptor_names.index(t) for t in prep.tracked], dtype=np.int64)
    missile = raid.type_class[raid.threat_type] > 0
    try:
        for night in range(start, n):
            before = stock + prep.inflow[night][None, :]
            rounds = _magazines(prep, night, before)
            active = prep.wave_counts[:, night, :]
            res = simulate(raid, runs, _night_seed(prep.seed, night), wave_active=active,
                           slot_rounds=rounds, block_size=max(runs, 1))  # fmt: skip
            stock = before - res.fired[:, tracked_idx]
            leaked = res.fate == LEAKED
            state["stock"][:, night] = stock
            state["fired"][:, night] = res.fired
            state["leaked"][:, night] = leaked.sum(axis=1)
            state["leaked_missiles"][:, night] = (leaked & missile[None, :]).sum(axis=1)
            state["damage"][:, night] = res.damage.sum(axis=1)
            state["defender_cost"][:, night] = res.defender_cost
            state["attacker_cost"][:, night] = active @ prep.wave_cost
            done = night + 1
            if path is not None and (done % CHECKPOINT_EVERY == 0 or done == stop_after):
                _save_checkpoint(path, prep, done, stock, state)
            if progress is not None:
                progress(done)
            if stop_after is not None and done >= stop_after and done < n:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        if path is not None and "done" in locals():
            _save_checkpoint(path, prep, done, stock, state)
        raise
    if path is not None:
        path.unlink(missing_ok=True)
    return CampaignResult(
        name=camp.name, start=camp.start, end=camp.end, runs=runs, seed=prep.seed,
        interceptor_names=raid.interceptor_names, tracked=prep.tracked,
        itype_cost=raid.itype_cost,
        magazine_total=_magazine_total(prep),
        stock_start=np.array([camp.stocks[t] for t in prep.tracked], dtype=np.int64),
        inflow=prep.inflow, purchase_spend_usd=prep.purchase_spend_usd, **state,
    )  # fmt: skip


def _magazine_total(prep: PreparedCampaign) -> I64:
    raid = prep.raid
    present = prep.slot_active[0]
    rounds = np.where(present, raid.slot_rounds, 0)
    return np.bincount(
        raid.slot_itype, weights=rounds, minlength=len(raid.interceptor_names)
    ).astype(np.int64)


def _save_checkpoint(
    path: Path, prep: PreparedCampaign, done: int, stock: I64, state: dict[str, np.ndarray]
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    payload: dict[str, Any] = {
        "meta": np.array(json.dumps({"fingerprint": prep.fingerprint, "done": done})),
        "stock_now": stock,
        **state,
    }
    with open(tmp, "wb") as fh:
        np.savez(fh, **payload)
    tmp.replace(path)


def _load_checkpoint(
    path: Path, prep: PreparedCampaign, state: dict[str, np.ndarray]
) -> tuple[int, I64]:
    try:
        with np.load(path) as data:
            meta = json.loads(str(data["meta"]))
            if meta["fingerprint"] != prep.fingerprint:
                raise InputError(
                    "checkpoint is of another campaign, run count, seed or version",
                    source=path,
                )
            for key in state:
                state[key][...] = data[key]
            return int(meta["done"]), np.array(data["stock_now"])
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"unreadable checkpoint: {exc}", source=path) from None
