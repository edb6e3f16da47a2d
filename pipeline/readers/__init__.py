"""Read any supported export into plain rows of cells, whatever its format or encoding.

The format is sniffed from the file's first bytes, not its name: platforms and colleagues
rename files, and an `.xls` that is really a web page must be told apart from a workbook.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.readers.delimited import read_delimited
from pipeline.readers.excel import read_workbook
from pipeline.readers.html import read_html
from pipeline.readers.sheet import HEAD_ROWS, Sheet, sheet_from_table

__all__ = ["HEAD_ROWS", "SUPPORTED_SUFFIXES", "Sheet", "read_sheets", "sheet_from_table", "sniff_format"]

SUPPORTED_SUFFIXES = (".xls", ".xlsx", ".xlsm", ".csv", ".txt", ".tsv")


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
        return read_workbook(path)
    if kind == "html":
        return read_html(path)
    return read_delimited(path)
