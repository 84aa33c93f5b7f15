"""Names renamed in umbrella 0.2 keep working under their old spelling, with one warning that
names the new one; giving both is an error."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

import umbrella
from umbrella.core.errors import InputError, UmbrellaDeprecationWarning
from umbrella.scenario.bundled import bundled_text
from umbrella.scenario.model import load_scenario, parse_scenario


def test_simulate_reads_n_runs_as_runs() -> None:
    raid = umbrella.compile_raid(umbrella.load_bundled())
    with pytest.warns(UmbrellaDeprecationWarning, match=r"simulate\(runs=\.\.\.\)"):
        old = umbrella.simulate(raid, n_runs=3, seed=1)
    new = umbrella.simulate(raid, runs=3, seed=1)
    assert (old.type_fates == new.type_fates).all()
    with pytest.raises(TypeError, match="both"):
        umbrella.simulate(raid, runs=3, n_runs=3)  # type: ignore[call-arg]


def test_old_scenario_keys_are_read_with_a_warning(tmp_path: Path) -> None:
    text = bundled_text("national-base")
    assert "centre_km" in text and "[catalogue" in text
    old = text.replace("centre_km", "center_km").replace("[catalogue", "[catalog")
    path = tmp_path / "old.toml"
    path.write_text(old, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = load_scenario(path)
    messages = {str(w.message) for w in caught if w.category is UmbrellaDeprecationWarning}
    assert any(re.search(r"catalog is now spelled catalogue", m) for m in messages)
    assert any(re.search(r"center_km is now spelled centre_km", m) for m in messages)
    assert all(str(path) in m for m in messages)
    assert scenario == parse_scenario(text, source="new")


def test_old_and_new_key_together_are_refused(tmp_path: Path) -> None:
    text = bundled_text("reference")
    both = text.replace(
        "{ centre_km = [40.0, 380.0]", "{ center_km = [1.0, 1.0], centre_km = [40.0, 380.0]", 1
    )
    with pytest.raises(InputError, match="give centre_km only") as err:
        parse_scenario(both, source="both.toml")
    assert err.value.key is not None and err.value.key.endswith("center_km")
