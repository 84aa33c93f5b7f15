"""Random single changes to the seed files (hypothesis): whatever the change, the command ends
in one line (exit 2) or succeeds with finite JSON; never a traceback."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from umbrella.cli import main

from .corpus import (
    CAMPAIGN,
    SCENARIO,
    assert_finite_json,
    assert_one_line_or_ok,
    leaves,
    set_path,
    write_toml,
)

SEEDS = {
    "scenario": tomllib.loads(SCENARIO.read_text()),
    "campaign": tomllib.loads(CAMPAIGN.read_text()),
}
PATHS = {
    kind: [p for p, _ in leaves(doc) if p != ("schema_version",)] for kind, doc in SEEDS.items()
}

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.text(max_size=30),
    st.lists(st.floats(min_value=-1e6, max_value=1e6), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(-5, 5), max_size=2),
)


def _invoke(args: list[str], capsys: Any) -> tuple[int, str, str]:
    import sys

    argv, sys.argv = sys.argv, ["umbrella", *args]
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.argv = argv
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(["scenario", "campaign"]), data=st.data(), value=VALUES)
def test_any_single_change_is_answered(
    kind: str, data: Any, value: Any, tmp_path: Path, capsys: Any
) -> None:
    path = data.draw(st.sampled_from(PATHS[kind]))
    folder = tmp_path / "case"
    folder.mkdir(exist_ok=True)
    write_toml(folder / "scenario.toml", SEEDS["scenario"])
    target = write_toml(folder / f"{kind}.toml", set_path(SEEDS[kind], path, value))
    result = _invoke(["validate", str(target)], capsys)
    assert_one_line_or_ok(result, f"{kind}.toml")
    if result[0] == 0:
        command = "run" if kind == "scenario" else "campaign"
        extra = [] if kind == "scenario" else ["--checkpoint", str(folder / "ck.npz")]
        code, out, err = _invoke([command, str(target), "--runs", "2", "--json", *extra], capsys)
        assert code == 0, err
        assert_finite_json(out)
