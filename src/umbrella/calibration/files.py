"""The fitted posture's file: a scenario as TOML with a comment header and short arrays, and the
check that it may be written where asked."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from umbrella.core.errors import InputError
from umbrella.core.files import write_text_atomic
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
    """A scenario as TOML with short arrays on one line and an optional comment header."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    return ("\n".join(lines) + "\n" if lines else "") + _compact(dump_scenario(scenario))


def _is_fitted_posture(path: Path) -> bool:
    """Whether ``path`` holds a scenario with a ``[calibration]`` table (an earlier output of
    ``umbrella calibrate``)."""
    from umbrella.core.limits import MAX_SPEC_BYTES
    from umbrella.core.userfiles import read_user_text

    try:
        return "calibration" in tomllib.loads(read_user_text(path, MAX_SPEC_BYTES))
    except (InputError, tomllib.TOMLDecodeError):
        return False


def check_posture_file(
    out: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False
) -> Path:
    """Refuse, before any work, a fitted posture's file that cannot be written without loss.

    The file may not be or lie inside an input; an existing file is replaced only if it is a
    fitted posture (an earlier output of ``umbrella calibrate``), or with ``force``. Returns
    the resolved path.

    Raises
    ------
    InputError
        The path is an input or inside one, a folder, or (without ``force``) an existing file
        that is not a fitted posture.
    """
    if str(out) == "":
        raise InputError("empty path", source="''", key="--out")
    real = Path(os.path.realpath(out))
    for item in inputs:
        used = Path(os.path.realpath(item))
        if real == used or used in real.parents:
            raise InputError("is an input of the calibration; give another name",
                             source=out, key="--out")  # fmt: skip
    if real.is_dir():
        raise InputError("is a folder; give a file name", source=out, key="--out")
    if real.exists() and not force and not _is_fitted_posture(real):
        raise InputError(
            "exists and is not a posture fitted by umbrella calibrate; give another name, "
            "or --force to replace it",
            source=out,
            key="--out",
        )
    return real


def write_posture(path: str | Path, scenario: Scenario, header: str = "") -> None:
    """Write a (fitted) scenario file atomically."""
    write_text_atomic(path, dump_posture(scenario, header))
