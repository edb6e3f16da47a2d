"""Bad input through the real `storehealth` command (SPEC sections 3 and 5).

Every refused file must give exit status 1, a one-paragraph message on stderr that names the
file (and the row, where there is one) and says what to do, no traceback, and leave the history
database exactly as it was. Usage mistakes give exit status 2. Each test starts from a database
that already holds one good export and compares every table's full contents before and after.
"""

from __future__ import annotations

import random
import re
import resource
import shutil
import struct
import subprocess
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pipeline.readers import SUPPORTED_SUFFIXES
from tests.builders import ALI_HEADERS, ali_row, table_contents, write_ali, write_rows

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
# A reader bug must not take the test machine down: each command gets this much address space.
MEMORY_LIMIT = 4 << 30

# Verbs that start the "what to do" sentence a refusal ends with.
FIX_VERBS = {
    "export", "save", "open", "check", "fix", "give", "use", "correct", "ingest", "run", "delete",
    "describe", "split", "add", "remove", "rename", "try", "download",
}  # fmt: skip

GOOD_ORDERS = [
    ali_row(id="8100000000000001", status="等待您发货", created="2024.03.05 14:22",
            paid="2024.03.05 14:30", deadline="2024-03-12"),
    ali_row(id="8100000000000002", status="订单关闭", created="2024.03.06 10:00",
            paid="2024.03.06 10:05", cancel_reason="商品缺货"),
    ali_row(id="8100000000000003", status="等待买家收货", created="2024.03.07 09:00",
            paid="2024.03.07 09:10", shipped="2024.03.08 11:00",
            tracking="Cainiao:LP00123456789"),
]  # fmt: skip


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def storehealth(*args: object, db: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed `storehealth ARGS --db DB` as a seller would, capturing both streams."""
    return subprocess.run(
        [str(STOREHEALTH), *map(str, args), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )



def no_traceback(result: subprocess.CompletedProcess) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream, stream[-2000:]
        assert "stack backtrace" not in stream, stream[:600]  # a Rust panic or abort in a reader
    assert "internal error" not in result.stderr, result.stderr


def assert_refused(result: subprocess.CompletedProcess, *mentions: str) -> str:
    """Exit 1 with one actionable paragraph on stderr that mentions each of `mentions`."""
    no_traceback(result)
    assert result.returncode == 1, (result.returncode, result.stderr)
    message = result.stderr.strip()
    assert message, "no message on stderr"
    assert "\n\n" not in message, f"more than one paragraph:\n{message}"
    for mention in mentions:
        assert mention in message, f"{mention!r} not in:\n{message}"
    last_sentence = re.split(r"(?<=\.)\s+", message.rstrip("."))[-1]
    verb = re.match(r"\W*(\w+)", last_sentence)
    assert verb and verb.group(1).lower() in FIX_VERBS, f"does not end saying what to do:\n{message}"
    return message


def assert_usage_error(result: subprocess.CompletedProcess, *mentions: str) -> None:
    no_traceback(result)
    assert result.returncode == 2, (result.returncode, result.stderr)
    for mention in mentions:
        assert mention in result.stderr, f"{mention!r} not in:\n{result.stderr}"


@pytest.fixture(scope="module")
def one_export_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A history holding one good AliExpress export (three orders), built once per module."""
    root = tmp_path_factory.mktemp("one_export")
    db = root / "history.duckdb"
    result = storehealth("ingest", write_ali(root / "first.csv", GOOD_ORDERS), "--store", "s1", db=db)
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def history(one_export_db: Path, db_path: Path) -> dict[str, list[tuple]]:
    """Copy the one-export history to this test's db_path; returns its full contents."""
    shutil.copyfile(one_export_db, db_path)
    before = table_contents(db_path)
    assert len(before["orders_current"]) == 3 and len(before["ingested_files"]) == 1
    return before


def refuse_whole(path: Path, db: Path, before: dict, *extra: str, mentions: tuple[str, ...] = ()) -> str:
    """Ingest `path`, expect a refusal naming the file, and the history unchanged."""
    result = storehealth("ingest", path, "--store", "s1", *extra, db=db)
    message = assert_refused(result, path.name, *mentions)
    assert table_contents(db) == before
    return message


def new_orders(n: int, prefix: str = "82") -> list[list[str]]:
    """`n` paid orders awaiting shipment, ids `<prefix>000…001` on, one an hour from 1 April."""
    start = datetime(2024, 4, 1, 10, 0)
    rows = []
    for k in range(1, n + 1):
        created = start + timedelta(hours=k)
        rows.append(
            ali_row(id=f"{prefix}{k:014d}", status="等待您发货", created=f"{created:%Y.%m.%d %H:%M}",
                    paid=f"{created + timedelta(minutes=5):%Y.%m.%d %H:%M}")
        )  # fmt: skip
    return rows


# --- damaged workbooks -----------------------------------------------------------------------


def test_truncated_xlsx_is_refused(tmp_path: Path, db_path: Path, history) -> None:
    whole = write_ali(tmp_path / "whole.xlsx", new_orders(20)).read_bytes()
    path = tmp_path / "orders.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    refuse_whole(path, db_path, history)


def _corrupt(data: bytes, start_fraction: float, block: bytes) -> bytes:
    start = int(len(data) * start_fraction)
    return data[:start] + block + data[start + len(block) :]


@pytest.mark.parametrize(
    "corruption",
    [
        pytest.param(lambda data: _corrupt(data, 0.5, b"\xff" * 2048), id="ff-block-in-the-middle"),
        pytest.param(
            lambda data: _corrupt(data, 0.25, random.Random(1).randbytes(2048)),
            id="random-block-at-a-quarter",
        ),
        # calamine reads these two without an error but returns 28 and 125 of the 200 rows
        pytest.param(lambda data: _corrupt(data, 0.3, random.Random(1).randbytes(2048)), id="random-block-a"),
        pytest.param(lambda data: _corrupt(data, 0.3, random.Random(3).randbytes(2048)), id="random-block-b"),
        pytest.param(
            lambda data: data[: len(data) // 2] + bytes(len(data) - len(data) // 2),
            id="second-half-zeroed",  # an interrupted download into a pre-allocated file
        ),
    ],
)
def test_corrupt_xls_is_refused(tmp_path: Path, db_path: Path, history, corruption) -> None:
    whole = write_ali(tmp_path / "whole.xls", new_orders(200)).read_bytes()
    path = tmp_path / "orders.xls"
    path.write_bytes(corruption(whole))
    refuse_whole(path, db_path, history)


def test_refusal_message_is_plain_text(tmp_path: Path, db_path: Path, history) -> None:
    """The message is meant for a person: no console markup such as `[red]…[/]` in it."""
    path = tmp_path / "orders.csv"
    path.write_bytes(b"")
    ingest = storehealth("ingest", path, "--store", "s1", db=db_path)
    broken = tmp_path / "broken.toml"
    broken.write_text("[columns\n", encoding="utf-8")
    mapping = storehealth("ingest", path, "--store", "s1", "--platform", "generic", "--mapping", broken,
                          db=db_path)  # fmt: skip
    for result in (ingest, mapping):
        assert_refused(result)
        assert "[red]" not in result.stderr and "[/]" not in result.stderr, result.stderr


# --- files that are not order exports ---------------------------------------------------------


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_empty_file_is_refused(tmp_path: Path, db_path: Path, history, suffix: str) -> None:
    path = tmp_path / f"orders{suffix}"
    path.write_bytes(b"")
    refuse_whole(path, db_path, history, mentions=("empty",))


def _png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    pixels = zlib.compress(b"".join(b"\x00" + bytes(range(48)) for _ in range(16)))
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _zip(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook\n" * 50)
        archive.writestr("orders/orders.csv", "订单号,订单状态,下单时间\n1,等待您发货,2024.03.05 14:22\n")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("photo.csv", lambda tmp: _png()),
        ("photo.xlsx", lambda tmp: _png()),
        ("archive.xlsx", lambda tmp: _zip(tmp / "archive.zip")),
        ("archive.csv", lambda tmp: _zip(tmp / "archive.zip")),
        ("noise.csv", lambda tmp: random.Random(2).randbytes(20_000)),
        ("noise.xlsx", lambda tmp: random.Random(3).randbytes(20_000)),
        ("noise.xls", lambda tmp: random.Random(4).randbytes(20_000)),
    ],
)
def test_non_spreadsheet_is_refused(tmp_path: Path, db_path: Path, history, name: str, make) -> None:
    path = tmp_path / name
    path.write_bytes(make(tmp_path))
    refuse_whole(path, db_path, history)


@pytest.mark.parametrize(
    "page",
    [
        pytest.param("<!DOCTYPE html>\n<html><head><meta charset='utf-8'></head><body><h1>Orders</h1>"
                     "<p>Your session has expired. Please sign in again.</p></body></html>", id="doctype"),
        pytest.param('<html xmlns:o="urn:schemas-microsoft-com:office:office" '
                     'xmlns:x="urn:schemas-microsoft-com:office:excel"><body></body></html>',
                     id="excel-html"),
        pytest.param("<!-- saved from url=(0045)https://gsp.aliexpress.com/apps/order/index -->\n"
                     "<html><head><title>Orders</title><script>var t='<table>';</script></head>"
                     "<body><div id='app'></div></body></html>", id="browser-save-as"),
    ],
)  # fmt: skip
def test_web_page_saved_as_xls_without_a_table_is_refused(
    tmp_path: Path, db_path: Path, history, page: str
) -> None:
    """A page that holds a table of orders is read (tests/test_hostile_files.py); one without is not."""
    path = tmp_path / "orders.xls"
    path.write_text(page, encoding="utf-8")
    message = refuse_whole(path, db_path, history)
    assert "web page" in message and "no table" in message


# --- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_missing_required_column_is_named(tmp_path: Path, db_path: Path, history, suffix: str) -> None:
    keep = [k for k, h in enumerate(ALI_HEADERS) if h != "下单时间"]
    rows = [[row[k] for k in keep] for row in new_orders(3)]
    path = write_rows(tmp_path / f"orders{suffix}", [ALI_HEADERS[k] for k in keep], rows)
    refuse_whole(path, db_path, history, mentions=("下单时间",))


def test_headers_of_no_platform_suggest_a_mapping(tmp_path: Path, db_path: Path, history) -> None:
    # Amazon's order report: no built-in platform (Shopify's orders_export.csv now is one)
    path = write_rows(
        tmp_path / "amazon.csv",
        ["amazon-order-id", "purchase-date", "order-status", "item-price"],
        [["113-1234567-1234567", "2024-04-01T10:00:00+00:00", "Shipped", "12.00"]],
    )
    refuse_whole(path, db_path, history, mentions=("--platform generic --mapping",))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".xls"])
