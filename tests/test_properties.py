"""Property tests (hypothesis) of the history's promises (SPEC section 3), over generated exports.

(a) Any set of orders, split into overlapping exports in any format (.csv, .xlsx, .xls, a web
    page saved as .xls), ingested in any order, gives the same history; and each order's
    current state is the one of the latest export that holds it, a field left empty by a later
    export keeping what an earlier one said.
(b) Re-ingesting any file changes nothing; the same export saved in another format changes no
    order.
(c) Random cell corruption (wrong types, empty cells, huge strings, control characters, mixed
    encodings, formula text, odd Unicode) never gives a traceback or an internal error: exit 0,
    or 1 with a message naming the file; and never loses a good row: every row that was not
    corrupted lands with its values, unless the whole file is refused.

Statuses, close and cancel reasons are drawn from the platforms' raw texts in
`pipeline/vocabulary.toml` (plus unknown ones). Each example gets its own small database under a
temporary folder. The number of examples each property ran is printed at the end of its test
(`-s` not needed); STOREHEALTH_HYPOTHESIS_SCALE=10 runs ten times as many.
"""

from __future__ import annotations

import csv
import html
import io
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
import xlwt
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import VOCABULARY_FILE
from pipeline.database import connect
from pipeline.ingest import ingest_file
from pipeline.salt import salt_path
from tests.builders import ALI_HEADERS, table_contents

REPO = Path(__file__).resolve().parents[1]
SCALE = float(os.environ.get("STOREHEALTH_HYPOTHESIS_SCALE", "1"))
EXAMPLES = {"any_order": 10, "reingest": 8, "corruption": 10}  # corruption: per format
EXAMPLES_RUN: dict[str, int] = {}
OUTCOMES: dict[str, dict[str, int]] = {}  # per property: how its examples ended, for the report


def tally(name: str, outcome: str) -> None:
    event(outcome)
    counts = OUTCOMES.setdefault(name, {})
    counts[outcome] = counts.get(outcome, 0) + 1

SETTINGS = dict(
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=DirectoryBasedExampleDatabase(str(REPO / ".pytest_cache" / "hypothesis")),
)


def examples(name: str) -> int:
    return max(1, int(EXAMPLES[name] * SCALE))


# --- the platforms' exports ------------------------------------------------------------------

VOCAB = tomllib.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))

ALI = {
    "id": "订单号", "status": "订单状态", "buyer": "买家名称", "created": "下单时间", "paid": "付款时间",
    "amount": "订单金额", "product": ALI_HEADERS[11], "remark": "订单备注", "country": "收货国家",
    "shipping": "买家选择物流", "deadline": "发货期限", "tracking": "实际发货物流:运单号",
    "shipped": "发货时间", "received": "确认收货时间", "close_reason": "订单关闭原因",
    "cancel_reason": "取消原因", "closed": "关闭时间",
}  # fmt: skip
HEADERS_1688 = [
    "订单编号", "买家会员名", "订单状态", "订单创建时间", "订单付款时间", "发货时间", "确认收货时间",
    "关闭时间", "货品总价(元)", "运费(元)", "实付款(元)", "货品标题", "数量", "物流公司", "运单号",
    "买家留言", "关闭原因",
]  # fmt: skip
P1688 = {
    "id": "订单编号", "status": "订单状态", "buyer": "买家会员名", "created": "订单创建时间",
    "paid": "订单付款时间", "amount": "实付款(元)", "product": "货品标题", "remark": "买家留言",
    "shipped": "发货时间", "received": "确认收货时间", "close_reason": "关闭原因", "closed": "关闭时间",
}  # fmt: skip


@dataclass(frozen=True)
class Platform:
    name: str
    headers: list[str]
    columns: dict[str, str]
    statuses: list[str]
    close_reasons: list[str]
    cancel_reasons: list[str]


