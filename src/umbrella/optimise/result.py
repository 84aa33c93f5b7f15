"""What an optimisation found: the buy chosen, the frontier, the gap, and the output folder.

Randomness and estimates (see :mod:`umbrella.optimise.run`): every buy of the search is
evaluated on a prefix of the selection replications (``seed``): every run for the baseline and
the buys that survived their races, fewer for the buys a race dropped
(:mod:`umbrella.optimise.race`). The winner, the baseline and the best alternatives are flown
again on every independent replication (``confirm_seed``), which the buy chosen, its objective,
its reduction from the baseline and the gap are reported from.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from umbrella.campaign.spec import Campaign
from umbrella.core.documents import Estimate
from umbrella.core.stats import estimate, estimate_columns, paired_difference, t_quantile
from umbrella.core.userfiles import real_path
from umbrella.optimise.buy import Buy
from umbrella.optimise.evaluate import buy_cost
from umbrella.optimise.race import Racing
from umbrella.optimise.spec import OptimisationSpec
from umbrella.scenario.model import Scenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from umbrella.core.documents.optimise import (
        Alternative,
        FrontierBuy,
        Gap,
        OptimisationDetails,
        OptimisationSummary,
        OptionSummary,
        RacingDetails,
    )

__all__ = ["BEST", "BEST_DEFENCE", "OptimisationResult", "data_credit"]

F64 = npt.NDArray[np.float64]
#: The campaign with the chosen buy, in an optimisation folder.
BEST = "best.toml"
#: The defence scenario written beside ``best.toml`` when the buy adds EW zones.
BEST_DEFENCE = "best-defence.toml"


def data_credit(campaign: Campaign, defence: Scenario) -> str:
    """The attack reports' credit line if the campaign's raids or its defence's posture come
    from them ("" otherwise)."""
    if campaign.raids.source == "tempo":
        from umbrella.core.vocabulary import DATA_CREDIT

        return DATA_CREDIT
    record = defence.calibration
    return "" if record is None else str(record.data_credit)


@dataclass(frozen=True, eq=False, repr=False)
class OptimisationResult:
    """What an optimisation found.

    Attributes
    ----------
    spec, campaign, defence
        The optimisation, the campaign it names and that campaign's defence scenario.
    runs, seed, confirm_seed
        Replications per buy; the seed of the selection replications and of the independent
        ones (:data:`~umbrella.core.seeds.OPTIMISE_CONFIRM`).
    best, method, stopped
        The buy chosen (units per option, in the menu's order), how it was found, and whether
        the time limit stopped the search.
    idle
        Per option, why it can change nothing or cannot be bought ('' where it may).
    evaluated
        The per-run objective (n,) of every buy evaluated on the first ``n`` selection
        replications (``n = runs`` for the baseline and the buys that survived their races).
    confirm
        The per-run objective (R,) of the buys re-flown on the independent replications.
    seconds
        How long the optimisation took.
    data_credit
        The attack reports' credit line when the raids or the posture come from them.
    racing
        How the search raced its candidates (None when not recorded).
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_optimisation`; None when made by
        hand).
    """

    kind: ClassVar[str] = "optimise"

    spec: OptimisationSpec
    campaign: Campaign
    defence: Scenario
    runs: int
    seed: int
    confirm_seed: int
    best: Buy
    method: str
    stopped: bool
    idle: list[str]
    evaluated: dict[Buy, F64]
    confirm: dict[Buy, F64]
    seconds: float
    data_credit: str = ""
    racing: Racing | None = None
    provenance: Mapping[str, Any] | None = None

    @property
    def baseline(self) -> Buy:
        """The empty buy."""
        return tuple(0 for _ in self.spec.options)

    def buy_doc(self, buy: Buy) -> dict[str, int]:
        """``{option id: units}`` of the options bought."""
        return {o.id: int(u) for o, u in zip(self.spec.options, buy, strict=True) if u > 0}

    def buy_text(self, buy: Buy) -> str:
        """A buy in words: ``"pac3-20 x2, iris-40 x1"`` (``"nothing"`` for the empty buy)."""
        return ", ".join(f"{k} x{v}" for k, v in self.buy_doc(buy).items()) or "nothing"

    def options_doc(self) -> list[OptionSummary]:
        """The menu as a reader needs it: per option, what one unit is (in words, types by their
        display names), its price, how many may be bought and when each arrives."""
        cat = self.defence.resolved_catalogue()

        def name(key: str | None) -> str:
            for group in (cat.interceptors, cat.fire_units):
                found = group.get(str(key))
                if found is not None and found.display_name:
                    return str(found.display_name)
            return str(key)

        out: list[OptionSummary] = []
        for o in self.spec.options:
            if o.kind == "lot":
                what = f"{o.quantity:,} rounds of {name(o.interceptor)}"
            elif o.kind == "fire_unit":
                assert o.fire_unit is not None
                where = "a ring of sites" if o.fire_unit.ring is not None else "one site"
                what = f"a {name(o.fire_unit.type)} fire unit ({where})"
            elif o.kind == "drone_team":
                assert o.drone_team is not None
                what = (f"a {name(o.drone_team.type)} interceptor-drone team, "
                        f"{o.drone_team.operators_per_night:,} rounds a night more")  # fmt: skip
            elif o.kind == "production":
                assert o.production is not None
                p = o.production
                what = (f"a production line of {name(p.interceptor)}: {p.per_day:,g} rounds a "
                        f"day, reached {p.ramp_days} days after it starts")  # fmt: skip
            else:
                assert o.ew_zone is not None
                z = o.ew_zone
                what = (f"an EW zone of {z.radius_km:,g} km radius at {list(z.centre_km)} km, "
                        f"P(threat lost) {z.p_loss:g}, for the whole campaign")  # fmt: skip
            arrival = o.arrival if o.arrival is not None else self.campaign.start
            out.append({"id": o.id, "kind": o.kind, "contents": what,
                        "price_usd": float(o.price_usd), "max_units": int(o.max_units),
                        "arrival": arrival.isoformat(), "description": o.description})  # fmt: skip
        return out

    def paired_mean(self, buy: Buy) -> float:
        """A buy's mean objective on the selection replications, paired with the baseline's
        runs: ``mean(x - base)`` over the buy's runs plus the baseline's mean over every run (the
        plain mean for a buy flown on every run)."""
        x = self.evaluated[buy]
        base = self.evaluated.get(self.baseline)
        if base is None or base.size <= x.size:
            return _mean(x)
        return float((x - base[: x.size]).mean()) + _mean(base)

    def frontier(self) -> list[Buy]:
        """The buys evaluated that no cheaper (or as cheap) buy beats: the cost-objective
        Pareto front, cheapest first (by :meth:`paired_mean`, so that buys a race dropped early
        compare by their paired differences from the baseline)."""
        fits = [b for b in self.evaluated if buy_cost(self.spec, b) <= self.spec.budget_usd]
        order = sorted(fits, key=lambda b: (buy_cost(self.spec, b), self.paired_mean(b), b))
        out: list[Buy] = []
        best = np.inf
        for b in order:
            m = self.paired_mean(b)
            if m < best:
                out.append(b)
                best = m
        return out

    def gap(self) -> Gap:
        """The optimality gap estimate and its upper 95% bound (see
        :mod:`umbrella.optimise.run`)."""
        win = self.confirm[self.best]
        alts = [b for b in self.confirm if b != self.best]
        if not alts:
            return {"estimate": 0.0, "ci95_upper": 0.0}
        q = t_quantile(1.0 - 0.05 / len(alts), self.runs - 1)
        est, upper = 0.0, 0.0
        for b in alts:
            d = win - self.confirm[b]
            m = float(d.mean())
            se = float(d.std(ddof=1)) / np.sqrt(d.size)
            est, upper = max(est, m), max(upper, m + q * se)
        return {"estimate": est, "ci95_upper": upper}

    def reduction(self) -> Estimate:
        """The chosen buy's reduction of the objective from nothing bought, paired per run on
        the independent replications (positive: the buy helps)."""
        return paired_difference(self.confirm[self.baseline], self.confirm[self.best])

    def alternatives(self) -> list[Alternative]:
        """The buys re-flown beside the winner on the independent replications, each with the
        paired difference winner - alternative (negative: the winner is better)."""
        win = self.confirm[self.best]
        return [
            {"buy": self.buy_doc(b), "cost_usd": buy_cost(self.spec, b),
             "difference": paired_difference(win, x)}
            for b, x in self.confirm.items()
            if b != self.best
        ]  # fmt: skip

    def marginal(self) -> dict[str, Estimate]:
        """Per option: the objective's reduction per $1M of its first unit against the baseline,
        paired per run on the selection replications the first unit was flown on; exactly 0 for
        options that cannot change the campaign by construction."""
        base = self.evaluated[self.baseline]
        out: dict[str, Estimate] = {}
        for k, opt in enumerate(self.spec.options):
            one = tuple(1 if i == k else 0 for i in range(len(self.spec.options)))
            if one not in self.evaluated:
                out[opt.id] = estimate(np.zeros_like(base))  # changes nothing
                continue
            x = self.evaluated[one]
            out[opt.id] = estimate((base[: x.size] - x) / (opt.price_usd / 1e6))
        return out

    def details(self) -> OptimisationDetails:
        """How the buy was found and checked: method, stop, buys evaluated, both sets of
        replications, the alternatives re-flown and the options left out, with why."""
        return {
            "method": self.method,
            "stopped_by_time_limit": self.stopped,
            "buys_evaluated": len(self.evaluated),
            "selection": {"seed": self.seed, "runs": self.runs},
            "confirmation": {"seed": self.confirm_seed, "runs": self.runs},
            "alternatives": self.alternatives(),
            "idle_options": {
                o.id: why for o, why in zip(self.spec.options, self.idle, strict=True) if why
            },
            "racing": self.racing_details(),
        }

    def racing_details(self) -> RacingDetails:
        """How the search raced: the stages' run counts, the error rate of each race, the
        candidates flown at each stage of each race and the buys dropped (with the stage at which
        and the runs they had then), and the runs flown against those every buy evaluated would
        have flown on every run."""
        rec = self.racing or Racing(enabled=False, note="not recorded", alpha=0.0,
                                    stages=(self.runs,))  # fmt: skip
        stages = list(rec.stages)
        return {
            "enabled": rec.enabled,
            "note": rec.note,
            "alpha": rec.alpha,
            "stages": stages,
            "runs_flown": int(sum(x.size for x in self.evaluated.values())),
            "runs_without_racing": len(self.evaluated) * self.runs,
            "races": [
                {"step": r.step, "buys": r.buys, "per_comparison_level": r.level,
                 "survivors": list(r.survivors)}
                for r in rec.races
            ],
            "eliminated": [
                {"buy": self.buy_doc(b), "step": r.step, "stage": k, "runs": stages[k - 1]}
                for r in rec.races
                for b, k in r.dropped.items()
            ],
        }  # fmt: skip

    def summary(self) -> OptimisationSummary:
        """The ``umbrella optimise --json`` document (an
        :class:`~umbrella.core.documents.optimise.OptimisationSummary`; see docs/optimise.md)."""
        from umbrella.core.version import __version__

        spec = self.spec
        base = self.evaluated[self.baseline]
        frontier: list[FrontierBuy] = [
            {"buy": self.buy_doc(b), "cost_usd": buy_cost(spec, b),
             "objective": estimate(self.evaluated[b]), "runs": int(self.evaluated[b].size),
             "reduction": paired_difference(base[: self.evaluated[b].size], self.evaluated[b])}
            for b in self.frontier()
        ]  # fmt: skip
        return {
            "kind": "optimise",
            "name": spec.name,
            "campaign": self.campaign.name,
            "version": __version__,
            "budget_usd": float(spec.budget_usd),
            "objective": spec.objective,
            "assets": None if spec.assets is None else list(spec.assets),
            "runs": self.runs,
            "seed": self.seed,
            "baseline": {"objective": estimate(self.confirm[self.baseline])},
            "best": {
                "buy": self.buy_doc(self.best),
                "cost_usd": buy_cost(spec, self.best),
                "objective": estimate(self.confirm[self.best]),
                "reduction": self.reduction(),
                "gap": self.gap(),
            },
            "frontier": frontier,
            "marginal": self.marginal(),
            "options": self.options_doc(),
            "details": self.details(),
        }

    # ------------------------------------------------------------------ tables
    def frontier_table(self) -> pd.DataFrame:
        """One row per buy evaluated (selection replications): ``buy`` (JSON), units per option
        (``units_<id>``), ``cost_usd``, ``runs`` (the selection runs it was flown on: every one,
        or fewer for a buy a race dropped), the objective per run on those runs (its key,
        ``damage`` or ``leaked``: the mean, ``_ci95_lo``/``_ci95_hi`` its 95% CI,
        ``_p05``/``_p50``/``_p95`` the per-run spread), ``reduction`` from the baseline (paired
        per run on the same runs; the same columns), ``on_frontier`` and ``is_best``; cheapest
        first."""
        import pandas as pd

        buys = list(self.evaluated)
        base = self.evaluated[self.baseline]
        front = set(self.frontier())
        cols: dict[str, Any] = {"buy": [json.dumps(self.buy_doc(b), sort_keys=True) for b in buys]}
        for k, opt in enumerate(self.spec.options):
            cols[f"units_{opt.id}"] = np.array([b[k] for b in buys], dtype=np.int64)
        cols["cost_usd"] = np.array([buy_cost(self.spec, b) for b in buys], dtype=float)
        cols["runs"] = np.array([self.evaluated[b].size for b in buys], dtype=np.int64)
        for key, values in (
            (self.spec.objective, [self.evaluated[b] for b in buys]),
            ("reduction", [base[: self.evaluated[b].size] - self.evaluated[b] for b in buys]),
        ):
            each = [estimate_columns(key, v[:, None]) for v in values]
            cols |= {c: np.concatenate([e[c] for e in each]) for c in each[0]}
        cols["on_frontier"] = np.array([b in front for b in buys], dtype=bool)
        cols["is_best"] = np.array([b == self.best for b in buys], dtype=bool)
        table = pd.DataFrame(cols)
        order = table.sort_values(["cost_usd", self.spec.objective], kind="stable")
        return order.reset_index(drop=True)

    def table(self) -> pd.DataFrame:
        """:meth:`frontier_table`."""
        return self.frontier_table()

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (what ``--out`` writes as ``NAME.parquet``): ``frontier``."""
        return {"frontier": self.frontier_table()}

    # ------------------------------------------------------------------ output
    def figures(self) -> dict[str, Figure]:
        """The charts by name (what ``--out`` writes as ``NAME.png`` and ``NAME.svg``):
        ``frontier``."""
        return {"frontier": self.plot()}

    def plot(self) -> Figure:
        """Cost against the objective's reduction from the baseline of every buy evaluated,
        the frontier with its 95% CIs and the buy chosen marked
        (:func:`~umbrella.optimise.charts.plot_frontier`)."""
        from umbrella.optimise.charts import plot_frontier

        return plot_frontier(self)

    def best_files(self) -> dict[str, str]:
        """``best.toml`` (the campaign with the chosen buy as purchases, posture changes,
        production lines and limits, its paths made absolute so that it runs from any folder)
        and, when the buy adds EW zones, ``best-defence.toml`` (the defence it then names), by
        file name."""
        from umbrella.campaign.spec import dump_campaign, parse_campaign
        from umbrella.optimise.buy import apply_buy
        from umbrella.scenario.bundled import bundled_names
        from umbrella.scenario.model import dump_scenario

        campaign, defence = self.campaign, self.defence
        camp, dfn = apply_buy(campaign, defence, self.spec.options, self.best)
        update: dict[str, Any] = {
            "name": f"{campaign.name}-{self.spec.name}",
            "description": f"{campaign.name} with the buy chosen by optimisation "
            f"{self.spec.name}: {self.buy_text(self.best)}",
        }
        files: dict[str, str] = {}
        if dfn is not defence:
            files[BEST_DEFENCE] = dump_scenario(dfn)
            update["scenario"] = BEST_DEFENCE
        elif campaign.scenario not in bundled_names() and not Path(campaign.scenario).is_absolute():
            update["scenario"] = str(real_path(campaign.base_dir / campaign.scenario))
        if campaign.raids.data_dir is not None and not Path(campaign.raids.data_dir).is_absolute():
            folder = real_path(campaign.base_dir / campaign.raids.data_dir)
            update["raids"] = campaign.raids.model_copy(update={"data_dir": str(folder)})
        text = dump_campaign(camp.model_copy(update=update))
        parse_campaign(text, BEST)  # what is written must read back
        return {BEST: text, **files}

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella optimise --out`` writes (see
        :mod:`umbrella.report.folder`): ``best.toml`` (and ``best-defence.toml``), the frontier
        table and chart, ``summary.json``, ``meta.json`` and ``report.html``.

        ``force`` writes beside files umbrella did not write (never replacing them); ``inputs``
        may not be or lie inside ``out``.
        """
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), texts=self.best_files(), force=force, inputs=inputs,
        )  # fmt: skip

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        return (
            f"OptimisationResult({self.spec.name!r}, runs={self.runs}, seed={self.seed}, "
            f"best={self.buy_text(self.best)!r} for ${buy_cost(self.spec, self.best):,.0f}, "
            f"{len(self.evaluated)} buys evaluated)"
        )

    def _repr_html_(self) -> str:
        def cells(x: F64) -> str:
            e = estimate(x)
            lo, hi = e["ci95"]
            return f"<td>{e['mean']:,.1f}</td><td>[{_num(lo)}, {_num(hi)}]</td>"

        rows = "".join(
            f"<tr><td>{escape(label)}</td><td>{buy_cost(self.spec, b) / 1e6:,.1f}</td>"
            f"{cells(self.confirm[b])}</tr>"
            for label, b in (("nothing bought", self.baseline),
                             (self.buy_text(self.best), self.best))
        )  # fmt: skip
        gap = self.gap()
        return (
            f"<p><b>{escape(self.spec.name)}</b>: budget ${self.spec.budget_usd / 1e6:,.1f}M, "
            f"expected total {escape(self.spec.objective)} over the campaign; {self.runs} runs "
            f"per buy, seed {self.seed}; independent replications</p><table><tr><th>buy</th>"
            f"<th>cost $M</th><th>mean</th><th>95% CI of the mean</th></tr>{rows}</table>"
            f"<p>optimality gap {gap['estimate']:,.1f} (upper 95% bound "
            f"{gap['ci95_upper']:,.1f})</p>"
        )


def _mean(x: F64) -> float:
    return float(x.mean())


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:,.1f}"
