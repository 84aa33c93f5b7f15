"""The campaign engine: nightly raids through the raid engine, stocks carried night to night.

Each night, for every run at once: arrivals are added to the stocks, the night's magazines are
allocated from the stocks (capped by rationing and operator limits) over the fire units present,
the night's raid is flown through the raid engine, and the rounds fired leave the stocks.

Randomness (see :mod:`umbrella.core.seeds`): the nightly raids come from the stream
``(seed, CAMPAIGN_RAIDS)``; the raid engine's night ``d`` uses the seed
``child_seed(seed, CAMPAIGN_NIGHT, d)`` with run ``r`` as the replication. So a resumed campaign
reproduces an uninterrupted one, and two campaigns with the same seed see the same shots
(common random numbers).

Nothing here reads files: the defence scenario and the fitted raid-tempo model are given
(:mod:`umbrella.campaign.inputs` reads them for a campaign file).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from umbrella.campaign.checkpoint import Checkpoint, CheckpointStore, fingerprint
from umbrella.campaign.checks import check_campaign, check_memory
from umbrella.campaign.raids import draw_raids, split_over_waves
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.spec import Campaign
from umbrella.campaign.supply import plan_supply
from umbrella.core.apportion import largest_remainder
from umbrella.core.errors import InputError
from umbrella.core.limits import (
    BYTES_PER_RUN_THREAT,
    MAX_THREATS,
    check_runs,
    check_work,
    events_per_threat,
)
from umbrella.core.progress import Progress, report
from umbrella.core.seeds import CAMPAIGN_NIGHT, CAMPAIGN_RAIDS, check_seed, child_seed, generator
from umbrella.core.vocabulary import DATA_CREDIT, LEAKED, MISSILE_THREAT_CLASSES, THREAT_CLASSES
from umbrella.engine import Raid, simulate
from umbrella.scenario.compile import compile_raid, site_positions
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = ["PreparedCampaign", "prepare_campaign", "runs_block", "simulate_prepared"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
State = dict[str, Any]
CHECKPOINT_EVERY = 7
#: The per-run, per-night arrays a campaign fills in, with their trailing shape.
STATE_FIELDS = (
    "stock",
    "fired",
    "leaked",
    "leaked_missiles",
    "damage",
    "defender_cost",
    "attacker_cost",
)
#: The per-run, per-asset totals over the nights done (R, A): summed, not kept night by night.
SUM_FIELDS = ("asset_damage", "asset_leaked")


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
    delivered: I64  # (D, I) the part of the inflow that arrives in lots
    purchase_spend_usd: F64
    purchased: I64
    unmapped: dict[str, I64]
    wave_cost: F64  # (V,) attacker's cost per threat of each wave
    fingerprint: str
    rep0: int = 0  # the first run's index: runs rep0 .. rep0 + runs - 1 of the campaign


def runs_block(prep: PreparedCampaign, rep0: int, n: int) -> PreparedCampaign:
    """Runs ``rep0 .. rep0 + n - 1`` of a prepared campaign: their raids, and the engine's
    counter streams of those runs, so that the block flies exactly those runs of the whole."""
    if rep0 < 0 or n < 1 or rep0 + n > prep.runs or prep.rep0 != 0:
        raise ValueError(f"runs {rep0}..{rep0 + n - 1} are not a block of {prep.runs} runs")
    return replace(
        prep, runs=n, rep0=rep0, wave_counts=prep.wave_counts[rep0 : rep0 + n],
        fingerprint=f"{prep.fingerprint}:{rep0}+{n}",
    )  # fmt: skip


def prepare_campaign(
    campaign: Campaign,
    defence: Scenario,
    runs: int,
    seed: int,
    *,
    tempo: TempoModel | None = None,
    source: str = "<campaign>",
) -> PreparedCampaign:
    """Compile the defence (with every unit that ever takes part) and draw the raids.

    Parameters
    ----------
    campaign
        The campaign spec.
    defence
        The defence scenario the campaign names (its waves give the raid's routes and mix).
    runs, seed
        Runs (>= 2) and seed (>= 0).
    tempo
        The fitted raid-tempo model, when the campaign's raids come from it.
    source
        Where the campaign came from, for error messages.
    """
    if source == "<campaign>":
        source = campaign.source
    try:
        return _prepare(campaign, defence, runs, seed, tempo, source)
    except InputError as exc:
        if exc.source is not None:
            raise
        raise InputError(exc.message, source=source, key=exc.key, line=exc.line) from None


def _prepare(
    campaign: Campaign,
    defence: Scenario,
    runs: int,
    seed: int,
    tempo: TempoModel | None,
    source: str,
) -> PreparedCampaign:
    runs = check_runs(runs)
    seed = check_seed(seed)
    check_campaign(campaign, defence, source)
    cat = defence.resolved_catalogue()
    check_memory(campaign, defence, runs)

    raids = draw_raids(campaign, runs, generator(seed, CAMPAIGN_RAIDS), tempo)
    waves, unmapped = split_over_waves(raids, defence)
    capacity = waves.max(axis=(0, 1)) if waves.size else np.zeros(len(defence.threats), int)
    if int(capacity.sum()) > MAX_THREATS:
        raise InputError(
            f"the nightly raids drawn reach {int(capacity.sum()):,} threats in one night, over "
            f"the limit of {MAX_THREATS:,}",
            key="raids",
        )

    sites = list(defence.fire_units) + [s for c in campaign.posture for s in c.add]
    threats = [
        w.model_copy(update={"count": int(max(c, 0))})
        for w, c in zip(defence.threats, capacity, strict=True)
    ]
    if sum(w.count for w in threats) == 0:
        threats[0] = threats[0].model_copy(update={"count": 1})  # keep the raid compilable
    try:
        scenario = defence.model_copy(update={"threats": threats, "fire_units": sites})
    except InputError as exc:
        raise InputError(
            f"the defence with every unit of the posture changes and the largest nightly raids: "
            f"{exc.key + ': ' if exc.key else ''}{exc.message}",
            key="posture" if len(sites) > len(defence.fire_units) else "raids",
        ) from None
    raid = compile_raid(scenario, cat)
    per_threat = events_per_threat(raid.tmpl_opp_ptr, raid.wave_tmpl_start, raid.wave_tmpl_end)
    per_run = raid.n_threats * BYTES_PER_RUN_THREAT + 8 * (
        len(raid.unit_ids) + raid.slot_itype.size
    )
    check_work(
        events=int(capacity @ per_threat),
        work=int(waves.sum(axis=(0, 1)) @ per_threat) + runs * campaign.n_nights * raid.n_threats,
        memory_bytes=runs * per_run,
        what=f"{runs:,} runs of {campaign.n_nights:,} nights",
    )

    # Which expanded units are present on each night.
    n = campaign.n_nights
    site_ids = [s.id for s in sites]
    present = np.ones((n, len(sites)), dtype=bool)
    present[:, len(defence.fire_units) :] = False
    for change in sorted(campaign.posture, key=lambda c: c.date):
        night = max((change.date - campaign.start).days, 0)
        for site in change.add:
            present[night:, site_ids.index(site.id)] = True
        for uid in change.remove:
            present[night:, site_ids.index(uid)] = False
    per_site = [len(site_positions(s.position_km, s.ring)) for s in sites]
    unit_active = np.repeat(present, per_site, axis=1)
    slot_unit = np.repeat(np.arange(len(raid.unit_ids)), np.diff(raid.unit_slot_ptr))

    tracked = tuple(n_ for n_ in raid.interceptor_names if n_ in campaign.stocks)
    supply = plan_supply(campaign, list(tracked))
    return PreparedCampaign(
        campaign=campaign, scenario=scenario, raid=raid, runs=runs, seed=seed, tracked=tracked,
        wave_counts=waves, slot_active=unit_active[:, slot_unit], inflow=supply.inflow,
        delivered=supply.delivered,
        purchase_spend_usd=supply.purchase_spend_usd, purchased=supply.purchased,
        unmapped=unmapped, fingerprint=fingerprint(campaign, defence, tempo, runs, seed),
        wave_cost=np.array([cat.threats[w.type].unit_cost_usd for w in defence.threats]),
    )  # fmt: skip


def _share_out(cap: I64, mag: I64) -> I64:
    """(R, S) rounds per slot: ``cap`` (R,) shared in proportion to the magazines ``mag`` (S,),
    at most a full magazine each, every round of the cap used (largest remainders)."""
    shares = largest_remainder(np.minimum(cap, int(mag.sum())), mag)
    return np.asarray(np.minimum(shares, mag[None, :]), dtype=np.int64)


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


def _empty_state(prep: PreparedCampaign) -> State:
    runs, n = prep.runs, prep.campaign.n_nights
    n_i = len(prep.raid.interceptor_names)
    return {
        "stock": np.zeros((runs, n, len(prep.tracked)), dtype=np.int64),
        "fired": np.zeros((runs, n, n_i), dtype=np.int64),
        "leaked": np.zeros((runs, n), dtype=np.int64),
        "leaked_missiles": np.zeros((runs, n), dtype=np.int64),
        "damage": np.zeros((runs, n)),
        "defender_cost": np.zeros((runs, n)),
        "attacker_cost": np.zeros((runs, n)),
    }


def _empty_sums(prep: PreparedCampaign) -> State:
    shape = (prep.runs, len(prep.raid.asset_ids))
    return {"asset_damage": np.zeros(shape), "asset_leaked": np.zeros(shape, dtype=np.int64)}


def _stock_after(prep: PreparedCampaign, state: State, done: int) -> I64:
    """(R, T) stocks after ``done`` nights: the state's last finished night, or the start."""
    if done > 0:
        return np.array(state["stock"][:, done - 1], dtype=np.int64)
    start = np.array([prep.campaign.stocks[name] for name in prep.tracked], dtype=np.int64)
    return np.broadcast_to(start, (prep.runs, len(prep.tracked))).copy()


def simulate_prepared(
    prep: PreparedCampaign,
    *,
    checkpoint: CheckpointStore | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    stop_after: int | None = None,
) -> CampaignResult:
    """Run every night for every run; see the module docstring.

    Parameters
    ----------
    prep
        From :func:`prepare_campaign`.
    checkpoint
        Where to save progress every few nights and on interruption; cleared when done.
    resume
        Start from the checkpoint if it holds a run of the same inputs, runs and seed.
    progress
        ``progress(done, total, "nights")`` after each night (:mod:`umbrella.core.progress`),
        and once at the start when resuming from a checkpoint.
    stop_after
        Stop (after checkpointing) once this many nights are done: for tests of resumption.

    Notes
    -----
    A night is flown into fresh arrays and then committed: its columns are copied into the state
    and ``done`` moves on last. A checkpoint holds nights ``0 .. done - 1`` only, so whatever
    point an interruption lands on (SIGINT or SIGTERM in the compiled night, between the stock
    update and the bookkeeping, during the checkpoint write), the state saved is the state of
    the nights finished, and the stocks to carry on from are read back from it.
    """
    raid, camp = prep.raid, prep.campaign
    n = camp.n_nights
    state = _empty_state(prep)
    # Nights done and the per-asset sums over them, replaced together in one assignment: an
    # interruption between two lines never saves sums of one night more or less than ``done``.
    kept: tuple[int, State] = (0, _empty_sums(prep))
    if resume and checkpoint is not None:
        saved = checkpoint.load(prep.fingerprint)
        if saved is not None:
            _check_saved(prep, saved, _where(checkpoint))
            for key in STATE_FIELDS:
                state[key][:, : saved.done] = saved.state[key]
            kept = (saved.done, {key: np.array(saved.state[key]) for key in SUM_FIELDS})

    def save() -> None:
        done, sums = kept
        if checkpoint is not None and done > 0:
            finished = {key: state[key][:, :done] for key in STATE_FIELDS} | sums
            checkpoint.save(prep.fingerprint, Checkpoint(done=done, state=finished))

    tracked_idx = np.array([raid.interceptor_names.index(t) for t in prep.tracked], dtype=np.int64)
    missile_classes = [THREAT_CLASSES.index(c) for c in MISSILE_THREAT_CLASSES]
    missile = np.isin(raid.type_class, missile_classes)  # (K,) missile threat types
    try:
        if kept[0] > 0:
            report(progress, kept[0], n, "nights")
        for night in range(kept[0], n):
            values = _fly_night(prep, state, night, tracked_idx, missile)
            for key in STATE_FIELDS:
                state[key][:, night] = values[key]
            sums = {key: kept[1][key] + values[key] for key in SUM_FIELDS}
            kept = (night + 1, sums)  # the night counts as finished only from here on
            done = kept[0]
            if done % CHECKPOINT_EVERY == 0:
                save()
            report(progress, done, n, "nights")
            if stop_after is not None and done >= stop_after and done < n:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        save()
        raise
    if checkpoint is not None:
        checkpoint.clear()
    return CampaignResult(
        name=camp.name, start=camp.start, end=camp.end, runs=prep.runs, seed=prep.seed,
        interceptor_names=raid.interceptor_names, tracked=prep.tracked,
        itype_cost=raid.itype_cost,
        magazine_total=_magazine_total(prep),
        stock_start=np.array([camp.stocks[t] for t in prep.tracked], dtype=np.int64),
        inflow=prep.inflow, purchase_spend_usd=prep.purchase_spend_usd, **state, **kept[1],
        asset_ids=raid.asset_ids,
        asset_groups=tuple(a.group_name for a in prep.scenario.assets),
        asset_value=np.array(raid.asset_value, dtype=np.float64),
        delivered=prep.delivered,
        pauses=tuple((p.interceptor, p.start, p.end) for p in camp.pauses),
        labels=dict(zip(raid.type_names, raid.type_labels, strict=True))
        | dict(zip(raid.interceptor_names, raid.interceptor_labels, strict=True)),
        scenario_name=prep.scenario.name,
        data_credit=DATA_CREDIT if camp.raids.source == "tempo" else raid.data_credit,
    )  # fmt: skip


def _fly_night(
    prep: PreparedCampaign,
    state: State,
    night: int,
    tracked_idx: I64,
    missile: npt.NDArray[np.bool_],  # (K,) missile threat types
) -> State:
    """Fly one night for every run; its columns of the state, computed without changing it."""
    before = _stock_after(prep, state, night) + prep.inflow[night][None, :]
    rounds = _magazines(prep, night, before)
    active = prep.wave_counts[:, night, :]
    night_seed = child_seed(prep.seed, CAMPAIGN_NIGHT, night)
    res = simulate(prep.raid, prep.runs, night_seed, wave_active=active, slot_rounds=rounds,
                   block_size=max(prep.runs, 1), per_threat=False, rep0=prep.rep0)  # fmt: skip
    leaked = res.type_fates[:, :, LEAKED]  # (R, K)
    return {
        "stock": before - res.fired[:, tracked_idx],
        "fired": res.fired,
        "leaked": leaked.sum(axis=1),
        "leaked_missiles": leaked[:, missile].sum(axis=1),
        "damage": res.damage.sum(axis=1),
        "defender_cost": res.defender_cost,
        "attacker_cost": active @ prep.wave_cost,
        "asset_damage": res.damage,
        "asset_leaked": res.hits,
    }


def _check_saved(prep: PreparedCampaign, saved: Checkpoint, where: str | None) -> None:
    """A checkpoint whose fingerprint matches must still hold arrays this run could have made."""
    template = _empty_state(prep)
    if not 0 < saved.done <= prep.campaign.n_nights:
        raise InputError(
            f"checkpoint holds {saved.done} nights of a {prep.campaign.n_nights}-night campaign",
            source=where,
        )
    sums = _empty_sums(prep)
    for key in STATE_FIELDS + SUM_FIELDS:
        arr = np.asarray(saved.state[key]) if key in saved.state else None
        want = template[key][:, : saved.done] if key in template else sums[key]
        if arr is None or arr.shape != want.shape or arr.dtype != want.dtype:
            raise InputError(f"checkpoint array {key!r} is not of this run", source=where)
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise InputError(f"checkpoint array {key!r} holds NaN or infinite values", source=where)
        if np.any(arr < 0):
            raise InputError(f"checkpoint array {key!r} holds negative values", source=where)


def _where(store: CheckpointStore) -> str | None:
    path = getattr(store, "path", None)
    return None if path is None else str(path)


def _magazine_total(prep: PreparedCampaign) -> I64:
    raid = prep.raid
    present = prep.slot_active[0]
    rounds = np.where(present, raid.slot_rounds, 0)
    return np.bincount(
        raid.slot_itype, weights=rounds, minlength=len(raid.interceptor_names)
    ).astype(np.int64)
