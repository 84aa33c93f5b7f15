"""Missiles that match: each missile class's level set so that the engine, flying the fitted
posture on its own training nights, neutralises the share of the class the reports give.

The fit of each missile type (:func:`~umbrella.calibration.fit.fit_missiles`) uses the nights on
which a report row names that type alone, through an emulator that flies each missile wave
without drones. Flown on every training night (combined rows included, missiles among the
night's drones, salvos filling the frontline first), the fitted posture neutralised too few
cruise and ballistic missiles: 73.9% against 78.2% and 24.7% against 31.5% on the reports to
2025-12-31: most of a night's ballistic salvo flies where no fire unit engages it, whatever its
kill chance where one does. Here each threat class ``c`` gets a level ``δ_c``, the defence's reach
against the class (:func:`~umbrella.calibration.state.with_class_levels`: added to the logit
``p_kill_factor`` of every type of the class and taken from a salvo type's log frontline count),
found by flying the training nights through the engine: a secant search (the first step from the
logistic shift of each night's predicted share) until the pooled predicted share is within
:data:`TOLERANCE` of the reported one, or :data:`PASSES` passes. The levels are folded into
the types (posterior draws and the file's numbers); after the training end each level is part
of the posture's state and moves with the reports (:mod:`.assimilate`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from umbrella.calibration.night import Night
from umbrella.calibration.posture import PostureValues, posture_scenario
from umbrella.calibration.predict import NightPredictions, predict_nights
from umbrella.calibration.state import with_class_levels
from umbrella.core.executor import Executor
from umbrella.core.progress import Progress, report
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES
from umbrella.scenario.model import Scenario

__all__ = ["PASSES", "TOLERANCE", "ClassMatch", "match_missile_classes", "pooled_by_class"]

F64 = npt.NDArray[np.float64]
#: Largest gap left between the pooled predicted and reported share of a class.
TOLERANCE = 0.005
#: Most passes of the engine over the training nights.
PASSES = 4
#: Runs a night of each pass.
RUNS = 50
STAGE = "missile levels"


@dataclass(frozen=True)
class ClassMatch:
    """One class's level and its pooled shares, predicted (at the level) and reported."""

    level: float
    missiles: int
    predicted: float
    reported: float


def pooled_by_class(pred: NightPredictions) -> dict[str, tuple[F64, F64, F64]]:
    """Per class, over the nights that launched it and whose reports give its outcome: each
    night's missiles, predicted mean neutralised and reported neutralised, shape (n,) each."""
    out: dict[str, tuple[F64, F64, F64]] = {}
    for c in MISSILE_THREAT_CLASSES:
        launched, predicted, reported = [], [], []
        for i, night in enumerate(pred.nights):
            n = int(pred.missiles_launched[c][i])
            rep = night.missiles_neutralised.get(str(c))
            if n > 0 and rep is not None:
                launched.append(n)
                predicted.append(float(pred.missiles_neutralised[c][i].mean()))
                reported.append(min(rep, n))
        out[str(c)] = (np.array(launched, float), np.array(predicted), np.array(reported, float))
    return out


def _shifted(scenario: Scenario, levels: Mapping[str, float]) -> Scenario:
    """The posture with each class's level folded into its types
    (:func:`~umbrella.calibration.state.with_class_levels`): in the posterior draws and in the
    file's ``p_kill_factor`` numbers."""
    rec = scenario.calibration
    assert rec is not None and rec.posterior is not None
    cat = scenario.resolved_catalogue()
    cls = {t: str(cat.threats[t].threat_class) for t in cat.threats}
    names = rec.posterior.names
    rows = [
        with_class_levels(dict(zip(names, row, strict=True)), levels, cls)
        for row in rec.posterior.draws
    ]
    x = np.array([[r[n] for n in names] for r in rows], dtype=np.float64)
    factors: dict[str, float] = {}
    for t in cat.threats:
        shift = levels.get(cls[t], 0.0)
        if shift and f"logit_pk_{t}" in names:
            f = cat.threats[t].p_kill_factor
            factors[t] = float(special.expit(special.logit(np.clip(f, 1e-9, 1 - 1e-9)) + shift))
    post = rec.posterior.model_copy(update={"draws": [[float(v) for v in r] for r in x]})
    moved = posture_scenario(scenario, PostureValues(pk_factor=factors))
    return moved.replace(calibration=rec.model_copy(update={"posterior": post}))


def _logistic_step(n: F64, shares: F64, target: float) -> float:
    """The shift ``δ`` for which ``Σ n expit(logit s + δ) = target Σ n`` (each night's share
    moved on the logit scale)."""
    s = np.clip(shares, 1e-4, 1 - 1e-4)

    def gap(d: float) -> float:
        return float(np.sum(n * special.expit(special.logit(s) + d)) / n.sum() - target)

    if gap(-8.0) > 0 or gap(8.0) < 0:
        return -8.0 if gap(-8.0) > 0 else 8.0
    return float(optimize.brentq(gap, -8.0, 8.0))


def match_missile_classes(
    scenario: Scenario,
    nights: Sequence[Night],
    seed: int,
    *,
    runs: int = RUNS,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> tuple[Scenario, dict[str, ClassMatch]]:
    """The fitted posture with each missile class's level set to match the reports pooled over
    ``nights`` (its training nights), and the match of each class (see the module docstring)."""
    nights = [n for n in nights if any(v > 0 for v in n.missiles.values())]
    levels: dict[str, float] = {str(c): 0.0 for c in MISSILE_THREAT_CLASSES}
    tried: dict[str, list[tuple[float, float]]] = {str(c): [] for c in MISSILE_THREAT_CLASSES}
    result: dict[str, ClassMatch] = {}
    current = scenario
    for step in range(PASSES):
        current = _shifted(scenario, levels)
        pred = predict_nights(current, nights, runs, seed, executor=executor)
        report(progress, step + 1, PASSES, STAGE)
        done = True
        for c, (n, p, r) in pooled_by_class(pred).items():
            if n.sum() <= 0:
                continue
            predicted, reported = float(p.sum() / n.sum()), float(r.sum() / n.sum())
            result[c] = ClassMatch(levels[c], int(n.sum()), predicted, reported)
            tried[c].append((levels[c], predicted))
            if abs(predicted - reported) <= TOLERANCE or step == PASSES - 1:
                continue
            done = False
            if len(tried[c]) >= 2 and tried[c][-1][1] != tried[c][-2][1]:
                (d0, p0), (d1, p1) = tried[c][-2], tried[c][-1]
                levels[c] = float(np.clip(d1 + (reported - p1) * (d1 - d0) / (p1 - p0), -8, 8))
            else:
                shares = np.clip(p / np.maximum(n, 1.0), 0.0, 1.0)
                levels[c] = levels[c] + _logistic_step(n, shares, reported)
        if done:
            report(progress, PASSES, PASSES, STAGE)  # matched early: the stage is complete
            break
    return current, result
