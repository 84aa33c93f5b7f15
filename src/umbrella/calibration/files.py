"""The fitted posture's file: a scenario as TOML with a comment header and short arrays."""

from __future__ import annotations

import re
from pathlib import Path

from umbrella.core.files import write_text_atomic
from umbrella.scenario.model import Scenario, dump_scenario

__all__ = ["dump_posture", "write_posture"]


_INNER_ARRAY = re.compile(r"\[\n((?:[ \t]+[^\[\]\n]+,\n)+)[ \t]*\]")


def _compact(text: str) -> str:
    """Arrays of plain values on one line each (TOML allows both; the file stays readable)."""

    def one_line(m: re.Match[str]) -> str:
        items = [s.strip().rstrip(",") for s in m.group(1).splitlines()]
        return "[" + ", ".join(items) + "]"

    while True:
        new = _INNER_ARRAY.sub(one_line, text)
        if new == text:
            return new
        text = new


def dump_posture(scenario: Scenario, header: str = "") -> str:
    """A scenario as TOML with short arrays on one line and an optional comment header."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return ("\n".join(lines) + "\n" if lines else "") + _compact(dump_scenario(scenario))


def write_posture(path: str | Path, scenario: Scenario, header: str = "") -> None:
    """Write a (fitted) scenario file atomically."""
    write_text_atomic(path, dump_posture(scenario, header))
