"""Sweep results: every output of every replication at every point, summaries with their
uncertainty, a tidy table, an xarray dataset, the ``--json`` document and the output folder.

Two kinds of interval appear, labelled as in every umbrella result (:mod:`umbrella.core.stats`):
``ci95`` is the Student-t 95% confidence interval of a point's mean; ``p05``/``p50``/``p95`` the
spread over its replications.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast

import numpy as np
import numpy.typing as npt

from umbrella.core.documents import Estimate
from umbrella.core.stats import estimate, mean_ci, paired_difference
from umbrella.sweep.design import Design

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr
    from matplotlib.figure import Figure

    from umbrella.core.documents.sweep import SobolIndex, SweepPoint, SweepSummary

__all__ = ["DATASET", "SUMMARY_COLUMNS", "SweepResult", "chart_name"]

#: The netCDF dataset's file in a sweep folder.
DATASET = "sweep.nc"

#: The summary columns of :meth:`SweepResult.table`, one row per point and output.
SUMMARY_COLUMNS = ("mean", "ci95_lo", "ci95_hi", "p05", "p50", "p95")


def chart_name(output: str) -> str:
    """The name of an output's chart in a sweep folder (``leaked.drone`` -> ``leaked.drone``;
    characters a file name cannot safely hold become ``_``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", output)


def _column(values: list[Any]) -> npt.NDArray[Any]:
    """One parameter's values as a typed array: bool, int, float, or else text."""
    if all(isinstance(v, bool) for v in values):
        return np.array(values, dtype=bool)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.int64)
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return np.array(values, dtype=np.float64)
    return np.array([str(v) for v in values], dtype=object)


