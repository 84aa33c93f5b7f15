"""Campaign files: a defence scenario carried through a season of nightly raids.

A campaign names a defence scenario (bundled name or a path relative to the campaign file) and
adds the window, the nightly raids (the raid-tempo model fitted to the attack reports, or
distributions written in the file), stocks, deliveries with pauses, production ramps, purchases
within a budget, rationing and operator limits, and posture changes on dates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, model_validator

from umbrella.scenario import FireUnitSite
from umbrella.spec import Count, NonNegative, Probability, Spec
from umbrella.tomlspec import (
    check_schema_version,
    dump_toml,
    parse_toml,
    read_text,
    spec_hash,
    validate,
)
from umbrella.vocabulary import MissileClass

__all__ = [
    "Campaign",
    "Delivery",
    "Limit",
    "MissileDistribution",
    "Pause",
    "PostureChange",
    "Production",
    "Purchase",
    "RaidDistributions",
    "Raids",
    "Rationing",
    "campaign_hash",
    "dump_campaign",
    "load_campaign",
    "parse_campaign",
]


class MissileDistribution(Spec):
    """Missiles of one class per night: a salvo on a fraction of nights, size 1 + Poisson."""

    p_night: Probability = Field(description="Probability that a night has a salvo of this class.")
    mean: Annotated[float, Field(ge=1.0)] = Field(description="Mean salvo size on such a night.")


class RaidDistributions(Spec):
    """Nightly raids written in the file (instead of the fitted raid-tempo model)."""

    drones_mean: Annotated[float, Field(gt=0.0)] = Field(
        description="Mean drones per night on regular nights, decoys included."
    )
    drones_dispersion: Annotated[float, Field(gt=0.0)] = Field(
        1.5, description="Negative-binomial size k (variance m + m^2/k)."
    )
    heavy_p: Probability = Field(0.0, description="Probability of a heavy night.")
    heavy_mean: NonNegative = Field(0.0, description="Mean drones on a heavy night.")
    decoy_share: Probability = Field(0.45, description="Share of decoys among drones.")
    missiles: dict[MissileClass, MissileDistribution] = Field(default_factory=dict)


class Raids(Spec):
    """Where the nightly raids come from, and the share of them this defence faces."""

    source: Literal["tempo", "distributions"]
    data_dir: str | None = Field(
        None, description="Attack-report folder for the tempo model (relative to the file)."
    )
    train_end: date | None = Field(None, description="Last night the tempo model is fitted on.")
    fraction: Probability = Field(
        1.0, description="Share of each national raid aimed at the defended area (thinning)."
    )
    distributions: RaidDistributions | None = None

    @model_validator(mode="after")
    def _source(self) -> Raids:
        if self.source == "tempo" and (self.data_dir is None or self.train_end is None):
            raise ValueError("source 'tempo' needs data_dir and train_end")
        if self.source == "distributions" and self.distributions is None:
            raise ValueError("source 'distributions' needs a [raids.distributions] table")
        return self


class Delivery(Spec):
    """Scheduled deliveries: ``quantity`` on ``first`` and every ``every_days`` after."""

    interceptor: str
    quantity: Count
    first: date
    every_days: Annotated[int, Field(ge=1)] | None = None
    last: date | None = None


class Pause(Spec):
    """No deliveries of an interceptor type from ``start`` to ``end`` (both included)."""

    interceptor: str
    start: date
    end: date
    deferred: bool = Field(False, description="Paused deliveries arrive the day after the end.")

    @model_validator(mode="after")
    def _order(self) -> Pause:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Production(Spec):
    """Production (or allocation) per day, ramping linearly between two dates."""

    interceptor: str
    per_day_start: NonNegative
    per_day_end: NonNegative
    ramp_start: date
    ramp_end: date

    @model_validator(mode="after")
    def _order(self) -> Production:
        if self.ramp_end < self.ramp_start:
            raise ValueError("ramp_end is before ramp_start")
        return self


class Purchase(Spec):
    """A purchase: paid on ``order_date``, delivered ``lead_time_days`` later, within the budget."""

    interceptor: str
    quantity: Annotated[int, Field(ge=1)]
    price_usd: NonNegative = Field(description="Price per round, USD.")
    order_date: date
    lead_time_days: Count


class Rationing(Spec):
    """Below ``below`` rounds in stock, fire at most ``max_per_night`` of the type per night."""

    interceptor: str
    below: Count
    max_per_night: Count


class Limit(Spec):
    """A standing nightly cap, e.g. interceptor drones limited by operators."""

    interceptor: str
    max_per_night: Count
    reason: str = "operators"


class PostureChange(Spec):
    """Fire units arriving (``add``) or leaving (``remove``, by id) on a date."""

    date: date
    add: list[FireUnitSite] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class Campaign(Spec):
    """A whole campaign file."""

    schema_version: Literal[1] = 1
    name: str = Field(min_length=1)
    description: str = ""
    scenario: str = Field(description="Bundled scenario name or path relative to this file.")
    start: date
    end: date
    raids: Raids
    stocks: dict[str, Count] = Field(
        default_factory=dict,
        description="Rounds in stock at the start per interceptor type; types not listed are "
        "replenished every night to the scenario's magazines.",
    )
    deliveries: list[Delivery] = Field(default_factory=list)
    pauses: list[Pause] = Field(default_factory=list)
    production: list[Production] = Field(default_factory=list)
    purchases: list[Purchase] = Field(default_factory=list)
    budget_usd: NonNegative | None = Field(None, description="Budget for purchases, USD.")
    rationing: list[Rationing] = Field(default_factory=list)
    limits: list[Limit] = Field(default_factory=list)
    posture: list[PostureChange] = Field(default_factory=list)

    # The folder of the file it was read from: relative paths in it start there.
    _base_dir: Path = PrivateAttr(default_factory=lambda: Path("."))

    @model_validator(mode="after")
    def _window(self) -> Campaign:
        if self.end < self.start:
            raise ValueError("end is before start")
        if (self.end - self.start).days >= 3660:
            raise ValueError("a campaign is at most ten years long")
        return self

    def __repr__(self) -> str:
        return (
            f"Campaign({self.name!r}: {self.start} to {self.end}, defence {self.scenario!r}, "
            f"raids from {self.raids.source}, {len(self.stocks)} tracked stocks)"
        )

    @property
    def n_nights(self) -> int:
        """Nights in the window, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def base_dir(self) -> Path:
        """The folder relative paths in the campaign start from (the file's folder)."""
        return self._base_dir

    def with_base_dir(self, base_dir: str | Path) -> Campaign:
        """The same campaign with relative paths resolved from ``base_dir``."""
        copy = self.model_copy()
        copy._base_dir = Path(base_dir)
        return copy


def parse_campaign(text: str, source: str | Path = "<string>") -> Campaign:
    """Parse and validate campaign TOML (references are checked by the runner).

    A file may ``extends = "other.toml"`` (a path from its folder) and write only what differs:
    tables merge key by key, any other value (arrays too) replaces the parent's.
    """
    raw = parse_toml(text, source)
    check_schema_version(raw, 1, source, text)
    if "extends" in raw:
        from umbrella.extends import validate_extended

        return validate_extended(Campaign, raw, source, text)
    return validate(Campaign, raw, source, text)


def load_campaign(path: str | Path) -> Campaign:
    """Read and validate a campaign file; its relative paths start from the file's folder."""
    return parse_campaign(read_text(path), source=path).with_base_dir(Path(path).parent)


def dump_campaign(campaign: Campaign) -> str:
    """Write a campaign back to TOML."""
    return dump_toml(campaign)


def campaign_hash(campaign: Campaign) -> str:
    """SHA-256 of the canonical TOML form."""
    return spec_hash(campaign)