PLATFORMS = {
    "aliexpress": Platform(
        "aliexpress", ALI_HEADERS, ALI, sorted(VOCAB["status"]["aliexpress"]),
        sorted(VOCAB["close_cause"]["aliexpress"]), sorted(VOCAB["cancel_reason"]["any"]),
    ),
    "1688": Platform(
        "1688", HEADERS_1688, P1688, sorted(VOCAB["status"]["1688"]),
        sorted(VOCAB["close_cause"]["1688"]), [],
    ),
}  # fmt: skip
TIME_FORMATS = ("%Y.%m.%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M")
FORMATS = (".csv", ".xlsx", ".xls", ".html.xls")


@dataclass(frozen=True)
class Typed:
    """A cell that is not text: a number, boolean or date cell, or GBK bytes inside UTF-8."""

    kind: str  # "number" | "bool" | "date" | "gbk"
    value: object

    def text(self) -> str:
        if self.kind == "bool":
            return "TRUE" if self.value else "FALSE"
        if self.kind == "date":
            return f"{self.value:%Y-%m-%d %H:%M:%S}"
        if self.kind == "gbk":
            return str(self.value).encode("gb18030").decode("latin-1")  # how it shows when mis-read
        return repr(self.value) if isinstance(self.value, float) else str(self.value)


Cell = str | Typed
GBK_MARK = "\u2063GBK{}\u2063"  # stands for raw GBK bytes until the CSV is encoded


def write_export(path: Path, headers: list[str], rows: list[list[Cell]], *, sheet_rows: int | None = None,
                 encoding: str = "utf-8-sig") -> Path:  # fmt: skip
    """A real file in the format its name says; typed cells as real number/date/boolean cells."""
    name = path.name
    if name.endswith(".html.xls"):
        return _write_html(path, headers, rows)
    if name.endswith(".csv"):
        return _write_csv(path, headers, rows, encoding)
    chunks = [rows[i : i + sheet_rows] for i in range(0, len(rows), sheet_rows)] if sheet_rows else [rows]
    if name.endswith(".xlsx"):
        book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                               "strings_to_urls": False})  # fmt: skip
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        for n, chunk in enumerate(chunks or [[]], 1):
            sheet = book.add_worksheet(f"Sheet{n}")
            sheet.write_row(0, 0, headers)
            for r, row in enumerate(chunk, 1):
                for c, cell in enumerate(row):
                    _xlsx_cell(sheet, r, c, cell, when)
        book.close()
        return path
    book = xlwt.Workbook(encoding="utf-8")
    when = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for n, chunk in enumerate(chunks or [[]], 1):
        sheet = book.add_sheet(f"Sheet{n}")
        for c, header in enumerate(headers):
            sheet.write(0, c, header)
        for r, row in enumerate(chunk, 1):
            for c, cell in enumerate(row):
                if isinstance(cell, Typed) and cell.kind in ("number", "bool"):
                    sheet.write(r, c, cell.value)
                elif isinstance(cell, Typed) and cell.kind == "date":
                    sheet.write(r, c, cell.value, when)
                else:
                    text = cell.text() if isinstance(cell, Typed) else cell
                    if text:
                        sheet.write(r, c, text)
    book.save(str(path))
    return path


def _xlsx_cell(sheet, r: int, c: int, cell: Cell, when) -> None:
    if isinstance(cell, Typed) and cell.kind == "number":
        sheet.write_number(r, c, cell.value)
    elif isinstance(cell, Typed) and cell.kind == "bool":
        sheet.write_boolean(r, c, cell.value)
    elif isinstance(cell, Typed) and cell.kind == "date":
        sheet.write_datetime(r, c, cell.value, when)
    else:
        text = cell.text() if isinstance(cell, Typed) else cell
        if text:
            sheet.write_string(r, c, text)


