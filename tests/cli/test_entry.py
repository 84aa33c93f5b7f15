"""The ``umbrella`` entry point: the command table, ``--help`` and ``--version`` that import no
command, and the hidden old name of ``catalogue``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import import_module
from importlib.metadata import version

import typer

from umbrella.cli import COMMANDS


def test_every_command_exists_and_its_help_line_is_its_docstring() -> None:
    for name, entry in COMMANDS.items():
        obj = getattr(import_module(entry.module), entry.attribute)
        doc = obj.info.help if isinstance(obj, typer.Typer) else obj.__doc__
        assert doc, name
        summary = entry.summary.rstrip(".")
        assert " ".join(doc.split()).startswith(summary), (name, entry.summary, doc)


def _run(*args: str) -> tuple[int, str, list[str]]:
    code = (
        "import sys; from umbrella.cli import main; sys.argv = ['umbrella', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
        "else:\n    code = 0\n"
        "import json; print('MODULES', json.dumps(sorted(m for m in sys.modules if m.startswith("
        "('umbrella.', 'numpy', 'pandas', 'numba', 'pydantic', 'matplotlib')))), "
        "file=sys.stderr)\n"
        "sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    modules = done.stderr.split("MODULES", 1)[1].strip()
    return done.returncode, done.stdout, json.loads(modules)


def test_help_and_version_import_no_command() -> None:
    for args in (["--help"], ["--version"], []):
        code, out, modules = _run(*args)
        assert code == 0
        heavy = [m for m in modules if m.split(".")[0] in {"numpy", "pandas", "numba", "pydantic",
                                                          "matplotlib"}]  # fmt: skip
        commands = [m for m in modules if m.startswith("umbrella.cli.") and m not in
                    {"umbrella.cli.exits"}]  # fmt: skip
        assert not heavy and not commands, (args, heavy, commands)
    code, out, _ = _run("--version")
    assert out == f"umbrella {version('umbrella')}\n"
    code, out, _ = _run("--help")
    for name, entry in COMMANDS.items():
        listed = re.search(rf"^  {name}  ", out, re.MULTILINE) is not None
        assert listed != entry.hidden, name


def test_the_old_catalog_command_warns_in_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(["catalog"])
    assert code == 0 and "interceptors" in out
    assert err == (
        "warning: `umbrella catalog` is now `umbrella catalogue`; the old name works until "
        "umbrella 0.4\n"
    )
