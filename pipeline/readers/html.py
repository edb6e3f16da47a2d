"""Web pages saved with a spreadsheet name: orders exported as an HTML table, or as Excel 2003's
XML Spreadsheet, behind an `.xls` suffix.

Some back-ends and ERP tools export that way, and Excel opens such a file as if it were a
workbook. Every table of the page becomes one sheet, read as Excel would show it: `<br>` is a
line break inside the cell, other white space collapses, a merged cell (colspan or rowspan)
keeps its text in its first cell and leaves the others empty, and script or style text is not
a cell. A page without any table is refused. Parsed with the standard library's html.parser.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa

from pipeline.errors import InputError
from pipeline.i18n import _
from pipeline.readers.delimited import mostly_utf8
from pipeline.readers.sheet import HEAD_ROWS, Sheet

# A page larger than this is refused: the pure-Python parser keeps every cell as a Python
# string (about 60 bytes each). README, "Limits and settings".
MAX_HTML_BYTES = 256 << 20
MAX_SPAN = 1000  # a colspan or rowspan beyond this is damage, not layout

_SPACE = re.compile(r"[ \t\r\n\f]+")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SCIENTIFIC = re.compile(r"^[+-]?\d(\.\d+)?[eE][+-]?\d+$")


class _Table:
    def __init__(self, name: str | None, order: int) -> None:
        self.name = name
        self.order = order  # tables are named in the order they open, outer before inner
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.cell_attrs: dict[str, str] = {}
        self.colspan = 1
        self.rowspan = 1
        # column -> rows still covered by a rowspan from above
        self.covered: dict[int, int] = {}

    def start_row(self) -> None:
        self.end_row()
        self.row = []
        self._skip_covered()

    def _skip_covered(self) -> None:
        assert self.row is not None
        while self.covered.get(len(self.row), 0) > 0:
            self.row.append("")

    def start_cell(self, attrs: dict[str, str]) -> None:
        self.end_cell()
        if self.row is None:
            self.start_row()
        assert self.row is not None
        index = _span(attrs.get("ss:index"), 0)
        if index:  # XML Spreadsheet skips empty cells by giving the next one's column (from 1)
            self.row.extend([""] * max(0, index - 1 - len(self.row)))
        self._skip_covered()
        self.cell = []
        self.cell_attrs = attrs
        self.colspan = _span(attrs.get("colspan"), 1) + _span(attrs.get("ss:mergeacross"), 0)
        self.rowspan = _span(attrs.get("rowspan"), 1) + _span(attrs.get("ss:mergedown"), 0)

    def end_cell(self) -> None:
        if self.cell is None or self.row is None:
            return
        text = "".join(self.cell).replace("\xa0", " ")  # &nbsp; is a space to Excel's reader
        lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(lines).strip("\n")
        raw = self.cell_attrs.get("x:num")
        if raw and _SCIENTIFIC.match(text):
            text = raw  # Excel shows a long order number as 8.1E+15; x:num holds its digits
        start = len(self.row)
        self.row.append(text)
        self.row.extend([""] * (self.colspan - 1))
        if self.rowspan > 1:
            for column in range(start, start + self.colspan):
                self.covered[column] = self.rowspan
        self.cell = None
        self._skip_covered()

    def end_row(self) -> None:
        self.end_cell()
        if self.row is not None:
            self.rows.append(self.row)
            for column in list(self.covered):
                self.covered[column] -= 1
                if self.covered[column] <= 0:
                    del self.covered[column]
        self.row = None


def _span(value: str | None, default: int) -> int:
    try:
        return max(0, min(int(value or ""), MAX_SPAN)) if value else default
    except ValueError:
        return default


class _Tables(HTMLParser):
    """Collects the cells of every table; a table inside a cell is a table of its own."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.open: list[_Table] = []
        self.ignore = 0
        self.worksheet: str | None = None
        self.opened = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in ("script", "style"):
            self.ignore += 1
        elif tag == "worksheet":
            self.worksheet = values.get("ss:name")
        elif tag == "table":
            self.open.append(_Table(self.worksheet, self.opened))
            self.opened += 1
        elif not self.open:
            return
        elif tag in ("tr", "row"):
            self.open[-1].start_row()
        elif tag in ("td", "th", "cell"):
            self.open[-1].start_cell(values)
        elif tag == "br" and self.open[-1].cell is not None:
            self.open[-1].cell.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("td", "th", "cell"):
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.ignore = max(0, self.ignore - 1)
        elif not self.open:
            return
        elif tag == "table":
            table = self.open.pop()
            table.end_row()
            self.tables.append(table)
        elif tag in ("td", "th", "cell"):
            self.open[-1].end_cell()
        elif tag in ("tr", "row"):
            self.open[-1].end_row()
        elif tag in ("p", "div", "li") and self.open[-1].cell:
            self.open[-1].cell.append("\n")

    def handle_data(self, data: str) -> None:
        if self.ignore or not self.open:
            return
        cell = self.open[-1].cell
        if cell is not None:
            cell.append(data)

    def finish(self) -> list[_Table]:
        self.close()
        while self.open:  # a page cut short: keep what its open tables hold
            table = self.open.pop()
            table.end_row()
            self.tables.append(table)
        return sorted(self.tables, key=lambda t: t.order)


