"""Writing a metrics breakdown to CSV or Parquet for spreadsheets and other tools."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError, UsageError
from pipeline.i18n import _

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


STDOUT = "-"


def output_target(path: Path | str, option: str) -> Path | None:
    """Where `option` writes: None for standard output (`-`), else a regular file's path.

    A symbolic link is written through: its target is replaced, the link stays (a seller may
    point a fixed name at a file in a shared folder, and `>` in a shell writes through too).
    A device, FIFO, socket or folder is refused: replacing /dev/null (as root) or a pipe with
    a regular file would break whatever uses it, and writing into a FIFO can wait forever.
    """
    if str(path) == STDOUT:
        return None
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise InputError(_("cannot write the file ({reason})", reason=exc.strerror or exc), path=path,
                         fix=_("pick a folder you may write into")) from None  # fmt: skip
    if stat.S_ISDIR(mode):
        raise InputError(_("{option} names a folder, not a file to write the table into", option=option),
                         path=path, fix=_("give a file name, or - for standard output"))  # fmt: skip
    if not stat.S_ISREG(mode):
        raise InputError(_("{option} names a device, a FIFO or a socket, not a regular file: writing there "
                           "would replace it or wait forever", option=option),
                         path=path, fix=_("give a file name, or - for standard output"))  # fmt: skip
    return target


def write_table(frame: pd.DataFrame, path: Path | str, fmt: str) -> int:
    """Write `frame` as `fmt` ('csv' or 'parquet') in one step: a reader never sees half a file.
    `-` writes it to standard output.

    Only text cells are neutralised; numbers (a negative change, say) stay numbers.
    """
    option = f"--{fmt}"
    target = output_target(path, option)
    if fmt == "csv":
        frame = _neutralised(frame)
    if target is None:
        if fmt == "csv":
            frame.to_csv(sys.stdout, index=False)
        else:
            if sys.stdout.isatty():
                raise UsageError(_("--parquet - would print binary data on the terminal: redirect it "
                                   "to a file or a pipe"))  # fmt: skip
            sys.stdout.flush()
            frame.to_parquet(sys.stdout.buffer, index=False)
        sys.stdout.flush()
        return len(frame)
    path = target
    if not path.parent.is_dir():
        raise InputError(
            _("the folder to write into does not exist"), path=path, fix=_("create it, or pick another path")
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # a folder one may not write into (or /proc)
        raise InputError(
            _("cannot write the file ({reason})", reason=exc.strerror or exc), path=path,
            fix=_("pick a folder you may write into"),
        ) from None  # fmt: skip
    os.close(fd)
    try:
        if path.exists():  # the file replaced keeps its permissions (mkstemp makes it 0600)
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        if fmt == "csv":
            # UTF-8 with a BOM, so that Excel shows Chinese reason texts correctly.
            frame.to_csv(tmp, index=False, encoding="utf-8-sig")
        else:
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(_("cannot write the file ({reason})", reason=exc.strerror), path=path) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(frame)


def _neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise)
    return frame
