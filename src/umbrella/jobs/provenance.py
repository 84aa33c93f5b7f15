"""Provenance: what every result records about how it was made, in ``meta.json`` and in the run
history (:mod:`umbrella.history`), the same fields in both.

- ``id``: the run's id in the history (``umbrella history show ID``);
- ``kind`` (``run``, ``campaign``, ``compare``, ``sweep``, ...), ``created`` (UTC), ``command``
  (the command line) and ``cwd``;
- ``inputs``: SHA-256 of each input file (scenario, campaign and every file it ``extends``,
  sweep file; a bundled scenario as ``<bundled:NAME>``);
- ``catalogue_hash`` (the catalogue as the scenario resolves it) and ``data_hash`` (the attack
  reports read, if any);
- ``seed``, ``runs``; ``parameters`` (``--set`` overrides, a sweep's parameters);
- ``version`` of umbrella, ``git_commit`` and ``git_dirty`` of its source when it runs from a
  git checkout, ``python`` and ``dependencies`` (the version of every package umbrella needs).

``id``, ``created`` and ``cwd`` belong to one run of a command; the rest is the same whenever the
same command runs on the same inputs. ``meta.json`` holds all of it; the result documents
(``summary.json``) carry only the stable part (:func:`stable_provenance`), so that they are
byte-identical across runs with the same inputs and seed.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umbrella.core.version import __version__
from umbrella.jobs.command import command_line, current_command, set_command
from umbrella.report.folder import stable_provenance

if TYPE_CHECKING:
    from umbrella.campaign.result import CampaignResult
    from umbrella.campaign.spec import Campaign
    from umbrella.catalogue import Catalogue
    from umbrella.engine import RaidResult
    from umbrella.scenario.model import Scenario
    from umbrella.scenario.overrides import Override

__all__ = [
    "campaign_provenance",
    "catalogue_hash",
    "command_line",
    "current_command",
    "data_hash",
    "dependency_versions",
    "file_hash",
    "git_source",
    "new_run_id",
    "provenance",
    "raid_provenance",
    "scenario_input",
    "set_command",
    "stable_provenance",
]


def new_run_id() -> str:
    """A fresh run id: 10 hex digits (commands accept any unique prefix of 4 or more)."""
    return uuid.uuid4().hex[:10]


def file_hash(path: str | Path) -> str | None:
    """SHA-256 of a file's bytes (None if it cannot be read)."""
    h = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def scenario_input(name_or_path: str | Path, base_dir: str | Path = ".") -> tuple[str, str | None]:
    """The input label and hash of a scenario named by a command or a file: a bundled name
    (``<bundled:NAME>``, hashed as shipped) or a file."""
    from umbrella.scenario.bundled import bundled_names, bundled_text

    name = str(name_or_path)
    tagged = re.fullmatch(r"<bundled:(.+)>", name)
    bare = tagged.group(1) if tagged else name
    if bare in bundled_names():  # a bundled name wins, as when a campaign names its defence
        return f"<bundled:{bare}>", hashlib.sha256(bundled_text(bare).encode()).hexdigest()
    path = Path(name)
    if not path.is_absolute():
        path = Path(base_dir) / path
    return str(path), file_hash(path)


def catalogue_hash(catalogue: Catalogue) -> str:
    """SHA-256 of a resolved catalogue (every type and value, canonical JSON)."""
    doc = {
        section: {name: t.model_dump(mode="json") for name, t in sorted(types.items())}
        for section, types in (
            ("threats", catalogue.threats),
            ("interceptors", catalogue.interceptors),
            ("fire_units", catalogue.fire_units),
            ("sensors", catalogue.sensors),
        )
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def data_hash(data_dir: str | Path | None) -> str | None:
    """SHA-256 of the attack reports read from ``data_dir`` (None if none)."""
    if data_dir is None:
        return None
    from umbrella.attacks.reader import DAILY_FILE

    return file_hash(Path(data_dir) / DAILY_FILE)


@cache
def git_source() -> tuple[str | None, bool | None]:
    """(commit, dirty) of umbrella's source when it runs from a git checkout, else (None, None)."""
    here = Path(__file__).resolve().parents[1]  # the umbrella package
    try:

        def git(*args: str) -> str:
            done = subprocess.run(
                ["git", "-C", str(here), *args],
                capture_output=True, text=True, timeout=5, check=True,
            )  # fmt: skip
            return done.stdout.strip()

        git("ls-files", "--error-unmatch", "__init__.py")  # the running code is tracked there
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "."))
    except (OSError, subprocess.SubprocessError):
        return None, None
    return commit, dirty


