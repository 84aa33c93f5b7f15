"""The results of the calibration jobs: night predictions set beside the reports
(:class:`NightsResult`, ``umbrella nights``) and a fitted posture (:class:`CalibrationResult`,
``umbrella calibrate``), each with its document, tables and writer."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from umbrella.calibration.fit import Calibration
from umbrella.calibration.predict import NightPredictions
from umbrella.calibration.scores import (
    DEFAULT_MIN_DRONES,
    REPORTED_SHARE,
    SHARE,
    baselines,
    night_rows,
    persistence,
    pooled_missiles,
    score_rows,
    window_scores,
)
from umbrella.core.vocabulary import DATA_CREDIT, MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from umbrella.core.documents import Estimate
    from umbrella.core.documents.calibration import CalibrationSummary, PosteriorSummary
    from umbrella.core.documents.nights import (
        BaselineScores,
        MissilesOfNight,
        NightPrediction,
        NightScores,
        NightsSummary,
    )
    from umbrella.scenario.record import CalibrationRecord

__all__ = ["CalibrationResult", "NightsResult"]


def _num(x: Any) -> float | None:
    """A finite float, or None (what strict JSON writes for "no value")."""
    v = float(x)
    return v if np.isfinite(v) else None


def _sections_html(title: str, sections: list[tuple[str, str]]) -> str:
    from umbrella.report.html import esc

    body = "".join(f"<h4>{esc(h)}</h4>{html}" for h, html in sections)
    return f"<p><b>{esc(title)}</b></p>{body}"


@dataclass(frozen=True, eq=False, repr=False)
class NightsResult:
    """Reported nights predicted through the raid engine on a posture, beside the reports.

    Attributes
    ----------
    predictions
        The predictions (per night and run).
    nights
        One row per night (:func:`~umbrella.calibration.scores.night_rows`).
    baselines
        The simple predictors' scores per half-year
        (:func:`~umbrella.calibration.scores.baselines`).
    start, end
        The window asked for (both included).
    min_drones
        Nights with fewer drones are left out of the scores.
    missiles
        Pooled neutralised shares, predicted and reported, by missile class and catalogue type
        (:func:`~umbrella.calibration.scores.pooled_missiles`).
    state_through
        The last night of reports the posture had seen before the window (its training end, or
        the night ``umbrella calibrate --update`` brought it to); None for an unfitted posture.
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_nights`; None when made by hand).
    """

    kind: ClassVar[str] = "nights"

    predictions: NightPredictions
    nights: pd.DataFrame
    baselines: pd.DataFrame
    start: date
    end: date
    min_drones: int = DEFAULT_MIN_DRONES
    missiles: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    state_through: date | None = None
    provenance: Mapping[str, Any] | None = None

    @classmethod
    def from_predictions(
        cls,
        predictions: NightPredictions,
        reports: pd.DataFrame,
        *,
        start: date,
        end: date,
        min_drones: int = DEFAULT_MIN_DRONES,
        state_through: date | None = None,
    ) -> NightsResult:
        """Score ``predictions`` against ``reports`` (the
        :func:`~umbrella.calibration.night.night_table` the nights came from; its earlier nights
        give the baselines and the persistence predictors)."""
        rows = night_rows(predictions)
        rows = pd.concat([rows, persistence(rows, reports, min_drones)], axis=1)
        return cls(
            predictions=predictions,
            nights=rows,
            baselines=baselines(rows, reports, min_drones),
            start=start,
            end=end,
            min_drones=min_drones,
            missiles=pooled_missiles(predictions),
            state_through=state_through,
        )

    @property
    def scenario(self) -> str:
        """The posture's name."""
        return self.predictions.scenario

    @property
    def runs(self) -> int:
        """Runs per night."""
        return self.predictions.runs

    @property
    def seed(self) -> int:
        """The seed."""
        return self.predictions.seed

    def __repr__(self) -> str:
        return (
            f"NightsResult({self.scenario!r}, nights={len(self.nights)}, runs={self.runs}, "
            f"seed={self.seed}, {self.start} to {self.end})"
        )

    # ------------------------------------------------------------------ documents
    def scores(self) -> dict[str, NightScores]:
        """The scores per half-year (see :mod:`umbrella.calibration.scores`), None where
        undefined."""
        return {
            half: {
                "nights": int(s["nights"]),
                "mae": _num(s["mae"]),
                "bias": _num(s["bias"]),
                "correlation": _num(s["correlation"]),
                "coverage90": _num(s["coverage90"]),
            }
            for half, s in score_rows(self.nights, self.min_drones).items()
        }

    def window_scores(self) -> dict[str, NightScores]:
        """Over every scored night of the window: the posture's scores and the persistence
        predictors' (``previous_10``, ``pooled_30``, ``pooled_90``; no interval, so no
        coverage) on the same nights."""
        return {
            name: {
                "nights": int(s["nights"]),
                "mae": _num(s["mae"]),
                "bias": _num(s["bias"]),
                "correlation": _num(s["correlation"]),
                "coverage90": _num(s["coverage90"]),
            }
            for name, s in window_scores(self.nights, self.nights, self.min_drones).items()
        }

    def _night(self, r: Mapping[Any, Any]) -> NightPrediction:
        missiles: dict[str, MissilesOfNight] = {}
        for c in MISSILE_THREAT_CLASSES:
            launched = int(r[f"{c}_launched"])
            if launched == 0:
                continue
            rep = _num(r[f"{c}_reported_neutralised"])
            missiles[c] = {
                "launched": launched,
                "neutralised_mean": float(r[f"{c}_neutralised_mean"]),
                "reported_neutralised": None if rep is None else int(rep),
            }
        mean = _num(r[SHARE])
        share: Estimate | None = None
        if mean is not None:
            share = {
                "mean": mean,
                "ci95": [_num(r[f"{SHARE}_ci95_lo"]), _num(r[f"{SHARE}_ci95_hi"])],
                "p05": float(r[f"{SHARE}_p05"]),
                "p50": float(r[f"{SHARE}_p50"]),
                "p95": float(r[f"{SHARE}_p95"]),
            }
        return {
            "night": pd.Timestamp(r["night"]).date().isoformat(),
            "drones_launched": int(r["drones_launched"]),
            "drones_neutralised_share": share,
            "reported_drones_neutralised_share": _num(r[REPORTED_SHARE]),
            "missiles": missiles,
        }

    def summary(self) -> NightsSummary:
        """The ``umbrella nights --json`` document (a
        :class:`~umbrella.core.documents.nights.NightsSummary`)."""
        from umbrella.core.version import __version__

        base: dict[str, dict[str, BaselineScores]] = {}
        for r in self.baselines.to_dict("records"):
            base.setdefault(str(r["half"]), {})[str(r["predictor"])] = {
                "nights": int(r["nights"]),
                "mae": _num(r["mae"]),
                "bias": _num(r["bias"]),
            }
        return {
            "kind": "nights",
            "scenario": self.scenario,
            "runs": self.runs,
            "seed": self.seed,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "min_drones": self.min_drones,
            "version": __version__,
            "nights": [self._night(r) for r in self.nights.to_dict("records")],
            "summary": self.scores(),
            "baselines": base,
            "assimilated": self.predictions.assimilated,
            "state_through": None if self.state_through is None else self.state_through.isoformat(),
            "scores": self.window_scores(),
            "missiles": dict(self.missiles),  # type: ignore[typeddict-item]
            "data_credit": DATA_CREDIT,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``nights`` (one row per night) and ``baselines`` (the simple predictors' scores)."""
        return {"nights": self.nights, "baselines": self.baselines}

    def figures(self) -> dict[str, Figure]:
        """``nights``: the predicted per-run spread of each night's share against the reported
        share, over time and predicted against reported."""
        from umbrella.report.charts.nights import plot_nights

        title = f"{self.scenario}: predicted and reported nights"
        return {"nights": plot_nights(self.nights, title, runs=self.runs, seed=self.seed)}

    def plot(self) -> Figure:
        """The nights' chart (a matplotlib figure)."""
        return self.figures()["nights"]

    def _repr_html_(self) -> str:
        from umbrella.report.sections import nights_sections

        title = (f"{self.scenario}: {len(self.nights)} nights, {self.start} to {self.end}, "
                 f"{self.runs} runs each, seed {self.seed}")  # fmt: skip
        return _sections_html(title, nights_sections(self.summary()))

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella nights --out`` writes (see
        :mod:`umbrella.report.folder`): ``nights.parquet``, ``baselines.parquet``,
        ``summary.json``, ``meta.json``, the chart and ``report.html``."""
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip


@dataclass(frozen=True, eq=False, repr=False)
class CalibrationResult:
    """A posture fitted to the reports, checked in sample.

    Attributes
    ----------
    scenario
        The fitted posture: the posterior mode at the training end in its numbers and its
        ``[calibration]`` record (with the in-sample ``fit``).
    calibration
        What the fit found: the posteriors and the emulators
        (:class:`~umbrella.calibration.fit.Calibration`); None for a posture brought up to date
        (``umbrella calibrate --update``: nothing refitted).
    source
        Where the posture fitted came from (a file, ``<bundled:NAME>`` or ``<python>``).
    runs
        Engine runs per night of the in-sample check.
    window_days
        Nights of reports fitted, ending at the training end.
    nights_assimilated
        Reported nights assimilated since the fit (an update; 0 for a fit).
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_calibration`; None when made by
        hand).
    """

    kind: ClassVar[str] = "calibration"

    scenario: Scenario
    calibration: Calibration | None
    source: str
    runs: int
    window_days: int
    nights_assimilated: int = 0
    provenance: Mapping[str, Any] | None = None

    @property
    def record(self) -> CalibrationRecord:
        """The fitted posture's ``[calibration]`` record."""
        rec = self.scenario.calibration
        assert rec is not None
        return rec

    @property
    def seed(self) -> int:
        """The seed of the fit and of the in-sample check."""
        return self.record.seed

    def __repr__(self) -> str:
        rec = self.record
        return (
            f"CalibrationResult({self.scenario.name!r}, {rec.train_start} to {rec.train_end}, "
            f"nights={rec.nights}, runs={self.runs}, seed={self.seed})"
        )

    # ------------------------------------------------------------------ documents
    def parameters(self) -> dict[str, PosteriorSummary]:
        """Each fitted parameter on its natural scale (``log_`` and ``logit_`` names without
        the prefix, transformed back): the posterior mean and 90% interval of the draws
        (capability and EW scale relative to the file's own numbers)."""
        from scipy import special

        rec = self.record
        assert rec.posterior is not None
        x = np.asarray(rec.posterior.draws, dtype=np.float64)
        out: dict[str, PosteriorSummary] = {}
        for k, name in enumerate(rec.posterior.names):
            col = x[:, k]
            if name.startswith("log_"):
                col, label = np.exp(col), name.removeprefix("log_")
            elif name.startswith("logit_"):
                col, label = special.expit(col), name.removeprefix("logit_")
            else:
                label = name
            q = np.quantile(col, [0.05, 0.95])
            out[label] = {"mean": float(col.mean()), "p05": float(q[0]), "p95": float(q[1])}
        return out

    def summary(self) -> CalibrationSummary:
        """The ``umbrella calibrate --json`` document (a
        :class:`~umbrella.core.documents.calibration.CalibrationSummary`)."""
        from umbrella.core.version import __version__

        rec = self.record
        return {
            "kind": "calibration",
            "scenario": self.scenario.name,
            "source": self.source,
            "train_start": str(rec.train_start),
            "train_end": str(rec.train_end),
            "window_days": self.window_days,
            "nights": rec.nights,
            "runs": self.runs,
            "seed": self.seed,
            "method": rec.method,
            "version": __version__,
            "parameters": self.parameters(),
            "fit": {k: _num(v) for k, v in rec.fit.items()},
            "updated_through": None if rec.updated_through is None else str(rec.updated_through),
            "nights_assimilated": self.nights_assimilated,
            "data_credit": DATA_CREDIT,
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``parameters`` (posterior mean and 90% interval of each, natural scale) and ``fit``
        (the in-sample scores)."""
        params = pd.DataFrame(
            [{"parameter": k, **v} for k, v in self.parameters().items()],
            columns=["parameter", "mean", "p05", "p95"],
        )
        fit = pd.DataFrame(
            {"score": list(self.record.fit), "value": [float(v) for v in self.record.fit.values()]}
        )
        return {"parameters": params, "fit": fit}

    def text(self) -> str:
        """The fitted posture's file: TOML with the comment header."""
        from umbrella.calibration.files import dump_posture, posture_header

        return dump_posture(self.scenario, posture_header(self.scenario))

    def _repr_html_(self) -> str:
        from umbrella.report.sections import calibration_sections

        rec = self.record
        title = f"{self.scenario.name} fitted to {rec.nights} nights, {rec.train_start} to " + str(
            rec.train_end
        )
        return _sections_html(title, calibration_sections(self.summary()))

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the fitted posture's file ``umbrella calibrate --out FILE.toml`` writes
        (atomically), valid wherever a scenario file is.

        The file may not be or lie inside one of ``inputs``; an existing file is replaced only
        if umbrella wrote it and nobody has changed it since (its seal matches), ``force`` or
        not (:func:`~umbrella.calibration.files.check_posture_file`).
        """
        from umbrella.calibration.files import check_posture_file
        from umbrella.core.files import write_text_atomic

        check_posture_file(out, inputs=inputs, force=force)
        write_text_atomic(out, self.text())
        return Path(out)