def _write_csv(path: Path, headers: list[str], rows: list[list[Cell]], encoding: str) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    raw_cells: list[bytes] = []
    for row in rows:
        out = []
        for cell in row:
            if isinstance(cell, Typed) and cell.kind == "gbk":
                out.append(GBK_MARK.format(len(raw_cells)))
                raw_cells.append(str(cell.value).encode("gb18030"))
            else:
                out.append(cell.text() if isinstance(cell, Typed) else cell)
        writer.writerow(out)
    data = buffer.getvalue().encode(encoding)
    for k, raw in enumerate(raw_cells):
        data = data.replace(GBK_MARK.format(k).encode(encoding.replace("-sig", "")), raw)
    path.write_bytes(data)
    return path


def _write_html(path: Path, headers: list[str], rows: list[list[Cell]]) -> Path:
    def td(cell: Cell, tag: str = "td") -> str:
        text = cell.text() if isinstance(cell, Typed) else cell
        return f"<{tag}>" + "<br>".join(html.escape(line) for line in text.split("\n")) + f"</{tag}>"

    body = "<tr>" + "".join(td(h, "th") for h in headers) + "</tr>"
    body += "".join("<tr>" + "".join(td(c) for c in row) + "</tr>\n" for row in rows)
    path.write_text(
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'></head>"
        f"<body><table border=1>{body}</table></body></html>",
        encoding="utf-8",
    )
    return path


# --- generated order histories ---------------------------------------------------------------

START = datetime(2024, 3, 1, 8, 0)
WORDS = st.sampled_from(["请尽快发货", "gift", "O'Brien", 'say "hi"', "no, thanks", "; drop table x; --",
                         "礼物", "ünïcödé", "a&b<c>", "=1+1"])  # fmt: skip
REMARKS = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)


def _time(draw, at: datetime) -> Cell:
    """One instant, written as a platform writes it, or as a real date cell."""
    if draw(st.integers(0, 5)) == 0:
        return Typed("date", at)
    return at.strftime(draw(st.sampled_from(TIME_FORMATS)))


def _amount(draw, platform: str) -> str:
    cents = draw(st.integers(1, 250_000))
    value = f"{cents / 100:,.2f}" if cents >= 100_000 else f"{cents / 100:.2f}"
    if platform == "aliexpress":
        return draw(st.sampled_from(["US ${}", "${}", "{}"])).format(value)
    return value


@dataclass
class Export:
    name: str
    rows: list[dict[str, Cell]]  # canonical key -> cell
    exported_at: datetime | None
    sheet_rows: int | None = None
    path: Path | None = None
    batch: int = 0  # a column no platform reads, so that no two exports are the same file


@dataclass
class History:
    platform: Platform
    exports: list[Export] = field(default_factory=list)


@st.composite
def histories(draw) -> History:
    """2-4 overlapping exports of 1-6 orders whose state changes at random between exports."""
    platform = PLATFORMS[draw(st.sampled_from(sorted(PLATFORMS)))]
    n_orders = draw(st.integers(1, 6))
    created = [START + timedelta(minutes=draw(st.integers(0, 60 * 24 * 50))) for _ in range(n_orders)]
    ids = [f"8{draw(st.integers(10**14, 10**15 - 1))}" for _ in range(n_orders)]
    if len(set(ids)) < n_orders:
        ids = [f"{i}{k}" for k, i in enumerate(ids)]
    history = History(platform)
    explicit = draw(st.booleans())
    n_exports = draw(st.integers(2, 4))
    for e in range(n_exports):
        members = sorted(draw(st.sets(st.integers(0, n_orders - 1), min_size=1)))
        rows = []
        for k in members:
            row: dict[str, Cell] = {"id": ids[k], "status": draw(st.sampled_from(platform.statuses)),
                                    "created": _time(draw, created[k]), "buyer": f"buyer{k}"}  # fmt: skip
            at = created[k]
            for key in ("paid", "shipped", "received", "closed"):
                if key in platform.columns and draw(st.booleans()):
                    at = at + timedelta(minutes=draw(st.integers(1, 60 * 24 * 5)))
                    row[key] = _time(draw, at)
            if draw(st.booleans()):
                row["amount"] = _amount(draw, platform.name)
            if draw(st.booleans()):
                row["remark"] = draw(REMARKS)
            if draw(st.booleans()):
                row["close_reason"] = draw(st.sampled_from([*platform.close_reasons, "some new reason"]))
            if platform.cancel_reasons and draw(st.booleans()):
                row["cancel_reason"] = draw(st.sampled_from([*platform.cancel_reasons, "家里有事"]))
            if "deadline" in platform.columns and draw(st.booleans()):
                row["deadline"] = f"{created[k] + timedelta(days=draw(st.integers(1, 10))):%Y-%m-%d}"
            rows.append(row)
        if draw(st.integers(0, 4)) == 0:
            rows.insert(draw(st.integers(0, len(rows))), dict(rows[0]))  # the same row twice
        fmt = draw(st.sampled_from(FORMATS))
        sheet_rows = draw(st.integers(1, 3)) if fmt in (".xlsx", ".xls") and draw(st.booleans()) else None
        when = START + timedelta(days=draw(st.integers(40, 44))) if explicit else None
        history.exports.append(Export(f"export{e}{fmt}", rows, when, sheet_rows, batch=e))
    return history


