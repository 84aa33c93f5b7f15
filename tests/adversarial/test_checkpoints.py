"""Checkpoints that are torn, bit-flipped, foreign, crafted, or of inputs edited since: each is
refused with one line naming the file, or (a flip in bytes nobody reads) resumes exactly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from umbrella.campaign import FileCheckpoint, load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.checkpoint import Checkpoint
from umbrella.campaign.inputs import load_defence
from umbrella.campaign.stocks import STATE_FIELDS, SUM_FIELDS
from umbrella.core.errors import InputError

from .corpus import CAMPAIGN, Cli, assert_refused

RUNS, SEED = 16, 4


def _prep(path: Path = CAMPAIGN, runs: int = RUNS, seed: int = SEED) -> Any:
    camp = load_campaign(path)
    return prepare_campaign(camp, load_defence(camp), runs, seed)


@pytest.fixture(scope="module")
def whole() -> Any:
    return simulate_prepared(_prep())


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A checkpoint after 9 of the 12 nights."""
    path = tmp_path / "ck.npz"
    with pytest.raises(KeyboardInterrupt):
        simulate_prepared(_prep(), checkpoint=FileCheckpoint(path), stop_after=9)
    assert FileCheckpoint(path).peek() is not None
    return path


def _same(a: Any, b: Any) -> None:
    for name in STATE_FIELDS + SUM_FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), name


def _resume_or_refuse(path: Path, whole: Any) -> str:
    """'refused' (one InputError naming the file) or 'same' (resumed exactly)."""
    try:
        resumed = simulate_prepared(_prep(), checkpoint=FileCheckpoint(path), resume=True)
    except InputError as exc:
        assert exc.source == str(path), exc
        assert "\n" not in exc.one_line()
        return "refused"
    _same(resumed, whole)
    return "same"


def test_resume_is_exact(saved: Path, whole: Any) -> None:
    assert _resume_or_refuse(saved, whole) == "same"
    assert not saved.exists()  # cleared once the campaign finished


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99])
def test_torn_checkpoint_refused(fraction: float, saved: Path, whole: Any) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: int(len(data) * fraction)])
    assert _resume_or_refuse(saved, whole) == "refused"


