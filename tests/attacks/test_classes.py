"""Model names → weapon classes: the default table, combined rows, user overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umbrella.attacks.classes import (
    DEFAULT_CLASS_MAP,
    allocate,
    class_of,
    load_class_map,
    split_combined,
)
from umbrella.core.errors import InputError
from umbrella.core.vocabulary import (
    AEROBALLISTIC,
    BALLISTIC,
    CRUISE,
    DRONE,
    GUIDED,
    OTHER,
    REPORT_CLASSES,
)


@pytest.mark.parametrize(
    ("model", "cls"),
    [
        ("Shahed-136/131", DRONE),
        ("X-101/X-555", CRUISE),
        ("Kalibr", CRUISE),
        ("Iskander-K", CRUISE),
        ("Iskander-M/KN-23", BALLISTIC),
        ("C-300/C-400", BALLISTIC),
        ("X-47 Kinzhal", AEROBALLISTIC),
        ("X-59/X-69", GUIDED),
        ("X-31P", GUIDED),
        ("Orlan-10", OTHER),
        ("Lancet", OTHER),
        ("Some New Drone", OTHER),
    ],
)
def test_default_classes(model: str, cls: str) -> None:
    assert class_of(model, DEFAULT_CLASS_MAP) == cls


def test_every_default_class_is_known() -> None:
    assert set(DEFAULT_CLASS_MAP.values()) <= set(REPORT_CLASSES)


def test_combined_row_uses_launched_details() -> None:
    parts = split_combined(
        "Iskander-M/KN-23 and Iskander-K and Kalibr",
        38,
        {"Iskander-M/KN-23": 25, "Iskander-K": 10, "Kalibr": 3},
        DEFAULT_CLASS_MAP,
    )
    assert parts == [(BALLISTIC, 25), (CRUISE, 13)]


def test_combined_row_of_one_class_stays_whole() -> None:
    assert split_combined("X-101/X-555 and Kalibr", 85, None, DEFAULT_CLASS_MAP) == [(CRUISE, 85)]


def test_combined_row_of_mixed_classes_splits_evenly_first_named_first() -> None:
    parts = split_combined("X-47 Kinzhal and Iskander-M", 7, None, DEFAULT_CLASS_MAP)
    assert parts == [(AEROBALLISTIC, 4), (BALLISTIC, 3)]
    three = split_combined("X-101/X-555 and Kalibr and X-59/X-69", 10, None, DEFAULT_CLASS_MAP)
    # Two cruise parts and one guided part: 4 + 3 cruise, 3 guided.
    assert three == [(CRUISE, 7), (GUIDED, 3)]


def test_combined_name_in_the_table_is_one_model() -> None:
    table = {**DEFAULT_CLASS_MAP, "Shahed-136/131 and Lancet": DRONE}
    assert split_combined("Shahed-136/131 and Lancet", 9, None, table) == [(DRONE, 9)]


def test_allocate_sums_and_is_proportional() -> None:
    assert allocate(10, [7, 3]) == [7, 3]
    assert allocate(5, [1, 1]) == [3, 2]
    assert sum(allocate(13, [0.2, 0.5, 0.3])) == 13
    assert allocate(0, [1, 2]) == [0, 0]


def test_override_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "classes.toml"
    path.write_text('[classes]\n"Lancet" = "one_way_attack_drone"\n"Kalibr" = "other"\n')
    table = load_class_map(path)
    assert table["Lancet"] == DRONE
    assert table["Kalibr"] == OTHER
    assert table["Iskander-K"] == CRUISE


def test_override_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "classes.csv"
    path.write_text("model,class\nX-59/X-69,cruise_missile\n")
    assert load_class_map(path)["X-59/X-69"] == CRUISE


def test_override_with_unknown_class_is_named(tmp_path: Path) -> None:
    path = tmp_path / "classes.csv"
    path.write_text("model,class\nKalibr,cruise_missile\nX-59,rocket\n")
    with pytest.raises(InputError, match=r"classes.csv:3: row 2, column class: unknown class"):
        load_class_map(path)


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.sampled_from(sorted(DEFAULT_CLASS_MAP)), min_size=1, max_size=4),
    launched=st.integers(min_value=0, max_value=10_000),
)
def test_split_keeps_every_launch(parts: list[str], launched: int) -> None:
    split = split_combined(" and ".join(parts), launched, None, DEFAULT_CLASS_MAP)
    assert sum(n for _, n in split) == launched
    assert {cls for cls, _ in split} <= {class_of(p, DEFAULT_CLASS_MAP) for p in parts}
    assert len({cls for cls, _ in split}) == len(split)


@settings(max_examples=60, deadline=None)
@given(
    total=st.integers(min_value=0, max_value=5_000),
    weights=st.lists(st.floats(min_value=0.0, max_value=100.0), min_size=1, max_size=6),
)
def test_allocate_is_whole_and_close_to_proportional(total: int, weights: list[float]) -> None:
    shares = allocate(total, weights)
    if sum(weights) == 0 or total == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == total and min(shares) >= 0
    exact = [total * w / sum(weights) for w in weights]
    assert all(abs(s - e) < 1.0 for s, e in zip(shares, exact, strict=True))
