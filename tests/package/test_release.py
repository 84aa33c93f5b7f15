"""What a release carries: one version everywhere, a changelog in the Keep a Changelog form, a
valid CITATION.cff, shipped files free of machine paths, and a wheel that installs and runs
outside the checkout."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import venv
from datetime import date
from importlib.metadata import version
from pathlib import Path, PurePosixPath

import jsonschema
import pytest
import yaml

import umbrella
from umbrella.core.version import __version__

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEMVER = r"\d+\.\d+\.\d+"
#: Keep a Changelog's kinds of change, and this project's one addition: renamed names, keys and
#: options in a table (the changelog's preamble says so).
CHANGE_KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security", "Renamed")


def test_one_version_everywhere() -> None:
    assert re.fullmatch(SEMVER, __version__)
    assert umbrella.__version__ == __version__
    assert version("umbrella") == __version__, "reinstall (make install) after a version change"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and "version" in project["dynamic"]


def test_the_command_says_the_version() -> None:
    command = Path(sys.executable).parent / "umbrella"
    out = subprocess.run([command, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout == f"umbrella {__version__}\n"


def _releases() -> list[tuple[str, str, str]]:
    """(version, date or "unreleased", body) of every release, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)
    releases = []
    for part in parts[1:]:
        head, _, body = part.partition("\n")
        match = re.fullmatch(rf"\[({SEMVER})\] - (\d{{4}}-\d\d-\d\d|unreleased)", head)
        assert match, f"CHANGELOG.md: a release heading is '## [X.Y.Z] - YYYY-MM-DD': {head!r}"
        releases.append((match[1], match[2], body))
    return releases


def test_the_changelog_keeps_its_form() -> None:
    releases = _releases()
    assert releases[0][0] == __version__, "the newest release is the package's version"
    assert releases[-1][:2] == ("0.1.0", "2026-11-29")
    numbers = [tuple(int(n) for n in v.split(".")) for v, _, _ in releases]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    dated = [date.fromisoformat(d) for _, d, _ in releases if d != "unreleased"]
    assert dated == sorted(dated, reverse=True)
    assert all(d != "unreleased" for _, d, _ in releases[1:]), "only the newest is unreleased"
    for v, _, body in releases:
        kinds = re.findall(r"^### (.*)$", body, flags=re.M)
        assert kinds and set(kinds) <= set(CHANGE_KINDS), f"{v}: kinds of change {kinds}"
        assert len(kinds) == len(set(kinds)), f"{v}: a kind of change twice"
        for section in re.split(r"^### .*$", body, flags=re.M)[1:]:
            assert section.strip(), f"{v}: an empty section"


