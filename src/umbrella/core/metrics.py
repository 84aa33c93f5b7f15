"""Every quantity umbrella reports, named once.

A metric's ``key`` is the one name of a quantity in every JSON document, table column, sweep
output and chart of every command (``umbrella run``, ``campaign``, ``campaign compare``,
``sweep``, ``optimise``, ``nights``); its ``label`` and ``unit`` are how pages, terminals and
chart axes show it. Where a quantity is broken down (per threat type, interceptor type, asset or
group), the breakdown is written ``KEY.PART`` (``leaked.drone``, ``fired.pac3_mse``,
``damage.kyiv``).

An estimate of a metric over runs is always an :class:`~umbrella.core.documents.Estimate` with
both of umbrella's intervals, each named by its key (see :mod:`umbrella.core.stats`):
``ci95`` is the 95% confidence interval of the mean, ``p05``/``p95`` the per-run spread.
"""

from __future__ import annotations

from dataclasses import dataclass

from umbrella.core.errors import InputError

__all__ = [
    "CI95_LABEL",
    "METRICS",
    "SPREAD_LABEL",
    "Metric",
    "axis_label",
    "metric",
]

#: What ``ci95`` means, in words shown beside every bracket that holds it.
CI95_LABEL = "95% CI of the mean"
#: What ``p05``-``p95`` means.
SPREAD_LABEL = "per-run spread p05-p95"


@dataclass(frozen=True)
class Metric:
    """One quantity: its key in documents and tables, how it is shown, its unit and meaning."""

    key: str
    label: str
    unit: str
    description: str

    def axis(self) -> str:
        """An axis or column label: ``"threats leaked (threats)"``."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


_ALL = (
    Metric("launched", "threats launched", "threats", "Threats launched (decoys included)."),
    Metric("killed", "killed", "threats", "Threats shot down by an interceptor."),
    Metric("lost", "lost to EW", "threats",
           "Threats jammed or spoofed off course by electronic warfare."),
    Metric("leaked", "leakers", "threats",
           "Threats that reached their target (decoys included)."),
    Metric("expired", "expired", "threats",
           "Threats out of range, or still flying when the raid's horizon ends."),
    Metric("leaked_missiles", "missile leakers", "missiles",
           "Cruise, ballistic and aeroballistic missiles that reached their target."),
    Metric("damage", "damage", "value units",
           "Asset value destroyed: value x (1 - product of (1 - damage per hit))."),
    Metric("hits", "hits", "leakers", "Leakers that struck an asset."),
    Metric("fired", "rounds fired", "rounds", "Interceptor rounds fired."),
    Metric("kills", "kills", "threats", "Threats a fire unit shot down."),
    Metric("cost_usd", "cost of rounds fired", "USD",
           "The rounds of one interceptor type fired, at its unit cost."),
    Metric("defender_cost_usd", "defender spend", "USD",
           "Cost of every interceptor round fired."),
    Metric("attacker_cost_usd", "attacker spend", "USD", "Cost of every weapon launched."),
    Metric("stock_start", "stock at the start", "rounds", "Rounds in stock on the first night."),
    Metric("stock_end", "stock at the end", "rounds", "Rounds in stock after the last night."),
    Metric("stockout_by_end", "stock-out by the end", "share of runs",
           "Whether a stock ran out before the last night (per run 0 or 1; its mean is the "
           "probability)."),
    Metric("first_stockout", "first stock-out", "date",
           "The night by which half the runs had run out of a stock (the median over every "
           "run, a run that never ran out counting as later than the last night; none when "
           "more than half never did)."),
    Metric("drones_neutralised_share", "drones neutralised", "share",
           "Drones shot down or lost over those launched on a night (decoys included)."),
    Metric("neutralised_share", "neutralised", "share",
           "Threats shot down or lost over those launched."),
)  # fmt: skip

#: Every metric by key.
METRICS: dict[str, Metric] = {m.key: m for m in _ALL}


def metric(key: str) -> Metric:
    """The metric of ``key`` or of a breakdown ``KEY.PART`` (``leaked.drone``).

    Raises
    ------
    InputError
        No such metric.
    """
    base = key.split(".", 1)[0]
    found = METRICS.get(base)
    if found is None:
        raise InputError(f"no metric {base!r}; known: {', '.join(METRICS)}", key=key)
    return found


def axis_label(key: str) -> str:
    """``metric(key).axis()``, with the breakdown named: ``"leakers, drone (threats)"``."""
    m = metric(key)
    part = key.split(".", 1)[1] if "." in key else ""
    label = f"{m.label}, {part}" if part else m.label
    return f"{label} ({m.unit})" if m.unit else label
