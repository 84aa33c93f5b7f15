"""The ``umbrella`` command line: a thin client of the public Python API."""

from __future__ import annotations

import sys

import typer

from umbrella.cli.exits import run_app

app = typer.Typer(
    name="umbrella",
    help="Air- and missile-defence analysis: raids, weapon-target assignment, data, campaigns.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


_registered: list[bool] = []


def _register() -> None:
    # Sub-command modules are imported on first use so that importing ``umbrella.cli`` is cheap.
    if _registered:
        return
    _registered.append(True)
    from umbrella.cli import calibrate as calibrate_cli
    from umbrella.cli import campaign as campaign_cli
    from umbrella.cli import data as data_cli
    from umbrella.cli import history as history_cli
    from umbrella.cli import nights as nights_cli
    from umbrella.cli import optimise as optimise_cli
    from umbrella.cli import raid as raid_cli
    from umbrella.cli import report as report_cli
    from umbrella.cli import sweep as sweep_cli
    from umbrella.cli import wta as wta_cli

    app.command("run")(raid_cli.run)
    app.command("validate")(raid_cli.validate)
    app.command("example")(raid_cli.example)
    app.command("catalogue")(raid_cli.catalogue)
    app.command("catalog", hidden=True)(raid_cli.catalog)
    app.command("campaign")(campaign_cli.campaign)
    app.command("sweep")(sweep_cli.sweep)
    app.command("calibrate")(calibrate_cli.calibrate_command)
    app.command("nights")(nights_cli.nights)
    app.command("report")(report_cli.report)
    app.command("optimise")(optimise_cli.optimise_command)

    app.add_typer(wta_cli.app, name="wta")
    app.add_typer(data_cli.app, name="data")
    app.add_typer(history_cli.app, name="history")


def main() -> None:
    """Entry point: run the CLI. Every failure of every command ends as one line on stderr and
    an exit code (bad input: 2), never a traceback; see :mod:`umbrella.cli.exits`."""
    from umbrella.jobs.command import command_line, set_command

    set_command(command_line())
    code = run_app(app, prepare=_register)
    if code:
        sys.exit(code)
