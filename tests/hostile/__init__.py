"""A corpus of hostile input files, built at test time (nothing big is committed).

Each builder writes one file into a folder and returns its path. `python -m tests.hostile DIR`
writes the whole corpus into DIR to try by hand:

    .venv/bin/python -m tests.hostile /tmp/hostile
    .venv/bin/storehealth ingest /tmp/hostile/zip_bomb.xlsx --store s --db /tmp/h.duckdb

The zip bombs are written by hand (local headers, central directory): their one big part is
deflated once as a block and repeated, so a 1.5 GiB part costs a second to build and 5 MB of
disk, and its declared sizes can be made to lie.
"""

from __future__ import annotations

import csv
import struct
import sys
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import xlsxwriter

from tests.builders import ALI_HEADERS, ali_row, write_ali

MAX_ROWS = 1_048_576  # an .xlsx sheet's last row

# --- zip bombs -------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def _deflate_repeated(head: bytes, chunk: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + chunk * times + tail, its CRC-32 and unpacked size, built by
    deflating `chunk` once (ending on a full flush, so that copies can follow each other)."""

    def flushed(data: bytes, final: bool = False) -> bytes:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)

    packed = flushed(head) + flushed(chunk) * times + flushed(tail, final=True)
    crc = zlib.crc32(head)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return packed, crc, len(head) + len(chunk) * times + len(tail)


def _write_zip(path: Path, parts: list[tuple[str, bytes, int, int, int, int]]) -> Path:
    """(name, data, crc, unpacked size, method, declared size) each; data already packed."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, _size, method, declared in parts:
        encoded = name.encode()
        offset = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data),
                            declared, len(encoded), 0) + encoded + data  # fmt: skip
        directory += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21,
                                 crc, len(data), declared, len(encoded), 0, 0, 0, 0, 0, offset)  # fmt: skip
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def _stored(name: str, text: str) -> tuple[str, bytes, int, int, int, int]:
    data = text.encode()
    return (name, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED, len(data))


def zip_bomb_xlsx(path: Path, unpacked: int = 3 << 29, declared: int | None = None) -> Path:
    """A workbook of two cells whose shared-strings table holds `unpacked` bytes of `<si>x</si>`
    (1.5 GiB by default, 5 MB packed); `declared` makes the zip claim another unpacked size."""
    chunk = b"<si><t>x</t></si>" * 4096
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode()
    packed, crc, size = _deflate_repeated(head, chunk, unpacked // len(chunk), b"</sst>")
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
             "</sheetData></worksheet>")  # fmt: skip
    parts = [_stored(name, text) for name, text in _PARTS.items()]
    parts.append(_stored("xl/worksheets/sheet1.xml", sheet))
    parts.append(("xl/sharedStrings.xml", packed, crc, size, zipfile.ZIP_DEFLATED,
                  size if declared is None else declared))  # fmt: skip
    return _write_zip(path, parts)


# --- orders ----------------------------------------------------------------------------------


def orders(n: int, prefix: str = "84") -> list[list[str]]:
    """`n` paid AliExpress orders awaiting shipment, ids `<prefix>00…01` on."""
    return [
        ali_row(id=f"{prefix}{k:014d}", status="等待您发货", created=f"2024.04.{k % 28 + 1:02d} 10:00",
                paid=f"2024.04.{k % 28 + 1:02d} 10:05", deadline="2024-05-01")
        for k in range(1, n + 1)
    ]  # fmt: skip


REMARK = ALI_HEADERS.index("订单备注")


def big_cell_csv(path: Path, size: int = 100 << 20) -> Path:
    """Three orders; the second's remark is `size` characters long (a lost quote, a pasted blob)."""
    rows = orders(3)
    rows[1][REMARK] = "A" * size
    return write_ali(path, rows)


def one_cell_csv(path: Path, size: int = 100 << 20) -> Path:
    """A file that is one cell of `size` characters: no header, no line break."""
    with path.open("wb") as fh:
        block = b"x" * (1 << 20)
        for _ in range(size >> 20):
            fh.write(block)
    return path


def _column(index: int) -> str:
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _sheet_xlsx(path: Path, sheet_xml: str) -> Path:
    """A real workbook (xlsxwriter's parts) with its sheet replaced by `sheet_xml`."""
    template = path.with_name(path.name + ".template.xlsx")
    book = xlsxwriter.Workbook(str(template))
    book.add_worksheet("Sheet1").write(0, 0, "x")
    book.close()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            target.writestr(info.filename, data)
    template.unlink()
    return path


