"""Sweep files: which spec to vary, how (grid, Latin hypercube, Sobol'), and what to measure.

A sweep names a scenario (bundled name or a path from the sweep file's folder) or a campaign
file, the replications per point and the seed (every point uses the same seed, so the points
share common random numbers), the design, the outputs and the parameters, each a key path
(``threats[0].count``, ``catalogue.interceptors.interceptor_drone.p_kill.drone``; for a campaign,
``stocks.pac3_mse`` or ``defence.doctrine.shoot_look_shoot``).

Outputs are metric keys (:mod:`umbrella.sweep.metrics`); an output written under its name before
umbrella 0.2 (``leaked_total``, ``defender_cost``, ``stockout.pac3_mse``) is read under its new
name with an :class:`~umbrella.core.errors.UmbrellaDeprecationWarning` that names it.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from umbrella.core.errors import InputError, UmbrellaDeprecationWarning
from umbrella.core.limits import MAX_RUNS, MAX_SWEEP_POINTS
from umbrella.core.spec import Description, Name, PathText, Spec
from umbrella.core.tomlspec import check_schema_version, parse_toml, read_text, validate
from umbrella.scenario.overrides import parse_key
from umbrella.sweep.metrics import renamed_output

__all__ = ["DESIGNS", "Parameter", "SweepSpec", "load_sweep", "parse_sweep"]

DESIGNS = ("grid", "lhs", "sobol")
Scalar = bool | int | float | str


class Parameter(Spec):
    """One varied value: its key path and the values it takes.

    A grid takes ``values``, or ``range`` with ``steps`` evenly spaced values (ends included).
    A Latin hypercube or a Sobol' design draws uniformly from ``range = [lo, hi]`` (a whole
    number at a key that holds whole numbers, each equally likely) or picks among ``values``
    with equal probability.
    """

    key: str = Field(
        min_length=1, max_length=1000, description="Key path in the scenario or campaign."
    )
    values: list[Scalar] | None = Field(None, min_length=1, max_length=MAX_SWEEP_POINTS)
    range: tuple[float, float] | None = None
    steps: Annotated[int, Field(ge=2, le=10_000)] | None = Field(
        None, description="Grid only: evenly spaced values over range, ends included."
    )

    @model_validator(mode="after")
    def _one_of(self) -> Parameter:
        try:
            parse_key(self.key, "key")
        except InputError as exc:
            raise ValueError(exc.message) from None
        if (self.values is None) == (self.range is None):
            raise ValueError("give exactly one of values or range")
        if self.range is not None and not self.range[0] < self.range[1]:
            raise ValueError("range must be [lo, hi] with lo < hi")
        if self.steps is not None and self.range is None:
            raise ValueError("steps goes with range")
        return self


class SweepSpec(Spec):
    """A whole sweep file."""

    schema_version: Literal[1] = 1
    name: Name
    description: Description = ""
    scenario: PathText | None = Field(None, description="Bundled scenario name or path.")
    campaign: PathText | None = Field(None, description="Campaign file (path).")
    runs: Annotated[int, Field(ge=2, le=MAX_RUNS)] = Field(description="Replications per point.")
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    design: Literal["grid", "lhs", "sobol"] = "grid"
    samples: Annotated[int, Field(ge=2, le=MAX_SWEEP_POINTS)] | None = Field(
        None, description="lhs: points; sobol: base sample N (N x (parameters + 2) points)."
    )
    outputs: list[str] = Field(min_length=1, max_length=1000)
    parameters: list[Parameter] = Field(min_length=1, max_length=1000)

    _base_dir: Path = PrivateAttr(default_factory=lambda: Path("."))

    @field_validator("outputs", mode="before")
    @classmethod
    def _renamed_outputs(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, list):
            return value
        source = (info.context or {}).get("source", "<sweep>")
        out = []
        for i, name in enumerate(value):
            new = renamed_output(name) if isinstance(name, str) else None
            if new is not None:
                warnings.warn(
                    f"{source}: outputs[{i}] {name!r} is now {new!r}; the old name is read until "
                    "umbrella 0.4",
                    UmbrellaDeprecationWarning,
                    stacklevel=2,
                )
                name = new
            out.append(name)
        return out

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        if (self.scenario is None) == (self.campaign is None):
            raise ValueError("give exactly one of scenario or campaign")
        if self.design == "grid" and self.samples is not None:
            raise ValueError("samples is for the lhs and sobol designs (a grid takes every value)")
        if self.design != "grid" and self.samples is None:
            raise ValueError(f"the {self.design} design needs samples")
        if self.design == "sobol":
            assert self.samples is not None
            if self.samples & (self.samples - 1):
                raise ValueError("samples must be a power of two for the sobol design")
        for i, p in enumerate(self.parameters):
            if self.design == "grid" and p.range is not None and p.steps is None:
                raise ValueError(f"parameters[{i}]: a grid needs values, or range with steps")
            if self.design != "grid" and p.steps is not None:
                raise ValueError(
                    f"parameters[{i}]: steps is for the grid design "
                    f"({self.design} draws from the range)"
                )
        keys = [p.key for p in self.parameters]
        for k in keys:
            if keys.count(k) > 1:
                raise ValueError(f"parameter {k!r} is given twice")
        if len(set(self.outputs)) != len(self.outputs):
            raise ValueError("an output is named twice")
        if self.n_points > MAX_SWEEP_POINTS:
            raise ValueError(
                f"too large: the {self.design} design has {self.n_points:,} points, over the "
                f"limit of {MAX_SWEEP_POINTS:,} points of one sweep (fewer values or samples)"
            )
        return self

    @property
    def n_points(self) -> int:
        """The points of the design (a grid over whole-number ranges may hold fewer: values
        that round to the same number are taken once)."""
        if self.design == "lhs":
            return int(self.samples or 0)
        if self.design == "sobol":
            return int(self.samples or 0) * (len(self.parameters) + 2)
        n = 1
        for p in self.parameters:
            n *= len(p.values) if p.values is not None else int(p.steps or 1)
        return n

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the sweep start from (the file's folder)."""
        return self._base_dir

    def with_base_dir(self, base_dir: str | Path) -> SweepSpec:
        """The same sweep with relative paths resolved from ``base_dir``."""
        copy = self.model_copy()
        copy._base_dir = Path(base_dir)
        return copy


def parse_sweep(text: str, source: str | Path = "<string>") -> SweepSpec:
    """Parse and validate sweep TOML (keys and outputs are checked against the spec they vary
    when the sweep runs)."""
    raw = parse_toml(text, source)
    check_schema_version(raw, 1, source, text)
    if "parameters" not in raw and any(k in raw for k in ("threats", "raids", "assets")):
        raise InputError(
            "this is a scenario or campaign file, not a sweep file (a sweep file names one: "
            'scenario = "..." or campaign = "..."; see docs/sweep.md)',
            source=source,
        )
    return validate(SweepSpec, raw, source, text)


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file; its relative paths start from the file's folder."""
    return parse_sweep(read_text(path), source=path).with_base_dir(Path(path).parent)