def test_header_only_file_is_refused(tmp_path: Path, db_path: Path, history, suffix: str) -> None:
    path = write_ali(tmp_path / f"orders{suffix}", [])
    refuse_whole(path, db_path, history, mentions=("no order rows",))


# --- rows ------------------------------------------------------------------------------------


def _closed_copy(row: list[str]) -> list[str]:
    """The same order as `row`, but closed for lack of stock."""
    closed = list(row)
    closed[ALI_HEADERS.index("订单状态")] = "订单关闭"
    closed[ALI_HEADERS.index("取消原因")] = "商品缺货"
    return closed


def test_same_order_twice_with_different_states_refuses_the_file(
    tmp_path: Path, db_path: Path, history
) -> None:
    rows = new_orders(3)
    rows.append(_closed_copy(rows[0]))
    path = write_ali(tmp_path / "orders.csv", rows)
    refuse_whole(path, db_path, history, mentions=(rows[0][0], "row 2", "row 5"))


def test_conflict_across_sheets_names_both_sheets(tmp_path: Path, db_path: Path, history) -> None:
    """A large export spreads over sheets: 'row 2 and row 3' alone does not say where to look."""
    rows = new_orders(5)
    rows.insert(4, _closed_copy(rows[0]))  # Sheet2, row 3
    path = write_ali(tmp_path / "orders.xlsx", rows, sheet_rows=3)
    refuse_whole(path, db_path, history, mentions=(rows[0][0], "Sheet1", "Sheet2", "row 2", "row 3"))