@dataclass(frozen=True, eq=False, repr=False)
class SweepResult:
    """Outcome of a sweep of ``P`` points, ``R`` replications each, ``O`` outputs.

    Attributes
    ----------
    name
        The sweep's name.
    model
        What was varied: ``"scenario"`` or ``"campaign"``, and its name (``"scenario:reference"``).
    design
        The points (:class:`~umbrella.sweep.design.Design`).
    runs, seed
        Replications per point; the seed every point used (common random numbers).
    outputs
        The output names.
    values
        (P, R, O) each output of each replication at each point; NaN for a failed point.
    errors
        The one-line error of each failed point, by point index.
    sensitivity
        Sobol' indices (``sobol`` design), see :func:`~umbrella.sweep.sensitivity.sobol_indices`.
    data_credit
        The credit line of the attack reports, when the model was fitted to them or draws its
        raids from them ("" otherwise): the charts carry it.
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_sweep`; None when made by hand).
    """

    kind: ClassVar[str] = "sweep"

    name: str
    model: str
    design: Design
    runs: int
    seed: int
    outputs: tuple[str, ...]
    values: npt.NDArray[np.float64]
    errors: dict[int, str] = field(default_factory=dict)
    sensitivity: dict[str, Any] | None = None
    data_credit: str = ""
    provenance: Mapping[str, Any] | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        """The parameters' key paths."""
        return self.design.keys

    @property
    def points(self) -> list[dict[str, Any]]:
        """``{key: value}`` of each point."""
        return self.design.points

    @property
    def n_points(self) -> int:
        """Number of points."""
        return len(self.design.points)

    def __repr__(self) -> str:
        return (
            f"SweepResult({self.name!r}: {self.design.kind} of {self.n_points} points over "
            f"{', '.join(self.keys)}; {self.runs} runs each, seed {self.seed}; "
            f"{len(self.errors)} failed)"
        )

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{escape(k)}</th>" for k in (*self.keys, *self.outputs))
        rows = []
        for p, params in enumerate(self.points[:50]):
            cells = [f"<td>{escape(str(params[k]))}</td>" for k in self.keys]
            for o in range(len(self.outputs)):
                if p in self.errors:
                    cells.append("<td>failed</td>")
                    continue
                m, lo, hi = mean_ci(self.values[p, :, o])
                cells.append(f"<td>{m:,.2f} [{lo:,.2f}, {hi:,.2f}]</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = f"<p>... {self.n_points - 50} more points</p>" if self.n_points > 50 else ""
        return (
            f"<p><b>{escape(self.name)}</b>: {self.design.kind}, {self.runs} runs per point, "
            f"seed {self.seed}; mean [95% CI]</p><table><tr>{head}</tr>{''.join(rows)}</table>"
            + more
        )

    # ------------------------------------------------------------------ summaries
    def point_summary(self, point: int, output: str) -> Estimate | None:
        """The :class:`~umbrella.core.documents.Estimate` of one output at one point over its
        replications (None if the point failed)."""
        if point in self.errors:
            return None
        return estimate(self.values[point, :, self.outputs.index(output)])

    def means(self) -> npt.NDArray[np.float64]:
        """(P, O) the mean of each output at each point (NaN where the point failed)."""
        return np.asarray(self.values.mean(axis=1), dtype=np.float64)

    def difference(self, point: int, baseline: int, output: str) -> Estimate:
        """Paired difference ``point - baseline`` of an output over replications: the points
        share their random numbers, so this interval is much narrower than either's spread."""
        o = self.outputs.index(output)
        for p in (point, baseline):
            if p in self.errors:
                raise ValueError(f"point {p} failed: {self.errors[p]}")
        return paired_difference(self.values[point, :, o], self.values[baseline, :, o])

    def summary(self) -> SweepSummary:
        """The ``umbrella sweep --json`` document (a
        :class:`~umbrella.core.documents.sweep.SweepSummary`; see docs/sweep.md)."""
        from umbrella.core.version import __version__

        points: list[SweepPoint] = []
        for p, params in enumerate(self.points):
            if p in self.errors:
                points.append({"params": dict(params), "outputs": None, "error": self.errors[p]})
                continue
            outs = {name: self.point_summary(p, name) for name in self.outputs}
            points.append({"params": dict(params), "outputs": cast(dict[str, Estimate], outs)})
        design = cast(Literal["grid", "lhs", "sobol"], self.design.kind)
        sensitivity = cast("dict[str, dict[str, SobolIndex]] | None", self.sensitivity)
        return {
            "kind": "sweep",
            "name": self.name,
            "model": self.model,
            "design": design,
            "samples": self.design.samples,
            "runs": self.runs,
            "seed": self.seed,
            "version": __version__,
            "outputs": list(self.outputs),
            "points": points,
            "sensitivity": sensitivity,
        }

    # ------------------------------------------------------------------ tables
    def _param_columns(self) -> dict[str, npt.NDArray[Any]]:
        return {k: _column([pt[k] for pt in self.points]) for k in self.keys}

    def table(self) -> pd.DataFrame:
        """Tidy: one row per point and output, with the parameters, ``mean``, ``ci95_lo``,
        ``ci95_hi`` (95% CI of the mean), ``p05``, ``p50``, ``p95`` (spread over replications),
        ``status`` (``ok`` or ``failed``) and ``error``."""
        import pandas as pd

        rows: dict[str, list[Any]] = {"point": []}
        params = self._param_columns()
        for k in self.keys:
            rows[k] = []
        for col in ("output", *SUMMARY_COLUMNS, "status", "error"):
            rows[col] = []
        for p in range(self.n_points):
            for name in self.outputs:
                rows["point"].append(p)
                for k in self.keys:
                    rows[k].append(params[k][p])
                rows["output"].append(name)
                s = self.point_summary(p, name)
                stats = (
                    (s["mean"], s["ci95"][0], s["ci95"][1], s["p05"], s["p50"], s["p95"])
                    if s is not None
                    else (np.nan,) * 6
                )
                for col, v in zip(SUMMARY_COLUMNS, stats, strict=True):
                    rows[col].append(np.nan if v is None else v)
                rows["status"].append("failed" if p in self.errors else "ok")
                rows["error"].append(self.errors.get(p, ""))
        df = pd.DataFrame(rows)
        for k in self.keys:
            df[k] = df[k].astype(params[k].dtype)
        return df

    def replications_table(self) -> pd.DataFrame:
        """Long: one row per point, replication and output with its ``value`` (the raw data;
        failed points are left out)."""
        import pandas as pd

        ok = [p for p in range(self.n_points) if p not in self.errors]
        r, o = self.runs, len(self.outputs)
        vals = self.values[ok] if ok else np.zeros((0, r, o))
        return pd.DataFrame(
            {
                "point": np.repeat(np.array(ok, dtype=np.int64), r * o),
                "replication": np.tile(np.repeat(np.arange(r), o), len(ok)),
                "output": np.tile(np.array(self.outputs, dtype=object), len(ok) * r),
                "value": vals.reshape(-1),
            }
        )

    def sensitivity_table(self) -> pd.DataFrame:
        """Tidy Sobol' indices: one row per output and parameter (empty unless ``sobol``)."""
        import pandas as pd

        rows = []
        for output, by_key in (self.sensitivity or {}).items():
            for key, s in by_key.items():
                rows.append({
                    "output": output, "parameter": key, "S1": s["S1"],
                    "S1_ci95_lo": s["S1_ci95"][0], "S1_ci95_hi": s["S1_ci95"][1],
                    "ST": s["ST"], "ST_ci95_lo": s["ST_ci95"][0], "ST_ci95_hi": s["ST_ci95"][1],
                })  # fmt: skip
        cols = ["output", "parameter", "S1", "S1_ci95_lo", "S1_ci95_hi", "ST", "ST_ci95_lo",
                "ST_ci95_hi"]  # fmt: skip
        return pd.DataFrame(rows, columns=cols).astype(
            {c: float for c in cols if c not in ("output", "parameter")}
        )

    def to_xarray(self) -> xr.Dataset:
        """An xarray Dataset: ``mean``, ``ci95_lo``, ``ci95_hi``, ``p05``, ``p50``, ``p95``
        (point, output); ``value`` (point, replication, output); ``failed`` and ``error``
        (point); each parameter a coordinate along ``point``; Sobol' indices ``S1``, ``ST`` and
        their interval ends (output, parameter) for a ``sobol`` design."""
        import json

        import xarray as xr

        from umbrella.core.version import __version__

        p, o = self.n_points, len(self.outputs)
        stats = {c: np.full((p, o), np.nan) for c in SUMMARY_COLUMNS}
        with np.errstate(invalid="ignore"):
            ok = [i for i in range(p) if i not in self.errors]
            if ok:
                x = self.values[ok]
                m, lo, hi = mean_ci(x, axis=1)
                q = np.quantile(x, (0.05, 0.5, 0.95), axis=1)
                for c, arr in zip(SUMMARY_COLUMNS, (m, lo, hi, q[0], q[1], q[2]), strict=True):
                    stats[c][ok] = arr
        dims2 = ("point", "output")
        data: dict[str, Any] = {c: (dims2, stats[c]) for c in SUMMARY_COLUMNS}
        data["value"] = (("point", "replication", "output"), self.values)
        data["failed"] = (("point",), np.array([i in self.errors for i in range(p)]))
        data["error"] = (("point",), np.array([self.errors.get(i, "") for i in range(p)], object))
        coords: dict[str, Any] = {
            "point": np.arange(p),
            "replication": np.arange(self.runs),
            "output": np.array(self.outputs, dtype=object),
        }
        coords.update({k: ("point", v) for k, v in self._param_columns().items()})
        if self.sensitivity is not None:
            coords["parameter"] = np.array(self.keys, dtype=object)
            for name in ("S1", "ST"):
                for suffix, pick in (("", None), ("_ci95_lo", 0), ("_ci95_hi", 1)):
                    arr = np.full((o, len(self.keys)), np.nan)
                    for i, out in enumerate(self.outputs):
                        for j, key in enumerate(self.keys):
                            s = self.sensitivity[out][key]
                            v = s[name] if pick is None else s[f"{name}_ci95"][pick]
                            arr[i, j] = np.nan if v is None else v
                    data[name + suffix] = (("output", "parameter"), arr)
        ds = xr.Dataset(data, coords=coords)
        ds.attrs.update({
            "name": self.name, "model": self.model, "design": self.design.kind,
            "runs": self.runs, "seed": self.seed, "samples": self.design.samples or 0,
            "parameters": json.dumps(list(self.keys)), "umbrella_version": __version__,
            "intervals": "ci95: Student-t 95% CI of the mean; p05-p95: spread over replications",
        })  # fmt: skip
        return ds

    # ------------------------------------------------------------------ output
    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (what ``--out`` writes as ``NAME.parquet``): ``sweep`` (tidy, one
        row per point and output), ``replications`` (every replication) and, for a Sobol'
        design with its indices, ``sensitivity``."""
        out = {"sweep": self.table(), "replications": self.replications_table()}
        if self.sensitivity is not None:
            out["sensitivity"] = self.sensitivity_table()
        return out

    def figures(self) -> dict[str, Figure]:
        """The charts by name (what ``--out`` writes as ``NAME.png`` and ``NAME.svg``): each
        output against the parameters (:func:`~umbrella.sweep.charts.plot_response`, named by
        :func:`chart_name`; none when every point failed) and, with Sobol' indices,
        ``sensitivity``."""
        from umbrella.sweep.charts import plot_response, plot_sensitivity

        out: dict[str, Figure] = {}
        if len(self.errors) < self.n_points:
            out |= {chart_name(o): plot_response(self, o) for o in self.outputs}
        if self.sensitivity is not None:
            out["sensitivity"] = plot_sensitivity(self)
        return out

    def plot(self, output: str | None = None) -> Figure:
        """An output (default: the first) against the sweep's parameters (a matplotlib
        figure; see :func:`~umbrella.sweep.charts.plot_response`)."""
        from umbrella.sweep.charts import plot_response

        return plot_response(self, self.outputs[0] if output is None else output)

    def dataset_bytes(self) -> bytes:
        """:meth:`to_xarray` as a netCDF4 file (HDF5, written by h5netcdf)."""
        import tempfile

        with tempfile.TemporaryDirectory(prefix="umbrella-sweep-") as tmp:
            path = Path(tmp) / DATASET
            self.to_xarray().to_netcdf(path, engine="h5netcdf")
            return path.read_bytes()

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella sweep --out`` writes (see
        :mod:`umbrella.report.folder`): the tables, the dataset ``sweep.nc``, ``summary.json``,
        ``meta.json``, the charts and ``report.html``.

        ``force`` writes beside files umbrella did not write (never replacing them); ``inputs``
        may not be or lie inside ``out``.
        """
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), files={DATASET: self.dataset_bytes()}, force=force,
            inputs=inputs,
        )  # fmt: skip