def test_every_bit_flip_is_refused_or_harmless(saved: Path, whole: Any) -> None:
    data = bytearray(saved.read_bytes())
    outcomes = {"refused": 0, "same": 0}
    for position in np.linspace(0, len(data) - 1, 60).astype(int):
        flipped = bytearray(data)
        flipped[position] ^= 0x10
        saved.write_bytes(bytes(flipped))
        outcomes[_resume_or_refuse(saved, whole)] += 1
        if not saved.exists():  # resumed and cleared: put a fresh copy back
            saved.write_bytes(bytes(data))
    assert outcomes["refused"] >= 50, outcomes  # array and header bytes are all guarded


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _npy(array: np.ndarray[Any, Any], allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


FOREIGN = {
    "text": lambda p: p.write_text("not a checkpoint"),
    "empty": lambda p: p.write_bytes(b""),
    "plain-npz": lambda p: np.savez(p, stock=np.zeros((RUNS, 3, 2), np.int64)),
    "pickled-object-array": lambda p: _zip(
        p, {"meta.json": b"{}", "stock.npy": _npy(np.array([{"x": 1}], dtype=object), True)}
    ),
    "zip-without-header": lambda p: _zip(p, {"stock.npy": _npy(np.zeros(3, np.int64))}),
    "header-of-another-kind": lambda p: _zip(p, {"meta.json": b'{"kind": "x", "format": 2}'}),
    "header-not-json": lambda p: _zip(p, {"meta.json": b"\xff\xfe{"}),
    "huge-declared-array": lambda p: _zip(
        p,
        {
            "meta.json": b'{"kind": "umbrella.campaign_checkpoint", "format": 2, '
            b'"checksums": {"stock": "0"}, "done": 1, "fingerprint": "x"}',
            "stock.npy": _npy(np.zeros(2, np.int64)).replace(b"(2,)", b"(999999999999,)"),
        },
    ),
}


@pytest.mark.parametrize("make", list(FOREIGN))
def test_foreign_checkpoint_refused(make: str, tmp_path: Path, whole: Any) -> None:
    path = tmp_path / "ck.npz"
    FOREIGN[make](path)
    assert _resume_or_refuse(path, whole) == "refused"


def _crafted(saved: Path, change: Any) -> None:
    """Re-save the checkpoint with a change, under the right fingerprint and fresh checksums."""
    prep = _prep()
    loaded = FileCheckpoint(saved).load(prep.fingerprint)
    assert loaded is not None
    state = {k: np.array(v) for k, v in loaded.state.items()}
    done = change(state)
    FileCheckpoint(saved).save(prep.fingerprint, Checkpoint(done=done, state=state))


CRAFTED = {
    "done-999": lambda s: 999,
    "done-0": lambda s: 0,
    "done-negative": lambda s: -1,
    "done-past-arrays": lambda s: 12,
    "nan-damage": lambda s: s["damage"].__setitem__((0, 0), np.nan) or 9,
    "inf-cost": lambda s: s["defender_cost"].__setitem__((0, 0), np.inf) or 9,
    "negative-stock": lambda s: s["stock"].__setitem__((0, 0, 0), -5) or 9,
    "float-stock": lambda s: s.__setitem__("stock", s["stock"].astype(float)) or 9,
    "wrong-runs": lambda s: s.__setitem__("stock", s["stock"][:-1]) or 9,
    "missing-array": lambda s: s.pop("fired") is None or 9,
    "nan-asset-damage": lambda s: s["asset_damage"].__setitem__((0, 0), np.nan) or 9,
    "negative-asset-leaked": lambda s: s["asset_leaked"].__setitem__((0, 0), -1) or 9,
    "asset-arrays-of-other-assets": lambda s: (
        s.__setitem__("asset_leaked", s["asset_leaked"][:, :-1]) or 9
    ),
    "missing-asset-array": lambda s: s.pop("asset_damage") is None or 9,
}


@pytest.mark.parametrize("change", list(CRAFTED))
def test_crafted_checkpoint_with_the_right_fingerprint_refused(
    change: str, saved: Path, whole: Any
) -> None:
    _crafted(saved, CRAFTED[change])
    assert _resume_or_refuse(saved, whole) == "refused"


@pytest.mark.parametrize(
    ("edit", "runs", "seed"),
    [
        (lambda t: t, RUNS, SEED + 1),
        (lambda t: t, RUNS + 1, SEED),
        (lambda t: t.replace("missile = 25", "missile = 26"), RUNS, SEED),
    ],
    ids=["seed", "runs", "campaign"],
)
def test_checkpoint_of_other_inputs_refused(
    edit: Any, runs: int, seed: int, saved: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "edited"
    folder.mkdir()
    (folder / "scenario.toml").write_bytes((CAMPAIGN.parent / "scenario.toml").read_bytes())
    (folder / "campaign.toml").write_text(edit(CAMPAIGN.read_text()))
    with pytest.raises(InputError, match="another campaign"):
        simulate_prepared(_prep(folder / "campaign.toml", runs, seed),
                          checkpoint=FileCheckpoint(saved), resume=True)  # fmt: skip


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace("count = 12", "count = 13"),
        lambda t: t.replace("speed_kmh = 180.0", "speed_kmh = 181.0"),  # its catalogue changes
    ],
    ids=["scenario", "catalogue"],
)
def test_checkpoint_after_the_defence_was_edited_refused(
    edit: Any, saved: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "edited"
    folder.mkdir()
    (folder / "scenario.toml").write_text(edit((CAMPAIGN.parent / "scenario.toml").read_text()))
    (folder / "campaign.toml").write_bytes(CAMPAIGN.read_bytes())
    with pytest.raises(InputError, match="another campaign, defence, catalogue"):
        simulate_prepared(
            _prep(folder / "campaign.toml"), checkpoint=FileCheckpoint(saved), resume=True
        )


def test_bundled_catalogue_is_in_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    import umbrella.catalogue as catalogue

    before = _prep().fingerprint
    raw = catalogue._bundled_raw()
    extra = {"kind": "radar", "range_km": 10.0}
    changed = {**raw, "sensors": {**raw["sensors"], "extra_radar": extra}}
    monkeypatch.setattr(catalogue, "_bundled_raw", lambda: changed)
    assert _prep().fingerprint != before


def test_checkpoint_paths_that_are_not_files_refused(tmp_path: Path, whole: Any) -> None:
    import os

    folder = tmp_path / "dir.npz"
    folder.mkdir()
    assert _resume_or_refuse(folder, whole) == "refused"
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    assert _resume_or_refuse(fifo, whole) == "refused"


def test_cli_will_not_overwrite_progress_without_resume_or_force(
    cli: Cli, seeds: Path, saved: Path
) -> None:
    args = ["campaign", str(seeds / "campaign.toml"), "--runs", str(RUNS), "--seed", str(SEED),
            "--checkpoint", str(saved), "--json"]  # fmt: skip
    before = saved.read_bytes()
    err = assert_refused(cli(args), "--resume")
    assert "9 nights done" in err and saved.read_bytes() == before
    code, _, err = cli([*args, "--resume"])
    assert code == 0, err
    assert not saved.exists()
    code, _, err = cli([*args, "--resume"])  # nothing left to resume: says so, runs from night 0
    assert code == 0 and "no checkpoint to resume from" in err