@cache
def dependency_versions() -> dict[str, str]:
    """The installed version of every package umbrella depends on."""
    out: dict[str, str] = {}
    for req in metadata.requires("umbrella") or []:
        if "extra ==" in req:
            continue
        found = re.match(r"([A-Za-z0-9_.\-]+)(?:\[([^\]]*)\])?", req)
        if found is None:
            continue
        names = [found.group(1)]
        # An extra named after a package (dask[distributed]) brings that package.
        names += [e.strip() for e in (found.group(2) or "").split(",") if e.strip()]
        for i, name in enumerate(names):
            try:
                out[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                if i == 0:
                    out[name] = "missing"
    return dict(sorted(out.items(), key=lambda kv: kv[0].lower()))


def _overrides_doc(overrides: Iterable[Override]) -> dict[str, Any]:
    return {ov.key: _jsonable(ov.value) for ov in overrides}


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def provenance(
    kind: str,
    *,
    inputs: Mapping[str, str | None],
    seed: int | None,
    runs: int | None,
    catalogue: Catalogue | None = None,
    data_dir: str | Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The provenance of one command (see the module docstring for the fields)."""
    commit, dirty = git_source()
    return {
        "id": run_id or new_run_id(),
        "kind": kind,
        "created": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "command": current_command(kind),
        "cwd": os.getcwd(),
        "inputs": dict(inputs),
        "catalogue_hash": catalogue_hash(catalogue) if catalogue is not None else None,
        "data_hash": data_hash(data_dir),
        "seed": seed,
        "runs": runs,
        "parameters": _jsonable(dict(parameters or {})),
        "version": __version__,
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "dependencies": dependency_versions(),
    }


def raid_provenance(
    result: RaidResult,
    scenario: Scenario,
    source: str,
    *,
    overrides: Sequence[Override] = (),
) -> dict[str, Any]:
    """Provenance of a raid run: the scenario, where it came from, its hash, seed, runs,
    version, and the fields of :func:`provenance`."""
    from umbrella.scenario.bundled import IN_MEMORY
    from umbrella.scenario.model import scenario_hash

    label, digest = scenario_input(source)
    if source == IN_MEMORY:
        digest = scenario_hash(scenario)
    return {
        "scenario": result.raid.scenario_name,
        "scenario_source": source,
        "scenario_hash": scenario_hash(scenario),
        **provenance(
            "run",
            inputs={label: digest},
            seed=result.seed,
            runs=result.n_runs,
            catalogue=scenario.resolved_catalogue(),
            parameters={"set": _overrides_doc(overrides)} if overrides else None,
        ),
    }


def campaign_inputs(campaign: Campaign, source: str | Path) -> dict[str, str | None]:
    """The files a campaign run reads: the campaign file, each file it ``extends``, and its
    defence scenario."""
    from umbrella.scenario.extends import extends_chain

    out: dict[str, str | None] = {}
    try:
        chain = extends_chain(source)
    except Exception:  # a campaign built in Python has no file
        chain = []
    for path in chain:
        out[str(path)] = file_hash(path)
    label, digest = scenario_input(campaign.scenario, campaign.base_dir)
    out[label] = digest
    return out


def campaign_provenance(
    result: CampaignResult,
    campaign: Campaign,
    source: str,
    *,
    defence: Scenario | None = None,
    data_dir: str | Path | None = None,
    overrides: Sequence[Override] = (),
    kind: str = "campaign",
) -> dict[str, Any]:
    """Provenance of a campaign run: the campaign, where it came from, its hash, runs, seed,
    version, and the fields of :func:`provenance` (``data_dir``: the attack reports its raid
    model was fitted to, if any)."""
    from umbrella.campaign.spec import campaign_hash

    raids = campaign.raids
    if data_dir is None and raids.source == "tempo" and raids.data_dir is not None:
        data_dir = Path(raids.data_dir)
        if not data_dir.is_absolute():
            data_dir = campaign.base_dir / data_dir
    return {
        "campaign": result.name,
        "source": source,
        "campaign_hash": campaign_hash(campaign),
        **provenance(
            kind,
            inputs=campaign_inputs(campaign, source),
            seed=result.seed,
            runs=result.runs,
            catalogue=defence.resolved_catalogue() if defence is not None else None,
            data_dir=data_dir,
            parameters={"set": _overrides_doc(overrides)} if overrides else None,
        ),
    }
