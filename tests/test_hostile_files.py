"""The corpus of hostile files (tests/hostile) through the real `storehealth ingest` command.

Each file is built at test time into a temporary folder and ingested into a history that
already holds one good export, by the installed command in a child process whose address
space is capped (4 GiB), with its wall time and peak memory measured. A refused file must give
exit status 1, one paragraph naming the file, what is wrong and what to do, no traceback, and
leave every table as it was. A file that is read must land its good rows with their values,
list the rows it could not read, and neither take long nor use GBs of memory.
"""

from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests import hostile
from tests.builders import write_ali
from tests.test_bad_input import GOOD_ORDERS, assert_refused, no_traceback, table_contents

MEMORY_LIMIT = 4 << 30
GOOD_IDS = {row[0] for row in GOOD_ORDERS}  # the history's first export, which must stay as it was
# Runs `storehealth` in this interpreter and writes the process's peak RSS (KiB) on exit.
MEASURED = """
import atexit, os, resource, sys
def _peak():
    with open(os.environ["STOREHEALTH_PEAK_FILE"], "w") as fh:
        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(_peak)
sys.argv = ["storehealth", *sys.argv[1:]]
from pipeline.cli import main
main()
"""


@dataclass
class Run:
    result: subprocess.CompletedProcess
    seconds: float
    peak_mib: float


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def ingest(path: Path, db: Path, timeout: float = 180) -> Run:
    peak_file = db.with_name(db.name + ".peak")
    peak_file.unlink(missing_ok=True)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, "ingest", str(path), "--store", "s1", "--db", str(db)],
        capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory,
        env={**os.environ, "STOREHEALTH_PEAK_FILE": str(peak_file)},
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")
    return Run(result, seconds, peak)


@pytest.fixture(scope="module")
def one_export_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile_history")
    db = root / "history.duckdb"
    run = ingest(write_ali(root / "first.csv", GOOD_ORDERS), db)
    assert run.result.returncode == 0, run.result.stderr
    return db


