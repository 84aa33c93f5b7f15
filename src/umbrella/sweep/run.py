"""Run a sweep: from a sweep file (:func:`simulate_sweep`) or from Python in the style of Mesa's
``batch_run`` and the EMA Workbench's ``perform_experiments`` (:func:`perform_experiments`).

These return the :class:`~umbrella.sweep.SweepResult` only; :func:`umbrella.jobs.run_sweep` is
``umbrella sweep`` from Python (the output folder, provenance and run history besides)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from umbrella.core.errors import InputError
from umbrella.core.progress import Progress
from umbrella.core.seeds import check_seed
from umbrella.scenario.overrides import Override
from umbrella.sweep.design import Design, make_design
from umbrella.sweep.execute import DEFAULT_BATCH_RUNS, execute
from umbrella.sweep.models import CampaignModel, RaidModel, SweepModel
from umbrella.sweep.result import SweepResult
from umbrella.sweep.spec import Parameter, SweepSpec

if TYPE_CHECKING:
    from distributed import Client

    from umbrella.campaign import Campaign
    from umbrella.scenario.model import Scenario

__all__ = [
    "SweepPlan",
    "check_sweep_size",
    "data_credit",
    "fit_model",
    "load_model",
    "perform_experiments",
    "plan_sweep",
    "prepare_points",
    "read_model",
    "simulate_sweep",
]

ParameterSpec = Sequence[Any] | tuple[float, float] | range


def read_model(spec: SweepSpec, *, overrides: Sequence[Override] = ()) -> SweepModel:
    """The scenario or campaign a sweep file names, read and with fixed ``overrides`` applied
    (for a campaign: with its defence scenario, and no raid-tempo model yet: see
    :func:`fit_model`). Reading is quick: nothing is fitted, drawn or compiled."""
    from umbrella.campaign.overrides import apply_to_campaign
    from umbrella.scenario.bundled import bundled_names, load_bundled
    from umbrella.scenario.overrides import apply_to_scenario, split_defence

    if spec.scenario is not None:
        name = spec.scenario
        if name in bundled_names():
            scenario = load_bundled(name)
        else:
            from umbrella.scenario.model import load_scenario

            path = Path(name)
            scenario = load_scenario(path if path.is_absolute() else spec.base_dir / path)
        return RaidModel(apply_to_scenario(scenario, overrides))
    from umbrella.campaign import load_campaign
    from umbrella.campaign.inputs import load_defence

    assert spec.campaign is not None
    path = Path(spec.campaign)
    campaign = load_campaign(path if path.is_absolute() else spec.base_dir / path)
    camp_ovs, defence_ovs = split_defence(overrides)
    campaign = apply_to_campaign(campaign, camp_ovs)
    defence = apply_to_scenario(load_defence(campaign), defence_ovs, prefix="defence.")
    return CampaignModel(campaign, defence)


def fit_model(model: SweepModel, data_dir: str | Path | None = None) -> SweepModel:
    """``model`` ready to run: a campaign whose raids come from the raid-tempo model gets the
    model fitted to the attack reports (``data_dir``, else the campaign's ``raids.data_dir``)."""
    if isinstance(model, CampaignModel) and model.tempo is None:
        from umbrella.campaign.inputs import load_raid_tempo

        return replace(model, tempo=load_raid_tempo(model.campaign, data_dir))
    return model


def load_model(
    spec: SweepSpec,
    *,
    overrides: Sequence[Override] = (),
    data_dir: str | Path | None = None,
) -> SweepModel:
    """The scenario or campaign a sweep file names, with fixed ``overrides`` applied, ready to
    run (:func:`read_model`, then :func:`fit_model`)."""
    return fit_model(read_model(spec, overrides=overrides), data_dir)


def _holds_whole_numbers(model: SweepModel, p: Parameter, origin: str) -> bool:
    """Whether a parameter's key holds whole numbers (its range is then drawn in them)."""
    if p.range is None:
        return False
    try:
        current = model.current_value(p.key)
    except InputError as exc:
        raise InputError(exc.message, source=origin, key=p.key) from None
    if isinstance(current, bool) or not isinstance(current, int | float | None):
        kind = "true/false" if isinstance(current, bool) else type(current).__name__
        raise InputError(
            f"{p.key} holds {kind}, not a number: give values instead of a range",
            source=origin,
        )
    if current is not None:
        return isinstance(current, int)
    lo, hi = p.range
    if not (lo.is_integer() and hi.is_integer()):
        return False
    # The spec holds no value there yet: ask its validation whether a fraction is refused.
    frac = lo + 0.5 if hi - lo >= 1 else (lo + hi) / 2
    try:
        model.apply([Override.of(p.key, frac, origin)])
        return False
    except InputError:
        model.apply([Override.of(p.key, int(lo), origin)])  # a bad key is reported here
        return True


def _check_values(model: SweepModel, p: Parameter, whole: bool, origin: str) -> None:
    """Each value of a parameter, set alone, must be one the spec takes."""
    if p.values is not None:
        probes: list[Any] = list(p.values)
    else:
        assert p.range is not None
        probes = [round(v) if whole else float(v) for v in p.range]
    for v in probes:
        model.apply([Override.of(p.key, v, f"{origin} = {v!r}")])


_THREAT_COUNT = re.compile(r"threats\[(\d+)\]\.count")


def _largest(p: Parameter) -> float:
    values = [v for v in (p.values or p.range or ()) if isinstance(v, int | float)]
    return max((float(v) for v in values if not isinstance(v, bool)), default=0.0)


def sweep_size(spec: SweepSpec, model: SweepModel) -> tuple[int, str]:
    """What one replication of the sweep's largest point flies, for the budget of work:
    (threats, "threats") of a raid, with each swept ``threats[i].count`` at its largest value;
    (nights, "nights") of a campaign; 1 of any other model."""
    if isinstance(model, CampaignModel):
        return int(model.campaign.n_nights), "nights"
    if not isinstance(model, RaidModel):
        return 1, "replications"  # a model of the caller's own: only points x runs counted
    counts = [int(w.count) for w in model.scenario.threats]
    for p in spec.parameters:
        m = _THREAT_COUNT.fullmatch(p.key)
        if m is not None and int(m.group(1)) < len(counts):
            counts[int(m.group(1))] = max(counts[int(m.group(1))], int(min(_largest(p), 2**62)))
    return sum(counts), "threats"


def check_sweep_size(
    spec: SweepSpec, model: SweepModel, source: str = "<sweep>", key: str = "runs"
) -> None:
    """Refuse, before anything is drawn or allocated, a sweep over the budgets of
    :func:`umbrella.core.limits.check_sweep` (points, points x runs x threats, results)."""
    from umbrella.core.limits import check_sweep

    threats, unit = sweep_size(spec, model)
    check_sweep(points=spec.n_points, runs=spec.runs, threats=threats, outputs=len(spec.outputs),
                unit=unit, key=key, source=source)  # fmt: skip


def prepare_points(
    model: SweepModel,
    parameters: Sequence[Parameter],
    design: str,
    samples: int | None,
    seed: int,
    source: str = "<sweep>",
) -> tuple[Design, list[list[Override]]]:
    """Check every parameter against the model (unknown keys and values it refuses are
    InputErrors naming ``parameters[i]``), then draw the design's points."""
    integer = []
    for i, p in enumerate(parameters):
        origin = f"{source}: parameters[{i}]"
        whole = _holds_whole_numbers(model, p, origin)
        _check_values(model, p, whole, origin)
        integer.append(whole)
    des = make_design(parameters, design, samples, seed, integer, source)
    points = [[Override.of(k, v, f"{k}={v!r}") for k, v in pt.items()] for pt in des.points]
    return des, points


@dataclass(frozen=True, eq=False)
class SweepPlan:
    """A sweep ready to run: the model, its checked design and every point's overrides."""

    name: str
    model: SweepModel
    label: str
    design: Design
    points: list[list[Override]]
    runs: int
    seed: int
    outputs: tuple[str, ...]

    @property
    def total_runs(self) -> int:
        """Replications over every point (what ``progress`` counts to)."""
        return len(self.points) * self.runs

    def run(
        self,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
        client: Client | None = None,
        batch_runs: int = DEFAULT_BATCH_RUNS,
        progress: Progress | None = None,
    ) -> SweepResult:
        """Run every point (see :func:`umbrella.sweep.execute.execute`) and estimate the
        Sobol' indices of a ``sobol`` design (when no point failed)."""
        values, errors = execute(
            self.model, self.points, self.runs, self.seed, self.outputs, workers=workers,
            scheduler=scheduler, client=client, batch_runs=batch_runs, progress=progress,
        )  # fmt: skip
        sensitivity = None
        if self.design.kind == "sobol" and not errors:
            from umbrella.sweep.sensitivity import sobol_indices

            sensitivity = sobol_indices(self.design, values.mean(axis=1), self.outputs, self.seed)
        return SweepResult(
            name=self.name, model=f"{self.model.kind}:{self.label}", design=self.design,
            runs=self.runs, seed=self.seed, outputs=self.outputs, values=values, errors=errors,
            sensitivity=sensitivity, data_credit=data_credit(self.model),
        )  # fmt: skip


def data_credit(model: SweepModel) -> str:
    """The attack reports' credit line if the model's raids or posture come from them."""
    campaign = getattr(model, "campaign", None)
    if campaign is not None and campaign.raids.source == "tempo":
        from umbrella.core.vocabulary import DATA_CREDIT

        return DATA_CREDIT
    scenario = getattr(model, "defence", None) or getattr(model, "scenario", None)
    record = getattr(scenario, "calibration", None)
    return "" if record is None else str(record.data_credit)


def plan_sweep(
    spec: SweepSpec,
    *,
    source: str = "<sweep>",
    overrides: Sequence[Override] = (),
    data_dir: str | Path | None = None,
    model: SweepModel | None = None,
) -> SweepPlan:
    """Load what a sweep varies (with fixed ``overrides``), check its outputs and parameters,
    and draw its points. Bad input is an InputError naming ``source`` and the entry."""
    if model is None:
        model = read_model(spec, overrides=overrides)
        check_sweep_size(spec, model, source)
        model = fit_model(model, data_dir)
    check_sweep_size(spec, model, source)
    model.check_outputs(spec.outputs, source)
    des, points = prepare_points(
        model, spec.parameters, spec.design, spec.samples, spec.seed, source
    )
    label = spec.scenario if spec.scenario is not None else str(spec.campaign)
    return SweepPlan(spec.name, model, label, des, points, spec.runs, spec.seed,
                     tuple(spec.outputs))  # fmt: skip


def simulate_sweep(
    spec: SweepSpec,
    *,
    source: str = "<sweep>",
    overrides: Sequence[Override] = (),
    data_dir: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    batch_runs: int = DEFAULT_BATCH_RUNS,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a sweep file's sweep (:func:`~umbrella.sweep.load_sweep`) and return its result
    (:func:`umbrella.jobs.run_sweep` also writes the output folder and the run history).

    Parameters
    ----------
    spec
        The sweep.
    source
        The sweep file's name, for error messages.
    overrides
        Fixed changes to the scenario or campaign before the sweep (``--set``).
    data_dir
        The attack-report folder for a campaign's raid-tempo model (overrides the campaign's).
    workers, scheduler, client, batch_runs, progress
        Where the runs go; see :func:`umbrella.sweep.execute.execute`. The numbers do not
        depend on them.
    """
    plan = plan_sweep(spec, source=source, overrides=overrides, data_dir=data_dir)
    return plan.run(
        workers=workers, scheduler=scheduler, client=client, batch_runs=batch_runs,
        progress=progress,
    )  # fmt: skip


def _parameters(parameters: Mapping[str, Any] | Sequence[Parameter]) -> list[dict[str, Any]]:
    if not isinstance(parameters, Mapping):
        return [p.model_dump(exclude_none=True) for p in parameters]
    out: list[dict[str, Any]] = []
    for key, spec in parameters.items():
        if isinstance(spec, tuple) and len(spec) == 2:
            out.append({"key": key, "range": spec})
        elif isinstance(spec, str) or not isinstance(spec, Sequence | np.ndarray | range):
            raise InputError(
                "give a list of values or a (lo, hi) tuple", source="<python>", key=key
            )
        else:
            out.append({"key": key, "values": [v.item() if isinstance(v, np.generic) else v
                                               for v in spec]})  # fmt: skip
    return out


def perform_experiments(
    model: Scenario | Campaign | SweepModel,
    parameters: Mapping[str, Any] | Sequence[Parameter],
    *,
    design: str = "grid",
    samples: int | None = None,
    outputs: Sequence[str] = ("leaked", "defender_cost_usd"),
    runs: int = 200,
    seed: int = 0,
    name: str = "experiments",
    data_dir: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Client | None = None,
    batch_runs: int = DEFAULT_BATCH_RUNS,
    progress: Progress | None = None,
) -> SweepResult:
    """Run a scenario or a campaign over a design of parameter values.

    In the style of Mesa's ``batch_run`` and the EMA Workbench's ``perform_experiments``:
    give the model, the parameters and the outputs; get every replication back, with a tidy
    table (:meth:`SweepResult.table`) and an xarray dataset (:meth:`SweepResult.to_xarray`).

    Parameters
    ----------
    model
        A :class:`~umbrella.Scenario` (raids) or a :class:`~umbrella.campaign.Campaign`.
    parameters
        ``{key path: values}``: a list (or ``range``, or array) of values, or a tuple
        ``(lo, hi)`` for a range (``lhs`` and ``sobol``); or a list of
        :class:`~umbrella.sweep.Parameter`.
    design
        ``grid`` (every combination), ``lhs`` (``samples`` points) or ``sobol`` (``samples``
        x (parameters + 2) points, with Sobol' indices).
    samples
        See ``design``.
    outputs
        Output names: metric keys (:mod:`umbrella.sweep.metrics`).
    runs, seed
        Replications per point; the seed, shared by every point (common random numbers).
    name
        The sweep's name in its results.
    data_dir
        A campaign's attack-report folder (for its raid-tempo model).
    workers, scheduler, client, batch_runs, progress
        Where the runs go (default: this process); see
        :func:`umbrella.sweep.execute.execute`. The numbers do not depend on them.

    Examples
    --------
    >>> import umbrella
    >>> from umbrella.sweep import perform_experiments
    >>> res = perform_experiments(
    ...     umbrella.load_bundled(), {"threats[0].count": [100, 300]},
    ...     outputs=["leaked"], runs=20, seed=7, workers=1)
    >>> res.table()[["threats[0].count", "output", "mean"]].shape
    (2, 3)
    """
    from umbrella.campaign.spec import Campaign
    from umbrella.scenario.model import Scenario

    swept: SweepModel
    if isinstance(model, Scenario):
        label, swept = model.name, RaidModel(model)
    elif isinstance(model, Campaign):
        from umbrella.campaign.inputs import load_defence

        label = model.name
        swept = fit_model(CampaignModel(model, load_defence(model)), data_dir)
    else:
        label, swept = "<python>", model
    if runs < 2:
        raise InputError("runs must be at least 2 (confidence intervals need two)", key="runs")
    seed = check_seed(seed)
    from umbrella.core.tomlspec import validate

    raw = {
        "name": name, "scenario": "<python>", "runs": runs, "seed": seed, "design": design,
        "samples": samples, "outputs": list(outputs), "parameters": _parameters(parameters),
    }  # fmt: skip
    spec = validate(SweepSpec, raw, "<python>")
    plan = plan_sweep(spec, source="<python>", model=swept)
    plan = replace(plan, label=label)
    return plan.run(
        workers=workers, scheduler=scheduler, client=client, batch_runs=batch_runs,
        progress=progress,
    )  # fmt: skip
