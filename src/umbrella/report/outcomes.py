"""The sections of the pages of outcomes: a raid run, a campaign and a comparison of campaigns,
rendered from the folder's ``summary.json`` (and a run's ``units`` table).

Each function returns (heading, escaped HTML) pairs, the key table first. Every estimate is
shown with its intervals named (:data:`~umbrella.report.html.INTERVAL_HEADERS`); the per-run
distribution of leakers and damage is a table of quantiles beside its exceedance chart; long
tables leave out their all-zero rows and say how many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from umbrella.core.vocabulary import FATES
from umbrella.report.html import INTERVAL_HEADERS, esc, fmt, interval_cells, table
from umbrella.report.names import quantity_label, type_name

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["assets_section", "campaign_sections", "compare_sections", "run_sections"]

INTERVALS_NOTE = (
    '<p class="note">Intervals: the <b>95% CI of the mean</b> says how precisely the runs pin '
    "the mean down (it narrows with more runs); the <b>per-run spread p05–p95</b> is the range "
    "in which 90% of single runs fall (one night, one season): read it as the uncertainty of "
    "an outcome.</p>"
)
_MEAN_CI = ("mean", "95% CI of the mean")
_SPREAD = ("median (p50)", "per-run spread p05–p95")


def _finite(x: Any) -> Any:
    import math

    return x if isinstance(x, int | float) and math.isfinite(x) else None


def _is_zero(q: Any) -> bool:
    """An estimate that is 0 in every run (mean and per-run p95 both 0)."""
    return isinstance(q, Mapping) and q.get("mean") == 0 and q.get("p95", 0) == 0


def _omitted(n: int, what: str, where: str = "") -> str:
    if not n:
        return ""
    also = f"; every one is in <code>{esc(where)}</code>" if where else ""
    return f'<p class="note">{n:,} {what} left out{also}.</p>'


def _totals_rows(totals: Any) -> list[list[str]]:
    """One row per total of a ``totals`` block: its metric's name and its estimate."""
    if not isinstance(totals, Mapping):
        return []
    return [
        [esc(quantity_label(key)), *interval_cells(q, 0 if key.endswith("_usd") else 1)]
        for key, q in totals.items()
        if isinstance(q, Mapping)
    ]


def spread_section(dist: Any, per: str, *, paired: bool = False) -> str:
    """The per-run distribution of leakers and damage (a summary's ``distribution`` block) as
    a table: for each share of runs, the value that share of the runs exceed."""
    if not isinstance(dist, Mapping):
        return ""
    p = dist.get("p")
    leaked, damage = dist.get("leaked"), dist.get("damage")
    if not (isinstance(p, list) and isinstance(leaked, list) and isinstance(damage, list)):
        return ""
    change = "change in " if paired else ""
    rows = [
        [f"{100 * (1 - float(pp)):.0f}% of runs", f"p{100 * float(pp):02.0f}", fmt(lk), fmt(dm)]
        for pp, lk, dm in zip(p, leaked, damage, strict=False)
    ]
    heads = [
        "share of runs above the value",
        "per-run quantile",
        f"{change}leakers {per} (threats)",
        f"{change}damage {per} (value units)",
    ]
    note = (
        '<p class="note">Each row: the per-run quantile, the value that this share of the runs '
        "exceed (the exceedance chart draws the same points). "
        + (
            "Per-run paired differences alternative − baseline: a negative value is a run in "
            "which the alternative did better."
            if paired
            else "The per-run p05–p95 of the tables above is the 95% and 5% rows."
        )
        + "</p>"
    )
    return table(heads, rows, names=2) + note