def _encoding(raw: bytes) -> str:
    """BOM, then the page's own meta charset or XML declaration, then UTF-8, then GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = raw[:4096]
    declared = _CHARSET.search(head) or _XML_ENCODING.search(head)
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            codec = None
        if codec in ("gb2312", "gbk", "gb18030", "hz"):
            return "gb18030"  # pages that say gb2312 routinely hold GBK characters
        if codec:
            return codec
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        # a few stray bytes in a UTF-8 page are read as U+FFFD, not the whole page as GBK
        return "utf-8" if mostly_utf8(raw) else "gb18030"


def read_html(path: Path) -> list[Sheet]:
    """One sheet per table of the page (or worksheet of an XML Spreadsheet)."""
    size = path.stat().st_size
    if size > MAX_HTML_BYTES:
        raise InputError(
            _("this is a web page saved with a spreadsheet name, and at {size:,.0f} MiB it is larger "
              "than storehealth reads as a web page ({limit} MiB)",
              size=size / 2**20, limit=MAX_HTML_BYTES >> 20),
            path=path,
            fix=_("open it in Excel or WPS and save it as .xlsx, then ingest that file"),
        )
    raw = path.read_bytes()
    text = raw.decode(_encoding(raw), errors="replace").replace("\x00", "")
    warnings = []
    if "\ufffd" in text and b"\xef\xbf\xbd" not in raw:
        warnings.append(_("{count:,} bytes of the page are not text in its encoding and were read "
                          "as \ufffd: check the cells that show it", count=text.count(chr(0xFFFD))))
    parser = _Tables()
    parser.feed(text)
    # A table with at most one filled cell per row is layout or a title, not orders.
    tables = [t for t in parser.finish() if any(sum(1 for c in row if c) >= 2 for row in t.rows)]
    if not tables:
        raise InputError(
            _("this is a web page saved with a spreadsheet name, and it holds no table of orders"),
            path=path,
            fix=_("export the orders again from the seller back-end as .xlsx or .csv and ingest that file"),
        )
    sheets = []
    for number, table in enumerate(tables, 1):
        name = table.name or (f"table {number}" if len(tables) > 1 else path.stem)
        width = max(len(row) for row in table.rows)
        columns = [[row[c] if c < len(row) else "" for row in table.rows] for c in range(width)]
        arrow = pa.table({f"c{c}": pa.array(col, type=pa.string()) for c, col in enumerate(columns)})
        arrow = arrow.append_column(
            "row_number", pa.array(range(1, len(table.rows) + 1), type=pa.int64())
        )
        arrow = arrow.append_column("extra_cells", pa.nulls(len(table.rows), type=pa.string()))
        head = [row + [""] * (width - len(row)) for row in table.rows[:HEAD_ROWS]]
        sheets.append(Sheet(name=name, rows=head, table=arrow, warnings=warnings if number == 1 else []))
    return sheets
