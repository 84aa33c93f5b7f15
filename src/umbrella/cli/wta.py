"""``umbrella wta``: weapon-target assignment commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Weapon-target assignment: solve benchmark and user instances.", no_args_is_help=True)