# ---------------------------------------------------------------------------- raid run
def run_sections(
    summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]
) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a raid run's page, from its ``summary.json`` (every quantity
    an estimate per replication) and its ``units`` table."""
    out: list[tuple[str, str]] = []
    rows = _totals_rows(summary.get("totals"))
    if rows:
        out.append(
            ("Totals per raid", table(["quantity", *INTERVAL_HEADERS], rows) + INTERVALS_NOTE)
        )
    spread = spread_section(summary.get("distribution"), "per raid")
    if spread:
        out.append(("Leakers and damage across runs", spread))
    threats = summary.get("threats")
    if isinstance(threats, Mapping) and threats:
        rows, zero = [], 0
        for name, entry in threats.items():
            if not isinstance(entry, Mapping):
                continue
            launched = fmt((entry.get("launched") or {}).get("mean"))
            who = type_name(name, entry.get("display_name"))
            for fate in FATES:
                if _is_zero(entry.get(fate)):
                    zero += 1
                    continue
                rows.append([who, launched, esc(fate), *interval_cells(entry.get(fate))])
        out.append(
            (
                "Threats by type and fate",
                '<p class="note">Per raid. <i>lost</i>: defeated by electronic warfare (jamming, '
                "spoofing) before reaching its target; <i>expired</i>: ran out of range or "
                "time.</p>"
                + table(["threat type", "launched", "fate", *INTERVAL_HEADERS], rows, names=3)
                + _omitted(zero, "rows of a fate that no run saw", "fates.parquet"),
            )
        )
    itc = summary.get("interceptors")
    if isinstance(itc, Mapping) and itc:
        rows = [
            [
                type_name(name, e.get("display_name")),
                *interval_cells(e.get("fired")),
                *interval_cells(e.get("cost_usd"), 0),
            ]
            for name, e in itc.items()
            if isinstance(e, Mapping)
        ]
        heads = [f"fired: {h}" for h in INTERVAL_HEADERS]
        heads += [f"cost USD: {h}" for h in INTERVAL_HEADERS]
        out.append(("Interceptors fired per raid", table(["interceptor", *heads], rows)))
    assets = summary.get("assets")
    if isinstance(assets, Mapping) and assets:
        rows = [
            [esc(aid), *interval_cells(e.get("hits")), *interval_cells(e.get("damage"))]
            for aid, e in assets.items()
            if isinstance(e, Mapping)
        ]
        heads = [
            *(f"hits: {h}" for h in INTERVAL_HEADERS),
            *(f"damage: {h}" for h in INTERVAL_HEADERS),
        ]
        out.append(("Assets: hits and damage per raid", table(["asset", *heads], rows)))
    units = tables.get("units")
    if units is not None and len(units):
        records = units.to_dict("records")
        rows = []
        for r in records:
            if not r["kills"] > 0:
                continue
            lo, hi = _finite(r["kills_ci95_lo"]), _finite(r["kills_ci95_hi"])
            rows.append(
                [
                    esc(r["unit"]),
                    type_name(r["unit_type"]),
                    *interval_cells({"mean": r["kills"], "ci95": [lo, hi]})[:2],
                ]
            )
        out.append(
            (
                "Kills by fire unit (units with a kill)",
                table(
                    ["fire unit", "type", "kills: mean", "kills: 95% CI of the mean"], rows, names=2
                )
                + _omitted(
                    len(records) - len(rows), "fire units with no kill in any run", "units.parquet"
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------- assets block
def _wide_rows(by: Mapping[str, Any], *, with_group: bool) -> list[list[str]]:
    rows = []
    for key, entry in by.items():
        if not isinstance(entry, Mapping):
            continue
        head = [esc(key)]
        if with_group:
            head.append(esc(entry.get("group", "–")))
        rows.append(
            [
                *head,
                fmt(entry.get("value")),
                *interval_cells(entry.get("damage")),
                *interval_cells(entry.get("leaked")),
            ]
        )
    return rows


def _assets_are_groups(block: Mapping[str, Any]) -> bool:
    """Whether every asset is a city of its own (the per-asset table would repeat the
    per-city one)."""
    assets, groups = block.get("by_asset"), block.get("by_group")
    if not isinstance(assets, Mapping) or not isinstance(groups, Mapping):
        return False
    return len(assets) == len(groups) and all(
        isinstance(e, Mapping) and e.get("group", aid) == aid and aid in groups
        for aid, e in assets.items()
    )


def assets_section(block: Mapping[str, Any]) -> str:
    """Wide tables of an ``assets`` block: one row per group of assets (a city), and one per
    asset unless each asset is a city of its own; damage and leakers side by side."""
    parts = []
    heads = [
        *(f"damage: {h}" for h in INTERVAL_HEADERS),
        *(f"leakers: {h}" for h in INTERVAL_HEADERS),
    ]
    groups = block.get("by_group")
    if isinstance(groups, Mapping) and groups:
        parts.append(
            "<h3>By city (group of assets)</h3>"
            + table(["city", "value", *heads], _wide_rows(groups, with_group=False))
        )
    assets = block.get("by_asset")
    if isinstance(assets, Mapping) and assets and not _assets_are_groups(block):
        with_group = any(isinstance(e, Mapping) and "group" in e for e in assets.values())
        first = ["asset", "city"] if with_group else ["asset"]
        parts.append(
            "<h3>By asset</h3>"
            + table(
                [*first, "value", *heads],
                _wide_rows(assets, with_group=with_group),
                names=len(first),
            )
        )
    elif isinstance(assets, Mapping) and assets:
        parts.append('<p class="note">Each asset is a city of its own: the table is both.</p>')
    return "".join(parts)


# ---------------------------------------------------------------------------- campaign
_STOCKOUT_NOTE = (
    '<p class="note">A <i>stock-out</i> is a stock of 0 after a night. P(stock-out by the end) '
    "is the share of runs in which the stock ran out by the last night, with the 95% CI of that "
    "share; the first stock-out is the night it happened in the median run (– when more than "
    "half the runs never ran out).</p>"
)


def campaign_sections(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a campaign's page, from its ``summary.json``: the season
    totals, how leakers and damage spread across runs, the interceptor stocks and rounds fired,
    and the assets and cities (every quantity an estimate over runs)."""
    out: list[tuple[str, str]] = []
    rows = _totals_rows(summary.get("totals"))
    if rows:
        out.append(("Season totals", table(["quantity", *INTERVAL_HEADERS], rows) + INTERVALS_NOTE))
    spread = spread_section(summary.get("distribution"), "over the season")
    if spread:
        out.append(("Leakers and damage across runs", spread))
    itc = summary.get("interceptors")
    if isinstance(itc, Mapping) and itc:
        entries = [(name, e) for name, e in itc.items() if isinstance(e, Mapping)]
        stock_rows = [
            [
                type_name(name, e.get("display_name")),
                fmt(e.get("stock_start"), 0),
                *interval_cells(e.get("stock_end"), 0),
                *interval_cells(e.get("stockout_by_end"), 2)[:2],
                esc(e.get("first_stockout") or "–"),
            ]
            for name, e in entries
            if e.get("tracked", True)
        ]
        if stock_rows:
            heads = [
                "interceptor",
                "stock at the start",
                *(f"stock at the end: {h}" for h in INTERVAL_HEADERS),
                "P(stock-out by the end): mean",
                "P(stock-out by the end): 95% CI of the mean",
                "first stock-out (median run)",
            ]
            out.append(("Interceptor stocks", table(heads, stock_rows) + _STOCKOUT_NOTE))
        fired_rows = [
            [
                type_name(name, e.get("display_name")),
                "yes" if e.get("tracked", True) else "no (refilled nightly)",
                *interval_cells(e.get("fired"), 0),
            ]
            for name, e in entries
        ]
        heads = ["interceptor", "stock carried", *(f"fired: {h}" for h in INTERVAL_HEADERS)]
        out.append(("Rounds fired over the season", table(heads, fired_rows)))
    blocks = summary.get("assets")
    if isinstance(blocks, Mapping):
        out.append(("Assets and cities", assets_section(blocks) + INTERVALS_NOTE))
    return out


