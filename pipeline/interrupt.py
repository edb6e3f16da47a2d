"""Ctrl-C: one message, whatever was running when it came.

typer (click) turns a KeyboardInterrupt into a silent exit, and DuckDB turns one that arrives
during a query into "RuntimeError: Query interrupted". An interrupt of our own kind, raised
from the signal handler, passes through both, and the flag tells a query's error apart from
a bug. Every writer holds its changes in one transaction, so nothing half-written is kept.
"""

from __future__ import annotations

import signal


class Interrupted(BaseException):
    """The user pressed Ctrl-C (or the process got SIGINT)."""


_interrupted = False


def _on_interrupt(signum: int, frame: object) -> None:
    global _interrupted
    _interrupted = True
    raise Interrupted


def catch_interrupts() -> None:
    """Make Ctrl-C raise Interrupted from here on (main thread only, as signals are)."""
    signal.signal(signal.SIGINT, _on_interrupt)


def was_interrupted() -> bool:
    """Whether Ctrl-C came: an error raised after it (a query DuckDB gave up) is its echo."""
    return _interrupted
