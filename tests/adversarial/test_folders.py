"""A folder from someone else is data, never instructions: names read from its manifest or
journal are plain file names checked before any file operation, staging folders are umbrella's
only by the marker inside them, and ``--force`` never removes or replaces bytes umbrella did not
write (single-file outputs included). Each case is a folder, manifest or journal planted as
another person could send it; each ends in exit 2 and one line naming the file, with nothing
touched anywhere."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from umbrella.core.manifest import JOURNAL, MANIFEST, STAGING_MARK, is_sealed_file, seal_text

from .corpus import SCENARIO, Cli, assert_refused, listing
from .sample import sampled

RUN = ["--runs", "2", "--seed", "1"]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An umbrella output folder (a raid run), written once for the module."""
    from umbrella.jobs import run_raid

    out = tmp_path_factory.mktemp("run") / "out"
    run_raid(str(SCENARIO), runs=2, seed=1, out=out, history=False)
    return out


@pytest.fixture
def shared(run_folder: Path, tmp_path: Path) -> Path:
    """A copy of the run folder as a colleague sends it, beside the user's precious file."""
    (tmp_path / "precious.txt").write_text("the user's own notes\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("chapter one\n")
    shutil.copytree(run_folder, tmp_path / "shared")
    return tmp_path / "shared"


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail instead of hanging (a FIFO opened for reading blocks until a writer comes)."""

    def fail(signum: int, frame: object) -> None:
        raise AssertionError(f"still waiting after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _entry(path: Path) -> dict[str, object]:
    data = path.read_bytes()
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _manifest(folder: Path) -> dict[str, object]:
    doc: dict[str, object] = json.loads((folder / MANIFEST).read_text())
    return doc


def _write_manifest(folder: Path, doc: object) -> None:
    (folder / MANIFEST).write_text(json.dumps(doc))


def _marked_staging(folder: Path, name: str, pid: int = 999_999_999) -> Path:
    staging = folder / name
    staging.mkdir()
    doc = {"written_by": "umbrella", "staging": name, "pid": pid}
    (staging / STAGING_MARK).write_text(json.dumps(doc))
    return staging


STAGING_NAME = ".x.umbrella-staging.999999999.abc"

#: Names that are not plain file names, each as a colleague's manifest or journal could hold it
#: (``{p}`` is the precious file's absolute path).
BAD_NAMES = [
    "../precious.txt",
    "{p}",
    "sub/../../precious.txt",
    "..",
    ".",
    "",
    "a\x00b",
    "mine/thesis.txt",
    "..\\precious.txt",
]
#: Where the name is planted.
PLACES = ["manifest-report", "manifest-force", "journal-remove", "journal-files",
          "journal-staging"]  # fmt: skip
CASES = [(place, name) for place in PLACES for name in BAD_NAMES]
#: The cases the issue reported, always in the default suite: a journal's removal of
#: ``../precious.txt`` (``umbrella report``), a manifest entry holding an outside file's absolute
#: path, size and hash (``--out DIR --force``).
REPORTED = [("journal-remove", "../precious.txt"), ("manifest-force", "{p}")]


@pytest.mark.parametrize(
    ("place", "name"),
    sampled(
        CASES, 8, ids=[f"{p}-{n.encode().hex() or 'empty'}" for p, n in CASES], always=REPORTED
    ),
)
def test_a_name_that_is_not_a_plain_file_name_is_refused_and_nothing_is_touched(
    place: str, name: str, shared: Path, cli: Cli
) -> None:
    root = shared.parent
    precious = root / "precious.txt"
    name = name.replace("{p}", str(precious))
    if place.startswith("manifest"):
        doc = _manifest(shared)
        doc["files"][name] = _entry(precious)  # type: ignore[index]
        _write_manifest(shared, doc)
        needle = MANIFEST
    else:
        _marked_staging(shared, STAGING_NAME)
        journal: dict[str, object] = {"staging": STAGING_NAME, "files": [], "remove": []}
        if place == "journal-staging":
            journal["staging"] = name
        else:
            journal[place.removeprefix("journal-")] = [name]
        (shared / JOURNAL).write_text(json.dumps(journal))
        needle = JOURNAL
    before = listing(root)
    if place == "manifest-force":
        args = ["run", str(SCENARIO), *RUN, "--out", str(shared), "--force"]
    else:
        args = ["report", str(shared)]
    err = assert_refused(cli(args), needle)
    assert "nothing touched" in err
    assert listing(root) == before


def test_a_journal_whose_staging_is_a_link_to_a_users_folder_is_refused(
    shared: Path, cli: Cli
) -> None:
    root = shared.parent
    (shared / STAGING_NAME).symlink_to(root / "mine")
    journal = {"staging": STAGING_NAME, "files": ["thesis.txt"], "remove": []}
    (shared / JOURNAL).write_text(json.dumps(journal))
    before = listing(root)
    for args in (["report", str(shared)], ["run", str(SCENARIO), *RUN, "--out", str(shared)]):
        err = assert_refused(cli(args), JOURNAL)
        assert "not a folder" in err
    assert listing(root) == before
    assert (root / "mine" / "thesis.txt").read_text() == "chapter one\n"


def test_a_journal_naming_a_folder_without_umbrellas_marker_is_refused(
    shared: Path, cli: Cli
) -> None:
    users = shared / STAGING_NAME  # named like a staging folder, but the user's
    users.mkdir()
    (users / "summary.json").write_text('{"mine": true}')
    journal = {"staging": STAGING_NAME, "files": ["summary.json"], "remove": []}
    (shared / JOURNAL).write_text(json.dumps(journal))
    before = listing(shared.parent)
    assert "no staging marker" in assert_refused(cli(["report", str(shared)]), JOURNAL)
    assert listing(shared.parent) == before


def test_a_journal_that_would_replace_a_users_file_is_refused(shared: Path, cli: Cli) -> None:
    staging = _marked_staging(shared, STAGING_NAME)
    (staging / "notes.txt").write_text("sent by someone else")
    (shared / "notes.txt").write_text("mine")
    journal = {"staging": STAGING_NAME, "files": ["notes.txt"], "remove": []}
    (shared / JOURNAL).write_text(json.dumps(journal))
    before = listing(shared.parent)
    err = assert_refused(cli(["report", str(shared), "--force"]), "notes.txt")
    assert "umbrella did not write" in err
    assert listing(shared.parent) == before


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.mkdir()


def _link_out(path: Path) -> None:
    path.symlink_to(path.parent.parent / "precious.txt")


def _text(text: str) -> object:
    def make(path: Path) -> None:
        path.write_text(text)

    return make


BOOKS = {
    "fifo": _fifo,
    "folder": _folder,
    "link": _link_out,
    "garbage": _text("\x00\x01 not json"),
    "nan": _text('{"written_by": "umbrella", "files": {}, "staging": NaN, "remove": NaN}'),
    "list": _text("[1, 2, 3]"),
    "deep": _text("[" * 50_000 + "]" * 50_000),
    "not-umbrellas": _text('{"written_by": "someone", "files": {}}'),
    "bad-entry": _text('{"written_by": "umbrella", "files": {"a.txt": {"size": -1}}}'),
}
BOOK_CASES = [(which, kind) for which in (MANIFEST, JOURNAL) for kind in BOOKS]


@pytest.mark.parametrize(
    ("which", "kind"), sampled(BOOK_CASES, 6, ids=[f"{w}-{k}" for w, k in BOOK_CASES])
)
def test_a_manifest_or_journal_that_is_not_umbrellas_is_refused_in_one_line(
    which: str, kind: str, shared: Path, cli: Cli
) -> None:
    path = shared / which
    path.unlink(missing_ok=True)
    BOOKS[kind](path)  # type: ignore[operator]
    before = listing(shared.parent) if kind != "fifo" else None
    with within(20):
        assert_refused(cli(["report", str(shared)]), which)
        assert_refused(cli(["run", str(SCENARIO), *RUN, "--out", str(shared), "--force"]), which)
    if before is not None:
        assert listing(shared.parent) == before
    assert (shared.parent / "precious.txt").read_text() == "the user's own notes\n"


def test_force_never_replaces_a_link_or_an_edited_file_the_manifest_lists(
    shared: Path, cli: Cli
) -> None:
    root = shared.parent
    (shared / "summary.json").unlink()
    (shared / "summary.json").symlink_to(root / "precious.txt")
    doc = _manifest(shared)
    doc["files"]["summary.json"] = _entry(root / "precious.txt")  # type: ignore[index]
    _write_manifest(shared, doc)
    before = listing(root)
    err = assert_refused(cli(["run", str(SCENARIO), *RUN, "--out", str(shared), "--force"]),
                         "summary.json")  # fmt: skip
    assert "umbrella did not write" in err
    assert listing(root) == before
    assert (shared / "summary.json").is_symlink()


def test_staging_folders_are_umbrellas_by_their_marker_not_their_name(
    seeds: Path, cli: Cli
) -> None:
    # Beside --out: a user's folder named like a dead staging folder, a marked one of a process
    # that has gone (left by a kill), a marked one holding a folder, a marker naming another
    # folder, and a marked one of a process that runs (this one).
    users = seeds / ".out.umbrella-staging.999999999.zz"
    users.mkdir()
    (users / "notes.txt").write_text("mine")
    dead = _marked_staging(seeds, ".out.umbrella-staging.999999998.aa")
    (dead / "summary.json").write_text("{}")
    nested = _marked_staging(seeds, ".out.umbrella-staging.999999997.bb")
    (nested / "inner").mkdir()
    other = seeds / ".out.umbrella-staging.999999996.cc"
    other.mkdir()
    (other / STAGING_MARK).write_text(json.dumps(
        {"written_by": "umbrella", "staging": "elsewhere", "pid": 999_999_996}))  # fmt: skip
    live = _marked_staging(seeds, f".out.umbrella-staging.{os.getpid()}.dd", pid=os.getpid())
    code, _, err = cli(["run", str(SCENARIO), *RUN, "--out", str(seeds / "out")])
    assert code == 0, err
    assert (users / "notes.txt").read_text() == "mine"
    assert not dead.exists()
    assert (nested / "inner").is_dir() and other.is_dir() and live.is_dir()


def test_a_fitted_posture_or_model_umbrella_did_not_write_is_never_replaced(
    cli: Cli, synthetic_dir: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('name = "my notes"\n[calibration]\nmethod = "mine"\n')
    model = tmp_path / "model.json"
    model.write_text('{"kind": "umbrella.raid_tempo", "version": 1, "model": {}}')
    before = listing(tmp_path)
    calibrate = ["calibrate", "--data", str(synthetic_dir), "--train-end", "2025-01-31",
                 "--scenario", str(SCENARIO), "--force", "--out"]  # fmt: skip
    err = assert_refused(cli([*calibrate, str(mine)]), "mine.toml")
    assert "--force never replaces a file umbrella did not write" in err
    fit = ["data", "fit", "--data", str(synthetic_dir), "--train-end", "2025-01-31", "--out"]
    err = assert_refused(cli([*fit, str(model), "--force"]), "model.json")
    assert "--force never replaces" in err
    assert listing(tmp_path) == before
    # A model umbrella wrote is replaced; once edited, it is the user's.
    model.unlink()
    code, _, err = cli([*fit, str(model)])
    assert code == 0, err
    assert is_sealed_file(model, kind="umbrella.raid_tempo")
    code, _, err = cli([*fit, str(model)])
    assert code == 0, err
    model.write_text(model.read_text().replace('"version": 1', '"version": 1 '))
    assert is_sealed_file(model, kind="umbrella.raid_tempo")  # the same document: still ours
    model.write_text(model.read_text().replace('"version": 1', '"version": 2'))
    assert_refused(cli([*fit, str(model), "--force"]), "model.json")


def test_a_sealed_posture_is_umbrellas_until_edited(tmp_path: Path) -> None:
    from umbrella.calibration.files import check_posture_file
    from umbrella.core.errors import InputError

    path = tmp_path / "fitted.toml"
    path.write_text(seal_text('# fitted\nname = "x"\n'))
    assert path.read_text().startswith("# fitted\n")
    assert check_posture_file(path) == path.resolve()
    path.write_text(path.read_text().replace('"x"', '"y"'))
    for force in (False, True):
        with pytest.raises(InputError, match="never replaces"):
            check_posture_file(path, force=force)