def test_file_where_no_row_can_be_read_is_refused(tmp_path: Path, db_path: Path, history) -> None:
    rows = [ali_row(id=f"870000000000000{k}", status="等待您发货", created="not yet") for k in range(3)]
    path = write_ali(tmp_path / "orders.csv", rows)
    refuse_whole(path, db_path, history, mentions=("row 2",))


BAD_ROWS = {
    3: ali_row(id="8300000000000002", status="等待您发货", created="2024.13.45 99:99"),
    5: ali_row(id="8300000000000004", status="等待您发货", created="2024.04.04 10:00",
               amount="US $twelve"),
    6: ali_row(id="8300000000000005", status="等待您发货", created="2024.04.05 10:00",
               paid="yesterday"),
    8: ali_row(id="", status="等待您发货", created="2024.04.07 10:00"),
}  # fmt: skip


def _file_with_bad_rows(path: Path) -> Path:
    """Rows 2-8 (the header is row 1); rows 3, 5, 6 and 8 cannot be read."""
    rows = []
    for row_number in range(2, 9):
        k = row_number - 1
        rows.append(
            BAD_ROWS.get(row_number)
            or ali_row(id=f"83000000000000{k:02d}", status="等待您发货", created=f"2024.04.{k:02d} 10:00")
        )
    return write_ali(path, rows)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_unreadable_rows_are_rejected_and_the_rest_lands(
    tmp_path: Path, db_path: Path, history, query, suffix: str
) -> None:
    path = _file_with_bad_rows(tmp_path / f"orders{suffix}")
    result = storehealth("ingest", path, "--store", "s1", db=db_path)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    for row_number in BAD_ROWS:
        assert f"row {row_number}" in result.stderr, result.stderr
    landed = {r[0] for r in query("select order_id from orders_current where order_id like '83%'")}
    assert landed == {"8300000000000001", "8300000000000003", "8300000000000006"}
    rejected = query(
        "select r.row_number, r.order_id, r.reason from rejected_rows r "
        "join ingested_files f using (file_id) where f.path like ? order by 1",
        [f"%{path.name}"],
    )
    assert [(r[0], r[1]) for r in rejected] == [(n, BAD_ROWS[n][0] or None) for n in sorted(BAD_ROWS)]
    assert "2024.13.45 99:99" in rejected[0][2] and "date" in rejected[0][2]
    assert "twelve" in rejected[1][2] and "amount" in rejected[1][2]
    assert "yesterday" in rejected[2][2]
    assert "order id" in rejected[3][2]
    assert query("select rows_read, rows_rejected from ingested_files where path like ?",
                 [f"%{path.name}"]) == [(7, 4)]  # fmt: skip