def _cells(platform: Platform, row: dict[str, Cell]) -> list[Cell]:
    cells: list[Cell] = [""] * len(platform.headers)
    for key, value in row.items():
        cells[platform.headers.index(platform.columns[key])] = value
    return cells


def write_history(history: History, folder: Path) -> list[Path]:
    headers = [*history.platform.headers, "导出批次"]
    for export in history.exports:
        rows = [[*_cells(history.platform, row), str(export.batch)] for row in export.rows]
        export.path = write_export(folder / export.name, headers, rows, sheet_rows=export.sheet_rows)
    return [e.path for e in history.exports]


# --- databases -------------------------------------------------------------------------------


class Template:
    """An empty history with its salt, copied for each database so buyer hashes compare."""

    def __init__(self, folder: Path) -> None:
        self.db = folder / "template.duckdb"
        connect(self.db).close()

    def copy(self, db: Path) -> Path:
        shutil.copyfile(self.db, db)
        if salt_path(self.db).exists():
            shutil.copyfile(salt_path(self.db), salt_path(db))
        return db


def ingest_all(db: Path, files: list[Path], exports: dict[Path, Export], store: str = "s1") -> list:
    con = connect(db)
    try:
        return [
            ingest_file(con, path, store=store, exported_at=exports[path].exported_at) for path in files
        ]
    finally:
        con.close()


def history_state(db: Path) -> dict[str, list[tuple]]:
    """The history with file ids replaced by the files' SHA-256 (ids follow ingest order)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            "current": con.execute(
                "select c.* exclude (last_file_id), f.sha256 from orders_current c "
                "join ingested_files f on f.file_id = c.last_file_id order by all"
            ).fetchall(),
            "snapshots": con.execute(
                "select s.* exclude (first_file_id, last_file_id), f1.sha256, f2.sha256 "
                "from order_snapshots s join ingested_files f1 on f1.file_id = s.first_file_id "
                "join ingested_files f2 on f2.file_id = s.last_file_id order by all"
            ).fetchall(),
            "files": con.execute(
                "select sha256, platform, store, rows_read, orders_in_file, rows_rejected, "
                "first_order_date, last_order_date, exported_at, exported_at_source "
                "from ingested_files order by all"
            ).fetchall(),
            "rejected": con.execute(
                "select f.sha256, r.* exclude (file_id) from rejected_rows r "
                "join ingested_files f using (file_id) order by all"
            ).fetchall(),
        }
    finally:
        con.close()



def _trimmed(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = cell.text() if isinstance(cell, Typed) else cell
    return text.strip() or None


def expected_current(history: History, db: Path) -> dict[str, dict[str, str | None]]:
    """Per order: status, remark and close reason from the latest export that has a value for
    each, exports ordered as storehealth orders them (export time to the second, then SHA-256)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        keys = dict(con.execute(
            "select path, strftime(exported_at, '%Y%m%d%H%M%S') || '|' || sha256 from ingested_files"
        ).fetchall())  # fmt: skip
    finally:
        con.close()
    latest: dict[str, dict[str, tuple[str, str | None]]] = {}
    for export in history.exports:
        key = keys[str(export.path)]
        for row in export.rows:
            fields = latest.setdefault(str(row["id"]), {})
            for name in ("status", "remark", "close_reason"):
                value = _trimmed(row.get(name))
                if value is not None and (name not in fields or key > fields[name][0]):
                    fields[name] = (key, value)
    return {
        order: {name: fields.get(name, ("", None))[1] for name in ("status", "remark", "close_reason")}
        for order, fields in latest.items()
    }


