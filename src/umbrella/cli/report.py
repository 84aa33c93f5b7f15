"""``umbrella report``: rebuild ``report.html`` in an output folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from umbrella.cli.options import ForceFlag
from umbrella.cli.terminal import console, say
from umbrella.report.folder import rebuild_report

__all__ = ["report"]


def report(
    folder: Annotated[
        Path, typer.Argument(help="Output folder of umbrella run, campaign or campaign compare.")
    ],
    force: ForceFlag = False,
) -> None:
    """Rebuild report.html (one self-contained page, no network) from an output folder."""
    path = rebuild_report(folder, force=force)
    say(console(), "wrote ", path)
