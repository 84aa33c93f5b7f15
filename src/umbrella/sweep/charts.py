"""Charts of sweep results, drawn with matplotlib's object API (each returns a Figure).

- :func:`plot_response`: an output against the parameters. On a grid, the mean with its 95%
  confidence interval and the 5-95% spread over replications, against the first parameter with
  more than one value, one line per combination of the others (up to eight); for a Latin
  hypercube or Sobol' design, the point means against each parameter.
- :func:`plot_sensitivity`: first-order and total Sobol' indices with their 95% intervals.

Each output's axis is labelled by its metric (:func:`umbrella.core.metrics.axis_label`), and
every interval by what it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from umbrella.sweep.result import SweepResult

__all__ = ["plot_response", "plot_sensitivity"]

MAX_LINES = 8


def _positions(values: list[Any]) -> tuple[np.ndarray[Any, Any], list[str] | None]:
    """x positions of parameter values: the numbers themselves, or categories in order."""
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=float), None
    labels = list(dict.fromkeys(str(v) for v in values))
    return np.array([labels.index(str(v)) for v in values], dtype=float), labels


def _label(output: str) -> str:
    from umbrella.report.names import quantity_label

    return quantity_label(output)  # a result made by hand may name its outputs as it likes


def _key(key: str) -> str:
    from umbrella.report.names import parameter_label

    return parameter_label(key)


def _value_axis(ax: Any, output: str, values: Any, which: str = "y", suffix: str = "") -> None:
    """Label ``ax``'s value axis with the output's name and unit; money of a million or more
    in "USD m" (no bare ``1e7`` offset)."""
    from umbrella.report.charts.style import money_axis

    label = _label(output) + suffix
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if label.endswith("(USD)" + suffix) and finite.size and np.abs(finite).max() >= 1e6:
        money_axis(ax, which)
        label = label.replace("(USD)", "(USD m)")
    (ax.set_ylabel if which == "y" else ax.set_xlabel)(label, fontsize=8 if suffix else None)


def _finish(fig: Figure, result: SweepResult) -> Figure:
    from umbrella.report.charts.style import finish, source_line

    line = source_line(result.runs, result.seed, f"sweep of {result.model}")
    line += " The run count is per point."
    return finish(fig, line, result.data_credit)


def _grid(result: SweepResult, output: str) -> Figure:
    from umbrella.core.stats import mean_ci
    from umbrella.report.charts.style import CI_LABEL, SPREAD_LABEL

    keys = result.keys
    varied = [k for k in keys if len({repr(p[k]) for p in result.points}) > 1] or [keys[0]]
    xkey, others = varied[0], [k for k in varied[1:]]
    o = result.outputs.index(output)
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, p in enumerate(result.points):
        groups.setdefault(tuple(repr(p[k]) for k in others), []).append(i)
    fig = Figure(figsize=(7.5, 4.5), dpi=110)
    ax = fig.subplots()
    for n, (label, idx) in enumerate(list(groups.items())[:MAX_LINES]):
        idx = [i for i in idx if i not in result.errors]
        if not idx:
            continue
        x, cats = _positions([result.points[i][xkey] for i in idx])
        order = np.argsort(x, kind="stable")
        data = result.values[np.array(idx)[order], :, o]
        m, lo, hi = mean_ci(data, axis=1)
        q05, q95 = np.quantile(data, (0.05, 0.95), axis=1)
        name = "; ".join(f"{_key(k)} = {v}" for k, v in zip(others, label, strict=True))
        name = name or _label(output)
        line = ax.errorbar(x[order], m, yerr=[m - lo, hi - m], marker="o", capsize=3,
                           label=name)  # fmt: skip
        ax.fill_between(x[order], q05, q95, alpha=0.15, color=line[0].get_color())
        if cats is not None:
            ax.set_xticks(range(len(cats)), cats)
        if n == 0:
            ax.set_xlabel(_key(xkey))
    ok = [i for i in range(result.n_points) if i not in result.errors]
    _value_axis(ax, output, result.values[ok, :, o] if ok else [])
    ax.set_title(f"{result.name}: {_label(output)} ({result.runs} runs per point, seed "
                 f"{result.seed})\n"
                 f"mean; bars: {CI_LABEL}; band: {SPREAD_LABEL}", fontsize=9)  # fmt: skip
    if len(groups) > 1 or others:
        ax.legend(frameon=False, fontsize=7)
    if len(groups) > MAX_LINES:
        ax.text(0.99, 0.01, f"first {MAX_LINES} of {len(groups)} lines", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=7)  # fmt: skip
    return _finish(fig, result)


def _scatter(result: SweepResult, output: str) -> Figure:
    keys = result.keys
    o = result.outputs.index(output)
    ok = [i for i in range(result.n_points) if i not in result.errors]
    means = result.values[ok, :, o].mean(axis=1) if ok else np.zeros(0)
    cols = min(3, len(keys))
    rows = -(-len(keys) // cols)
    fig = Figure(figsize=(4.0 * cols, 3.2 * rows + 0.5), dpi=100)
    axes = fig.subplots(rows, cols, squeeze=False)
    for j, key in enumerate(keys):
        ax = axes[j // cols][j % cols]
        x, cats = _positions([result.points[i][key] for i in ok])
        ax.scatter(x, means, s=8, alpha=0.6)
        if cats is not None:
            ax.set_xticks(range(len(cats)), cats)
        ax.set_xlabel(_key(key), fontsize=8)
        _value_axis(ax, output, means, suffix=", mean")
    for j in range(len(keys), rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.suptitle(f"{result.name}: {_label(output)} at {len(ok)} points ({result.design.kind})")
    return _finish(fig, result)


def plot_response(result: SweepResult, output: str) -> Figure:
    """An output against the sweep's parameters (see the module docstring)."""
    if output not in result.outputs:
        raise ValueError(f"no output {output!r} in this sweep")
    return _grid(result, output) if result.design.kind == "grid" else _scatter(result, output)


def plot_sensitivity(result: SweepResult) -> Figure:
    """First-order (S1) and total (ST) Sobol' indices per output, with 95% intervals."""
    if result.sensitivity is None:
        raise ValueError("this sweep has no Sobol' indices (design sobol, no failed point)")
    outs = list(result.sensitivity)
    keys = list(result.keys)
    fig = Figure(figsize=(max(6.0, 1.2 * len(keys) + 2), 2.8 * len(outs) + 0.6), dpi=100)
    axes = fig.subplots(len(outs), 1, squeeze=False)
    x = np.arange(len(keys))
    for r, out in enumerate(outs):
        ax = axes[r][0]
        for shift, name in ((-0.18, "S1"), (0.18, "ST")):
            vals, lo, hi = [], [], []
            for key in keys:
                s = result.sensitivity[out][key]
                v = np.nan if s[name] is None else s[name]
                ci = [np.nan if c is None else c for c in s[f"{name}_ci95"]]
                vals.append(v)
                lo.append(v - ci[0])
                hi.append(ci[1] - v)
            ax.bar(x + shift, vals, width=0.36, yerr=[lo, hi], capsize=3, label=name)
        ax.set_xticks(x, [_key(k) for k in keys], fontsize=7, rotation=15, ha="right")
        ax.set_ylabel("Sobol' index", fontsize=8)
        ax.set_title(_label(out), fontsize=8, loc="left")  # what the output measures
        ax.axhline(0, color="black", lw=0.5)
        if r == 0:
            ax.legend(frameon=False, fontsize=8)
    fig.suptitle(f"{result.name}: Sobol' indices (95% bootstrap intervals)")
    return _finish(fig, result)
