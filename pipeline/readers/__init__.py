"""Read any supported export into plain rows of cells, whatever its format or encoding.

The format is sniffed from the file's first bytes, not its name: platforms and colleagues
rename files, and an `.xls` that is really a web page must be told apart from a workbook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from pipeline.errors import InputError
from pipeline.i18n import _

SUPPORTED_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".csv", ".txt", ".tsv")


@dataclass
class Sheet:
    """One sheet (or the one table of a text file), rows numbered from 1 as a spreadsheet shows.

    `table` holds every row as string columns c0..cN, with `row_number` and `extra_cells`
    (cells beyond the header's width in a text file, else null), and in a damaged text file
    `damaged` (why the row cannot be trusted, else null), built in C++ or Rust: a
    Python loop over every cell would cost more than the parse. `rows` holds the first rows
    as Python lists, for finding the header.
    """

    name: str
    rows: list[list[str]]
    table: pa.Table
    # what the reader had to repair to read the sheet (shown with the ingest's result)
    warnings: list[str] = field(default_factory=list)


HEAD_ROWS = 30


def sheet_from_table(name: str, table: pa.Table, *, first_row: int = 1) -> Sheet:
    """A Sheet from a table of string columns in sheet order, its first row numbered `first_row`."""
    if "row_number" not in table.column_names:
        table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
        numbers = range(first_row, first_row + table.num_rows)
        table = table.append_column("row_number", pa.array(numbers, type=pa.int64()))
    if "extra_cells" not in table.column_names:
        table = table.append_column("extra_cells", pa.nulls(table.num_rows, type=pa.string()))
    cells = [c for c in table.column_names if c.startswith("c")]
    head = table.select(cells).slice(0, HEAD_ROWS).to_pylist()
    rows = [["" if v is None else v for v in row.values()] for row in head]
    return Sheet(name=name, rows=rows, table=table)


def sniff_format(head: bytes) -> str:
    """`xlsx`, `xls`, `html` or `text`, from the file's magic bytes."""
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<!--")):
        return "html"
    if stripped.startswith(b"<") and (b"<html" in stripped[:1024] or b"<table" in stripped[:1024]):
        return "html"
    return "text"


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of the file, as rows of cells."""
    path = Path(path)
    if path.exists() and not path.is_file():  # opening a FIFO would wait for a writer forever
        raise InputError(
            _("this is not a regular file (a device, a FIFO or a socket) and cannot be read as an export"),
            path=path,
            fix=_("give the .xls, .xlsx or .csv file exported from the seller back-end"),
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(
            _("cannot open the file ({reason})", reason=exc.strerror),
            path=path,
            fix=_("check the path and that you may read it"),
        ) from None
    if not head:
        raise InputError(
            _("the file is empty"),
            path=path,
            fix=_("export the orders again from the seller back-end and ingest the new file"),
        )
    kind = sniff_format(head)
    if kind in ("xlsx", "xls"):
        from pipeline.readers.excel import read_workbook

        return read_workbook(path)
    if kind == "html":
        from pipeline.readers.html import read_html

        return read_html(path)
    from pipeline.readers.delimited import read_delimited

    return read_delimited(path)