# --- (a) any order of ingestion, the same history ---------------------------------------------


@settings(max_examples=examples("any_order"), **SETTINGS)
@given(history=histories(), data=st.data())
def _any_order_same_history(history: History, data: st.DataObject) -> None:
    EXAMPLES_RUN["any_order"] = EXAMPLES_RUN.get("any_order", 0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_history(history, folder)
        exports = {e.path: e for e in history.exports}
        order = data.draw(st.permutations(files), label="ingest order")
        note(f"formats {[p.name for p in files]}, ingested as {[p.name for p in order]}")
        template = Template(folder)
        first, second = template.copy(folder / "a.duckdb"), template.copy(folder / "b.duckdb")
        ingest_all(first, files, exports)
        ingest_all(second, order, exports)
        state = history_state(first)
        assert history_state(second) == state
        tally("any_order", f"{history.platform.name}, {len(files)} exports")

        con = duckdb.connect(str(first), read_only=True)
        try:
            got = {
                order_id: {"status": status, "remark": remark, "close_reason": reason}
                for order_id, status, remark, reason in con.execute(
                    "select order_id, status_raw, remark, close_reason_raw from orders_current"
                ).fetchall()
            }
        finally:
            con.close()
        assert got == expected_current(history, first)


def test_any_order_of_overlapping_exports_gives_the_same_history(capsys) -> None:
    _any_order_same_history()
    _report(capsys, "any_order")


# --- (b) re-ingesting changes nothing ----------------------------------------------------------


@settings(max_examples=examples("reingest"), **SETTINGS)
@given(history=histories(), data=st.data())
def _reingest_changes_nothing(history: History, data: st.DataObject) -> None:
    EXAMPLES_RUN["reingest"] = EXAMPLES_RUN.get("reingest", 0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_history(history, folder)
        exports = {e.path: e for e in history.exports}
        db = Template(folder).copy(folder / "h.duckdb")
        ingest_all(db, files, exports)
        before = table_contents(db)
        again = data.draw(st.lists(st.sampled_from(files), min_size=1, max_size=4), label="again")
        results = ingest_all(db, again, exports)
        assert [r.outcome for r in results] == ["already ingested"] * len(again)
        assert table_contents(db) == before

        # The same export saved in another format: a new file, but no order changes. (Only for
        # an export whose time no other shares: between equal times the SHA-256 decides.)
        times = [r[0] for r in duckdb.connect(str(db), read_only=True).execute(
            "select exported_at from ingested_files").fetchall()]  # fmt: skip
        unique = [e for e in history.exports if sum(t == _export_time(db, e) for t in times) == 1]
        if not unique:
            return
        export = data.draw(st.sampled_from(unique), label="resaved")
        fmt = data.draw(st.sampled_from([f for f in FORMATS if not export.name.endswith(f)]))
        copy = Export(f"resaved{fmt}", export.rows, export.exported_at, batch=export.batch)
        write_history(History(history.platform, [copy]), folder)
        [result] = ingest_all(db, [copy.path], {copy.path: copy})
        assert (result.outcome, result.new, result.updated) == ("ingested", 0, 0)
        tally("reingest", f"re-saved {export.name.split('.', 1)[1]} as {fmt}")
        drop = {"last_seen_at", "last_seen_key"}
        after = table_contents(db)
        assert _without(after["orders_current"], db, drop) == _without(before["orders_current"], db, drop)
        assert len(after["order_snapshots"]) == len(before["order_snapshots"])


def _export_time(db: Path, export: Export):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select exported_at from ingested_files where path = ?",
                           [str(export.path)]).fetchone()[0]  # fmt: skip
    finally:
        con.close()


def _current_columns(db: Path) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute("describe orders_current").fetchall()]
    finally:
        con.close()


