"""What every chart carries besides its data: literal text, a source line, the data credit, the
words that say what each interval is, and plain numbers on the axes (thousands separated, never
a bare ``1e7`` offset; money in "USD m").

Chart text is user text (scenario and campaign names, ids): it is drawn as written, never as
mathematics (a ``$`` is a dollar sign), whatever the caller's matplotlib settings.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, ScalarFormatter

from umbrella.core.version import __version__

__all__ = [
    "CI_LABEL",
    "FATE_COLOURS",
    "FATE_LABELS",
    "INK",
    "LITERAL_TEXT",
    "SPREAD_LABEL",
    "finish",
    "finish_right",
    "money_axis",
    "plain_numbers",
    "source_line",
]

#: Chart text is shown as written: a ``$`` in a name is a dollar sign, not mathematics.
LITERAL_TEXT: dict[Any, Any] = {"text.parse_math": False, "text.usetex": False}
#: Legend words for the two intervals (see :mod:`umbrella.core.stats`).
CI_LABEL = "95% CI of the mean"
SPREAD_LABEL = "per-run spread p05-p95"
#: The colour of each fate on every chart.
FATE_COLOURS = {"killed": "#2a9d8f", "lost": "#8ab17d", "leaked": "#e76f51", "expired": "#b0b0b0"}
#: The ink of lines, bands and text that are not a fate.
INK = "#264653"
#: Each fate as a reader needs it explained.
FATE_LABELS = {
    "killed": "killed (shot down)",
    "lost": "lost (jammed or spoofed off course by EW)",
    "leaked": "leaked (reached its target)",
    "expired": "expired (out of range, or still flying at the end)",
}
_LINE_PT = 10.0  # height of one caption line, points


def source_line(runs: int, seed: int, what: str = "simulation") -> str:
    """The line that says where a chart's numbers come from."""
    return (
        f"Source: umbrella {__version__} {what}, {runs:,} runs, seed {seed}; notional geography, "
        "public illustrative parameters."
    )


def _plain(value: float, _pos: Any = None) -> str:
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def plain_numbers(ax: Axes) -> None:
    """Tick labels of ``ax``'s numeric axes as plain numbers, thousands separated: no offset or
    power of ten a reader must apply (a date or category axis is left alone)."""
    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(FuncFormatter(_plain))


def money_axis(ax: Axes, which: str = "y") -> None:
    """Show USD amounts on ``ax``'s ``which`` axis in millions ("12.5"): the axis label must
    say "USD m"."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v / 1e6:,.3g}"))


def finish(fig: Figure, *lines: str) -> Figure:
    """Lay the figure out with ``lines`` (the source line, a data credit) under the axes, and
    make every text in it literal."""
    lines = tuple(line for line in lines if line)
    height_pt = fig.get_figheight() * 72.0
    bottom = (len(lines) * _LINE_PT + 6.0) / height_pt if lines else 0.0
    top = 1.0 - 0.12 / fig.get_figheight() if fig.get_suptitle() else 1.0  # room under it
    for ax in fig.axes:
        plain_numbers(ax)
    fig.tight_layout(rect=(0.0, bottom, 1.0, top))
    for k, line in enumerate(reversed(lines)):
        fig.text(0.01, (4.0 + k * _LINE_PT) / height_pt, line, fontsize=7, color="#555555",
                 ha="left", va="bottom")  # fmt: skip
    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)
    return fig


def finish_right(fig: Figure, *lines: str) -> Figure:
    """:func:`finish`, keeping room on the right for row annotations."""
    finish(fig, *lines)
    fig.subplots_adjust(right=min(fig.subplotpars.right, 0.66))
    return fig
