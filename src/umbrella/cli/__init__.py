"""The ``umbrella`` command line: a thin client of the public Python API."""

from __future__ import annotations

import sys

import typer

from umbrella.errors import InputError

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
    from umbrella.cli import nights as nights_cli
    from umbrella.cli import raid as raid_cli
    from umbrella.cli import wta as wta_cli

    app.command("run")(raid_cli.run)
    app.command("validate")(raid_cli.validate)
    app.command("example")(raid_cli.example)
    app.command("catalog")(raid_cli.catalog)
    app.command("campaign")(campaign_cli.campaign)
    app.command("calibrate")(calibrate_cli.calibrate_command)
    app.command("nights")(nights_cli.nights)

    app.add_typer(wta_cli.app, name="wta")
    app.add_typer(data_cli.app, name="data")


def main() -> None:
    """Entry point: run the CLI; bad input becomes one line on stderr and exit code 2."""
    _register()
    try:
        app()
    except InputError as exc:
        sys.stderr.write(f"error: {exc.one_line()}\n")
        sys.exit(2)
