"""How a command ends: exit codes, and one line on stderr for every failure.

===========================================  ========  ==========================================
what happened                                exit      stderr
===========================================  ========  ==========================================
success                                      0         nothing (results on stdout)
``umbrella`` (or a group) alone              0         nothing (help on stdout)
bad input (``InputError``)                   2         ``error: FILE[:LINE]: KEY: what is wrong``
bad command line (unknown option, ...)       2         ``error: command line: umbrella CMD: ...``
a file cannot be read or written             2         ``error: FILE: reason``
SIGINT (Ctrl-C) / SIGTERM                    130 / 143  ``interrupted`` and what was kept
stdout closed early (``| head``)             1         nothing
anything else (a bug)                        1         ``error: internal error: ...``
===========================================  ========  ==========================================

Set ``UMBRELLA_DEBUG=1`` to see the traceback of an internal error instead.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable
from types import FrameType
from typing import Any

from typer import Abort
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

from umbrella.core.errors import InputError, UmbrellaWarning, escape_control

__all__ = ["Interrupted", "check_interrupt", "run_app"]


class Interrupted(Exception):
    """A command stopped by SIGINT or SIGTERM, with what it kept (``progress saved in X``)."""


_signal_seen: list[int] = []


def _on_signal(signum: int, frame: FrameType | None) -> None:
    # SIGINT and SIGTERM both raise KeyboardInterrupt, so the same clean-up and checkpoint paths
    # run; the signal is also latched, because an exception raised while compiled code calls
    # back into Python (numba's cache hooks) is swallowed there.
    _signal_seen.append(signum)
    raise KeyboardInterrupt


def check_interrupt() -> None:
    """Raise :class:`KeyboardInterrupt` if a signal arrived that was swallowed on its way.

    Long commands call this between steps (every night, every block of runs).
    """
    if _signal_seen:
        raise KeyboardInterrupt


def _quiet_unraisable(args: Any) -> None:
    # A KeyboardInterrupt lost in a callback is carried on by the latch, not printed.
    if isinstance(args.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(args)


def _line(text: str) -> None:
    sys.stderr.write(escape_control(" ".join(text.split())) + "\n")
    sys.stderr.flush()


def _show_warning(message: Warning | str, category: type[Warning], *args: Any, **kw: Any) -> None:
    _line(f"warning: {message}")


def _interrupted_code() -> int:
    return 128 + (_signal_seen[-1] if _signal_seen else signal.SIGINT)


def _usage(exc: UsageError) -> int:
    where = "umbrella"
    if exc.ctx is not None:
        where = exc.ctx.command_path or where
    hint = f" (see {where} --help)"
    _line(f"error: command line: {where}: {exc.format_message()}{hint}")
    return 2


def _quiet_stdout() -> None:
    # The reader of stdout has gone (``| head``): point it at /dev/null so that the flush at
    # exit does not fail again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _install() -> dict[int, Any]:
    """Our SIGINT and SIGTERM handlers (where the defaults are in place); the previous ones."""
    previous: dict[int, Any] = {}
    if threading.current_thread() is not threading.main_thread():
        return previous
    # A parent may have started us with them blocked: Ctrl-C and SIGTERM must reach us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    for signum in (signal.SIGINT, signal.SIGTERM):
        old = signal.getsignal(signum)
        if old in (signal.SIG_DFL, signal.default_int_handler, None, _on_signal):
            previous[signum] = signal.SIG_DFL if old is None else old
            signal.signal(signum, _on_signal)
    return previous


def run_app(app: Any, prepare: Callable[[], None] = lambda: None) -> int:
    """Run ``prepare()`` and then the typer ``app`` on ``sys.argv``; return the exit code (see
    the table above)."""
    _signal_seen.clear()
    previous = _install()
    hook = sys.unraisablehook
    sys.unraisablehook = _quiet_unraisable
    caught = warnings.catch_warnings()
    caught.__enter__()
    warnings.simplefilter("always", UmbrellaWarning)
    warnings.simplefilter("always", FutureWarning)
    warnings.showwarning = _show_warning
    try:
        prepare()
        rv = app(standalone_mode=False, prog_name="umbrella")
        if _signal_seen and rv in (0, None):
            _line("interrupted (after the command had finished its work)")
            return _interrupted_code()
        if rv == 130:  # typer turns KeyboardInterrupt into exit code 130
            _line("interrupted")
            return _interrupted_code()
        return rv if isinstance(rv, int) else 0
    except NoArgsIsHelpError as exc:
        sys.stdout.write(exc.format_message().rstrip("\n") + "\n")
        return 0
    except UsageError as exc:
        return _usage(exc)
    except Interrupted as exc:
        _line(f"interrupted: {exc}")
        return _interrupted_code()
    except (KeyboardInterrupt, Abort):
        _line("interrupted")
        return _interrupted_code()
    except InputError as exc:
        if exc.source is None:  # a value of the command line (a file's errors name it)
            exc = InputError(exc.message, source="command line", key=exc.key, line=exc.line)
        _line(f"error: {exc.one_line()}")
        return 2
    except ClickException as exc:
        _line(f"error: command line: {exc.format_message()}")
        return exc.exit_code
    except BrokenPipeError:
        _quiet_stdout()
        return 141
    except OSError as exc:
        where = exc.filename if exc.filename is not None else "<output>"
        _line(f"error: {where}: {exc.strerror or exc}")
        return 2
    except RecursionError:
        _line("error: <input>: nested too deeply")
        return 2
    except MemoryError:
        _line("error: out of memory (fewer runs, threats or nights)")
        return 2
    except Exception as exc:
        if os.environ.get("UMBRELLA_DEBUG"):
            raise
        _line(f"error: internal error: {type(exc).__name__}: {exc} "
              "(please report it; UMBRELLA_DEBUG=1 shows the traceback)")  # fmt: skip
        return 1
    finally:
        caught.__exit__(None, None, None)
        sys.unraisablehook = hook
        for signum, old in previous.items():
            if signal.getsignal(signum) is _on_signal:
                signal.signal(signum, old)
