"""Fixtures shared by every test folder."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from hypothesis import settings

from umbrella.cli import main

# Statistical checks run under hypothesis must not flake: the examples are derived from each
# test's source, the same on every run and machine.
settings.register_profile("umbrella", derandomize=True, print_blob=True)
settings.load_profile("umbrella")

Invoke = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Invoke:
    """Run ``umbrella ARGS...`` in-process: (exit code, stdout, stderr)."""

    def invoke(args: list[str]) -> tuple[int, str, str]:
        argv = sys.argv
        sys.argv = ["umbrella", *args]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            sys.argv = argv
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke
