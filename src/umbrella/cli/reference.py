"""The command-line reference, written from the commands' own definitions.

Every command of :data:`umbrella.cli.COMMANDS` (and every subcommand of a group) with its usage
line, its help and a table of its arguments and options: their names, type, default and help,
as ``umbrella COMMAND --help`` knows them. The documentation site renders it, so the reference
cannot drift from the commands.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from typer._click import Command as ClickCommand
from typer._click import Context, Parameter
from typer.core import TyperArgument as Argument
from typer.core import TyperGroup as Group
from typer.core import TyperOption as Option

from umbrella.cli import COMMANDS, HELP, app

__all__ = ["cli_reference", "commands"]


def commands() -> Iterator[tuple[str, ClickCommand, Context]]:
    """Every command the reference shows, by its full name (``umbrella data forecast``), each
    with its context; hidden commands (old names kept for a while) are left out."""
    root = Context(app, info_name="umbrella")
    for name, entry in COMMANDS.items():
        if entry.hidden:
            continue
        command = app.commands[name]
        context = Context(command, info_name=name, parent=root)
        yield f"umbrella {name}", command, context
        if isinstance(command, Group):
            for sub in command.list_commands(context):
                child = command.commands[sub]
                if not child.hidden:
                    yield f"umbrella {name} {sub}", child, Context(child, info_name=sub,
                                                                   parent=context)  # fmt: skip


def cli_reference() -> str:
    """The reference page in Markdown: one section per command."""
    lines = [
        "# Command line",
        "",
        "Written from the commands' definitions when the site is built (`umbrella.cli.reference`),",
        "so it says what `umbrella COMMAND --help` says.",
        "",
        HELP,
        "",
        "| command | what it does |",
        "|---|---|",
    ]
    listed = list(commands())
    for name, command, _ in listed:
        lines.append(f"| [`{name}`](#{_anchor(name)}) | {_cell(_first_line(command))} |")
    lines.append("")
    lines.append("`umbrella --version` prints the version; `umbrella` alone prints the help.")
    lines.append("")
    for name, command, context in listed:
        lines += _section(name, command, context)
    return "\n".join(lines)


def _section(name: str, command: ClickCommand, context: Context) -> list[str]:
    usage = " ".join(command.collect_usage_pieces(context))
    lines = [f"## {name}", "", "```", f"{context.command_path} {usage}".rstrip(), "```", ""]
    lines += [_help(command), ""]
    if isinstance(command, Group):
        subs = [s for s in command.list_commands(context) if not command.commands[s].hidden]
        lines += [f"Subcommands: {', '.join(f'`{s}`' for s in subs)}.", ""]
        return lines
    rows = [_row(p, context) for p in command.params if not getattr(p, "hidden", False)]
    rows = [r for r in rows if r]
    if rows:
        lines += ["| argument or option | type | default | help |", "|---|---|---|---|", *rows, ""]
    return lines


def _row(param: Parameter, context: Context) -> str:
    if param.name == "help":
        return ""
    if isinstance(param, Argument):
        names = f"`{(param.metavar or param.name or '').upper()}`"
    else:
        names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
    if isinstance(param, Option) and param.is_flag:
        kind = "flag"
    else:
        kind = (
            param.display_type(context).strip("<>") if isinstance(param, Argument | Option) else ""
        )
        if param.multiple:
            kind += ", repeatable"
    default = param.get_default(context, call=False)
    if (isinstance(param, Option) and param.is_flag) or default in (None, (), []):
        shown = "required" if param.required else ""
    else:
        shown = f"`{default}`"
    help_text = getattr(param, "help", None) or ""
    return f"| {names} | {_cell(kind)} | {_cell(shown)} | {_cell(' '.join(help_text.split()))} |"


def _help(command: ClickCommand) -> str:
    return inspect.cleandoc(command.help or "").replace("\b\n", "")


def _first_line(command: ClickCommand) -> str:
    text = command.short_help or _help(command).split("\n\n")[0]
    return " ".join(text.split())


def _anchor(name: str) -> str:
    return name.replace(" ", "-")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
