"""The sections of an optimisation's page (``umbrella optimise``): the argument for the buy.

The key table is the frontier, led by each buy's paired reduction against no buy with its 95%
CI of the mean; every row of it, no buy included, comes from the one set of selection
replications, so no buy has one value on the page. The buy chosen is then checked on
independent replications, as paired differences only (its reduction from no buy, the gap to
the runners-up). The menu lists what one unit of each option is, its price and its arrival.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.report.html import INTERVAL_HEADERS, esc, fmt, interval_cells, table
from umbrella.report.names import quantity_label

__all__ = ["optimise_sections"]


def _buy_text(buy: Any) -> str:
    if not isinstance(buy, Mapping) or not buy:
        return "no buy"
    return ", ".join(f"{esc(k)} × {fmt(v)}" for k, v in buy.items())


def _musd(x: Any) -> str:
    return fmt(x / 1e6 if isinstance(x, int | float) else None, 1)


def _frontier(doc: Mapping[str, Any], objective: str) -> tuple[str, str] | None:
    frontier = [f for f in doc.get("frontier") or [] if isinstance(f, Mapping)]
    if not frontier:
        return None
    best = doc.get("best") if isinstance(doc.get("best"), Mapping) else {}
    assert isinstance(best, Mapping)
    chosen = best.get("buy")
    rows = []
    for f in frontier:
        cut = interval_cells(f.get("reduction"))
        obj = interval_cells(f.get("objective"))
        mark = "chosen" if f.get("buy") == chosen else ""
        rows.append(
            [
                _buy_text(f.get("buy")),
                _musd(f.get("cost_usd")),
                cut[0],
                cut[1],
                cut[3],
                obj[0],
                obj[3],
                fmt(f.get("runs")),
                mark,
            ]
        )
    sel = (
        (doc.get("details") or {}).get("selection")
        if isinstance(doc.get("details"), Mapping)
        else None
    )
    which = (
        f"the same {fmt(sel.get('runs'))} selection replications (seed {esc(sel.get('seed'))})"
        if isinstance(sel, Mapping)
        else "the same selection replications"
    )
    heads = [
        "buy",
        "cost ($M)",
        f"{objective} reduction vs no buy: mean",
        "reduction: 95% CI of the mean (paired per run)",
        "reduction: per-run spread p05–p95",
        f"{objective} with the buy: mean",
        f"{objective}: per-run spread p05–p95",
        "runs flown",
        "",
    ]
    return (
        "Each buy against no buy: the frontier",
        table(heads, rows)
        + f'<p class="note">Every row, no buy included, is estimated on {which}, with common '
        "random numbers: the reduction is paired run by run with no buy (positive: the buy "
        "helps), on the runs the buy flew (a buy dropped early by the race flew the first ones "
        "only; no buy flew them all). The frontier keeps the buys that no cheaper buy beats; "
        "every buy evaluated is in <code>frontier.parquet</code>.</p>",
    )


def _confirmation(doc: Mapping[str, Any], objective: str) -> tuple[str, str] | None:
    best = doc.get("best")
    if not isinstance(best, Mapping):
        return None
    details = doc.get("details") if isinstance(doc.get("details"), Mapping) else {}
    assert isinstance(details, Mapping)
    conf = details.get("confirmation")
    which = (
        f"{fmt(conf.get('runs'))} independent replications (seed {esc(conf.get('seed'))})"
        if isinstance(conf, Mapping)
        else "independent replications"
    )
    gap = best.get("gap") if isinstance(best.get("gap"), Mapping) else {}
    assert isinstance(gap, Mapping)
    rows = [["reduction from no buy (no buy − chosen)", *interval_cells(best.get("reduction"))]]
    for alt in details.get("alternatives") or []:
        if isinstance(alt, Mapping) and alt.get("buy"):  # no buy: the row above
            rows.append(
                [
                    f"chosen − {_buy_text(alt.get('buy'))} ({_musd(alt.get('cost_usd'))} $M)",
                    *interval_cells(alt.get("difference")),
                ]
            )
    lines = [
        f"The buy chosen, {_buy_text(best.get('buy'))} ({_musd(best.get('cost_usd'))} $M of a "
        f"${_musd(doc.get('budget_usd'))}M budget), flown again on {which}, beside no buy and "
        "the runners-up: paired differences only, since absolute values on other replications "
        "would not compare with the frontier's.",
        f"Optimality gap: estimate {fmt(gap.get('estimate'))}, 95% upper bound "
        f"{fmt(gap.get('ci95_upper'))} (simultaneous over the runners-up re-flown).",
    ]
    if details.get("stopped_by_time_limit"):
        lines.append("The search was stopped by its time limit: this is the best found.")
    if "method" in details:
        lines.append(
            f"Method: {esc(details['method'])}; {fmt(details.get('buys_evaluated'))} buys "
            "evaluated."
        )
    racing = details.get("racing")
    if isinstance(racing, Mapping) and racing.get("enabled"):
        stages = racing.get("stages") if isinstance(racing.get("stages"), list) else []
        dropped = racing.get("eliminated") if isinstance(racing.get("eliminated"), list) else []
        assert isinstance(stages, list) and isinstance(dropped, list)
        lines.append(
            f"Raced in stages of {', '.join(fmt(n) for n in stages)} runs (error rate "
            f"{fmt(racing.get('alpha'), 2)} per race): {fmt(len(dropped))} candidates dropped "
            f"early; {fmt(racing.get('runs_flown'))} of {fmt(racing.get('runs_without_racing'))} "
            "runs flown (see docs/optimise.md for the procedure and what its error rate covers)."
        )
    assets = doc.get("assets")
    if isinstance(assets, list) and assets:
        lines.append(
            f"The {objective} is counted at the assets {', '.join(esc(a) for a in assets)}."
        )
    return (
        "The buy chosen, checked on independent replications",
        table([f"paired difference in {objective}", *INTERVAL_HEADERS], rows)
        + "".join(f'<p class="note">{line}</p>' for line in lines),
    )


def _options(doc: Mapping[str, Any], objective: str) -> tuple[str, str] | None:
    options = [o for o in doc.get("options") or [] if isinstance(o, Mapping)]
    marginal = doc.get("marginal") if isinstance(doc.get("marginal"), Mapping) else {}
    assert isinstance(marginal, Mapping)
    details = doc.get("details") if isinstance(doc.get("details"), Mapping) else {}
    idle = details.get("idle_options") if isinstance(details, Mapping) else None
    idle = idle if isinstance(idle, Mapping) else {}
    if not options and not marginal:
        return None
    ids = [str(o.get("id")) for o in options] or list(marginal)
    by_id = {str(o.get("id")): o for o in options}
    rows = []
    for oid in ids:
        o = by_id.get(oid, {})
        m = interval_cells(marginal.get(oid), 2)
        rows.append(
            [
                esc(oid),
                esc(o.get("contents", "–")),
                _musd(o.get("price_usd")),
                fmt(o.get("max_units")),
                esc(o.get("arrival", "–")),
                m[0],
                m[1],
                esc(idle.get(oid, "")),
            ]
        )
    heads = [
        "option",
        "one unit is",
        "unit price ($M)",
        "most units",
        "arrives",
        f"first unit: {objective} reduction per $1M, mean",
        "per $1M: 95% CI of the mean (paired per run)",
        "changes nothing because",
    ]
    return (
        "The options on the menu",
        table(heads, rows, names=2)
        + '<p class="note">The reduction per $1M is each option alone, one unit, against no '
        "buy, paired per run on the selection replications.</p>",
    )


def optimise_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of ``umbrella optimise``: the frontier against no buy, the buy
    chosen checked on independent replications, and the options."""
    objective = esc(quantity_label(doc.get("objective", "objective")))
    made = [_frontier(doc, objective), _confirmation(doc, objective), _options(doc, objective)]
    return [m for m in made if m is not None]
