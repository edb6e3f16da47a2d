"""Excel workbooks (.xls and .xlsx) through calamine, every sheet."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import python_calamine

from pipeline.errors import InputError
from pipeline.readers import Sheet
from pipeline.readers.biff import check_xls

HEAD_ROWS = 30


def read_workbook(path: Path) -> list[Sheet]:
    """All sheets; a large .xls export spreads its rows over several of them."""
    with path.open("rb") as fh:
        is_xls = fh.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    if is_xls:
        check_xls(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in workbook.sheet_names:
            rows = iter(workbook.get_sheet_by_name(name).iter_rows())
            head = list(islice(rows, HEAD_ROWS))
            sheets.append(Sheet(name=name, rows=head, more_rows=rows))
        return sheets
    except InputError:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise InputError(
            f"the workbook is damaged or truncated and cannot be read ({_first_line(exc)})",
            path=path,
            fix="export it again from the seller back-end, or open it in Excel and save a copy",
        ) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
