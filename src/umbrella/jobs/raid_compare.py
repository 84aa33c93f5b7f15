"""The raid comparison: ``umbrella run compare A B`` from Python.

Two scenarios flown with the same runs and seed share their random numbers run by run (common
random numbers: launch times, routes, tracks and shot outcomes), so their runs are paired and
the difference of each per-run total (alternative minus baseline) is sharp: its mean with the
95% CI of the mean difference, and its per-run spread p05-p95
(:func:`~umbrella.core.stats.paired_difference`).

>>> from umbrella.jobs.raid_compare import run_raid_comparison
>>> cmp = run_raid_comparison("reference", "reference", runs=20, seed=1, history=False)
>>> cmp.summary()["difference"]["leaked"]["mean"]  # a raid against itself
0.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from umbrella.core.errors import InputError
from umbrella.core.progress import Progress
from umbrella.engine import RaidResult
from umbrella.report.raid_compare import QUANTITIES

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from umbrella.scenario.model import Scenario
    from umbrella.scenario.overrides import Override

__all__ = ["QUANTITIES", "RaidComparisonResult", "per_run_totals", "run_raid_comparison"]


def per_run_totals(result: RaidResult) -> dict[str, npt.NDArray[np.float64]]:
    """The compared quantities of every run of a raid (:data:`QUANTITIES`), each ``(runs,)``."""
    return {
        "leaked": np.asarray(result.leaked, dtype=float),
        "damage": np.asarray(result.damage.sum(axis=1), dtype=float),
        "defender_cost_usd": np.asarray(result.defender_cost, dtype=float),
    }


@dataclass(frozen=True, eq=False, repr=False)
class RaidComparisonResult:
    """Two raids flown with the same runs and seed, compared run by run.

    Attributes
    ----------
    baseline, alternative
        The two raids' results (the difference is alternative minus baseline).
    labels
        How each was given (a file or a bundled name): baseline, alternative.
    provenance
        How it was made (attached by :func:`run_raid_comparison`; None when made otherwise).

    Raises
    ------
    InputError
        Raids of other runs or seeds.
    """

    kind: ClassVar[str] = "raid-compare"

    baseline: RaidResult
    alternative: RaidResult
    labels: tuple[str, str] = ("baseline", "alternative")
    provenance: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        a, b = self.baseline, self.alternative
        if a.n_runs != b.n_runs or a.seed != b.seed:
            raise InputError(
                f"compare raids run with the same runs and seed (the baseline: {a.n_runs} runs, "
                f"seed {a.seed}; the alternative: {b.n_runs} runs, seed {b.seed})",
                key="scenarios",
            )

    @property
    def runs(self) -> int:
        """Runs of each raid."""
        return self.baseline.n_runs

    @property
    def seed(self) -> int:
        """The seed of both raids."""
        return self.baseline.seed

    def differences(self) -> dict[str, npt.NDArray[np.float64]]:
        """Per compared quantity, the per-run difference alternative minus baseline, ``(runs,)``."""
        a, b = per_run_totals(self.baseline), per_run_totals(self.alternative)
        return {key: b[key] - a[key] for key in QUANTITIES}

    def __repr__(self) -> str:
        return (
            f"RaidComparisonResult({self.labels[1]!r} against {self.labels[0]!r}, "
            f"runs={self.runs}, seed={self.seed})"
        )

    def _repr_html_(self) -> str:
        doc = self.summary()["difference"]
        rows = "".join(
            f"<tr><td>{escape(label)}</td><td>{doc[key]['mean']:+,.1f}</td></tr>"
            for key, label in QUANTITIES.items()
        )
        return (
            f"<p><b>{escape(self.labels[1])}</b> against <b>{escape(self.labels[0])}</b>: "
            f"{self.runs} runs, seed {self.seed}; mean paired difference per raid</p>"
            f"<table><tr><th>quantity</th><th>mean difference</th></tr>{rows}</table>"
        )

    # ------------------------------------------------------------------ documents
    def summary(self) -> dict[str, Any]:
        """The ``umbrella run compare --json`` document: each raid's totals per raid and the
        paired differences, each an estimate (mean, ``ci95`` the 95% CI of the mean, and the
        per-run spread ``p05``/``p50``/``p95``)."""
        from umbrella.core.stats import estimate
        from umbrella.core.version import __version__

        scenarios = []
        for role, label, res in (("baseline", self.labels[0], self.baseline),
                                 ("alternative", self.labels[1], self.alternative)):  # fmt: skip
            totals = per_run_totals(res)
            scenarios.append({
                "role": role, "label": label, "scenario": res.raid.scenario_name,
                "totals": {key: estimate(totals[key]) for key in QUANTITIES},
            })  # fmt: skip
        return {
            "kind": self.kind,
            "baseline": self.labels[0],
            "alternative": self.labels[1],
            "runs": self.runs,
            "seed": self.seed,
            "version": __version__,
            "scenarios": scenarios,
            "difference": {key: estimate(d) for key, d in self.differences().items()},
            "distribution": self.distribution(),
        }

    def distribution(self) -> dict[str, Any]:
        """The per-run paired differences' quantiles at ``p`` (1%, 5%, ..., 99%): ``leaked``
        and ``damage`` (a share ``1 - p`` of the runs exceed each value)."""
        from umbrella.core.stats import DISTRIBUTION_P, distribution_quantiles

        diff = self.differences()
        return {"p": list(DISTRIBUTION_P), "leaked": distribution_quantiles(diff["leaked"]),
                "damage": distribution_quantiles(diff["damage"])}  # fmt: skip

    def figures(self) -> dict[str, Figure]:
        """The charts by name: ``difference-spread``, the exceedance of the per-run paired
        differences of leakers and damage."""
        from umbrella.report.charts.distribution import plot_difference_spread

        name = self.labels[1]
        return {
            "difference-spread": plot_difference_spread(
                {name: self.distribution()}, per="raid",
                title=f"{name} against {self.labels[0]}: the change across runs",
                lines=(f"{self.runs:,} runs, seed {self.seed}",),
            )
        }  # fmt: skip

    def plot(self) -> Figure:
        """The comparison's chart (``difference-spread``), for a notebook."""
        return self.figures()["difference-spread"]

    def tables(self) -> dict[str, pd.DataFrame]:
        """``differences`` (one row per quantity: mean, 95% CI of the mean, per-run spread)
        and ``replications`` (one row per run: each raid's totals and their difference)."""
        import pandas as pd

        doc = self.summary()
        rows = []
        for key, e in doc["difference"].items():
            lo, hi = e["ci95"]
            rows.append({"metric": key, "mean": e["mean"], "ci95_lo": lo, "ci95_hi": hi,
                         "p05": e["p05"], "p50": e["p50"], "p95": e["p95"]})  # fmt: skip
        a, b = per_run_totals(self.baseline), per_run_totals(self.alternative)
        per_run: dict[str, Any] = {"replication": np.arange(self.runs)}
        for key in QUANTITIES:
            per_run[f"{key}_baseline"] = a[key]
            per_run[f"{key}_alternative"] = b[key]
            per_run[f"{key}_difference"] = b[key] - a[key]
        return {"differences": pd.DataFrame(rows), "replications": pd.DataFrame(per_run)}

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella run compare --out`` writes: the tables,
        ``summary.json``, ``meta.json`` and ``report.html`` (see :mod:`umbrella.report.folder`).
        """
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=self.seed, runs=self.runs)
        return write_output(out, kind=self.kind, summary=self.summary(), meta=meta,
                            tables=self.tables(), figures=self.figures(), force=force,
                            inputs=inputs)  # fmt: skip


def run_raid_comparison(
    baseline: Scenario | str | Path,
    alternative: Scenario | str | Path,
    *,
    runs: int = 1000,
    seed: int = 0,
    sets: Sequence[str | Override] = (),
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
) -> RaidComparisonResult:
    """Fly two scenarios with the same runs and seed and compare them run by run: what
    ``umbrella run compare A B`` does, from Python.

    Parameters
    ----------
    baseline, alternative
        Scenarios, scenario files or bundled names (``reference``, ``national``, ...).
    runs, seed
        Replications (>= 2) of each and the seed (>= 0) of both.
    sets
        Changes at key paths applied to both scenarios (see :func:`~umbrella.jobs.run_raid`).
    out, force
        Write the output folder here (tables, ``summary.json``, ``meta.json``,
        ``report.html``), refused before any work where it would replace a user's files
        (unless ``force``: then umbrella's files are written beside them).
    history
        Record the comparison in the run history (``umbrella history``).
    progress
        ``progress(done, total, "runs")`` after each block of runs, counted over both raids.

    Returns
    -------
    RaidComparisonResult
        With its provenance attached, so that ``result.write(folder)`` writes what ``out``
        writes.

    Raises
    ------
    InputError
        A bad scenario, override, number of runs or seed, or an output folder that cannot be
        written; nothing is run or written.
    """
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed
    from umbrella.engine import simulate
    from umbrella.engine.raid import check_raid_run
    from umbrella.scenario.bundled import IN_MEMORY, resolve_scenario, source_files
    from umbrella.scenario.compile import compile_raid
    from umbrella.scenario.overrides import apply_to_scenario, as_overrides

    runs = check_runs(runs)
    seed = check_seed(seed)
    overrides = as_overrides(sets)
    read = []
    for given in (baseline, alternative):
        spec, source = resolve_scenario(given)
        spec = apply_to_scenario(spec, overrides)
        raid = compile_raid(spec)
        check_raid_run(raid, runs)
        read.append((spec, source, raid))
    labels = tuple(spec.name if source == IN_MEMORY else str(given)
                   for (spec, source, _), given in zip(read, (baseline, alternative),
                                                       strict=True))  # fmt: skip

    def run(report: Progress | None) -> RaidComparisonResult:
        results = []
        for k, (_, _, raid) in enumerate(read):

            def blocks(done: int, _: int, stage: str, before: int = k * runs) -> None:
                if report is not None:
                    report(before + done, 2 * runs, stage)

            results.append(simulate(raid, runs, seed, progress=blocks))
        return RaidComparisonResult(results[0], results[1], (labels[0], labels[1]))

    def headline(result: RaidComparisonResult) -> str:
        d = result.summary()["difference"]["leaked"]["mean"]
        return f"{result.labels[1]} against {result.labels[0]}: leaked {d:+.1f}"

    def provenance_of(result: RaidComparisonResult) -> dict[str, Any]:
        from umbrella.jobs.provenance import provenance, raid_provenance

        each = [raid_provenance(res, spec, source, overrides=overrides)
                for (spec, source, _), res in zip(read, (result.baseline, result.alternative),
                                                  strict=True)]  # fmt: skip
        inputs: dict[str, str | None] = {}
        for doc in each:
            inputs.update(doc["inputs"])
        meta = provenance(
            "raid-compare", inputs=inputs, seed=result.seed, runs=result.runs,
            parameters={"scenarios": list(result.labels),
                        "set": {ov.key: ov.value for ov in overrides}},
        )  # fmt: skip
        meta["scenarios"] = [
            {key: doc[key] for key in ("scenario", "scenario_source", "scenario_hash",
                                       "catalogue_hash")}
            for doc in each
        ]  # fmt: skip
        return meta

    from umbrella.jobs.pipeline import Job, execute

    job = Job(
        kind="raid-compare",
        inputs=[f for _, source, _ in read for f in source_files(source)],
        run=run,
        provenance=provenance_of,
        headline=headline,
        spec={label: spec.model_dump(mode="json")
              for label, (spec, _, _) in zip(("baseline", "alternative"), read,
                                             strict=True)},
    )  # fmt: skip
    return execute(job, out=out, force=force, history=history, progress=progress)
