"""The command line's one error boundary: how an error becomes a message and an exit status.

Every command runs inside `user_errors()` (the root group's `invoke` enters it), so a command
raises `InputError` or `UsageError` wherever it finds the problem and never prints it itself:

- `UsageError`: "usage error: ...", exit 2;
- `InputError` (and `StorageError`, a disk that cannot take more writes): "error: ...", exit 1.

`run_console` wraps the whole program for the console entry point: Ctrl-C (pipeline/interrupt.py)
says so and exits 130, and anything else is a bug, said in one line with exit 1, never a traceback.
Messages are printed as plain text: they may quote store names or cells of an export.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
import typer
from typer.core import TyperGroup

from pipeline.errors import InputError, UsageError
from pipeline.i18n import _
from pipeline.terminal_tables import err


def exit_for(exc: InputError | UsageError) -> typer.Exit:
    """Print the error's message on stderr; the exit to raise: 2 for wrong use, 1 for bad input."""
    if isinstance(exc, UsageError):
        err.print(_("usage error: {message}", message=exc), soft_wrap=True, markup=False)
        return typer.Exit(2)
    err.print(_("error: {message}", message=exc), soft_wrap=True, markup=False)
    return typer.Exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn bad input and wrong use raised in the block into their message and exit status."""
    try:
        yield
    except (InputError, UsageError) as exc:
        raise exit_for(exc) from None


class CommandGroup(TyperGroup):
    """The root command group: every command and subcommand runs inside `user_errors()`, so
    that a new command cannot forget the boundary."""

    def invoke(self, ctx: click.Context) -> Any:
        with user_errors():
            return super().invoke(ctx)


def _say_interrupted() -> NoReturn:
    err.print(_("interrupted; nothing half-written was kept"), markup=False)
    sys.exit(130)


def run_console(app: typer.Typer) -> None:
    """Run `app` as the console command: Ctrl-C exits 130, a bug exits 1 in one line."""
    from pipeline.interrupt import Interrupted, catch_interrupts, was_interrupted

    catch_interrupts()
    try:
        app()
    except (Interrupted, KeyboardInterrupt):
        _say_interrupted()
    except Exception as exc:  # a bug, not bad input: say so plainly, keep the details short
        if was_interrupted():  # DuckDB's "Query interrupted": the echo of Ctrl-C, not a bug
            _say_interrupted()
        err.print(
            f"internal error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}. "
            "Nothing half-written was kept. This is a storehealth bug: please report it with "
            "the command you ran.",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(1)
