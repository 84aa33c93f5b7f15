"""The ``[calibration]`` table of a scenario: how nights become raids on this posture, and, once
``umbrella calibrate`` has run, what was fitted to which reports and the posterior it found.

Only specs here (no NumPy, no simulation), so that :mod:`umbrella.scenario` can hold the table.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated

from pydantic import Field, model_validator

from umbrella.core.spec import Spec
from umbrella.core.vocabulary import MISSILE_THREAT_CLASSES

__all__ = ["CalibrationRecord", "PosteriorDraws"]


class PosteriorDraws(Spec):
    """Draws from the posterior of the posture's uncertain parameters.

    Each row of ``draws`` is one draw, in the order of ``names``, on the fitting scale (logs and
    logits, as the names say: ``log_...``, ``logit_...``).
    """

    names: list[str] = Field(min_length=1)
    draws: list[list[float]] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> PosteriorDraws:
        if len(set(self.names)) != len(self.names):
            raise ValueError("duplicate parameter names")
        for k, row in enumerate(self.draws):
            if len(row) != len(self.names):
                raise ValueError(f"draw {k} has {len(row)} values for {len(self.names)} names")
            if not all(math.isfinite(v) for v in row):
                raise ValueError(f"draw {k} holds a value that is not finite")
        return self


class CalibrationRecord(Spec):
    """How a national night becomes a raid on this posture, and what calibration fitted.

    ``frontline_waves`` and ``frontline_interceptors`` are structure: the waves aimed at targets
    near the border, and the interceptor types the frontline units fire. A night's drones (and
    a night's missiles of a type with frontline waves) fill the frontline waves first, up to
    the fitted frontline count, and the rest fly the deep waves; without them a night's drones
    are split over every drone wave in proportion to the waves' counts. The other keys are
    written by ``umbrella calibrate``.
    """

    frontline_waves: list[str] = Field(
        default_factory=list,
        description="Waves aimed at frontline targets; a night's other launches fly deep.",
    )
    frontline_interceptors: list[str] = Field(
        default_factory=list,
        description="Interceptor types fired on the frontline axes: their kill probability "
        "against drones carries the frontline capability on top of the national one.",
    )
    method: str = Field("", description="How the parameters were fitted.")
    train_start: date | None = Field(None, description="First night of reports fitted.")
    train_end: date | None = Field(None, description="Last night of reports fitted.")
    updated_through: date | None = Field(
        None,
        description="Last night of reports assimilated after the fit (``umbrella calibrate "
        "--update``): the posture's numbers are its state on that night.",
    )
    months: list[str] = Field(
        default_factory=list,
        description="Calendar months (YYYY-MM) of the fitted capability path, oldest first.",
    )
    nights: Annotated[int, Field(ge=0)] = Field(0, description="Nights in the likelihood.")
    runs: Annotated[int, Field(ge=0)] = Field(
        0, description="Engine runs per night of the in-sample check (``fit``)."
    )
    seed: Annotated[int, Field(ge=0)] = 0
    version: str = Field("", description="umbrella version that fitted it.")
    data_credit: str = ""
    fit: dict[str, float] = Field(
        default_factory=dict, description="In-sample fit metrics (engine runs on the nights)."
    )
    parameters: dict[str, float] = Field(
        default_factory=dict, description="Posterior means on the natural scale, for reading."
    )
    posterior: PosteriorDraws | None = None
    missile_offsets: dict[str, float] = Field(
        default_factory=dict,
        description="Per missile class (cruise, ballistic, aeroballistic), the logit offset from "
        "the assimilation's missile emulator to the engine on the training nights, kept by "
        "``umbrella calibrate --update`` (computed from the training nights where absent).",
    )

    @model_validator(mode="after")
    def _fitted(self) -> CalibrationRecord:
        if self.posterior is not None and (self.train_end is None or not self.months):
            raise ValueError("a posterior needs train_end and months")
        if self.train_start and self.train_end and self.train_end < self.train_start:
            raise ValueError("train_end is before train_start")
        if self.updated_through is not None and (
            self.train_end is None or self.updated_through < self.train_end
        ):
            raise ValueError("updated_through needs a train_end on or before it")
        unknown = set(self.missile_offsets) - {str(c) for c in MISSILE_THREAT_CLASSES}
        if unknown:
            raise ValueError(f"missile_offsets: {sorted(unknown)[0]!r} is not a missile class")
        if not all(math.isfinite(v) for v in self.missile_offsets.values()):
            raise ValueError("missile_offsets must be finite numbers")
        for m in self.months:
            if len(m) != 7 or m[4] != "-" or not (m[:4] + m[5:]).isdigit():
                raise ValueError(f"month {m!r} is not YYYY-MM")
        return self

    @property
    def is_fitted(self) -> bool:
        """Whether ``umbrella calibrate`` has fitted this posture (a posterior is present)."""
        return self.posterior is not None