def _sheet_rows(rows: list[list[str]]) -> list[str]:
    return [
        f'<row r="{r}">' + "".join(_inline(f"{_column(c)}{r}", v) for c, v in enumerate(row) if v) + "</row>"
        for r, row in enumerate(rows, 1)
    ]


def _worksheet(rows: list[str], last_row: int) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
            f'<dimension ref="A1:{_column(len(ALI_HEADERS) - 1)}{last_row}"/><sheetData>'
            + "".join(rows) + "</sheetData></worksheet>")  # fmt: skip


def big_cell_xlsx(path: Path, size: int = 1 << 20) -> Path:
    """Three orders; the second's remark holds `size` characters, beyond Excel's 32,767."""
    rows = orders(3, prefix="85")
    rows[1][REMARK] = "B" * size
    return _sheet_xlsx(path, _worksheet(_sheet_rows([ALI_HEADERS, *rows]), 4))


def empty_rows_xlsx(path: Path, kind: str = "empty-strings") -> Path:
    """Three orders, then every row down to 1,048,576 `kind`: `empty-strings` (two cells holding
    '' in each row, the costliest), `formatted` (rows with a style and no cells) or `last-cell`
    (one styled empty cell in the last row)."""
    parts = _sheet_rows([ALI_HEADERS, *orders(3, prefix="86")])
    last = _column(len(ALI_HEADERS) - 1)
    if kind == "empty-strings":
        parts += [f'<row r="{r}">{_inline(f"A{r}", "")}{_inline(f"{last}{r}", "")}</row>'
                  for r in range(5, MAX_ROWS + 1)]  # fmt: skip
    elif kind == "formatted":
        parts += [f'<row r="{r}" s="0" customFormat="1"/>' for r in range(5, MAX_ROWS + 1)]
    elif kind == "last-cell":
        parts.append(f'<row r="{MAX_ROWS}"><c r="{last}{MAX_ROWS}" s="0"/></row>')
    else:
        raise ValueError(kind)
    return _sheet_xlsx(path, _worksheet(parts, MAX_ROWS))


