"""The sections of a raid comparison's page (``umbrella run compare A B --out DIR``), from its
``summary.json``: each scenario's totals per raid, then the paired differences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from umbrella.report.html import INTERVAL_HEADERS, esc, interval_cells, table
from umbrella.report.outcomes import spread_section

__all__ = ["raid_compare_sections", "raid_compare_title"]

#: The quantities of a raid comparison, with the words a reader sees.
QUANTITIES = {
    "leaked": "leakers (threats)",
    "damage": "damage (value units)",
    "defender_cost_usd": "defender spend (USD)",
}

_NOTE = (
    '<p class="note">Both scenarios were flown with the same runs and seed: run <i>r</i> of '
    "each shares its launch times, routes, tracks and shot outcomes (common random numbers), so "
    "runs are paired and every difference is taken run by run (alternative − baseline). The "
    "<b>95% CI of the mean</b> says how precisely the runs pin the mean down; the <b>per-run "
    "spread p05–p95</b> is the range in which 90% of single raids fall.</p>"
)


def raid_compare_title(doc: Mapping[str, Any]) -> str:
    """The page's title: ``ALTERNATIVE against BASELINE``."""
    return f"{doc.get('alternative', 'alternative')} against {doc.get('baseline', 'baseline')}"


def _rows(by_key: Any) -> list[list[str]]:
    if not isinstance(by_key, Mapping):
        return []
    return [
        [esc(label), *interval_cells(by_key.get(key))]
        for key, label in QUANTITIES.items()
        if key in by_key
    ]


def raid_compare_sections(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(heading, HTML) sections of a raid comparison's page."""
    out: list[tuple[str, str]] = []
    rows = _rows(doc.get("difference"))
    if rows:
        out.append((
            "Change per raid (alternative − baseline, paired by run)",
            table(["quantity", *INTERVAL_HEADERS], rows) + _NOTE,
        ))  # fmt: skip
    spread = spread_section(doc.get("distribution"), "per raid", paired=True)
    if spread:
        out.append(("The change across runs (per-run paired differences)", spread))
    scenarios = doc.get("scenarios")
    if isinstance(scenarios, list):
        both = []
        for one in scenarios:
            if not isinstance(one, Mapping):
                continue
            head = [esc(one.get("label", "–")), esc(f"{one.get('scenario', '–')} "
                                                    f"({one.get('role', '–')})")]  # fmt: skip
            both += [[*head, *row] for row in _rows(one.get("totals"))]
        if both:
            heads = ["given as", "scenario", "quantity", *INTERVAL_HEADERS]
            out.append(("The two raids: totals per raid", table(heads, both, names=3)))
    return out