# ---------------------------------------------------------------------------- comparison
_CHANGE_NOTE = (
    '<p class="note">Every change is the paired difference alternative − baseline over runs '
    "that share their raids and shots (common random numbers): its mean, the 95% CI of that "
    "mean, and the per-run spread of the difference.</p>"
)


def _interceptor_rows(block: Mapping[str, Any]) -> list[list[str]]:
    rows = []
    for name, e in block.items():
        if not isinstance(e, Mapping):
            continue
        if e.get("tracked", True):
            stock = [
                *interval_cells(e.get("stockout_by_end"), 2)[:2],
                *interval_cells(e.get("stock_end"), 0),
            ]
        else:
            stock = ["– (stock not carried)", "–", "–", "–", "–", "–"]
        rows.append(
            [type_name(name, e.get("display_name")), *stock, *interval_cells(e.get("fired"), 0)[:2]]
        )
    return rows


def _campaigns_table(campaigns: Sequence[Any]) -> str:
    """The campaigns' season totals side by side: one row per quantity, for each campaign its
    mean, 95% CI of the mean and per-run spread p05–p95."""
    known = [c for c in campaigns if isinstance(c, Mapping)]
    keys = list(
        dict.fromkeys(k for c in known if isinstance(c.get("totals"), Mapping) for k in c["totals"])
    )
    heads = ["quantity"]
    for k, c in enumerate(known):
        role = "baseline" if k == 0 else "alternative"
        name = f"{c.get('label', '–')} ({role})"
        heads += [f"{name}: mean", f"{name}: 95% CI of the mean", f"{name}: per-run spread p05–p95"]
    rows = []
    for key in keys:
        digits = 0 if key.endswith("_usd") else 1
        row = [esc(quantity_label(key))]
        for c in known:
            cells = interval_cells((c.get("totals") or {}).get(key), digits)
            row += [cells[0], cells[1], cells[3]]
        rows.append(row)
    names = "".join(
        f"<li>{esc(c.get('label', '–'))}: campaign {esc(c.get('campaign', '–'))}</li>"
        for c in known
    )
    return f'<ul class="note">{names}</ul>' + table(heads, rows)


