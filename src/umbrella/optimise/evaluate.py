"""Evaluate buys under common random numbers, reusing the drawn raids and the compiled defence.

The campaign is prepared once (raids drawn, defence compiled) with every fire unit and team of
the menu in its posture at its most units; a buy then only changes which of those units are
present, the rounds that arrive, the production lines and the operator limits, so each
candidate is one pass of :func:`~umbrella.campaign.simulate_prepared` over the same raids and
the same shots. EW zones change the compiled defence: one preparation per number of zones bought.

The nights before the first thing bought arrives are the same for every buy (the same raids,
shots and stocks): a buy resumes from the baseline's state at that night, as a campaign resumes
from a checkpoint, and only flies the nights after it.

An evaluator may hold a block of the runs only (``block=(rep0, n)``): the campaign is prepared
for every run (the raids of all runs are drawn at once) and sliced with
:func:`~umbrella.campaign.stocks.runs_block`, so the block's per-run objective is exactly that
of those runs evaluated in one piece; the baseline whose nights a buy shares is flown on the
block too. The evaluators of one worker share their preparations (``preparations``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from umbrella.campaign.checkpoint import Checkpoint
from umbrella.campaign.result import CampaignResult
from umbrella.campaign.spec import Campaign
from umbrella.campaign.stocks import (
    STATE_FIELDS,
    SUM_FIELDS,
    PreparedCampaign,
    prepare_campaign,
    runs_block,
    simulate_prepared,
)
from umbrella.campaign.supply import plan_supply
from umbrella.core.errors import InputError
from umbrella.optimise.buy import Buy, apply_buy, site_ids
from umbrella.optimise.spec import OptimisationSpec, Risk
from umbrella.scenario.compile import site_positions
from umbrella.scenario.model import Scenario
from umbrella.tempo.model import TempoModel

__all__ = [
    "Evaluator",
    "Preparations",
    "asset_columns",
    "buy_cost",
    "objective_per_run",
    "score",
]

F64 = npt.NDArray[np.float64]
#: Prepared superset campaigns of every run by EW key: the campaign, the site of each slot and
#: the index of each site.
Preparations = dict[tuple[int, ...], tuple[PreparedCampaign, npt.NDArray[np.int64], dict[str, int]]]


def objective_per_run(
    result: CampaignResult, objective: str, assets: Sequence[str] | None = None
) -> F64:
    """(R,) the objective of each run: damage or leakers summed over the campaign.

    ``assets`` scores only those assets: each name is an asset id or a group (a city) of the
    defence scenario's assets; a run's objective is then the sum over the assets named or in the
    groups named.
    """
    if assets is not None:
        cols = asset_columns(result.asset_ids, result.asset_groups, assets)
        per_asset = result.asset_damage if objective == "damage" else result.asset_leaked
        return np.asarray(per_asset[:, cols].sum(axis=1), dtype=np.float64)
    if objective == "damage":
        return np.asarray(result.damage.sum(axis=1), dtype=np.float64)
    if objective == "leaked":
        return np.asarray(result.leaked.sum(axis=1), dtype=np.float64)
    raise InputError(f"unknown objective {objective!r}", key="objective")


def asset_columns(
    asset_ids: Sequence[str], asset_groups: Sequence[str], names: Sequence[str]
) -> npt.NDArray[np.intp]:
    """The columns of the assets that ``names`` (asset ids or group names) pick out.

    Raises
    ------
    InputError
        Key ``assets[k]`` for a name that is neither an asset nor a group.
    """
    picked = np.zeros(len(asset_ids), dtype=bool)
    for k, name in enumerate(names):
        hit = np.array(
            [a == name or g == name for a, g in zip(asset_ids, asset_groups, strict=True)],
            dtype=bool,
        )
        if not hit.any():
            raise InputError(f"{name!r} is neither an asset nor a group of the campaign's "
                             "defence", key=f"assets[{k}]")  # fmt: skip
        picked |= hit
    return np.flatnonzero(picked)


def score(per_run: F64, risk: Risk | None) -> float:
    """What the search minimises: the mean over runs, or with ``risk`` the mix
    ``(1 - weight) x mean + weight x CVaR`` (the mean of the worst ``1 - cvar_alpha`` share of
    runs)."""
    mean = float(per_run.mean())
    if risk is None or risk.weight == 0.0:
        return mean
    worst = np.sort(per_run)[::-1]
    k = max(1, int(np.ceil((1.0 - risk.cvar_alpha) * worst.size)))
    return (1.0 - risk.weight) * mean + risk.weight * float(worst[:k].mean())


def buy_cost(spec: OptimisationSpec, buy: Buy) -> float:
    """What a buy costs, USD."""
    return float(sum(o.price_usd * u for o, u in zip(spec.options, buy, strict=True)))


class _SharedNights:
    """A read-only checkpoint store holding the nights a buy shares with the baseline."""

    def __init__(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        self._fingerprint = fingerprint
        self._checkpoint = checkpoint

    def load(self, fingerprint: str) -> Checkpoint | None:
        return self._checkpoint if fingerprint == self._fingerprint else None

    def save(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        pass  # the shared nights stay as they are

    def clear(self) -> None:
        pass


class _Capture:
    """A checkpoint store that keeps the last checkpoint saved in memory: the baseline's state
    after a given night, per-asset sums included, from a run stopped there."""

    def __init__(self) -> None:
        self.saved: Checkpoint | None = None

    def load(self, fingerprint: str) -> Checkpoint | None:
        return None

    def save(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        self.saved = checkpoint

    def clear(self) -> None:
        pass


class Evaluator:
    """The per-run objective of buys on one set of replications (``runs`` and ``seed``).

    Parameters
    ----------
    spec
        The optimisation.
    campaign, defence, tempo
        The campaign, its defence scenario and its fitted raid-tempo model (None for raids
        written as distributions).
    runs, seed
        The replications every buy is evaluated on (common random numbers).
    block
        ``(rep0, n)``: evaluate runs ``rep0 .. rep0 + n - 1`` of the ``runs`` only (default:
        all of them); the per-run objective is exactly those runs' of the whole.
    preparations
        Where the prepared campaigns of every run are kept, shared by the evaluators of the
        blocks of one set of runs (default: this evaluator's own).
    """

    def __init__(
        self, spec: OptimisationSpec, campaign: Campaign, defence: Scenario,
        tempo: TempoModel | None, runs: int, seed: int, *,
        block: tuple[int, int] | None = None, preparations: Preparations | None = None,
    ) -> None:  # fmt: skip
        self.spec = spec
        self.campaign = campaign
        self.defence = defence
        self.tempo = tempo
        self.runs = runs
        self.seed = seed
        self.block = block
        self._full: Preparations = {} if preparations is None else preparations
        self._preps: dict[Buy, tuple[PreparedCampaign, npt.NDArray[np.int64]]] = {}
        self._cache: dict[Buy, F64] = {}
        self._base: dict[Buy, CampaignResult] = {}
        self._starts: dict[tuple[Buy, int], Checkpoint] = {}
        self._site_index: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._cache)

    def evaluated(self) -> dict[Buy, F64]:
        """Every buy evaluated so far with its per-run objective."""
        return dict(self._cache)

    def _ew_key(self, buy: Buy) -> Buy:
        return tuple(u if o.kind == "ew_zone" else 0 for o, u in zip(self.spec.options, buy,
                                                                        strict=True))  # fmt: skip

    def _prepared(self, buy: Buy) -> tuple[PreparedCampaign, npt.NDArray[np.int64]]:
        """The prepared superset campaign for the buy's EW zones, and the site of each slot."""
        key = self._ew_key(buy)
        if key in self._preps:
            return self._preps[key]
        if key not in self._full:
            self._full[key] = self._prepare(key)
        prep, slot_site, self._site_index = self._full[key]
        if self.block is not None:
            prep = runs_block(prep, *self.block)
        self._preps[key] = (prep, slot_site)
        return prep, slot_site

    def _prepare(self, key: Buy) -> tuple[PreparedCampaign, npt.NDArray[np.int64], dict[str, int]]:
        """The superset campaign of every run for EW key ``key``, prepared."""
        most = tuple(
            o.max_units if o.kind in ("fire_unit", "drone_team") else k
            for o, k in zip(self.spec.options, key, strict=True)
        )
        camp, dfn = apply_buy(self.campaign, self.defence, self.spec.options, most)
        prep = prepare_campaign(camp, dfn, self.runs, self.seed, tempo=self.tempo,
                                source=self.campaign.source)  # fmt: skip
        sites = list(dfn.fire_units) + [s for c in camp.posture for s in c.add]
        per_site = [len(site_positions(s.position_km, s.ring)) for s in sites]
        unit_site = np.repeat(np.arange(len(sites)), per_site)
        raid = prep.raid
        slot_unit = np.repeat(np.arange(len(raid.unit_ids)), np.diff(raid.unit_slot_ptr))
        slot_site = unit_site[slot_unit]
        return prep, slot_site, {s.id: i for i, s in enumerate(sites)}

    def prepared_for(self, buy: Buy) -> PreparedCampaign:
        """The prepared campaign of one buy: the superset with the units not bought absent."""
        prep, slot_site = self._prepared(buy)
        camp, _ = apply_buy(self.campaign, self.defence, self.spec.options, buy)
        absent = [
            self._site_index[site_ids(o, u)]
            for o, k in zip(self.spec.options, buy, strict=True)
            if o.kind in ("fire_unit", "drone_team")
            for u in range(k, o.max_units)
        ]
        keep = ~np.isin(slot_site, np.array(absent, dtype=np.int64))
        supply = plan_supply(camp, list(prep.tracked))
        return dataclasses.replace(
            prep, campaign=camp, slot_active=prep.slot_active & keep[None, :],
            inflow=supply.inflow, purchase_spend_usd=supply.purchase_spend_usd,
            purchased=supply.purchased,
        )  # fmt: skip

    def first_change(self, buy: Buy) -> int:
        """The first night on which the buy can differ from the baseline with its EW zones
        (the number of nights when nothing bought arrives within the campaign)."""
        camp = self.campaign
        first = camp.n_nights
        for o, u in zip(self.spec.options, buy, strict=True):
            if u <= 0 or o.kind == "ew_zone":
                continue
            raises_limit = o.drone_team is not None and o.drone_team.operators_per_night > 0
            day = camp.start if o.arrival is None or raises_limit else o.arrival
            first = min(first, max((day - camp.start).days, 0))
        return first

    def result(self, buy: Buy) -> CampaignResult:
        """The campaign result of one buy (not cached): the nights before anything bought
        arrives are taken from the baseline, the others flown."""
        prep = self.prepared_for(buy)
        base_key = self._ew_key(buy)
        done = self.first_change(buy)
        if buy == base_key or done == 0:
            return simulate_prepared(prep)
        shared = self._shared_nights(base_key, done)
        return simulate_prepared(
            prep, checkpoint=_SharedNights(prep.fingerprint, shared), resume=True
        )

    def _shared_nights(self, base_key: Buy, done: int) -> Checkpoint:
        """The baseline's state after ``done`` nights, the per-asset sums over those nights
        included: from its full result when ``done`` is every night, else from a run of the
        baseline stopped after night ``done`` (cached)."""
        if (base_key, done) in self._starts:
            return self._starts[(base_key, done)]
        if done >= self.campaign.n_nights:
            if base_key not in self._base:
                self._base[base_key] = self.result(base_key)
            base = self._base[base_key]
            state = {k: getattr(base, k)[:, :done] for k in STATE_FIELDS}
            state |= {k: getattr(base, k) for k in SUM_FIELDS}
            shared = Checkpoint(done=done, state=state)
        else:
            capture = _Capture()
            with contextlib.suppress(KeyboardInterrupt):
                simulate_prepared(self.prepared_for(base_key), checkpoint=capture, stop_after=done)
            assert capture.saved is not None and capture.saved.done == done
            shared = capture.saved
        self._starts[(base_key, done)] = shared
        return shared

    def per_run(self, buy: Buy) -> F64:
        """(R,) the objective of each run with this buy (of the block's runs, with ``block``;
        cached)."""
        buy = tuple(int(u) for u in buy)
        if buy not in self._cache:
            res = self.result(buy)
            if buy == self._ew_key(buy):
                self._base[buy] = res  # the state later buys resume from
            self._cache[buy] = objective_per_run(res, self.spec.objective, self.spec.assets)
        return self._cache[buy]

    def tracked(self) -> tuple[str, ...]:
        """The interceptor types whose stocks the campaign carries."""
        return self._prepared(tuple(0 for _ in self.spec.options))[0].tracked
