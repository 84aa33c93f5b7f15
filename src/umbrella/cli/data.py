"""``umbrella data``: the public attack reports."""

from __future__ import annotations

import typer

app = typer.Typer(help="Public attack reports: summary, forecast, backtest.", no_args_is_help=True)
