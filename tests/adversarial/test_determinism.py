"""Every JSON document is byte-identical across processes (and thread counts) for the same
inputs and seed, on stdout and in ``--out`` folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from umbrella.report.folder import RUN_FIELDS, stable_provenance

from .corpus import FIXTURES, assert_finite_json

UMBRELLA = str(Path(sys.executable).parent / "umbrella")

COMMANDS = {
    "run": ["run", "scenario.toml", "--runs", "200", "--seed", "5", "--json", "--out", "OUT"],
    "campaign": ["campaign", "campaign.toml", "--runs", "30", "--seed", "5", "--json", "--out",
                 "OUT", "--checkpoint", "ck.npz"],
    "compare": ["campaign", "compare", "campaign.toml", "alt.toml", "other.toml", "--runs", "20",
                "--seed", "5", "--json", "--out", "OUT"],
}  # fmt: skip


def _folder(root: Path) -> Path:
    root.mkdir()
    for name in ("scenario.toml", "campaign.toml"):
        (root / name).write_bytes((FIXTURES / name).read_bytes())
    text = (FIXTURES / "campaign.toml").read_text()
    (root / "alt.toml").write_text(text.replace("missile = 25", "missile = 10"))
    (root / "other.toml").write_text(text.replace("burst = 200", "burst = 20"))
    return root


@pytest.mark.parametrize("command", list(COMMANDS))
def test_json_is_byte_identical_across_processes_and_threads(command: str, tmp_path: Path) -> None:
    # The two processes run at once, each in its own folder with its own run history.
    procs = []
    for threads in ("1", "2"):
        root = _folder(tmp_path / f"t{threads}")
        env = {**os.environ, "NUMBA_NUM_THREADS": threads, "UMBRELLA_HOME": str(root / "home")}
        pipe = subprocess.PIPE
        proc = subprocess.Popen([UMBRELLA, *COMMANDS[command]], cwd=root, env=env, stdout=pipe,
                                stderr=pipe, text=True)  # fmt: skip
        procs.append((root, proc))
    outputs = []
    for root, proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        assert_finite_json(stdout)
        # meta.json also records this run's id, time and folder (and the manifest its hash):
        # everything else must match byte for byte.
        files = {
            p.name: p.read_bytes()
            for p in sorted((root / "OUT").iterdir())
            if p.suffix == ".json" and p.name not in ("meta.json", ".umbrella-output.json")
        }
        for text in files.values():
            assert_finite_json(text.decode())
        meta = json.loads((root / "OUT" / "meta.json").read_text())
        assert set(RUN_FIELDS) <= set(meta)
        files["meta.json (stable part)"] = json.dumps(stable_provenance(meta)).encode()
        outputs.append((stdout, files))
    assert outputs[0][0] == outputs[1][0]
    assert outputs[0][1] == outputs[1][1] and len(outputs[0][1]) >= 2
