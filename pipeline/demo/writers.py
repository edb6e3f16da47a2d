"""Writing an export as the marketplace does: .xls, .xlsx, or .csv in its encoding and dialect."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pipeline.demo.renderers.cells import ebay_date

#: BIFF8 sheets hold 65,536 rows, the header row included.
XLS_MAX_ROWS = 65_536
#: Excel 2007+ sheets hold 1,048,576 rows.
XLSX_MAX_ROWS = 1_048_576

#: Fixed document creation time written into .xlsx files: identical input, identical bytes.
_XLSX_CREATED = datetime(2024, 1, 1)

# Cells Shopify writes as a quoted "" when they are empty on an order's first row.
_SHOPIFY_QUOTED_EMPTY = frozenset({
    "Discount Code", "Billing Address2", "Billing Company", "Shipping Address2",
    "Shipping Company", "Notes", "Note Attributes", "Payment Reference", "Tags",
})  # fmt: skip


def _chunks(rows: list[list[str]], size: int) -> list[list[list[str]]]:
    return [rows[k : k + size] for k in range(0, len(rows), size)] or [[]]


def _write_xls(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for n, chunk in enumerate(_chunks(rows, XLS_MAX_ROWS - 1), 1):
        sheet = book.add_sheet(f"Sheet{n}")
        for c, h in enumerate(headers):
            sheet.write(0, c, h)
        for r, row in enumerate(chunk, 1):
            for c, v in enumerate(row):
                if v:
                    sheet.write(r, c, v)
    book.save(str(path))


def _write_xlsx(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
         "strings_to_urls": False},
    )  # fmt: skip
    book.set_properties({"created": _XLSX_CREATED})
    for n, chunk in enumerate(_chunks(rows, XLSX_MAX_ROWS - 1), 1):
        sheet = book.add_worksheet(f"Sheet{n}")
        write = sheet.write_string
        for c, h in enumerate(headers):
            write(0, c, h)
        for r, row in enumerate(chunk, 1):
            for c, v in enumerate(row):
                if v:
                    write(r, c, v)
    book.close()


def _csv_cell(value: str) -> str:
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _write_shopify_csv(f: Any, headers: list[str], rows: list[list[str]]) -> None:
    """Shopify's CSV: LF line ends, quoted only where needed, and some empty cells of an
    order's first row written as a quoted "" (Discount Code, Address2, Notes, Tags ...)."""
    quoted = [h in _SHOPIFY_QUOTED_EMPTY for h in headers]
    financial = headers.index("Financial Status") if "Financial Status" in headers else None
    f.write(",".join(_csv_cell(h) for h in headers) + "\n")
    for row in rows:
        first = financial is not None and row[financial] != ""
        f.write(",".join(
            '""' if first and q and v == "" else _csv_cell(v)
            for v, q in zip(row, quoted, strict=True)
        ) + "\n")  # fmt: skip


def _ebay_range(headers: list[str], rows: list[list[str]]) -> tuple[str, str]:
    try:
        k = headers.index("Sale Date")
    except ValueError:
        return "", ""
    days = [datetime.strptime(r[k], "%b-%d-%y").date() for r in rows if r[k]]
    if not days:
        return "", ""
    return ebay_date(min(days)), ebay_date(max(days))


def write_export(
    path: Path,
    headers: list[str],
    rows: list[list[str]],
    *,
    platform: str,
    encoding: str = "utf-8-sig",
    seller_id: str = "demo_seller",
    date_range: tuple[date, date] | None = None,
    delimiter: str = ",",
    fmt: str | None = None,
) -> Path:
    """Write an export as the marketplace would: format from the suffix (.xls/.xlsx/.csv).

    ``.xls`` splits into sheets of 65,536 rows (header repeated), ``.xlsx`` writes every cell as
    a string in constant memory, ``.csv`` quotes cells with line breaks. Legacy encodings (GBK,
    GB18030) replace what they cannot encode with "?", as Excel on Chinese Windows does.
    An eBay ``.csv`` gets the report's blank first line and record-count / seller-id trailer;
    a Shopify ``.csv`` is written as Shopify does (LF line ends, some empty cells as ``""``).
    `fmt` ("xls", "xlsx", "csv") overrides the suffix.
    """
    path = Path(path)
    suffix = f".{fmt.lower().lstrip('.')}" if fmt else path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xls":
        _write_xls(path, headers, rows)
    elif suffix == ".xlsx":
        _write_xlsx(path, headers, rows)
    elif suffix in (".csv", ".txt"):
        errors = "strict" if encoding.lower().replace("_", "-").startswith("utf") else "replace"
        with path.open("w", encoding=encoding, errors=errors, newline="") as f:
            if platform == "shopify" and delimiter == ",":
                _write_shopify_csv(f, headers, rows)
                return path
            w = csv.writer(f, delimiter=delimiter, lineterminator="\r\n")
            if platform == "ebay":
                w.writerow([])
            w.writerow(headers)
            w.writerows(rows)
            if platform == "ebay":
                if date_range is not None:
                    lo, hi = ebay_date(date_range[0]), ebay_date(date_range[1])
                else:
                    lo, hi = _ebay_range(headers, rows)
                w.writerow([])
                w.writerow([f"{len(rows)} record(s) downloaded, from {lo} to {hi}"])
                w.writerow([f"Seller ID: {seller_id}"])
    else:
        raise ValueError(f"unsupported export format {suffix!r}: use .xls, .xlsx or .csv")
    return path
