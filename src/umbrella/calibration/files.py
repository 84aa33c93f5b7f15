"""The fitted posture's file: a scenario as TOML with a comment header and short arrays, and the
check that it may be written where asked.

The file's last line seals it as umbrella's: ``# umbrella-output sha256=<hex>``, the SHA-256 of
the text above it (:func:`~umbrella.core.manifest.seal_text`). ``umbrella calibrate --out
FILE`` replaces an existing file only while that seal matches (a posture it fitted, unchanged
since); any other file, an edited posture included, is refused, ``--force`` or not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from umbrella.core.errors import InputError
from umbrella.core.files import write_text_atomic
from umbrella.core.manifest import is_sealed_file, seal_text
from umbrella.core.userfiles import real_path
from umbrella.scenario.model import Scenario, dump_scenario

__all__ = ["HEADER", "check_posture_file", "dump_posture", "posture_header", "write_posture"]

#: The comment at the top of a fitted posture's file.
HEADER = """{name}: fitted by `umbrella calibrate` to the Air Force reports from {start} to {end}.
The numbers below are the posterior mode at {end}; the [calibration] table holds the method,
the window, posterior draws (relative to this file's own numbers), the in-sample fit and the
data credit. Geography is notional: no real unit positions. See docs/calibration.md."""

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


def posture_header(scenario: Scenario) -> str:
    """The :data:`HEADER` of a fitted scenario (its name and its ``[calibration]`` window)."""
    rec = scenario.calibration
    if rec is None or rec.train_end is None:
        return ""
    return HEADER.format(name=scenario.name, start=rec.train_start, end=rec.train_end)


def dump_posture(scenario: Scenario, header: str = "") -> str:
    """A scenario as TOML with short arrays on one line and an optional comment header, sealed
    as umbrella's (see the module docstring)."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return seal_text(("\n".join(lines) + "\n" if lines else "") + _compact(dump_scenario(scenario)))


def _is_fitted_posture(path: Path) -> bool:
    """Whether ``path`` is a posture file umbrella wrote, unchanged since (its seal matches)."""
    return is_sealed_file(path)


def check_posture_file(
    out: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False
) -> Path:
    """Refuse, before any work, a fitted posture's file that cannot be written without loss.

    The file may not be or lie inside an input; an existing file is replaced only if umbrella
    wrote it and nobody has changed it since (its seal matches); ``force`` changes nothing
    here. Returns the resolved path.

    Raises
    ------
    InputError
        The path is an input or inside one, a folder, or an existing file that umbrella did
        not write (or that was edited since).
    """
    if str(out) == "":
        raise InputError("empty path", source="''", key="--out")
    real = real_path(out, key="--out")
    for item in inputs:
        used = real_path(item)
        if real == used or used in real.parents:
            raise InputError("is an input of the calibration; give another name",
                             source=out, key="--out")  # fmt: skip
    if real.is_dir():
        raise InputError("is a folder; give a file name", source=out, key="--out")
    if os.path.lexists(real) and not _is_fitted_posture(real):
        raise InputError(
            "exists and is not a posture fitted by umbrella calibrate, or was edited since; "
            "give another name (--force never replaces a file umbrella did not write)",
            source=out,
            key="--out",
        )
    return real


def write_posture(path: str | Path, scenario: Scenario, header: str = "") -> None:
    """Write a (fitted) scenario file atomically."""
    write_text_atomic(path, dump_posture(scenario, header))