def test_strict_refuses_a_file_with_unreadable_rows(tmp_path: Path, db_path: Path, history) -> None:
    path = _file_with_bad_rows(tmp_path / "orders.csv")
    message = refuse_whole(path, db_path, history, "--strict", mentions=("row 3",))
    assert "--strict" in message


def _with_raw_remarks(path: Path, rows: list[list[str]], remarks: dict[int, str], **kwargs) -> Path:
    """An AliExpress .csv whose remark cells in `remarks` (by index into `rows`) are written
    as they stand, unquoted, the way a careless exporter writes a buyer's text."""
    marked = [list(r) for r in rows]
    for index in remarks:
        marked[index][ALI_HEADERS.index("订单备注")] = f"REMARK{index}"
    write_ali(path, marked, **kwargs)
    encoding = kwargs.get("encoding", "utf-8-sig")
    text = path.read_text(encoding=encoding)
    for index, remark in remarks.items():
        text = text.replace(f"REMARK{index}", remark)
    path.write_text(text, encoding=encoding, newline="")
    return path


def _plain_orders(n: int) -> list[list[str]]:
    """New orders whose cells need no quotes (no comma in the address)."""
    rows = new_orders(n, prefix="84")
    for row in rows:
        row[ALI_HEADERS.index("收货地址")] = "Calle Mayor 5 Madrid"
    return rows


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_quote_left_open_to_the_end_of_the_file_is_refused(
    tmp_path: Path, db_path: Path, history, encoding: str
) -> None:
    """A remark starting with a quote mark that never closes swallows every line after it
    into one cell: the file is refused, naming the row and the line, rather than landing the
    first two orders and silently losing the other five."""
    path = _with_raw_remarks(tmp_path / "open_quote.csv", _plain_orders(7), {2: '"fragile 易碎 pack well'},
                             encoding=encoding)  # fmt: skip
    message = refuse_whole(path, db_path, history, mentions=("row 4", "quote mark", "line 5", "lost"))
    assert "lines 6 to 9" in message  # the header row takes lines 1 and 2


