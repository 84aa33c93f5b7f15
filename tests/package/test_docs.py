"""Docs that cannot drift: every code block of the site's pages runs, with its printed numbers
compared where the page quotes them.

The blocks of a page run in order in one namespace, in a scratch folder that holds the
project's ``examples/`` (pages name them by their path from the project root):

- ``pycon`` blocks are doctests: their output is compared (``...`` matches anything);
- ``python`` blocks run;
- ``console`` blocks run each ``$ umbrella ...`` line in process (exit code 0), and compare the
  lines that follow a command with its output where the page gives them.

A marker on the line before a block changes what happens to it:

- ``<!-- docs-test: skip REASON -->`` skips it, with the reason;
- ``<!-- docs-test: needs-data -->`` runs it only where the attack reports are beside the
  project (``../shared/data/attacks``; they are not shipped, see docs/data.md), and skips it
  otherwise;
- ``<!-- docs-test: replace OLD NEW -->`` runs it with ``OLD`` replaced by ``NEW`` (a smaller
  run count, a scratch output folder).

Pages that others keep (``calibration.md``, ``data.md``) carry no markers: :data:`SKIPPED` says
why their blocks do not run. Blocks in other languages (``toml``, ``sh``, ``text``, ``json``)
are files and shell sessions shown, not run; the bundled example files are run by
``test_examples.py``.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DATA = ROOT.parent / "shared" / "data" / "attacks"
RUN = ("python", "pycon", "console")
MARKER = re.compile(r"<!-- docs-test: (skip|needs-data|replace)\s*(.*?)\s*-->")
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```\s*$", re.S | re.M)
#: page -> why its blocks do not run (pages whose text others keep, without markers).
SKIPPED = {
    "calibration.md": "calibrates on the attack reports (minutes; ../shared/data/attacks)",
    "data.md": "reads the attack reports (../shared/data/attacks)",
}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    language: str
    code: str
    markers: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def _blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    page = path.relative_to(DOCS).as_posix()
    blocks = []
    for match in FENCE.finditer(text):
        language = match[1]
        if language not in RUN:
            continue
        before = text[: match.start()].rstrip("\n").rsplit("\n", 3)[-3:]
        markers = tuple((m[1], m[2]) for line in before for m in MARKER.finditer(line))
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(Block(page, line, language, match[2], markers))
    return blocks


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "hooks" not in p.parts)


PAGES = {p.relative_to(DOCS).as_posix(): _blocks(p) for p in _pages()}


def test_the_pages_have_code_that_runs() -> None:
    running = [b for blocks in PAGES.values() for b in blocks if b.page not in SKIPPED]
    assert len(running) >= 15
    assert {b.language for b in running} == set(RUN)


def test_markers_are_known() -> None:
    for path in _pages():
        for line in path.read_text(encoding="utf-8").splitlines():
            if "docs-test" in line:
                assert MARKER.search(line), f"{path.name}: unknown marker {line.strip()}"


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    shared = tmp_path.parent / "shared"
    if DATA.is_dir() and not shared.exists():
        (shared / "data").mkdir(parents=True)
        (shared / "data" / "attacks").symlink_to(DATA, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


def _run_console(block: Block, code: str, cli: Any) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
    checker = doctest.OutputChecker()
    for command, expected in commands:
        words = shlex.split(command)
        if ">" in words:  # a redirection: run the command, keep the output in the file
            words, target = words[: words.index(">")], words[words.index(">") + 1]
        else:
            target = None
        assert words[0] == "umbrella", f"{block.id}: only umbrella commands run: {command}"
        code_, out, err = cli(words[1:])
        assert code_ == 0, f"{block.id}: {command}: exit {code_}\n{err}"
        if target:
            Path(target).write_text(out, encoding="utf-8")
        want = "\n".join(expected).strip()
        if want:
            got = (out + err).strip()
            assert checker.check_output(want + "\n", got + "\n", FLAGS), (
                f"{block.id}: {command}\nexpected:\n{want}\ngot:\n{got}"
            )


def _runs(block: Block) -> bool:
    return _why_not(block) is None


def _why_not(block: Block) -> str | None:
    """Why a block does not run here, or None."""
    if block.page in SKIPPED:
        return SKIPPED[block.page]
    for kind, reason in block.markers:
        if kind == "skip":
            return reason
        if kind == "needs-data" and not DATA.is_dir():
            return "needs the attack reports at ../shared/data/attacks (not shipped)"
    return None


NOT_RUN = [b for blocks in PAGES.values() for b in blocks if _why_not(b)]


#: Pages whose code flies campaigns and sweeps for tens of seconds: run under ``-m slow``.
SLOW_PAGES = {"tutorials/winter-campaign.md", "campaign.md", "sweep.md"}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(p, marks=pytest.mark.slow) if p in SLOW_PAGES else p
        for p in sorted(p for p, bs in PAGES.items() if any(map(_runs, bs)))
    ],
)
def test_page_code_runs(page: str, scratch: Path, cli: Any) -> None:
    blocks = PAGES[page]
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for block in blocks:
        if _why_not(block):
            continue  # test_block_skipped says why
        code = block.code
        for kind, args in block.markers:
            if kind == "replace":
                old, new = args.split(" ", 1)
                assert old in code, f"{block.id}: {old!r} is not in the block"
                code = code.replace(old, new)
        if block.language == "python":
            exec(compile(code, block.id, "exec"), namespace)
        elif block.language == "pycon":
            test = doctest.DocTestParser().get_doctest(code, namespace, block.id, block.page,
                                                       block.line)  # fmt: skip
            runner = doctest.DocTestRunner(optionflags=FLAGS)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # a doctest runs in a copy of the namespace
            assert runner.failures == 0, f"{block.id}: the printed output differs (see above)"
        else:
            _run_console(block, code, cli)


@pytest.mark.parametrize("block", NOT_RUN, ids=lambda b: b.id)
def test_block_not_run(block: Block) -> None:
    """One skip line per block that does not run, with its reason."""
    pytest.skip(f"{block.id}: {_why_not(block)}")


def test_scratch_is_not_the_checkout(scratch: Path) -> None:
    assert Path(os.getcwd()).resolve() != ROOT
