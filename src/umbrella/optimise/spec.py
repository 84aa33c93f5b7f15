"""Optimisation files: a campaign, a budget, an objective and a menu of things to buy.

Each option is one of five kinds, told apart by the key it carries:

- a lot of interceptors (``interceptor`` and ``quantity``): each unit adds ``quantity`` rounds
  on ``arrival`` (a purchase ordered on the first day, not held by the campaign's pauses);
- a fire unit (``fire_unit = {type, position_km | ring}``): each unit adds one such site on
  ``arrival`` (a posture change);
- an interceptor-drone team (``drone_team = {type, position_km | ring, operators_per_night}``):
  each unit adds the site on ``arrival`` and raises the nightly operator limit of the team's
  interceptor by ``operators_per_night``;
- a production ramp (``production = {interceptor, per_day, ramp_days}``): each unit adds a line
  that starts on ``arrival`` and ramps linearly to ``per_day`` rounds a day over ``ramp_days``;
- an EW zone (``ew_zone = {centre_km, radius_km, p_loss}``): each unit adds the zone to the
  defence for the whole campaign.

:func:`~umbrella.optimise.buy.apply_buy` turns a buy into those changes of the campaign.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, model_validator

from umbrella.core.errors import InputError
from umbrella.core.spec import (
    MAX_COUNT,
    MAX_USD,
    Date,
    Description,
    Name,
    PathText,
    Probability,
    Real,
    Spec,
    Usd,
    Whole,
)
from umbrella.core.tomlspec import (
    check_schema_version,
    locate_line,
    parse_toml,
    read_text,
    validate,
)
from umbrella.scenario.model import Point, Ring

__all__ = [
    "MAX_OPTIONS",
    "MAX_UNITS",
    "MIN_PRICE_USD",
    "DroneTeam",
    "EWZoneOption",
    "FireUnitOption",
    "OptimisationSpec",
    "Option",
    "ProductionOption",
    "Risk",
    "load_optimisation",
    "parse_optimisation",
]

#: Most options in one menu.
MAX_OPTIONS = 32
#: Most units of one option.
MAX_UNITS = 64
#: Cheapest unit, USD (a price under a cent is a typing slip, and budget / price would overflow).
MIN_PRICE_USD = 0.01
#: Most rounds a day of one production line (as a campaign's production allows).
MAX_PER_DAY = 1e6


class _Placed(Spec):
    type: Name
    position_km: Point | None = None
    ring: Ring | None = None

    @model_validator(mode="after")
    def _one_placement(self) -> _Placed:
        if (self.position_km is None) == (self.ring is None):
            raise ValueError("give exactly one of position_km or ring")
        return self


class FireUnitOption(_Placed):
    """A fire unit (or a ring of identical ones) of a catalogue type."""


class DroneTeam(_Placed):
    """Interceptor-drone teams: the site, and the operators that come with it."""

    type: Name = "interceptor_drone_team"
    operators_per_night: Annotated[Whole, Field(ge=0, le=MAX_COUNT)] = Field(
        0, description="Rounds a night more that the operator limit allows."
    )


class ProductionOption(Spec):
    """A production line: from 0 on ``arrival`` to ``per_day`` after ``ramp_days``."""

    interceptor: Name
    per_day: Annotated[Real, Field(gt=0.0, le=MAX_PER_DAY)]
    ramp_days: Annotated[Whole, Field(ge=0, le=3660)] = 0


class EWZoneOption(Spec):
    """An electronic-warfare zone (present for the whole campaign)."""

    centre_km: Point
    radius_km: Annotated[Real, Field(gt=0.0, le=20_000.0)]
    p_loss: Probability


OptionKind = Literal["lot", "fire_unit", "drone_team", "production", "ew_zone"]


class Option(Spec):
    """One line of the menu: what a unit is, its price, how many may be bought, and when."""

    id: Name
    price_usd: Annotated[Real, Field(ge=MIN_PRICE_USD, le=MAX_USD)] = Field(
        description="Price per unit, USD (a cent at least)."
    )
    max_units: Annotated[Whole, Field(ge=0, le=MAX_UNITS)] = 1
    arrival: Date | None = Field(None, description="When each unit arrives (default: the start).")
    interceptor: Name | None = None
    quantity: Annotated[Whole, Field(ge=1, le=MAX_COUNT)] | None = None
    fire_unit: FireUnitOption | None = None
    drone_team: DroneTeam | None = None
    production: ProductionOption | None = None
    ew_zone: EWZoneOption | None = None
    description: Description = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Option:
        lot = self.interceptor is not None or self.quantity is not None
        given = [lot] + [
            getattr(self, k) is not None
            for k in ("fire_unit", "drone_team", "production", "ew_zone")
        ]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one of interceptor + quantity, fire_unit, drone_team, production "
                "or ew_zone"
            )
        if lot and (self.interceptor is None or self.quantity is None):
            raise ValueError("a lot of interceptors needs both interceptor and quantity")
        if self.ew_zone is not None and self.arrival is not None:
            raise ValueError("an EW zone is present for the whole campaign: leave out arrival")
        # Every option at its most units must still be a valid campaign entry: checked here,
        # so that validate says what the optimiser would find.
        most = self.max_units
        if self.quantity is not None and self.quantity * most > MAX_COUNT:
            raise ValueError(
                f"quantity x max_units is {self.quantity * most:,} rounds, over the limit of "
                f"{MAX_COUNT:,} in one purchase"
            )
        team = self.drone_team
        if team is not None and team.operators_per_night * most > MAX_COUNT:
            raise ValueError(
                f"operators_per_night x max_units is {team.operators_per_night * most:,}, over "
                f"the limit of {MAX_COUNT:,} a night"
            )
        if self.production is not None and self.production.per_day * most > MAX_PER_DAY:
            raise ValueError(
                f"per_day x max_units is {self.production.per_day * most:,g} rounds a day, over "
                f"the limit of {MAX_PER_DAY:,.0f}"
            )
        return self

    @property
    def kind(self) -> OptionKind:
        """Which of the five kinds this option is."""
        for k in ("fire_unit", "drone_team", "production", "ew_zone"):
            if getattr(self, k) is not None:
                return k
        return "lot"


class Risk(Spec):
    """Weight on the tail: the score is (1 - weight) x mean + weight x CVaR at ``cvar_alpha``."""

    cvar_alpha: Annotated[Real, Field(ge=0.5, lt=1.0)]
    weight: Probability


class OptimisationSpec(Spec):
    """A whole optimisation file."""

    schema_version: Literal[1] = 1
    name: Name
    description: Description = ""
    campaign: PathText = Field(description="Campaign file, relative to this file or absolute.")
    budget_usd: Usd
    objective: Literal["damage", "leaked"] = "damage"
    assets: list[Name] | None = Field(None, max_length=10_000)
    risk: Risk | None = None
    options: list[Option] = Field(min_length=1, max_length=MAX_OPTIONS)

    _base_dir: Path = PrivateAttr(default_factory=lambda: Path("."))
    _source: str = PrivateAttr(default="<optimisation>")

    @property
    def source(self) -> str:
        """The file it was read from."""
        return self._source

    def campaign_path(self) -> Path:
        """The campaign file, resolved from this file's folder."""
        p = Path(self.campaign)
        return p if p.is_absolute() else self._base_dir / p


def parse_optimisation(text: str, source: str | Path = "<string>") -> OptimisationSpec:
    """Parse and validate optimisation TOML (references are checked against the campaign by
    :func:`~umbrella.optimise.buy.check_options`)."""
    raw = parse_toml(text, source)
    check_schema_version(raw, 1, source, text)
    spec = validate(OptimisationSpec, raw, source, text)
    seen: set[str] = set()
    for k, opt in enumerate(spec.options):
        if opt.id in seen:
            raise InputError(f"duplicate option id {opt.id!r}", source=source,
                             key=f"options[{k}].id",
                             line=locate_line(text, ("options", k, "id")))  # fmt: skip
        seen.add(opt.id)
    spec._source = str(source)
    return spec


def load_optimisation(path: str | Path) -> OptimisationSpec:
    """Read and validate an optimisation file; its campaign path starts from its folder."""
    spec = parse_optimisation(read_text(path), source=path)
    spec._base_dir = Path(path).parent
    return spec
