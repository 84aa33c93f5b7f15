"""What a sweep varies: a raid scenario or a campaign, with how to build and run one point.

A model is plain data (specs, a fitted raid-tempo model) that pickles, so that it can be sent
once to every worker of a cluster. ``build`` applies a point's overrides and prepares what
``run`` needs (a compiled raid, a validated campaign); ``run`` flies replications
``rep0 .. rep0 + n - 1`` and returns the outputs per replication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from umbrella.campaign.overrides import apply_to_campaign
from umbrella.core.errors import InputError
from umbrella.scenario.overrides import (
    DEFENCE,
    Override,
    apply_to_scenario,
    reattribute,
    split_defence,
)
from umbrella.scenario.overrides import current_value as _current
from umbrella.sweep.metrics import (
    campaign_metrics,
    campaign_output_names,
    check_outputs,
    raid_metrics,
    raid_output_names,
)

__all__ = ["CampaignModel", "RaidModel", "SweepModel"]

F64 = npt.NDArray[np.float64]


class SweepModel(Protocol):
    """What a sweep (:func:`umbrella.sweep.simulate_sweep`) needs of the thing it varies."""

    @property
    def kind(self) -> str:
        """``"scenario"`` or ``"campaign"``."""
        ...

    @property
    def splittable(self) -> bool:
        """Whether replications of one point may be split over tasks (``rep0``)."""
        ...

    def check_outputs(self, outputs: Sequence[str], source: str) -> None:
        """Every output must be measurable (InputError otherwise)."""
        ...

    def current_value(self, key: str) -> Any:
        """The value at ``key`` before any override (``None`` if the spec does not hold one)."""
        ...

    def apply(self, overrides: Sequence[Override]) -> Any:
        """The spec with the overrides applied and validated (InputError if refused)."""
        ...

    def build(self, overrides: Sequence[Override]) -> Any:
        """Apply a point's overrides (validated) and prepare it for :meth:`run`."""
        ...

    def run(self, built: Any, seed: int, rep0: int, n: int, outputs: Sequence[str]) -> F64:
        """(n, O) outputs of replications ``rep0 .. rep0 + n - 1``."""
        ...


@dataclass(frozen=True)
class RaidModel:
    """A raid scenario: each point compiled once, its replications flown in batches."""

    scenario: Any  # umbrella.scenario.Scenario (Any keeps this module's import light)
    kind: str = "scenario"
    splittable: bool = True

    def check_outputs(self, outputs: Sequence[str], source: str) -> None:
        from umbrella.scenario.compile import compile_raid

        check_outputs(outputs, raid_output_names(compile_raid(self.scenario)), source)

    def current_value(self, key: str) -> Any:
        return _current(self.scenario, Override.of(key, None).parts)

    def apply(self, overrides: Sequence[Override]) -> Any:
        return apply_to_scenario(self.scenario, overrides)

    def build(self, overrides: Sequence[Override]) -> Any:
        from umbrella.scenario.compile import compile_raid

        return compile_raid(self.apply(overrides))

    def run(self, built: Any, seed: int, rep0: int, n: int, outputs: Sequence[str]) -> F64:
        from umbrella.engine import simulate

        return raid_metrics(simulate(built, n, seed, rep0=rep0, per_threat=False), outputs)


#: Campaign keys that name files read before a sweep starts, so a sweep cannot vary them.
FIXED_CAMPAIGN_KEYS = ("scenario", "raids.source", "raids.data_dir", "raids.train_end")


def _fixed(key: str) -> None:
    if key in FIXED_CAMPAIGN_KEYS:
        raise InputError(
            f"a sweep cannot vary {key}: it names what is read before the sweep starts "
            "(make one sweep per file instead)",
            key=key,
        )


@dataclass(frozen=True)
class CampaignModel:
    """A campaign: each point runs every night of every run in one task (a campaign's runs
    share the stream its raids are drawn from, so they are not split)."""

    campaign: Any  # umbrella.campaign.Campaign
    defence: Any  # umbrella.scenario.Scenario
    tempo: Any = None  # umbrella.tempo.model.TempoModel | None
    kind: str = "campaign"
    splittable: bool = False

    def check_outputs(self, outputs: Sequence[str], source: str) -> None:
        from umbrella.catalogue import resolve_catalogue

        cat = resolve_catalogue(self.defence.catalogue)
        interceptors = list(cat.interceptors)
        tracked = [t for t in interceptors if t in self.campaign.stocks]
        check_outputs(outputs, campaign_output_names(interceptors, tracked), source, "campaign")

    def current_value(self, key: str) -> Any:
        parts = Override.of(key, None).parts
        if parts[0] == DEFENCE:
            return _current(self.defence, parts[1:])
        _fixed(key)
        return _current(self.campaign, parts)

    def apply(self, overrides: Sequence[Override]) -> Any:
        from umbrella.campaign import prepare_campaign

        campaign, defence = self.build(overrides)
        try:  # the references the runner checks (interceptor names, posture changes, ...)
            prepare_campaign(campaign, defence, 2, 0, tempo=self.tempo)
        except InputError as exc:
            origin = ", ".join(o.origin for o in overrides) or "<campaign>"
            raise reattribute(exc, overrides, origin) from None
        return campaign, defence

    def build(self, overrides: Sequence[Override]) -> Any:
        for ov in overrides:
            try:
                _fixed(ov.key)
            except InputError as exc:
                raise InputError(exc.message, source=ov.origin, key=ov.key) from None
        camp_ovs, defence_ovs = split_defence(overrides)
        campaign = apply_to_campaign(self.campaign, camp_ovs)
        defence = apply_to_scenario(self.defence, defence_ovs, prefix=f"{DEFENCE}.")
        return campaign, defence

    def run(self, built: Any, seed: int, rep0: int, n: int, outputs: Sequence[str]) -> F64:
        from umbrella.campaign import prepare_campaign, simulate_prepared

        if rep0 != 0:
            raise ValueError("campaign runs are not split")
        campaign, defence = built
        prep = prepare_campaign(campaign, defence, n, seed, tempo=self.tempo)
        return campaign_metrics(simulate_prepared(prep), outputs)