def test_quote_closed_by_a_later_rows_quoted_cell_is_refused(tmp_path: Path, db_path: Path, history) -> None:
    """The stray quote runs on to the next quote mark, two rows down, which opens a product
    cell: the row between would vanish into the remark."""
    rows = _plain_orders(6)
    rows[4][ALI_HEADERS.index(ALI_HEADERS[11])] = "【1】 Phone case\n(产品数量: 1)"
    path = _with_raw_remarks(tmp_path / "late_close.csv", rows, {2: '"call before delivery'})
    refuse_whole(path, db_path, history, mentions=("row 4", "line 5", "quote mark"))


def test_stray_quote_closed_on_its_own_line_rejects_only_that_row(
    tmp_path: Path, db_path: Path, history, query
) -> None:
    """A quote that closes on the same line garbles only its row (rejected for its cell count);
    a quote inside a cell (5" screen) is text; a product list over several lines is fine."""
    rows = new_orders(4, prefix="85")  # the address cells hold commas, so they are quoted
    rows[0][ALI_HEADERS.index(ALI_HEADERS[11])] = "【1】 Phone case\n(产品数量: 1)\n(单价: $3.10)"
    path = _with_raw_remarks(tmp_path / "own_line.csv", rows, {1: '"urgent', 3: 'for a 5" screen'})
    result = storehealth("ingest", path, "--store", "s1", db=db_path)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "row 3" in result.stderr and "quote mark" in result.stderr, result.stderr
    landed = dict(query("select order_id, remark from orders_current where order_id like '85%'"))
    assert set(landed) == {"8500000000000001", "8500000000000003", "8500000000000004"}
    assert landed["8500000000000004"] == 'for a 5" screen'


# --- mapping files ---------------------------------------------------------------------------

GENERIC_HEADERS = ["id", "state", "placed"]
GENERIC_ROWS = [["G-1", "open", "2024-04-01 10:00"], ["G-2", "done", "2024-04-02 11:00"]]
GOOD_MAPPING = """
[columns]
order_id = "id"
status = "state"
created_at = "placed"

[status]
open = "awaiting_shipment"
done = "completed"
"""


def test_good_mapping_lands(tmp_path: Path, db_path: Path, history, query) -> None:
    """The control for the broken mappings below: the same data file with a sound mapping."""
    data = write_rows(tmp_path / "erp.csv", GENERIC_HEADERS, GENERIC_ROWS)
    mapping = tmp_path / "erp.toml"
    mapping.write_text(GOOD_MAPPING, encoding="utf-8")
    result = storehealth("ingest", data, "--store", "erp", "--platform", "generic", "--mapping", mapping,
                         db=db_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert query("select order_id, status from orders_current where store = 'erp' order by 1") == [
        ("G-1", "awaiting_shipment"),
        ("G-2", "completed"),
    ]


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        pytest.param('[columns]\norder_id = "id\nstatus = "state"\n', ("TOML", "line 2"), id="invalid-toml"),
        pytest.param(GOOD_MAPPING.replace('"completed"', '"finished_ok"'), ("done", "finished_ok"),
                     id="unknown-status-code"),
        pytest.param(GOOD_MAPPING + '\n[cancel_reason]\n"no stock" = "no_stock"\n', ("no stock", "no_stock"),
                     id="unknown-reason-code"),
        pytest.param(GOOD_MAPPING.replace('order_id = "id"\n', ""), ("[columns]", "order_id"),
                     id="no-order-id-column"),
    ],
)  # fmt: skip
def test_broken_mapping_file_is_named_with_its_key(
    tmp_path: Path, db_path: Path, history, text: str, mentions: tuple[str, ...]
) -> None:
    data = write_rows(tmp_path / "erp.csv", GENERIC_HEADERS, GENERIC_ROWS)
    mapping = tmp_path / "erp-mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    result = storehealth("ingest", data, "--store", "erp", "--platform", "generic", "--mapping", mapping,
                         db=db_path)  # fmt: skip
    assert_refused(result, mapping.name, *mentions)
    assert table_contents(db_path) == history


# --- several files ---------------------------------------------------------------------------


