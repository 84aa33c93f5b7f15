"""What a campaign file points at, read from disk: its defence scenario and, when its raids come
from the raid-tempo model, the attack reports that model is fitted to."""

from __future__ import annotations

from pathlib import Path

from umbrella.campaign.spec import Campaign
from umbrella.core.errors import InputError
from umbrella.scenario.bundled import bundled_names, load_bundled
from umbrella.scenario.model import Scenario, load_scenario
from umbrella.tempo.model import TempoModel

__all__ = ["load_defence", "load_raid_tempo"]


def _resolve(campaign: Campaign, path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else campaign.base_dir / p


def load_defence(campaign: Campaign) -> Scenario:
    """The defence scenario a campaign names: a bundled name, or a path from the file's folder."""
    name = campaign.scenario
    if name in bundled_names():
        return load_bundled(name)
    return load_scenario(_resolve(campaign, name))


def load_raid_tempo(campaign: Campaign, data_dir: str | Path | None = None) -> TempoModel | None:
    """The raid-tempo model fitted to the attack reports up to the campaign's ``train_end``, or
    None when the campaign's raids are written as distributions.

    ``data_dir`` overrides the campaign's ``raids.data_dir``.
    """
    from umbrella.attacks import load_nights
    from umbrella.tempo import fit_tempo

    raids = campaign.raids
    if raids.source != "tempo":
        return None
    folder = data_dir if data_dir is not None else raids.data_dir
    if folder is None or raids.train_end is None:
        raise InputError("raids from the tempo model need data_dir and train_end", key="raids")
    return fit_tempo(load_nights(_resolve(campaign, folder)), raids.train_end)