def empty_rows_csv(path: Path) -> Path:
    """Three orders, then empty lines of commas down to line 1,048,576."""
    write_ali(path, orders(3, prefix="87"), encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(("," * (len(ALI_HEADERS) - 1) + "\r\n") * (MAX_ROWS - 4))
    return path


def far_cell_xlsx(path: Path, kind: str = "last-cell") -> Path:
    """Three orders (ids 95…) in a 6 KB workbook whose cells with a value reach XFD1048576, Excel's
    last cell: `last-cell` holds a value there, `corners` one at XFD1 and one at A1048576 (the
    grid between them is as large), `dimension` only declares `A1:XFD1048576` (calamine ignores
    that: the file is read)."""
    rows = _sheet_rows([ALI_HEADERS, *orders(3, prefix="95")])
    last = f"{_column(len(ALI_HEADERS) - 1)}4"
    dimension, extra = f"A1:{last}", ""
    if kind == "last-cell":
        extra = f'<row r="{MAX_ROWS}">{_inline(f"XFD{MAX_ROWS}", "x")}</row>'
    elif kind == "corners":
        rows[0] = rows[0].replace("</row>", '<c r="XFD1"><v>1</v></c></row>')
        extra = f'<row r="{MAX_ROWS}"><c r="A{MAX_ROWS}"><v>1</v></c></row>'
    elif kind == "dimension":
        dimension = f"A1:XFD{MAX_ROWS}"
    else:
        raise ValueError(kind)
    return _sheet_xlsx(path, (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                              f'xmlns="{_MAIN}"><dimension ref="{dimension}"/><sheetData>'
                              + "".join(rows) + extra + "</sheetData></worksheet>"))  # fmt: skip


BLANK_LINES = 2_000_000


def blank_lines_csv(path: Path, lines: int = BLANK_LINES) -> Path:
    """Three orders (ids 97…), `lines` lines of only spaces, then a fourth order and a row
    whose order date is not a date (rejected, at row `lines` + 6)."""
    rows = orders(5, prefix="97")
    rows[4][ALI_HEADERS.index("下单时间")] = "not a date"
    write_ali(path, rows[:3], encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write("    \r\n" * lines)
        csv.writer(fh).writerows(rows[3:])
    return path


FORMULA_IDS = ("8800000000000001", "8800000000000002", "8800000000000003", "8800000000000004")


def formula_xlsx(path: Path) -> Path:
    """Orders whose cells are formulas, each saved with the value Excel computed (or none):
    an amount `=12.34*2` (24.68), an order time `=DATE(…)+TIME(…)` in a date format, remarks
    `=HYPERLINK(…)` and a DDE `=cmd|' /C calc'!A0`, and an order id saved without its value."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, ALI_HEADERS)
    col = {h: ALI_HEADERS.index(h) for h in ("订单号", "订单状态", "下单时间", "订单金额", "订单备注")}
    for r, order_id in enumerate(FORMULA_IDS, 1):
        sheet.write_string(r, col["订单号"], order_id)
        sheet.write_string(r, col["订单状态"], "等待您发货")
        sheet.write_string(r, col["下单时间"], "2024.04.02 10:00")
    sheet.write_formula(1, col["订单金额"], "=12.34*2", None, 24.68)
    sheet.write_formula(2, col["下单时间"], "=DATE(2024,3,5)+TIME(14,22,0)", when, 45356.59861111111)
    sheet.write_formula(2, col["订单备注"], '=HYPERLINK("http://evil.example/x","click me")', None,
                        "click me")  # fmt: skip
    sheet.write_formula(3, col["订单备注"], "=cmd|' /C calc'!A0", None, "#REF!")
    sheet.write_formula(4, col["订单号"], '="88000000"&"00000004"', None, "")
    book.close()
    return path


def mismatched_columns_csv(path: Path) -> Path:
    """Twenty-four orders among which: row 2 has fewer cells than the header (padded, lands),
    row 3 three more but empty ones, row 4 a remark with an unquoted comma that shifts every
    later cell one column right (its last, empty cell falls off the end: nothing but the count
    shows it), row 5 only three cells (no order date), row 7 two extra cells holding text."""
    rows = orders(24, prefix="89")
    shifted = list(rows[2])
    shifted[REMARK : REMARK + 1] = ["fragile", " handle with care"]
    records = [
        ALI_HEADERS,
        rows[0][:8],
        [*rows[1], "", "", ""],
        shifted,
        rows[3][:3],
        rows[4],
        [*rows[5], "extra", "cells"],
        *rows[6:],
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(records)
    return path


def nul_csv(path: Path, kind: str = "embedded") -> Path:
    """`embedded`: NUL bytes scattered inside cells (some tools pad fields with them);
    `zero-tail`: the end of the file zero-filled (a download into a pre-allocated file, cut
    short); `zero-head`: the start zero-filled."""
    data = write_ali(path, orders(4, prefix="90")).read_bytes()
    if kind == "embedded":
        data = data.replace("等待您发货".encode(), "等待\x00您发货".encode())
        data = data.replace(b"2024.04.", b"2024.\x0004.").replace(b"US $", b"US \x00$")
    elif kind == "zero-tail":
        data = data[: len(data) * 2 // 3] + bytes(64 << 10)
    elif kind == "zero-head":
        data = bytes(4096) + data
    else:
        raise ValueError(kind)
    path.write_bytes(data)
    return path


HTML_IDS = ("8100000000000091", "8100000000000092", "8100000000000093")


def html_table_xls(path: Path) -> Path:
    """What some back-ends export as "orders.xls": an Excel-flavoured HTML page in GB2312 with
    a layout table around the order table, `<br>` in headers and cells, `&nbsp;`, a merged
    cell, a long order id shown as 8.1E+15 (its digits in x:num) and a script."""
    headers = ["订单号", "订单状态", "下单时间", "付款时间", "订单金额",
               "产品信息<br>（双击单元格展开所有产品信息！）", "订单备注", "收货国家",
               "买家选择物流", "发货期限"]  # fmt: skip
    rows = [
        [f'<td x:num="{HTML_IDS[0]}">8.1E+15</td>', "<td>等待您发货</td>", "<td>2024.04.01&nbsp;10:00</td>",
         "<td>2024.04.01 10:05</td>", "<td>US $12.34</td>",
         "<td>Phone case<br>数量: 2</td>", "<td>请&lt;尽快&gt;发货 &amp; 谢谢</td>", "<td>Spain</td>",
         "<td>DHL</td>", "<td>2024-04-08</td>"],
        [f"<td>{HTML_IDS[1]}</td>", "<td>订单关闭</td>", "<td>2024.04.02 11:00</td>", "<td></td>",
         "<td>US $5.00</td>", "<td>Cable</td>", "<td colspan=2>  </td>", "<td>Cainiao</td>",
         "<td>2024-04-09</td>"],
        [f"<td>{HTML_IDS[2]}</td>", "<td>等待买家收货</td>", "<td>2024.04.03 09:00</td>",
         "<td>2024.04.03 09:10</td>", "<td>US $7.50</td>", "<td>Charger</td>", "<td></td>",
         "<td>France</td>", "<td>EMS</td>", "<td>2024-04-10</td>"],
    ]  # fmt: skip
    table = ("<table border=1><tr>" + "".join(f"<th>{h}</th>" for h in headers) + "</tr>"
             + "".join("<tr>" + "".join(r) + "</tr>" for r in rows) + "</table>")  # fmt: skip
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<style>td {mso-number-format:'\\@';}</style>"
        "<script>document.write('<table><tr><td>not data</td></tr></table>')</script></head>\n"
        f"<body><table><tr><td>订单导出 2024-04-10</td></tr><tr><td>{table}</td></tr></table></body></html>"
    )
    path.write_bytes(page.encode("gb18030"))
    return path


XML_SPREADSHEET_IDS = ("8100000000000081", "8100000000000082")


def xml_spreadsheet_xls(path: Path) -> Path:
    """Excel 2003's XML Spreadsheet saved as .xls, with a cell placed by ss:Index."""
    def row(*cells: str) -> str:
        return "<Row>" + "".join(cells) + "</Row>"

    def cell(text: str, index: int | None = None) -> str:
        at = f' ss:Index="{index}"' if index else ""
        return f'<Cell{at}><Data ss:Type="String">{escape(text)}</Data></Cell>'

    body = [
        row(*(cell(h) for h in ("订单号", "订单状态", "下单时间", "付款时间", "订单金额"))),
        row(cell(XML_SPREADSHEET_IDS[0]), cell("等待您发货"), cell("2024.04.05 10:00"),
            cell("2024.04.05 10:01"), cell("US $3.00")),
        row(cell(XML_SPREADSHEET_IDS[1]), cell("等待买家付款"), cell("2024.04.06 10:00"),
            cell("US $4.00", index=5)),
    ]  # fmt: skip
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        f'<Worksheet ss:Name="Orders"><Table>{"".join(body)}</Table></Worksheet></Workbook>',
        encoding="utf-8",
    )
    return path


def html_without_table_xls(path: Path) -> Path:
    """A sign-in page the browser saved under the export's name."""
    path.write_text(
        "<!-- saved from url=(0045)https://gsp.aliexpress.com/apps/order/index -->\n<!DOCTYPE html>"
        "<html><head><title>Sign in</title></head><body><form><input name='user'></form>"
        "<p>Your session has expired.</p></body></html>",
        encoding="utf-8",
    )
    return path


def html_other_table_xls(path: Path) -> Path:
    """A web page with a table, but not of orders (a product list)."""
    path.write_text(
        "<html><body><table><tr><th>SKU</th><th>Title</th><th>Stock</th></tr>"
        "<tr><td>A-1</td><td>Phone case</td><td>12</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return path


CORPUS = {
    "zip_bomb.xlsx": zip_bomb_xlsx,
    "zip_bomb_declares_1000_bytes.xlsx": lambda p: zip_bomb_xlsx(p, declared=1000),
    "zip_bomb_declares_3x_packed.xlsx": lambda p: zip_bomb_xlsx(p, declared=15 << 20),
    "zip_bomb_512mib.xlsx": lambda p: zip_bomb_xlsx(p, unpacked=512 << 20),
    "big_cell_100mib.csv": big_cell_csv,
    "one_cell_100mib.csv": one_cell_csv,
    "big_cell_1mib.xlsx": big_cell_xlsx,
    "formulas.xlsx": formula_xlsx,
    "empty_rows_empty_strings.xlsx": empty_rows_xlsx,
    "empty_rows_formatted.xlsx": lambda p: empty_rows_xlsx(p, "formatted"),
    "empty_rows_last_cell.xlsx": lambda p: empty_rows_xlsx(p, "last-cell"),
    "empty_rows.csv": empty_rows_csv,
    "mismatched_columns.csv": mismatched_columns_csv,
    "nul_embedded.csv": nul_csv,
    "nul_zero_tail.csv": lambda p: nul_csv(p, "zero-tail"),
    "nul_zero_head.csv": lambda p: nul_csv(p, "zero-head"),
    "html_table.xls": html_table_xls,
    "xml_spreadsheet.xls": xml_spreadsheet_xls,
    "html_without_table.xls": html_without_table_xls,
    "html_other_table.xls": html_other_table_xls,
    "far_cell.xlsx": far_cell_xlsx,
    "far_cell_corners.xlsx": lambda p: far_cell_xlsx(p, "corners"),
    "far_dimension.xlsx": lambda p: far_cell_xlsx(p, "dimension"),
    "blank_lines_2m.csv": blank_lines_csv,
}


def main(folder: str) -> None:
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    for name, build in CORPUS.items():
        path = build(root / name)
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