def test_the_citation_file_is_valid_cff() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    schema = json.loads((FIXTURES / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(citation, schema, cls=jsonschema.Draft7Validator)
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == __version__
    released = dict((v, d) for v, d, _ in _releases())[__version__]
    if released != "unreleased":
        assert str(citation["date-released"]) == released


def test_the_citation_check_can_fail() -> None:
    schema = json.loads((FIXTURES / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cff-version": "1.2.0", "title": "x"}, schema)


#: Absolute paths of someone's machine: no shipped file may name one.
MACHINE_PATH = re.compile(
    r"(?<![\w.~$])(?:/(?:work|home|tmp|Users|root|mnt|media|private/var|var/folders)/"
    r"|[A-Za-z]:\\(?:Users|Documents and Settings)\\)"
)
#: What is shipped or read by users: the package (code and data), examples, docs, the site's
#: configuration and the top-level documents.
SHIPPED = ("src", "examples", "docs", "README.md", "CONTRIBUTING.md", "CHANGELOG.md",
           "CITATION.cff", "mkdocs.yml", "pyproject.toml")  # fmt: skip


def _shipped_files() -> list[Path]:
    files = []
    for name in SHIPPED:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        files += [p for p in candidates if p.is_file() and "__pycache__" not in p.parts]
    return files


def test_no_machine_paths_in_shipped_files() -> None:
    found = []
    for path in _shipped_files():
        if path.suffix in {".png", ".svg", ".ico"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "machine paths (use the project-relative ../shared/...):\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("line", "machine"),
    [("# prices of /work/shared/reference/parameters.md", True),
     ('data_dir = "/home/ana/attacks"', True),
     ("C:\\Users\\ana\\attacks", True),
     ("read from ../shared/data/attacks", False),
     ('load_nights("/path/to/attacks")', False),
     ("https://example.org/tmp/x", False)],
)  # fmt: skip
def test_machine_paths_are_recognised(line: str, machine: bool) -> None:
    assert bool(MACHINE_PATH.search(line)) is machine


def test_package_data_is_declared() -> None:
    """Every non-Python file in the package is matched by the package-data patterns."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["umbrella"]
    package = ROOT / "src" / "umbrella"
    data = [
        p.relative_to(package)
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    ]
    assert data
    missing = [
        str(p)
        for p in data
        if not any(len(p.parts) == len(PurePosixPath(pat).parts) and p.match(pat)
                   for pat in patterns)
    ]  # fmt: skip
    assert not missing, f"add to [tool.setuptools.package-data]: {missing}"


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    out = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, f"{args}: exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.mark.slow
def test_the_wheel_installs_and_runs_outside_the_checkout(
    tmp_path: Path, write_reports_to: object
) -> None:
    """``python -m build`` makes an sdist and a wheel that ``twine check`` passes; the wheel,
    installed with the pinned constraints into a fresh virtual environment far from the
    checkout, runs the bundled example, a raid and a bundled campaign example."""
    dist = tmp_path / "dist"
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    _run([sys.executable, "-m", "build", "--outdir", dist, ROOT], tmp_path, env)
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert [w.name for w in wheels] == [f"umbrella-{__version__}-py3-none-any.whl"]
    assert [s.name for s in sdists] == [f"umbrella-{__version__}.tar.gz"]
    _run([sys.executable, "-m", "twine", "check", "--strict", *wheels, *sdists], tmp_path, env)

    away = tmp_path / "elsewhere"
    away.mkdir()
    venv.create(away / "venv", with_pip=True)
    python = away / "venv" / "bin" / "python"
    _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          "-c", ROOT / "constraints.txt", wheels[0]], away, env)  # fmt: skip
    bin_ = away / "venv" / "bin"
    env = {**env, "UMBRELLA_HOME": str(away / "home"), "PATH": f"{bin_}:{env.get('PATH', '')}"}

    where = _run([python, "-c", "import umbrella; print(umbrella.__file__)"], away, env)
    assert Path(where.strip()).is_relative_to(away / "venv")
    assert _run([bin_ / "umbrella", "--version"], away, env) == f"umbrella {__version__}\n"
    example = _run([bin_ / "umbrella", "example"], away, env)
    assert tomllib.loads(example)["schema_version"] == 1
    doc = json.loads(_run([bin_ / "umbrella", "run", "--runs", "10", "--seed", "1", "--json"],
                          away, env))  # fmt: skip
    assert doc["kind"] == "run" and doc["runs"] == 10 and doc["version"] == __version__
    assert doc["totals"]["launched"]["mean"] == 550

    # A bundled campaign example, on synthetic reports in the attack reports' format (the real
    # ones are not shipped), shortened to ten nights.
    for name in ("winter-baseline.toml", "winter-us-pause.toml"):
        shutil.copy(ROOT / "examples" / "campaign" / name, away / name)
    reports = write_reports_to(away / "attacks", date(2024, 1, 1), date(2025, 10, 31))  # type: ignore[operator]
    out = _run([bin_ / "umbrella", "campaign", "winter-us-pause.toml", "--runs", "4", "--seed",
                "1", "--data", reports, "--set", "end=2025-11-10", "--json",
                "--out", away / "winter"], away, env)  # fmt: skip
    camp = json.loads(out)
    assert camp["kind"] == "campaign" and camp["runs"] == 4 and camp["version"] == __version__
    assert (away / "winter" / "report.html").is_file()
