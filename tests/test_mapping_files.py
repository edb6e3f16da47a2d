"""Mapping files from hostile or careless hands: each mistake named, nothing ingested, fast."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from tests.builders import write_rows
from tests.test_bad_input import assert_refused, no_traceback, storehealth

HEADERS = ["order", "state", "created", "paid"]
ROWS = [
    ["E1", "yes", "2024-03-01 10:00:00", "2024-03-01 10:05:00"],
    ["E2", "01", "2024-03-01 11:00:00", ""],
    ["E3", "on", "2024-03-01 12:00:00", ""],
]
GOOD_COLUMNS = 'order_id: order\nstatus: state\ncreated_at: created\npaid_at: paid\n'


def nothing_landed(db: Path) -> bool:
    if not db.exists():
        return True
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from orders_current").fetchone()[0] == 0
    finally:
        con.close()


def ingest(tmp_path: Path, db: Path, mapping_text: str, suffix: str = ".yaml"):
    export = write_rows(tmp_path / "erp.csv", HEADERS, ROWS)
    mapping = tmp_path / f"mapping{suffix}"
    mapping.write_text(mapping_text, encoding="utf-8")
    return storehealth("ingest", export, "--store", "erp", "--platform", "generic", "--mapping", mapping,
                       db=db, timeout=60)  # fmt: skip


def test_yaml_keys_are_text_not_booleans_or_numbers(tmp_path: Path, db_path: Path, query) -> None:
    text = "columns:\n  " + GOOD_COLUMNS.replace("\n", "\n  ").rstrip() + (
        "\nstatus:\n  yes: completed\n  '01': awaiting_payment\n  01: awaiting_payment\n  on: closed\n"
    )
    result = ingest(tmp_path, db_path, text)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert query("select order_id, status from orders_current order by 1") == [
        ("E1", "completed"), ("E2", "awaiting_payment"), ("E3", "closed"),
    ]  # fmt: skip


def test_yaml_billion_laughs_is_refused_at_once(tmp_path: Path, db_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for k in range(1, 10):
        prev, name = chr(ord("a") + k - 1), chr(ord("a") + k)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    lines.append("columns: *j")
    started = time.monotonic()
    result = ingest(tmp_path, db_path, "\n".join(lines) + "\n")
    assert time.monotonic() - started < 20
    assert_refused(result, "mapping.yaml", "not allowed")
    assert nothing_landed(db_path)


def test_a_huge_value_is_not_echoed(tmp_path: Path, db_path: Path) -> None:
    huge = "x" * 200_000
    text = f'[columns]\norder_id = "order"\nstatus = "state"\ncreated_at = "created"\npaid_at = "{huge}"\n' \
           '[status]\nyes = "completed"\n"01" = "awaiting_payment"\non = "closed"\n'
    message = assert_refused(ingest(tmp_path, db_path, text, ".toml"), "paid_at")
    assert len(message) < 1500


def test_a_file_larger_than_any_mapping_is_refused(tmp_path: Path, db_path: Path) -> None:
    text = "# padding\n" * 200_000 + '[columns]\norder_id = "order"\ncreated_at = "created"\n'
    message = assert_refused(ingest(tmp_path, db_path, text, ".toml"), "few dozen lines")
    assert len(message) < 600


@pytest.mark.parametrize(("text", "mentions"), [
    # wrong types
    ('source = "x"\n[columns]\norder_id = "order"\ncreated_at = "created"\n', ("[source] must be a table",)),
    ('status = "x"\n[columns]\norder_id = "order"\ncreated_at = "created"\n', ("[status] must be a table",)),
    ('[columns]\norder_id = 5\ncreated_at = "created"\n', ("[columns] order_id must name a source column",)),
    # typos
    ('[colums]\norder_id = "order"\ncreated_at = "created"\n', ("'colums' is not a table",)),
    ('[columns]\norder_id = "order"\ncreated_at = "created"\n[source]\ncurency = "EUR"\n',
     ("'curency' is not a setting",)),
    ('[columns]\norder_id = "order"\nstatus = "state"\ncreated_at = "created"\n'
     '[status]\nyes = { status = "closed", cuase = "other" }\n', ("'cuase' is not a key",)),
    ('[columns]\norder_id = "order"\nstatus = "state"\ncreated_at = "created"\n[status]\nyes = "shiped"\n',
     ("'shiped' is not a status code",)),
    # several mistakes: each named in the one message
    ('[colums]\nx = 1\n[columns]\norder_id = "order"\nstaus = "state"\n',
     ("'colums' is not a table", "'staus' is not a field", "must map created_at")),
])  # fmt: skip
def test_mistakes_are_named_by_their_key(tmp_path: Path, db_path: Path, text: str, mentions) -> None:
    assert_refused(ingest(tmp_path, db_path, text, ".toml"), "mapping.toml", *mentions)
    assert nothing_landed(db_path)


def test_a_mapped_column_the_file_lacks_is_refused(tmp_path: Path, db_path: Path) -> None:
    text = ('[columns]\norder_id = "order"\nstatus = "state"\ncreated_at = "created"\npaid_at = "payed"\n'
            '[status]\nyes = "completed"\n"01" = "awaiting_payment"\non = "closed"\n')  # fmt: skip
    message = assert_refused(ingest(tmp_path, db_path, text, ".toml"), "erp.csv", "paid_at = 'payed'")
    assert "order, state, created, paid" in message
    assert nothing_landed(db_path)
