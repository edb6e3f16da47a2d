"""Text from exports made safe to print on a terminal.

A cell may hold escape sequences (`ESC[2J` clears the screen, OSC 8 makes a link, others set
the window title or, on some terminals, answer back with typed input). Every table and message
of the command line goes through `TerminalConsole`, which removes them, and every other control
character but line feed and tab, from the text it prints; rich's own styling (colour, the
ingest spinner's cursor moves) is kept. `--json` output is written as JSON, which escapes
control characters itself, and keeps the data as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.console import Console
from rich.segment import Segment

# ESC sequences as terminals parse them (ECMA-48): CSI, the string commands (OSC, DCS, SOS, PM,
# APC) up to their terminator, and two-character escapes; then their 8-bit (C1) forms.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# C0 but tab and line feed, DEL and C1
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """`text` without escape sequences and control characters (line feed and tab stay)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


class TerminalConsole(Console):
    """A rich Console that never prints a control character taken from the data."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(for_terminal(segment.text), segment.style)
            for segment in buffer
        )