def _without(rows: list[tuple], db: Path, drop: set[str]) -> list[tuple]:
    """orders_current rows without the `drop` columns and the file id (and sha) columns."""
    columns = _current_columns(db)
    keep = [i for i, c in enumerate(columns) if c not in drop | {"last_file_id"}]
    return sorted(tuple(row[i] for i in keep) for row in rows)


def test_reingesting_any_file_changes_nothing(capsys) -> None:
    _reingest_changes_nothing()
    _report(capsys, "reingest")


# --- (c) corrupted cells: no traceback, no good row lost -------------------------------------

# The columns a corruption may hit: every one the history reads.
CORRUPTIBLE = ("id", "status", "created", "paid", "amount", "remark", "close_reason", "cancel_reason",
               "deadline", "shipping", "country", "product", "tracking", "shipped")  # fmt: skip
CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=12)
ODD_TEXT = st.sampled_from([
    "\u202eredro", "\u200b", "\ufeff12.34", "😀" * 3, "𠀀𠀁", "\u00a0", "‐", "　", "\r\n", "\\", "'", '"',
    '""', 'a"b', "=cmd|' /C calc'!A0", "@SUM(A1)", "+1", "-", "N/A", "NULL", "\x7f", "\u0085",
])  # fmt: skip


def corruptions(fmt: str) -> st.SearchStrategy[Cell]:
    limit = 32_767 if fmt == ".xls" else 300_000  # xlwt writes no longer string
    huge = st.builds(lambda ch, n: ch * n, st.sampled_from(["A", "订", "\u0301", "9", " "]),
                     st.integers(33_000 if fmt != ".xls" else 20_000, limit))  # fmt: skip
    number = st.one_of(
        st.integers(-(10**18), 10**18), st.floats(allow_nan=fmt == ".csv", allow_infinity=fmt == ".csv")
    ).map(lambda v: Typed("number", v))
    return st.one_of(
        st.just(""),
        st.just("   \t "),
        huge,
        CONTROL,
        st.builds(lambda a, b: a + b, CONTROL, st.text(max_size=8)),
        number,
        st.booleans().map(lambda v: Typed("bool", v)),
        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)).map(
            lambda v: Typed("date", v.replace(microsecond=0))
        ),
        st.sampled_from(["订单关闭", "买家取消订单", "等待您发货", "备注：请尽快"]).map(
            lambda v: Typed("gbk", v)
        ),
        ODD_TEXT,
        st.text(max_size=30),
    )


def _good_row(k: int, nonce: int, draw) -> dict[str, Cell]:
    created = START + timedelta(days=k, minutes=draw(st.integers(0, 600)))
    status = draw(st.sampled_from(["等待您发货", "等待买家付款", "订单关闭"]))
    return {
        "id": f"93{nonce:07d}{k:07d}", "status": status, "created": created.strftime("%Y.%m.%d %H:%M"),
        "paid": f"{created + timedelta(minutes=5):%Y.%m.%d %H:%M}",
        "amount": "US $12.34", "remark": f"remark {k}", "country": "Spain", "shipping": "Cainiao",
        "product": "Phone case\n数量: 1", "buyer": f"buyer{k}",
    }  # fmt: skip


