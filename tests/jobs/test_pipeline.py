"""The one pipeline behind every job (:func:`umbrella.jobs.pipeline.execute`): an output that
cannot be written without loss refused before any work, then run, provenance, write and history
in that order, and a history that cannot be written costing a warning, never the result."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import pytest

from umbrella.core.errors import HistoryWarning, InputError
from umbrella.core.progress import Progress
from umbrella.history import HistoryStore
from umbrella.jobs.pipeline import Job, execute
from umbrella.jobs.provenance import provenance
from umbrella.report.folder import write_output


@dataclasses.dataclass(frozen=True)
class Counted:
    """A result that writes a real output folder and logs what the pipeline asked of it."""

    kind: ClassVar[str] = "run"
    leaked: int
    log: list[str]
    provenance: Mapping[str, Any] | None = None

    def summary(self) -> dict[str, Any]:
        return {"kind": "run", "scenario": "counted", "leaked": self.leaked}

    def tables(self) -> dict[str, Any]:
        return {}

    def _repr_html_(self) -> str:
        return f"<p>{self.leaked}</p>"

    def write(self, out: str | Path, *, force: bool = False, inputs: Any = ()) -> Path:
        self.log.append(f"write provenance={self.provenance is not None} force={force}")
        assert self.provenance is not None
        return write_output(out, kind="sweep", summary=self.summary(), meta=self.provenance,
                            texts={"leaked.txt": str(self.leaked)}, force=force,
                            inputs=inputs)  # fmt: skip


def _job(log: list[str], inputs: tuple[Path, ...] = ()) -> Job[Counted]:
    def run(progress: Progress | None) -> Counted:
        log.append("run")
        return Counted(leaked=7, log=log)

    def prov(result: Counted) -> dict[str, Any]:
        log.append("provenance")
        return provenance("run", inputs={str(p): None for p in inputs}, seed=3, runs=5)

    return Job(kind="run", inputs=inputs, run=run, provenance=prov,
               headline=lambda r: f"leaked {r.leaked}", spec={"scenario": "counted"})  # fmt: skip


def test_a_folder_holding_the_users_files_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes", encoding="utf-8")
    log: list[str] = []
    with pytest.raises(InputError, match=r"notes\.txt"):
        execute(_job(log), out=out)
    assert log == []  # nothing ran
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert HistoryStore().rows() == []
    execute(_job(log), out=out, force=True)  # umbrella's files beside the user's
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes"
    assert (out / "leaked.txt").read_text(encoding="utf-8") == "7"


def test_an_output_holding_an_input_is_refused_before_any_work(tmp_path: Path) -> None:
    spec = tmp_path / "here" / "spec.toml"
    spec.parent.mkdir()
    spec.write_text("x = 1\n", encoding="utf-8")
    log: list[str] = []
    with pytest.raises(InputError):
        execute(_job(log, inputs=(spec,)), out=spec.parent)
    assert log == [] and spec.read_text(encoding="utf-8") == "x = 1\n"


def test_force_without_an_output_is_refused_before_any_work() -> None:
    log: list[str] = []
    with pytest.raises(InputError, match="force applies to an output") as err:
        execute(_job(log), force=True)
    assert err.value.key == "force" and log == []


def test_run_provenance_write_and_history_in_that_order(tmp_path: Path) -> None:
    log: list[str] = []
    out = tmp_path / "out"
    result = execute(_job(log), out=out)
    assert log == ["run", "provenance", "write provenance=True force=False"]
    assert result.provenance is not None and result.provenance["kind"] == "run"
    assert (out / "leaked.txt").read_text(encoding="utf-8") == "7"
    row = HistoryStore().get(result.provenance["id"])
    assert row["headline"] == "leaked 7" and row["out_dir"] == str(out.resolve())
    assert row["summary"] == result.summary() and row["spec"] == {"scenario": "counted"}
    # umbrella's own folder again is replaced whole; without history, no second row
    again = execute(_job(log), out=out, history=False)
    assert log[-3:] == ["run", "provenance", "write provenance=True force=False"]
    assert len(HistoryStore().rows()) == 1 and again.provenance != result.provenance


def test_a_history_that_cannot_be_written_is_a_warning_and_the_result_is_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "home-is-a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("UMBRELLA_HOME", str(blocked))
    log: list[str] = []
    with pytest.warns(HistoryWarning, match="run history"):
        result = execute(_job(log), out=tmp_path / "out")
    assert result.leaked == 7 and (tmp_path / "out" / "leaked.txt").exists()
