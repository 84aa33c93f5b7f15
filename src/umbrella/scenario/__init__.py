"""The scenario: what a user writes (a validated, frozen spec) and what it becomes.

- :mod:`~umbrella.scenario.model`: the :class:`Scenario` spec and its parts, read from and
  written to TOML;
- :mod:`~umbrella.scenario.record`: the ``[calibration]`` record of a fitted posture;
- :mod:`~umbrella.scenario.bundled`: the scenarios shipped with the package (``examples/``);
- :mod:`~umbrella.scenario.extends` and :mod:`~umbrella.scenario.overrides`: files built on
  other files, and ``--set KEY=VALUE`` changes;
- :mod:`~umbrella.scenario.compile`: the spec compiled into the engine's plain arrays;
- :mod:`~umbrella.scenario.replay`: one replication flown again for the report's replay;
- :mod:`~umbrella.scenario.reference`: a slow, direct simulation kept as the engine's oracle.
"""

from umbrella.scenario.model import (
    SCHEMA_VERSION,
    Asset,
    CatalogueOverrides,
    Doctrine,
    EWZone,
    FireUnitSite,
    Launch,
    Reserve,
    Ring,
    Scenario,
    SensorSite,
    Wave,
    check_scenario,
    dump_scenario,
    load_scenario,
    parse_scenario,
    scenario_hash,
)

__all__ = [
    "SCHEMA_VERSION",
    "Asset",
    "CatalogueOverrides",
    "Doctrine",
    "EWZone",
    "FireUnitSite",
    "Launch",
    "Reserve",
    "Ring",
    "Scenario",
    "SensorSite",
    "Wave",
    "check_scenario",
    "dump_scenario",
    "load_scenario",
    "parse_scenario",
    "scenario_hash",
]
