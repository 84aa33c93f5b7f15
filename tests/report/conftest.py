"""Small output folders of each kind (run, campaign, comparison), some with names made of
markup, and one headless Chromium shared by all browser tests of a test run."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .folders import (
    CHROMIUM,
    EVIL_FILE,
    EVIL_SCRIPT,
    LAUNCH_ARGS,
    SCENARIO,
    campaign_file,
    evil_scenario,
)


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One output folder of each kind, written by the CLI with few runs: ``run``, ``campaign``,
    ``compare``, ``optimise``, and ``evil_run``, ``evil_campaign`` named with markup."""
    from umbrella.cli import main

    root = tmp_path_factory.mktemp("report-outputs")
    kinds = ("run", "campaign", "compare", "optimise", "evil_run", "evil_campaign")
    out = {k: root / k for k in kinds}
    evil = evil_scenario(root)
    base = campaign_file(root, "small-campaign", 30)
    more = campaign_file(root, "small-more", 60)
    bad = campaign_file(root, EVIL_SCRIPT, 45, EVIL_FILE)
    menu = Path(__file__).resolve().parents[1] / "optimise" / "fixtures" / "menu.toml"
    commands = [
        ["run", str(SCENARIO), "--runs", "6", "--out", str(out["run"])],
        ["optimise", str(menu), "--runs", "4", "--out", str(out["optimise"])],
        ["run", str(evil), "--runs", "4", "--out", str(out["evil_run"])],
        ["campaign", str(base), "--runs", "4", "--out", str(out["campaign"])],
        ["campaign", str(bad), "--runs", "4", "--out", str(out["evil_campaign"])],
        [
            "campaign",
            "compare",
            str(base),
            str(more),
            str(bad),
            "--runs",
            "4",
            "--out",
            str(out["compare"]),
        ],
    ]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UMBRELLA_HOME", str(root / "home"))
        for args in commands:
            mp.setattr(sys, "argv", ["umbrella", *args, "--json"])
            try:
                main()
            except SystemExit as exc:
                assert not exc.code, f"umbrella {' '.join(args)} failed"
    return out


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's), launched once per test run through Playwright."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium chromium-driver")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
