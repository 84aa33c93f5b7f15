"""The kinds of spec file umbrella reads, told apart by their content, and checked whole.

``umbrella validate FILE`` reads the TOML, recognises the kind from its top-level keys (a
scenario has ``[[assets]]`` and ``[[threats]]``; a campaign has ``scenario``, ``start``, ``end``
and ``[raids]``, possibly through the file it ``extends``; an optimisation has ``campaign`` and
``[[options]]``; a sweep has ``outputs`` and ``[[parameters]]``) and runs every check the command
that reads that kind would run, short of the simulation itself, so that ``validate`` and the
command agree. A new kind is one more :class:`SpecKind` in :data:`KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from umbrella.core.errors import InputError
from umbrella.core.tomlspec import parse_toml, read_text
from umbrella.core.userfiles import real_path

__all__ = ["KINDS", "SpecKind", "check_spec_file", "detect_kind"]


@dataclass(frozen=True)
class SpecKind:
    """One kind of spec file.

    Attributes
    ----------
    name
        The kind's name (``scenario``, ``campaign``).
    looks_like
        Whether a parsed file (its top-level table) is of this kind.
    check
        Validates the file as this kind (raising :class:`~umbrella.core.errors.InputError`) and
        returns a one-line description of it.
    """

    name: str
    looks_like: Callable[[dict[str, Any]], bool]
    check: Callable[[Path, Path | None], str]


def _check_scenario(path: Path, data_dir: Path | None) -> str:
    from umbrella.scenario.bundled import resolve_scenario
    from umbrella.scenario.compile import compile_raid

    spec, _ = resolve_scenario(path)  # a file, or a bundled name as `umbrella run` reads it
    raid = compile_raid(spec)
    return (
        f"scenario {spec.name}: {raid.n_threats} threats in {len(spec.threats)} waves, "
        f"{len(raid.unit_ids)} fire units, {len(spec.sensors)} sensor sites, "
        f"{len(spec.ew_zones)} EW zones, {len(spec.assets)} assets"
    )


def _check_campaign(path: Path, data_dir: Path | None) -> str:
    from umbrella.campaign.checks import check_campaign
    from umbrella.campaign.inputs import load_defence, load_raid_tempo
    from umbrella.campaign.spec import load_campaign

    camp = load_campaign(path)
    defence = load_defence(camp)
    check_campaign(camp, defence)
    camp.check_data_path(data_dir)
    tempo = load_raid_tempo(camp, data_dir)
    raids = (
        "distributions in the file"
        if tempo is None
        else f"the raid-tempo model of {camp.data_path(data_dir)}"
    )
    return (
        f"campaign {camp.name}: {camp.start} to {camp.end} ({camp.n_nights} nights), defence "
        f"{defence.name}, raids from {raids}, {len(camp.stocks)} tracked stocks"
    )


def _check_optimisation(path: Path, data_dir: Path | None) -> str:
    from umbrella.campaign.inputs import load_defence
    from umbrella.campaign.spec import load_campaign
    from umbrella.optimise.buy import check_options
    from umbrella.optimise.spec import load_optimisation

    spec = load_optimisation(path)
    camp = load_campaign(spec.campaign_path())
    defence = load_defence(camp)
    check_options(spec, camp, defence)
    camp.check_data_path(data_dir)
    return (
        f"optimisation {spec.name}: {len(spec.options)} options within "
        f"${spec.budget_usd / 1e6:,.0f}M on campaign {camp.name}, objective {spec.objective}"
    )


def _check_sweep(path: Path, data_dir: Path | None) -> str:
    from umbrella.sweep.run import check_sweep_size, fit_model, plan_sweep, read_model
    from umbrella.sweep.spec import load_sweep

    spec = load_sweep(path)
    model = read_model(spec)
    check_sweep_size(spec, model, str(path))
    if data_dir is not None and not hasattr(model, "campaign"):
        raise InputError(f"--data applies to a sweep of a campaign; {path} sweeps a scenario",
                         source="command line", key="--data")  # fmt: skip
    plan = plan_sweep(spec, source=str(path), model=fit_model(model, data_dir))
    return (
        f"sweep {spec.name}: {spec.design}, {len(plan.points):,} points x {spec.runs:,} runs of "
        f"{plan.label}, outputs {', '.join(spec.outputs)}"
    )


def _is_sweep(raw: dict[str, Any]) -> bool:
    return "parameters" in raw and "outputs" in raw


def _is_optimisation(raw: dict[str, Any]) -> bool:
    return "options" in raw and "campaign" in raw


def _is_campaign(raw: dict[str, Any]) -> bool:
    return "raids" in raw or ("scenario" in raw and "start" in raw)


def _is_scenario(raw: dict[str, Any]) -> bool:
    return not _is_campaign(raw) and bool({"assets", "threats", "fire_units"} & set(raw))


#: The kinds of spec file, in the order they are tried.
KINDS: tuple[SpecKind, ...] = (
    SpecKind("sweep", _is_sweep, _check_sweep),
    SpecKind("optimisation", _is_optimisation, _check_optimisation),
    SpecKind("campaign", _is_campaign, _check_campaign),
    SpecKind("scenario", _is_scenario, _check_scenario),
)


def detect_kind(path: str | Path) -> SpecKind:
    """The kind of the spec file at ``path``, from its content.

    Raises
    ------
    InputError
        The file cannot be read or parsed, or is of no known kind.
    """
    text = read_text(path)
    raw = parse_toml(text, path)
    if "extends" in raw:  # a campaign that writes only what differs from the file it extends
        from umbrella.core.tomlspec import check_schema_version
        from umbrella.scenario.extends import merge_extends

        check_schema_version(raw, 1, path, text)  # first, as the campaign's reader does
        raw, _ = merge_extends(raw, path, text)
    for kind in KINDS:
        if kind.looks_like(raw):
            return kind
    names = ", ".join(k.name for k in KINDS)
    raise InputError(
        f"not a spec file umbrella knows ({names}): a scenario has [[assets]] and [[threats]], "
        "a campaign has scenario, start, end and [raids], an optimisation has campaign and "
        "[[options]], a sweep has outputs and [[parameters]]",
        source=path,
    )


def check_spec_file(
    path: str | Path, kind: str | None = None, data_dir: str | Path | None = None
) -> tuple[str, str]:
    """Validate a spec file of any kind; (kind, one-line description).

    Parameters
    ----------
    path
        The file, or the name of a bundled scenario (``national``).
    kind
        Its kind, or None to recognise it from the content.
    data_dir
        The attack-report folder, overriding a campaign's ``raids.data_dir``.
    """
    from umbrella.scenario.bundled import bundled_names

    path = Path(path)
    if not path.exists() and str(path) in bundled_names() and kind in (None, "scenario"):
        found = next(k for k in KINDS if k.name == "scenario")  # a bundled scenario's name
    elif kind is None:
        found = detect_kind(path)
    else:
        match = [k for k in KINDS if k.name == kind]
        if not match:
            raise InputError(f"unknown kind {kind!r}; choose one of "
                             f"{', '.join(k.name for k in KINDS)}", key="--kind")  # fmt: skip
        found = match[0]
    data = None if data_dir is None else real_path(data_dir, key="--data")
    if data is not None and found.name not in ("campaign", "optimisation", "sweep"):
        raise InputError(f"--data applies to a campaign, optimisation or sweep file; {path} is a "
                         f"{found.name}",
                         source="command line", key="--data")  # fmt: skip
    return found.name, found.check(path, data)
