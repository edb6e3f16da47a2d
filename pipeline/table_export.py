"""Writing a metrics breakdown to CSV or Parquet for spreadsheets and other tools."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError
from pipeline.i18n import _

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> int:
    """Write `frame` as `fmt` ('csv' or 'parquet') in one step: a reader never sees half a file.

    Only text cells are neutralised; numbers (a negative change, say) stay numbers.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(
            _("the folder to write into does not exist"), path=path, fix=_("create it, or pick another path")
        )
    if fmt == "csv":
        frame = frame.copy()
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                frame[column] = frame[column].map(neutralise)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # a folder one may not write into (or /proc)
        raise InputError(
            _("cannot write the file ({reason})", reason=exc.strerror or exc), path=path,
            fix=_("pick a folder you may write into"),
        ) from None  # fmt: skip
    os.close(fd)
    try:
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