def _assets_change_table(alts: Mapping[str, Any], level: str) -> str:
    """One wide table of every alternative's change per city (or asset): for each, the mean
    change in damage and in leakers with the 95% CI of the mean."""
    raw = {
        name: (a.get("assets") or {}).get(level)
        for name, a in alts.items()
        if isinstance(a, Mapping)
    }
    blocks: dict[str, Mapping[str, Any]] = {
        k: v for k, v in raw.items() if isinstance(v, Mapping) and v
    }
    if not blocks:
        return ""
    places = list(dict.fromkeys(p for b in blocks.values() for p in b))
    heads = ["city" if level == "by_group" else "asset"]
    for name in blocks:
        heads += [f"{name}: change in damage, {h}" for h in _MEAN_CI]
        heads += [f"{name}: change in leakers, {h}" for h in _MEAN_CI]
    rows = []
    for place in places:
        row = [esc(place)]
        for block in blocks.values():
            e = block.get(place)
            e = e if isinstance(e, Mapping) else {}
            row += interval_cells(e.get("damage"))[:2] + interval_cells(e.get("leaked"))[:2]
        rows.append(row)
    return table(heads, rows)


def compare_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a comparison's page, from its ``summary.json``: the
    campaigns' season totals side by side, then per alternative its paired differences against
    the baseline (season totals, interceptors), the spread of the per-run differences, and one
    table of every alternative's change per city."""
    out: list[tuple[str, str]] = []
    alts = doc.get("alternatives")
    alts = alts if isinstance(alts, Mapping) else {}
    for name, alt in alts.items():
        if not isinstance(alt, Mapping):
            continue
        parts = []
        rows = _totals_rows(alt.get("totals"))
        if rows:
            parts.append(table(["change in (alternative − baseline)", *INTERVAL_HEADERS], rows))
        itc = alt.get("interceptors")
        if isinstance(itc, Mapping) and itc:
            heads = [
                "interceptor",
                "change in P(stock-out by the end): mean",
                "change in P(stock-out by the end): 95% CI of the mean",
                *(f"change in end stock: {h}" for h in INTERVAL_HEADERS),
                "change in rounds fired: mean",
                "change in rounds fired: 95% CI of the mean",
            ]
            parts.append(
                "<h3>Interceptors: change under the alternative (alternative − baseline)</h3>"
                + table(heads, _interceptor_rows(itc))
            )
        spread = spread_section(alt.get("distribution"), "over the season", paired=True)
        if spread:
            parts.append("<h3>The change across runs</h3>" + spread)
        out.append((f"Alternative: {name}", "".join(parts) + _CHANGE_NOTE))
    campaigns = doc.get("campaigns")
    if isinstance(campaigns, list) and campaigns:
        out.append(("The campaigns: season totals", _campaigns_table(campaigns) + INTERVALS_NOTE))
    cities = _assets_change_table(alts, "by_group")
    if cities:
        by_asset = ""
        same = all(
            _assets_are_groups(a.get("assets") or {})
            for a in alts.values()
            if isinstance(a, Mapping)
        )
        if not same:
            by_asset = "<h3>By asset</h3>" + _assets_change_table(alts, "by_asset")
        out.append(
            (
                "Assets and cities: change under each alternative",
                "<h3>By city (group of assets)</h3>" + cities + by_asset + _CHANGE_NOTE,
            )
        )
    return out