@pytest.mark.parametrize("given_as", ["files", "folder"])
def test_one_bad_file_among_several(tmp_path: Path, db_path: Path, history, query, given_as: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    first = write_ali(folder / "a_first.csv", new_orders(2, prefix="84"))
    bad = folder / "b_broken.xlsx"
    whole = write_ali(tmp_path / "whole.xlsx", new_orders(20, prefix="85")).read_bytes()
    bad.write_bytes(whole[: len(whole) // 2])
    last = write_ali(folder / "c_last.xlsx", new_orders(3, prefix="86"))
    paths = [first, bad, last] if given_as == "files" else [folder]
    result = storehealth("ingest", *paths, "--store", "s1", db=db_path)
    no_traceback(result)
    assert result.returncode == 1, result.stderr
    assert bad.name in result.stderr
    landed = [r[0] for r in query("select path from ingested_files order by file_id")]
    assert [Path(p).name for p in landed] == ["first.csv", first.name, last.name]
    assert query("select left(order_id, 2), count(*) from orders_current group by 1 order by 1") == [
        ("81", 3), ("84", 2), ("86", 3),
    ]  # fmt: skip


# --- usage errors: exit 2 --------------------------------------------------------------------


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    return write_ali(tmp_path / "orders.csv", new_orders(2))


@pytest.mark.parametrize(
    ("options", "mention"),
    [
        pytest.param(["--store", "s1", "--platform", "amazon"], "amazon", id="unknown-platform"),
        pytest.param(["--store", "s1", "--platform", "generic"], "--mapping", id="generic-without-mapping"),
        pytest.param(["--store", "../../etc"], "../../etc", id="store-dotdot"),
        pytest.param(["--store", "a/b"], "a/b", id="store-slash"),
        pytest.param(["--store", "s1", "--platform", "ebay", "--mapping", "m.toml"], "--mapping",
                     id="mapping-without-generic"),
        pytest.param(["--store", "a\\b"], "store", id="store-backslash"),
        pytest.param(["--store", "[bold]x"], "[bold]x", id="store-looks-like-markup"),
        pytest.param(["--store", "[/x]"], "[/x]", id="store-closing-tag"),
        pytest.param(["--store", ""], "store", id="store-empty"),
        pytest.param(["--store", "s1", "--exported-at", "2024-13-45"], "2024-13-45", id="exported-at-13"),
        pytest.param(["--store", "s1", "--exported-at", "05/03/2024"], "05/03/2024", id="exported-at-dmy"),
        pytest.param(["--store", "s1", "--exported-at", "yesterday"], "yesterday", id="exported-at-word"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2(
    db_path: Path, history, good_file: Path, options: list[str], mention: str
) -> None:
    result = storehealth("ingest", good_file, *options, db=db_path)
    assert_usage_error(result, mention)
    assert table_contents(db_path) == history


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda tmp: ([tmp / "no-such-export.xls"], "no-such-export.xls"), id="file"),
        pytest.param(lambda tmp: ([f"{tmp}/exports-*.xls"], "exports-*.xls"), id="glob"),
        pytest.param(lambda tmp: ([tmp / "orders[/old].xls"], "orders[/old].xls"), id="brackets-in-name"),
        pytest.param(lambda tmp: ([_folder_with(tmp / "notes", "a.md")], "notes"), id="empty-folder"),
        pytest.param(lambda tmp: ([write_ali(tmp / "o.csv", new_orders(1)), "--platform", "generic",
                                   "--mapping", tmp / "no-such-mapping.toml"], "no-such-mapping.toml"),
                     id="mapping-file"),
    ],
)  # fmt: skip
def test_missing_path_is_a_usage_error(tmp_path: Path, db_path: Path, history, build) -> None:
    args, mention = build(tmp_path)
    result = storehealth("ingest", *args, "--store", "s1", db=db_path)
    assert_usage_error(result, mention)
    assert table_contents(db_path) == history


def _folder_with(folder: Path, name: str) -> Path:
    folder.mkdir()
    (folder / name).write_text("# notes\n", encoding="utf-8")
    return folder


def test_missing_store_option_is_a_usage_error(db_path: Path, history, good_file: Path) -> None:
    result = storehealth("ingest", good_file, db=db_path)
    assert_usage_error(result, "--store")
    assert table_contents(db_path) == history
