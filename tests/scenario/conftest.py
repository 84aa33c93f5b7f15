"""The scenarios built in Python that the engine tests use, shared with the scenario tests."""

from ..engine.conftest import scenario_factory

__all__ = ["scenario_factory"]
