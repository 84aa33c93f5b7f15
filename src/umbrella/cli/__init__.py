"""The ``umbrella`` command line: a thin client of the public Python API (:mod:`umbrella.jobs`).

Commands are imported when they run: ``umbrella --help`` and ``umbrella --version`` import none
of them, so they answer at once. :data:`COMMANDS` lists every command with its module and the
one line ``umbrella --help`` shows (a test checks each line against the command's docstring).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from importlib import import_module
from typing import Annotated

import typer
from typer._click import Command as ClickCommand
from typer._click import Context, HelpFormatter
from typer.core import TyperGroup
from typer.main import get_group

from umbrella.cli.exits import run_app

__all__ = ["COMMANDS", "app", "main"]

HELP = (
    "Air- and missile-defence analysis: raids, campaigns, optimisation, sweeps and the public "
    "attack reports."
)


@dataclass(frozen=True)
class Command:
    """Where a command lives and what ``umbrella --help`` says of it."""

    module: str
    attribute: str
    summary: str
    hidden: bool = False


#: Every command: name -> where it lives and its one line of help.
COMMANDS: dict[str, Command] = {
    "run": Command("umbrella.cli.raid", "run", "Simulate a raid."),
    "campaign": Command("umbrella.cli.campaign", "campaign",
                        "Carry interceptor stockpiles through a season of nightly raids."),
    "optimise": Command("umbrella.cli.optimise", "optimise_command",
                        "Search a menu of interceptor lots, fire units, drone teams, production "
                        "lines and EW zones for the buy of least expected damage (or leakers) "
                        "within a budget."),
    "sweep": Command("umbrella.cli.sweep", "sweep",
                     "Run a scenario or a campaign over a grid, a Latin hypercube or a Sobol' "
                     "design."),
    "nights": Command("umbrella.cli.nights", "nights",
                      "Predict every national night with a launch from --start to --end "
                      "through the raid engine on the posture."),
    "calibrate": Command("umbrella.cli.calibrate", "calibrate_command",
                         "Fit the posture's uncertain parameters to the nightly reports up to "
                         "--train-end and write the fitted scenario."),
    "data": Command("umbrella.cli.data", "app",
                    "Public attack reports: summary, forecast, backtest."),
    "wta": Command("umbrella.cli.wta", "app",
                   "Weapon-target assignment: solve benchmark and user instances."),
    "report": Command("umbrella.cli.report", "report",
                      "Rebuild report.html (one self-contained page, no network) from an output "
                      "folder."),
    "history": Command("umbrella.cli.history", "app",
                       "The run history: every command's runs, with their provenance."),
    "validate": Command("umbrella.cli.raid", "validate",
                        "Check a scenario, campaign, optimisation or sweep file."),
    "example": Command("umbrella.cli.raid", "example",
                       "Print a bundled scenario file to start from."),
    "catalogue": Command("umbrella.cli.raid", "catalogue",
                         "List the catalogue of threat, interceptor, fire-unit and sensor types "
                         "with sources."),
    "catalog": Command("umbrella.cli.raid", "catalog", "The old name of `umbrella catalogue`.",
                       hidden=True),
}  # fmt: skip


class LazyCommands(MutableMapping[str, ClickCommand]):
    """The root's subcommands by name, each imported and built when first looked up."""

    def __init__(self) -> None:
        self._built: dict[str, ClickCommand] = {}

    def __getitem__(self, name: str) -> ClickCommand:
        if name not in self._built:
            self._built[name] = _build(name, COMMANDS[name])
        return self._built[name]

    def __setitem__(self, name: str, command: ClickCommand) -> None:
        raise TypeError("the commands are those of COMMANDS")

    def __delitem__(self, name: str) -> None:
        raise TypeError("the commands are those of COMMANDS")

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


def _build(name: str, entry: Command) -> ClickCommand:
    import typer
    from typer.main import get_command, get_group

    obj = getattr(import_module(entry.module), entry.attribute)
    if isinstance(obj, typer.Typer):
        group = get_group(obj)
        group.name = name
        return group
    one = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    one.command(name, hidden=entry.hidden)(obj)
    return get_command(one)


class LazyGroup(TyperGroup):
    """The root command: its help is written from :data:`COMMANDS`, without importing them."""

    def list_commands(self, ctx: Context) -> list[str]:
        return [name for name, c in COMMANDS.items() if not c.hidden]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        ClickCommand.format_help(self, ctx, formatter)  # plain text: no command is imported
        formatter.write_paragraph()
        formatter.write_text("`umbrella COMMAND --help` shows a command's options.")

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = [(name, c.summary) for name, c in COMMANDS.items() if not c.hidden]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version(value: bool) -> None:
    if value:
        from umbrella.core.version import __version__

        sys.stdout.write(f"umbrella {__version__}\n")
        raise typer.Exit(0)


_root = typer.Typer(
    name="umbrella", help=HELP, no_args_is_help=True, add_completion=False,
    pretty_exceptions_enable=False,
)  # fmt: skip


@_root.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_version,
                     help="Print the version and exit."),
    ] = False,
) -> None:  # fmt: skip
    """Air- and missile-defence analysis."""


app = get_group(_root)
app.commands = LazyCommands()
app.__class__ = LazyGroup


def main() -> None:
    """Entry point: run the CLI. Every failure of every command ends as one line on stderr and
    an exit code (bad input: 2), never a traceback; see :mod:`umbrella.cli.exits`."""
    from umbrella.jobs.command import command_line, set_command

    set_command(command_line())
    try:
        code = run_app(app)
    finally:
        set_command(None)  # a job called from Python afterwards is not this command
    if code:
        sys.exit(code)
