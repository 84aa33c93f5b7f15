"""Campaign files: a defence scenario carried through a season of nightly raids.

A campaign names a defence scenario (bundled name or a path relative to the campaign file) and
adds the window, the nightly raids (the raid-tempo model fitted to the attack reports, or
distributions written in the file), stocks, deliveries with pauses, production ramps, purchases
within a budget, rationing and operator limits, and posture changes on dates.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, model_validator

from umbrella.core.errors import InputError
from umbrella.core.spec import (
    MAX_COUNT,
    Count,
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
    dump_toml,
    parse_toml,
    read_text,
    spec_hash,
    validate,
)
from umbrella.core.vocabulary import MissileClass
from umbrella.scenario.model import FireUnitSite

#: Most entries in any one list of a campaign file.
MAX_ENTRIES = 10_000
#: Longest period in days (every_days, lead times): about 100 years.
MAX_DAYS = 36_600
#: Largest mean drones per night in a raid distribution.
MAX_DRONES_MEAN = 100_000.0
#: Largest mean salvo size of a missile class.
MAX_MISSILES_MEAN = 10_000.0
#: Rounds per day that production may reach.
PerDay = Annotated[Real, Field(ge=0.0, le=1e6)]
#: A path or bundled name written in a campaign file.

__all__ = [
    "MAX_DRONES_MEAN",
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
    mean: Annotated[Real, Field(ge=1.0, le=MAX_MISSILES_MEAN)] = Field(
        description="Mean salvo size on such a night."
    )


class RaidDistributions(Spec):
    """Nightly raids written in the file (instead of the fitted raid-tempo model)."""

    drones_mean: Annotated[Real, Field(gt=0.0, le=MAX_DRONES_MEAN)] = Field(
        description="Mean drones per night on regular nights, decoys included."
    )
    drones_dispersion: Annotated[Real, Field(ge=0.01, le=1e6)] = Field(
        1.5, description="Negative-binomial size k (variance m + m^2/k)."
    )
    heavy_p: Probability = Field(0.0, description="Probability of a heavy night.")
    heavy_mean: Annotated[Real, Field(ge=0.0, le=MAX_DRONES_MEAN)] = Field(
        0.0, description="Mean drones on a heavy night."
    )
    decoy_share: Probability = Field(0.45, description="Share of decoys among drones.")
    missiles: dict[MissileClass, MissileDistribution] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _tail(self) -> RaidDistributions:
        # A negative binomial with a tiny size k has a tail far beyond its mean: bound the
        # variance so that the nights drawn stay within the raid limits.
        for mean in (self.drones_mean, self.heavy_mean):
            sd = (mean + mean * mean / self.drones_dispersion) ** 0.5
            if mean + 20 * sd > 50 * MAX_DRONES_MEAN:
                raise ValueError(
                    f"drones_dispersion {self.drones_dispersion:g} is too small for a mean of "
                    f"{mean:g}: nights of millions of drones"
                )
        return self


class Raids(Spec):
    """Where the nightly raids come from, and the share of them this defence faces."""

    source: Literal["tempo", "distributions"]
    data_dir: PathText | None = Field(
        None, description="Attack-report folder for the tempo model (relative to the file)."
    )
    train_end: Date | None = Field(None, description="Last night the tempo model is fitted on.")
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

    interceptor: Name
    quantity: Count
    first: Date
    every_days: Annotated[Whole, Field(ge=1, le=MAX_DAYS)] | None = None
    last: Date | None = None


class Pause(Spec):
    """No deliveries of an interceptor type from ``start`` to ``end`` (both included)."""

    interceptor: Name
    start: Date
    end: Date
    deferred: Annotated[bool, Field(strict=True)] = Field(
        False, description="Paused deliveries arrive the day after the end."
    )

    @model_validator(mode="after")
    def _order(self) -> Pause:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class Production(Spec):
    """Production (or allocation) per day, ramping linearly between two dates."""

    interceptor: Name
    per_day_start: PerDay
    per_day_end: PerDay
    ramp_start: Date
    ramp_end: Date

    @model_validator(mode="after")
    def _order(self) -> Production:
        if self.ramp_end < self.ramp_start:
            raise ValueError("ramp_end is before ramp_start")
        return self


class Purchase(Spec):
    """A purchase: paid on ``order_date``, delivered ``lead_time_days`` later, within the budget."""

    interceptor: Name
    quantity: Annotated[Whole, Field(ge=1, le=MAX_COUNT)]
    price_usd: Usd = Field(description="Price per round, USD.")
    order_date: Date
    lead_time_days: Annotated[Whole, Field(ge=0, le=MAX_DAYS)]


class Rationing(Spec):
    """Below ``below`` rounds in stock, fire at most ``max_per_night`` of the type per night."""

    interceptor: Name
    below: Count
    max_per_night: Count


class Limit(Spec):
    """A standing nightly cap, e.g. interceptor drones limited by operators."""

    interceptor: Name
    max_per_night: Count
    reason: Name = "operators"


class PostureChange(Spec):
    """Fire units arriving (``add``) or leaving (``remove``, by id) on a date."""

    date: Date
    add: list[FireUnitSite] = Field(default_factory=list, max_length=MAX_ENTRIES)
    remove: list[Name] = Field(default_factory=list, max_length=MAX_ENTRIES)


class Campaign(Spec):
    """A whole campaign file."""

    schema_version: Literal[1] = 1
    name: Name
    description: Description = ""
    scenario: PathText = Field(description="Bundled scenario name or path relative to this file.")
    start: Date
    end: Date
    raids: Raids
    stocks: dict[Name, Count] = Field(
        default_factory=dict,
        max_length=1000,
        description="Rounds in stock at the start per interceptor type; types not listed are "
        "replenished every night to the scenario's magazines.",
    )
    deliveries: list[Delivery] = Field(default_factory=list, max_length=MAX_ENTRIES)
    pauses: list[Pause] = Field(default_factory=list, max_length=MAX_ENTRIES)
    production: list[Production] = Field(default_factory=list, max_length=MAX_ENTRIES)
    purchases: list[Purchase] = Field(default_factory=list, max_length=MAX_ENTRIES)
    budget_usd: Usd | None = Field(None, description="Budget for purchases, USD.")
    rationing: list[Rationing] = Field(default_factory=list, max_length=MAX_ENTRIES)
    limits: list[Limit] = Field(default_factory=list, max_length=MAX_ENTRIES)
    posture: list[PostureChange] = Field(default_factory=list, max_length=MAX_ENTRIES)

    # The folder of the file it was read from: relative paths in it start there.
    _base_dir: Path = PrivateAttr(default_factory=lambda: Path("."))
    # Where it was read from, for messages.
    _source: str = PrivateAttr(default="<campaign>")

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

    @property
    def source(self) -> str:
        """The file the campaign was read from (``<campaign>`` when built in Python)."""
        return self._source

    def with_base_dir(self, base_dir: str | Path) -> Campaign:
        """The same campaign with relative paths resolved from ``base_dir``."""
        copy = self.model_copy()
        copy._base_dir = Path(base_dir)
        return copy

    def data_path(self, data_dir: str | Path | None = None) -> Path | None:
        """The attack-report folder the raids come from: ``data_dir`` if given, else the file's
        ``raids.data_dir`` (relative to the file's folder); None for raids written as
        distributions."""
        if self.raids.source != "tempo":
            return None
        folder = data_dir if data_dir is not None else self.raids.data_dir
        if folder is None:
            return None
        p = Path(folder)
        return p if p.is_absolute() or data_dir is not None else self._base_dir / p

    def check_data_path(self, data_dir: str | Path | None = None) -> None:
        """Refuse, naming the campaign file, a raid-tempo campaign whose attack-report folder
        (``data_dir``, else ``raids.data_dir`` from the file's folder) is not there."""
        folder = self.data_path(data_dir)
        if folder is None or folder.is_dir():
            return
        if data_dir is not None:
            raise InputError(f"data folder {folder} not found", source="command line",
                             key="--data")  # fmt: skip
        raise InputError(
            f"data folder {self.raids.data_dir!r} not found (it is read from the campaign "
            f"file's folder, {self._base_dir}); give --data DIR",
            source=self._source,
            key="raids.data_dir",
        )


def parse_campaign(text: str, source: str | Path = "<string>") -> Campaign:
    """Parse and validate campaign TOML (references are checked by the runner).

    A file may ``extends = "other.toml"`` (a path from its folder) and write only what differs:
    tables merge key by key, any other value (arrays too) replaces the parent's.
    """
    raw = parse_toml(text, source)
    check_schema_version(raw, 1, source, text)
    if "extends" in raw:
        from umbrella.scenario.extends import validate_extended

        campaign = validate_extended(Campaign, raw, source, text)
    else:
        campaign = validate(Campaign, raw, source, text)
    campaign._source = str(source)
    return campaign


def load_campaign(path: str | Path) -> Campaign:
    """Read and validate a campaign file; its relative paths start from the file's folder."""
    return parse_campaign(read_text(path), source=path).with_base_dir(Path(path).parent)


def dump_campaign(campaign: Campaign) -> str:
    """Write a campaign back to TOML."""
    return dump_toml(campaign)


def campaign_hash(campaign: Campaign) -> str:
    """SHA-256 of the canonical TOML form."""
    return spec_hash(campaign)
