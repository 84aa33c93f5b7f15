"""Fixtures of the adversarial corpus (the helpers are in ``corpus.py``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .corpus import FIXTURES


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A folder holding copies of the seed files (campaigns find their scenario beside them)."""
    for name in ("scenario.toml", "campaign.toml", "apt.txt", "bm.json"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    return tmp_path