@pytest.fixture
def history(one_export_db: Path, tmp_path: Path) -> tuple[Path, dict]:
    """A copy of the one-export history (with its salt file) and its full contents."""
    db = tmp_path / "history.duckdb"
    for source in one_export_db.parent.glob(one_export_db.name + "*"):
        if not source.name.endswith(".peak"):
            shutil.copyfile(source, tmp_path / source.name)
    return db, table_contents(db)


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def landed(db: Path, prefix: str) -> dict[str, dict]:
    """The current state of the orders whose id starts with `prefix`."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(
            "select * from orders_current where order_id like ? order by order_id", [prefix + "%"]
        )
        names = [d[0] for d in cursor.description]
        return {row[names.index("order_id")]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    finally:
        con.close()


def rejected(db: Path, name: str) -> dict[int, str]:
    return dict(query(db, "select r.row_number, r.reason from rejected_rows r join ingested_files f "
                          "using (file_id) where f.path like ?", [f"%{name}"]))  # fmt: skip


def text_anywhere(db: Path, needle: str) -> list[str]:
    """Tables and columns of the history whose text holds `needle`."""
    found = []
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() where database_name = current_database() "
            "and data_type = 'VARCHAR' and not internal"
        ).fetchall()
        for table, column in columns:
            hit = con.execute(f'select count(*) from "{table}" where contains("{column}", ?)', [needle])
            if hit.fetchone()[0]:
                found.append(f"{table}.{column}")
    finally:
        con.close()
    return found


# --- what each file of the corpus must do ----------------------------------------------------


def _refused(*mentions: str, seconds: float = 30, peak_mib: float = 700) -> Callable:
    def check(run: Run, path: Path, db: Path, before: dict) -> None:
        message = assert_refused(run.result, path.name, *mentions)
        assert table_contents(db) == before
        assert run.seconds < seconds, run.seconds
        assert run.peak_mib < peak_mib, run.peak_mib
        print(f"{path.name}: refused in {run.seconds:.1f} s, peak {run.peak_mib:.0f} MiB: {message}")

    return check


def _read(check_rows: Callable[[Path, Path, str], None], *, warnings: tuple[str, ...] = (),
          seconds: float = 60, peak_mib: float = 700) -> Callable:  # fmt: skip
    def check(run: Run, path: Path, db: Path, before: dict) -> None:
        no_traceback(run.result)
        assert run.result.returncode == 0, run.result.stderr[-3000:]
        for warning in warnings:
            assert warning in run.result.stderr, run.result.stderr[-3000:]
        check_rows(db, path, run.result.stderr)
        earlier = [row for row in table_contents(db)["orders_current"] if row[2] in GOOD_IDS]
        assert earlier == [row for row in before["orders_current"] if row[2] in GOOD_IDS]
        assert run.seconds < seconds, run.seconds
        assert run.peak_mib < peak_mib, run.peak_mib
        print(f"{path.name}: read in {run.seconds:.1f} s, peak {run.peak_mib:.0f} MiB")

    return check


def _big_cell(prefix: str, size: int) -> Callable[[Path, Path, str], None]:
    def check(db: Path, path: Path, stderr: str) -> None:
        assert set(landed(db, prefix)) == {f"{prefix}{1:014d}", f"{prefix}{3:014d}"}
        [(row, reason)] = rejected(db, path.name).items()
        assert row == 3 and "订单备注" in reason and f"{size:,} characters" in reason, reason
        assert "row 3" in stderr
        longest = query(db, "select max(length(remark)) from orders_current")[0][0] or 0
        assert longest < 1000, "the blob reached the history"

    return check


def _formulas(db: Path, path: Path, stderr: str) -> None:
    orders = landed(db, "880000000000000")
    assert set(orders) == set(hostile.FORMULA_IDS[:3])
    first, second, third = (orders[i] for i in hostile.FORMULA_IDS[:3])
    assert first["order_amount"] == Decimal("24.68")  # the value Excel saved with =12.34*2
    assert str(second["created_at"]) == "2024-03-05 14:22:00"  # =DATE()+TIME() in a date format
    assert second["remark"] == "click me"  # =HYPERLINK(...): its shown text, never the link
    assert third["remark"] is None  # =cmd|... saved as the error #REF!: an error reads as empty
    assert rejected(db, path.name) == {5: "no order id"}  # a formula saved without its value
    for formula_text in ("HYPERLINK", "evil.example", "cmd|", "DATE(", "12.34*2"):
        assert text_anywhere(db, formula_text) == [], formula_text


def _empty_rows(prefix: str) -> Callable[[Path, Path, str], None]:
    def check(db: Path, path: Path, stderr: str) -> None:
        assert len(landed(db, prefix)) == 3
        assert query(db, "select rows_read, rows_rejected from ingested_files where path like ?",
                     [f"%{path.name}"]) == [(3, 0)]  # fmt: skip

    return check


def _mismatched(db: Path, path: Path, stderr: str) -> None:
    orders = landed(db, "89")
    assert len(orders) == 20
    assert set(rejected(db, path.name)) == {3, 4, 5, 7}
    reasons = rejected(db, path.name)
    assert "33 cells where the header has 30" in reasons[3]
    assert "31 cells where the header has 30" in reasons[4] and "unquoted comma" in reasons[4]
    assert reasons[5] == "no order date"
    assert "32 cells where the header has 30" in reasons[7]
    short = orders["8900000000000001"]  # row 2: its cells stop after the order date and amount
    assert (short["status_raw"], str(short["created_at"])) == ("等待您发货", "2024-04-02 10:00:00")
    # the shifted row would have put the buyer's name in the country and a phone number in the
    # shipping method: neither may reach the history
    assert text_anywhere(db, "Maria Gonzalez") == [] and text_anywhere(db, "+34 600") == []


def _nuls(db: Path, path: Path, stderr: str) -> None:
    orders = landed(db, "90")
    assert len(orders) == 4
    assert {o["status_raw"] for o in orders.values()} == {"等待您发货"}
    assert {str(o["created_at"])[:10] for o in orders.values()} == {
        "2024-04-02", "2024-04-03", "2024-04-04", "2024-04-05"}  # fmt: skip
    assert {o["order_amount"] for o in orders.values()} == {Decimal("12.34")}


def _html_table(db: Path, path: Path, stderr: str) -> None:
    orders = landed(db, "81000000000000")
    first, second, third = (orders[i] for i in hostile.HTML_IDS)  # the first id from x:num, not 8.1E+15
    assert (first["status"], str(first["created_at"]), first["order_amount"]) == (
        "awaiting_shipment", "2024-04-01 10:00:00", Decimal("12.34"))  # fmt: skip
    assert first["remark"] == "请<尽快>发货 & 谢谢"
    assert first["product_info"] == "Phone case\n数量: 2" and first["quantity"] == 2
    assert (first["buyer_country"], first["shipping_method"]) == ("Spain", "DHL")
    assert second["status"] == "closed" and second["remark"] is None  # the merged (colspan) cell
    assert (second["buyer_country"], second["shipping_method"]) == (None, "Cainiao")
    assert third["status"] == "shipped" and third["shipping_method"] == "EMS"
    assert rejected(db, path.name) == {}
    assert "not data" not in stderr and text_anywhere(db, "not data") == []  # the script's "table"


def _xml_spreadsheet(db: Path, path: Path, stderr: str) -> None:
    orders = landed(db, "81000000000000")
    first, second = (orders[i] for i in hostile.XML_SPREADSHEET_IDS)
    assert (first["status"], first["order_amount"]) == ("awaiting_shipment", Decimal("3.00"))
    # the second row's amount is placed in column 5 by ss:Index, skipping the payment time
    assert (second["status"], second["paid_at"], second["order_amount"]) == (
        "awaiting_payment", None, Decimal("4.00"))  # fmt: skip


EXPECT: dict[str, Callable] = {
    "zip_bomb.xlsx": _refused("unpacks to 1,536 MiB", "at most 1,024 MiB", "shorter date range"),
    "zip_bomb_declares_1000_bytes.xlsx": _refused("damaged", "larger packed than its declared size"),
    "zip_bomb_declares_3x_packed.xlsx": _refused("zip bomb", "unpacks to more than the 15,728,640 bytes"),
    "zip_bomb_512mib.xlsx": _refused("zip bomb", "packed 337:1"),
    "big_cell_100mib.csv": _read(_big_cell("84", 100 << 20), peak_mib=1024),
    "one_cell_100mib.csv": _refused("first line is longer than 256 KiB"),
    "big_cell_1mib.xlsx": _read(_big_cell("85", 1 << 20)),
    "formulas.xlsx": _read(_formulas),
    # every row holds two '' cells: calamine keeps the whole 1,048,576 x 30 range (as it would
    # for a sheet of real orders that size)
    "empty_rows_empty_strings.xlsx": _read(_empty_rows("86"), peak_mib=1600),
    "empty_rows_formatted.xlsx": _read(_empty_rows("86")),
    "empty_rows_last_cell.xlsx": _read(_empty_rows("86")),
    "empty_rows.csv": _read(_empty_rows("87"), peak_mib=1024),
    "mismatched_columns.csv": _read(_mismatched),
    "nul_embedded.csv": _read(_nuls, warnings=("16 NUL bytes inside the text were removed",)),
    "nul_zero_tail.csv": _refused("65,536 zero bytes at its end", "cut short"),
    "nul_zero_head.csv": _refused("4,096 zero bytes from byte 0", "cut short"),
    "html_table.xls": _read(_html_table),
    "xml_spreadsheet.xls": _read(_xml_spreadsheet),
    "html_without_table.xls": _refused("web page", "holds no table of orders"),
    "html_other_table.xls": _refused("headers match no known platform", "SKU, Title, Stock"),
    "far_cell.xlsx": _refused("XFD1048576", "17,179,869,184 cells", "Ctrl+End"),
    "far_cell_corners.xlsx": _refused("XFD1048576", "Ctrl+End"),
    "far_dimension.xlsx": _read(lambda db, path, stderr: _check_count(db, "95", 3)),
    "blank_lines_2m.csv": _read(lambda db, path, stderr: _blank_lines(db, path), seconds=20, peak_mib=700),
}


def _check_count(db: Path, prefix: str, count: int) -> None:
    assert len(landed(db, prefix)) == count


def _blank_lines(db: Path, path: Path) -> None:
    """2 M lines of spaces are empty lines: dropped, the rows after them numbered as in the file."""
    assert len(landed(db, "97")) == 4
    assert list(rejected(db, path.name)) == [hostile.BLANK_LINES + 6]


def test_every_hostile_file_has_an_expected_outcome() -> None:
    assert set(EXPECT) == set(hostile.CORPUS)


@pytest.mark.parametrize("name", sorted(hostile.CORPUS))
def test_hostile_file(name: str, tmp_path: Path, history, capsys) -> None:
    db, before = history
    folder = tmp_path / "in"
    folder.mkdir()
    path = hostile.CORPUS[name](folder / name)
    run = ingest(path, db)
    with capsys.disabled():
        EXPECT[name](run, path, db, before)


def test_a_refused_hostile_file_leaves_the_next_ingest_working(tmp_path: Path, history) -> None:
    """After a zip bomb and a zero-filled file are refused, a good export lands as usual."""
    db, _ = history
    for name in ("zip_bomb.xlsx", "nul_zero_tail.csv"):
        assert ingest(hostile.CORPUS[name](tmp_path / name), db).result.returncode == 1
    good = ingest(hostile.html_table_xls(tmp_path / "orders.xls"), db)
    assert good.result.returncode == 0, good.result.stderr
    assert len(landed(db, "81000000000000")) == 3 + 3  # the first export's and the page's


def test_rows_padded_alike_land_but_a_shifted_row_is_rejected_even_in_a_small_file(
    tmp_path: Path, history
) -> None:
    """Every row one empty cell longer than the header is a writer's habit: the rows land. In
    a two-row file, the one row an unquoted comma lengthened is still caught."""
    db, _ = history
    padded = tmp_path / "padded.csv"
    with padded.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([hostile.ALI_HEADERS, *([*row, ""] for row in hostile.orders(5, "92"))])
    run = ingest(padded, db)
    assert run.result.returncode == 0, run.result.stderr
    assert len(landed(db, "92")) == 5 and rejected(db, padded.name) == {}

    two = tmp_path / "two.csv"
    first, second = hostile.orders(2, "93")
    second[hostile.REMARK : hostile.REMARK + 1] = ["fragile", " handle with care"]
    with two.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([hostile.ALI_HEADERS, first, second])
    run = ingest(two, db)
    assert run.result.returncode == 0, run.result.stderr
    assert set(landed(db, "93")) == {first[0]}
    assert "31 cells where the header has 30" in rejected(db, two.name)[3]