@st.composite
def corrupted_exports(draw, fmt: str):
    n = draw(st.integers(2, 8))
    nonce = draw(st.integers(0, 10**7 - 1))
    rows = [_good_row(k, nonce, draw) for k in range(n)]
    bad = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    hits = []
    for r in sorted(bad):
        for key in draw(st.sets(st.sampled_from(CORRUPTIBLE), min_size=1, max_size=3)):
            rows[r][key] = draw(corruptions(fmt))
            hits.append((r, key))
    return fmt, rows, bad, hits


def _corruption_never_crashes_or_loses_good_rows(case) -> None:
    EXAMPLES_RUN["corruption"] = EXAMPLES_RUN.get("corruption", 0) + 1
    fmt, rows, bad, hits = case
    note(f"format {fmt}; corrupted (row, column): {[(r + 2, k) for r, k in hits]}")
    platform = PLATFORMS["aliexpress"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cells = [_cells(platform, row) for row in rows]
        path = write_export(folder / f"orders{fmt}", platform.headers, cells)
        db = folder / "h.duckdb"
        connect(db).close()
        before = table_contents(db)
        result = CliRunner().invoke(app, ["ingest", str(path), "--store", "s1", "--db", str(db)])
        output = result.output
        note(output[-3000:])
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert "Traceback" not in output and "internal error" not in output
        assert result.exit_code in (0, 1), (result.exit_code, output[-2000:])
        if result.exit_code == 1:
            assert path.name in output, output[-2000:]
            assert table_contents(db) == before
            tally("corruption", "refused: " + _gist(output, path))
            return
        tally("corruption", f"read {fmt}" + (", with warnings" if "warning:" in output else ""))
        con = duckdb.connect(str(db), read_only=True)
        try:
            landed = {
                r[0]: r[1:]
                for r in con.execute(
                    "select order_id, status_raw, strftime(created_at, '%Y.%m.%d %H:%M'), remark "
                    "from orders_current"
                ).fetchall()
            }
            rows_read, orders_in_file, rejected = con.execute(
                "select rows_read, orders_in_file, rows_rejected from ingested_files"
            ).fetchone()
            rejected_rows = {r[0] for r in con.execute("select row_number from rejected_rows").fetchall()}
        finally:
            con.close()
        for k, row in enumerate(rows):
            if k not in bad:  # a good row lands whole, with its own values
                assert landed.get(row["id"]) == (row["status"], row["created"], row["remark"]), (k, output)
                assert k + 2 not in rejected_rows
        assert rows_read == len(rows)
        assert orders_in_file + rejected == len(rows), output  # each corrupted row landed or was listed
        assert rejected_rows <= {k + 2 for k in bad}


def _gist(output: str, path: Path) -> str:
    """The refusal's reason without the file name, values or row numbers, for the statistics."""
    text = " ".join(output.split()).split(f"{path}: ", 1)[-1]
    for stop in (" (", ":", ","):
        text = text.split(stop, 1)[0]
    return text[:80]


@pytest.mark.parametrize("fmt", FORMATS)
def test_corrupted_cells_never_crash_and_never_lose_a_good_row(fmt: str, capsys) -> None:
    check = settings(max_examples=examples("corruption"), **SETTINGS)(
        given(case=corrupted_exports(fmt))(_corruption_never_crashes_or_loses_good_rows)
    )
    check()
    _report(capsys, "corruption")


def _report(capsys: pytest.CaptureFixture, name: str) -> None:
    with capsys.disabled():
        print(f"\n[hypothesis] {name}: {EXAMPLES_RUN.get(name, 0)} examples run")
        for outcome, count in sorted(OUTCOMES.get(name, {}).items(), key=lambda kv: -kv[1]):
            print(f"[hypothesis]   {count:4d}  {outcome}")
