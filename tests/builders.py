"""Small real export files for tests: AliExpress-style rows written as .xls, .xlsx or .csv."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import xlsxwriter
import xlwt

# The AliExpress back-end's headers (SPEC section 1), the product cell's header with its line break.
ALI_HEADERS = [
    "订单号", "订单状态", "负责人(业务员)", "买家名称", "买家邮箱", "下单时间", "付款时间", "产品总金额",
    "物流费用", "订单金额", "满立减", "产品信息\n（双击单元格展开所有产品信息！）", "订单备注", "收货地址",
    "收货人名称", "收货国家", "州/省", "城市", "地址", "邮编", "联系电话", "手机", "买家选择物流",
    "发货期限", "实际发货物流:运单号", "发货时间", "确认收货时间", "订单关闭原因", "取消原因", "关闭时间",
]  # fmt: skip

# Short names for the columns a test usually sets.
ALI_KEYS = {
    "id": "订单号", "status": "订单状态", "buyer": "买家名称", "email": "买家邮箱",
    "created": "下单时间", "paid": "付款时间", "amount": "订单金额", "product": ALI_HEADERS[11],
    "remark": "订单备注", "address": "收货地址", "receiver": "收货人名称", "country": "收货国家",
    "phone": "联系电话", "mobile": "手机", "shipping": "买家选择物流", "deadline": "发货期限",
    "tracking": "实际发货物流:运单号", "shipped": "发货时间", "received": "确认收货时间",
    "close_reason": "订单关闭原因", "cancel_reason": "取消原因", "closed": "关闭时间",
}  # fmt: skip


def ali_row(**values: str) -> list[str]:
    """One AliExpress row; unset columns are empty, personal data filled in realistically."""
    defaults = {
        "buyer": "Maria Gonzalez", "email": "maria.g@example.com", "country": "Spain",
        "address": "Calle Mayor 5, Madrid", "receiver": "Maria Gonzalez",
        "phone": "+34 600 123 456", "mobile": "+34 600 654 321", "amount": "US $12.34",
    }  # fmt: skip
    merged = {**defaults, **values}
    row = [""] * len(ALI_HEADERS)
    for key, value in merged.items():
        row[ALI_HEADERS.index(ALI_KEYS[key])] = value
    return row


def write_rows(
    path: Path, headers: list[str], rows: list[list[str]], *, encoding: str = "utf-8-sig",
    sheet_rows: int | None = None, leading_blank: bool = False, trailer: list[str] | None = None,
) -> Path:
    """Write a real file in the format its suffix names; `sheet_rows` splits an .xls/.xlsx."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding=encoding, newline="") as fh:
            if leading_blank:
                fh.write("\r\n")
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows(rows)
            for line in trailer or []:
                fh.write(line + "\r\n")
        return path
    chunks = [rows]
    if sheet_rows:
        chunks = [rows[i : i + sheet_rows] for i in range(0, len(rows), sheet_rows)] or [[]]
    if suffix == ".xls":
        book = xlwt.Workbook(encoding="utf-8")
        for n, chunk in enumerate(chunks, 1):
            sheet = book.add_sheet(f"Sheet{n}")
            for c, h in enumerate(headers):
                sheet.write(0, c, h)
            for r, row in enumerate(chunk, 1):
                for c, value in enumerate(row):
                    sheet.write(r, c, value)
        book.save(str(path))
        return path
    if suffix == ".xlsx":
        book = xlsxwriter.Workbook(str(path))
        for n, chunk in enumerate(chunks, 1):
            sheet = book.add_worksheet(f"Sheet{n}")
            sheet.write_row(0, 0, headers)
            for r, row in enumerate(chunk, 1):
                sheet.write_row(r, 0, row)
        book.close()
        return path
    raise ValueError(f"unsupported suffix {suffix}")


def write_ali(path: Path, rows: list[list[str]], **kwargs) -> Path:
    return write_rows(path, ALI_HEADERS, rows, **kwargs)


def table(headers: list[str], rows: list[dict[str, str]]) -> list[list[str]]:
    """Rows given as {header: value}; other cells empty."""
    for row in rows:
        assert set(row) <= set(headers), set(row) - set(headers)
    return [[row.get(h, "") for h in headers] for row in rows]


# eBay Seller Hub's Orders report.
EBAY_HEADERS = [
    "Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email", "Buyer Note",
    "Buyer Address 1", "Ship To Name", "Ship To Phone", "Ship To Country", "Item Number", "Item Title",
    "Quantity", "Sold For", "Shipping And Handling", "Total Price", "Sale Date", "Paid On Date",
    "Ship By Date", "Shipped On Date", "Shipping Service", "Tracking Number", "Cancel Status",
    "Cancel Reason",
]  # fmt: skip


def ebay_row(
    record: str,
    order: str,
    *,
    item: str = "3344556601",
    title: str = "Phone case",
    quantity: str = "1",
    sold_for: str = "$9.99",
    total: str = "$9.99",
    **cells: str,
) -> dict:
    return {
        "Sales Record Number": record, "Order Number": order, "Buyer Username": "buyer_" + record,
        "Buyer Name": "Maria Gonzalez", "Buyer Email": "maria.g@example.com",
        "Buyer Address 1": "Calle Mayor 5", "Ship To Name": "Maria Gonzalez",
        "Ship To Phone": "+34 600 123 456", "Ship To Country": "Spain", "Item Number": item,
        "Item Title": title, "Quantity": quantity, "Sold For": sold_for,
        "Shipping And Handling": "$0.00", "Total Price": total, "Sale Date": "Mar-05-24",
        "Ship By Date": "Mar-08-24", **cells,
    }  # fmt: skip


def open_read_only(db: Path | str) -> duckdb.DuckDBPyConnection:
    """The history's own tables, read-only, as another process would read them: a DuckDB file,
    or a lake (`ducklake:...`) attached by itself, without storehealth's connection setup."""
    from pipeline.history_target import Lake, parse_target
    from pipeline.lake import open_lake

    target = parse_target(str(db))
    if isinstance(target, Lake):
        return open_lake(target, read_only=True)
    return duckdb.connect(str(db), read_only=True)


def table_contents(db: Path | str, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every table of a history file (but `skip`) with all its rows in a stable order, read
    read-only as another process would: to compare a history before and after."""
    con = open_read_only(db)
    try:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() "
                "where database_name = current_database() and not temporary order by 1"
            ).fetchall()
            if row[0] not in skip
        ]
        return {name: con.execute(f'select * from "{name}" order by all').fetchall() for name in names}
    finally:
        con.close()
