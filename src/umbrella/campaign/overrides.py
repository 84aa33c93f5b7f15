"""``--set KEY=VALUE`` changes to a campaign (see :mod:`umbrella.scenario.overrides` for the
keys and values; ``defence.KEY`` changes go to the campaign's defence scenario)."""

from __future__ import annotations

from collections.abc import Sequence

from umbrella.campaign.spec import Campaign
from umbrella.core.errors import InputError
from umbrella.core.tomlspec import validate
from umbrella.scenario.overrides import DEFENCE, Override, plain_data, reattribute, set_path

__all__ = ["apply_to_campaign"]


def apply_to_campaign(campaign: Campaign, overrides: Sequence[Override]) -> Campaign:
    """A campaign with (non-``defence.``) overrides applied and validated like a file; its
    folder for relative paths is kept."""
    if not overrides:
        return campaign
    data = plain_data(campaign.model_dump(mode="python"))
    for ov in overrides:
        if ov.parts[0] == DEFENCE:
            raise InputError("defence keys change the defence scenario", source=ov.origin)
        set_path(data, ov.parts, ov.value, ov.origin)
    try:
        out = validate(Campaign, data, "<overrides>")
    except InputError as exc:
        raise reattribute(exc, overrides, ", ".join(o.origin for o in overrides)) from None
    return out.with_base_dir(campaign.base_dir)
