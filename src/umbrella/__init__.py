"""umbrella: air- and missile-defence analysis.

Scenario files and a catalogue of public, illustrative types; a Monte Carlo raid engine;
weapon-target assignment solvers; calibration against the public attack reports; and a
campaign model of interceptor stockpiles.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("umbrella")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
