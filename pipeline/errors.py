"""Errors a seller can act on: which file, which row, what is wrong, what to do."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input: exit status 1 and a one-paragraph message, never a traceback."""

    def __init__(
        self,
        problem: str,
        *,
        path: Path | str | None = None,
        row: int | None = None,
        sheet: str | None = None,
        fix: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.path = Path(path) if path is not None else None
        self.row = row
        self.line = line  # of a text file (a settings file), where `row` is a table's
        self.sheet = sheet
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One paragraph, in the current language: where, what is wrong, what to do."""
        from pipeline.i18n import _

        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.sheet:
                where += _(", sheet {sheet!r}", sheet=self.sheet)
            if self.row is not None:
                where += _(", row {row}", row=self.row)
            if self.line is not None:
                where += _(", line {line}", line=self.line)
            where += _(": ")
        text = _("{where}{problem}.", where=where, problem=self.problem.rstrip(".。"))
        if self.fix:
            fix = self.fix.rstrip(".。")
            text += _(" {fix}.", fix=fix[:1].upper() + fix[1:])
        return text

    def for_file(self, path: Path) -> InputError:
        """Attach the file name to an error raised below the file level."""
        if self.path is None:
            self.path = Path(path)
            self.args = (self.message,)
        return self


class StorageError(InputError):
    """The database could not be written (disk full): nothing more can be written this run."""


class UsageError(Exception):
    """Wrong command-line use: exit status 2."""
