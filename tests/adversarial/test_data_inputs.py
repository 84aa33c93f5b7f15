"""Campaigns whose raids come from the attack reports: ``--data`` points at them from anywhere,
a missing folder is named with the way out, and a checkpoint is tied to the reports it was
made from (through the model fitted to them)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from umbrella.campaign import FileCheckpoint, load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.inputs import load_defence, load_raid_tempo
from umbrella.core.errors import InputError

from .corpus import CAMPAIGN, FIXTURES, Cli, assert_refused

TEMPO = CAMPAIGN.read_text().replace(
    'source = "distributions"', 'source = "tempo"\ndata_dir = "reports"\ntrain_end = 2025-03-31'
)


@pytest.fixture
def tempo_campaign(tmp_path: Path) -> Path:
    (tmp_path / "scenario.toml").write_bytes((FIXTURES / "scenario.toml").read_bytes())
    path = tmp_path / "tempo.toml"
    path.write_text(TEMPO)
    return path


def test_missing_reports_named_with_the_way_out(cli: Cli, tempo_campaign: Path) -> None:
    for command in (["validate"], ["campaign"]):
        err = assert_refused(cli([*command, str(tempo_campaign)]), "raids.data_dir")
        assert "--data" in err and "'reports' not found" in err
    assert_refused(cli(["validate", str(tempo_campaign), "--data", "/no/such"]), "--data")


def test_data_option_reads_the_reports_from_anywhere(
    cli: Cli, tempo_campaign: Path, synthetic_dir: Path
) -> None:
    code, out, err = cli(["validate", str(tempo_campaign), "--data", str(synthetic_dir)])
    assert code == 0 and "raid-tempo model" in out, err
    args = ["campaign", str(tempo_campaign), "--runs", "3", "--json", "--data", str(synthetic_dir),
            "--checkpoint", str(tempo_campaign.parent / "ck.npz")]  # fmt: skip
    code, out, err = cli(args)
    assert code == 0 and '"nights": 12' in out, err


def _rewrite(folder: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    path = folder / "missile_attacks_daily.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames or []), list(reader)
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def _run(path: Path, data: Path, **kw: Any) -> Any:
    camp = load_campaign(path)
    tempo = load_raid_tempo(camp, data)
    return simulate_prepared(prepare_campaign(camp, load_defence(camp), 8, 2, tempo=tempo), **kw)


def test_checkpoint_refused_after_the_reports_changed(
    tempo_campaign: Path, tmp_path: Path, write_reports_to: Any
) -> None:
    data = write_reports_to(tmp_path / "data", date(2024, 1, 1), date(2025, 3, 31))
    whole = _run(tempo_campaign, data)
    ck = FileCheckpoint(tmp_path / "ck.npz")
    with pytest.raises(KeyboardInterrupt):
        _run(tempo_campaign, data, checkpoint=ck, stop_after=5)

    def later_night(rows: list[dict[str, str]]) -> None:  # after train_end: never read
        rows.append({**rows[-1], "time_start": "2025-04-01 18:00", "time_end": "2025-04-02 08:00"})

    _rewrite(data, later_night)
    resumed = _run(tempo_campaign, data, checkpoint=ck, resume=True)
    np.testing.assert_array_equal(resumed.stock, whole.stock)
    with pytest.raises(KeyboardInterrupt):
        _run(tempo_campaign, data, checkpoint=ck, stop_after=5)

    def earlier_night(rows: list[dict[str, str]]) -> None:  # before train_end: the model changes
        rows[-3]["launched"] = f"{float(rows[-3]['launched']) + 40:.1f}"

    _rewrite(data, earlier_night)
    with pytest.raises(InputError, match="attack data"):
        _run(tempo_campaign, data, checkpoint=ck, resume=True)
