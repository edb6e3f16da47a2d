"""No buyer name, e-mail, phone or address reaches the database, a report, a log or an export.

Exports full of distinctive personal values go through the real commands; then every file
they produced is searched as raw bytes (UTF-8 and UTF-16), and every text column of every
table through SQL. A positive control (the buyer's remark, which is kept) shows that the byte
search does find stored text.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb

from tests.builders import EBAY_HEADERS, ali_row, ebay_row, table, write_ali, write_rows

REPO = Path(__file__).resolve().parents[1]
STOREHEALTH = REPO / ".venv" / "bin" / "storehealth"
T = "2024.03.05 10:00"
PERSONAL = {
    "buyer": "Zhangsan Probeperson", "email": "pii.probe.7731@example.com", "phone": "+86 138 7731 0099",
    "mobile": "139-7731-0042", "address": "88 Probestraat Apt 7731", "receiver": "Lisi Probereceiver",
}  # fmt: skip
EBAY_PERSONAL = {
    "Buyer Username": "probe_user_7731", "Buyer Name": "Wangwu Probebuyer",
    "Buyer Email": "wangwu.7731@example.org", "Buyer Address 1": "7731 Probe Avenue",
    "Ship To Name": "Zhaoliu Probeship", "Ship To Phone": "+1 555 7731 123",
}  # fmt: skip
REMARK = "probe remark kept 7731"


def command(*args: str, log: Path) -> None:
    result = subprocess.run([str(STOREHEALTH), *args], capture_output=True, text=True, timeout=600)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(result.stdout + result.stderr)
    assert result.returncode in (0, 3), result.stdout + result.stderr


def test_personal_data_never_leaves_the_export(tmp_path: Path) -> None:
    db, log, out = tmp_path / "history.duckdb", tmp_path / "run.log", tmp_path / "reports"
    ali = [
        ali_row(id=f"77310{i}", status="等待您发货", created=T, paid=T, deadline="2024-03-12", remark=REMARK,
                **PERSONAL)
        for i in range(20)
    ]  # fmt: skip
    for store in ("ali", "eb"):
        (tmp_path / "exports" / store).mkdir(parents=True)
    ali_file = write_ali(tmp_path / "exports" / "ali" / "orders.xlsx", ali)
    ebay = [ebay_row(str(i), f"12-7731{i}-00001", **{"Paid On Date": "Mar-05-24"}, **EBAY_PERSONAL)
            for i in range(20)]  # fmt: skip
    ebay_path = tmp_path / "exports" / "eb" / "orders.csv"
    ebay_file = write_rows(ebay_path, EBAY_HEADERS, table(EBAY_HEADERS, ebay))

    command("ingest", str(ali_file), "--store", "ali", "--db", str(db), "--json", log=log)
    command("ingest", str(ebay_file), "--store", "eb", "--db", str(db), log=log)
    command("status", "--db", str(db), log=log)
    command("status", "--db", str(db), "--json", log=log)
    command("metrics", "--all", "--from", "2024-03-01", "--to", "2024-03-31", "--table", "backlog",
            "--csv", str(tmp_path / "backlog.csv"), "--db", str(db), log=log)  # fmt: skip
    command("report", "weekly", "--store", "ali", "--week", "2024-W10", "--out", str(out), "--db", str(db),
            log=log)  # fmt: skip
    command("backup", str(tmp_path / "backup"), "--db", str(db), log=log)

    produced = [p for p in tmp_path.rglob("*") if p.is_file() and "exports" not in p.parts]
    assert db in produced and log in produced and any(p.suffix == ".html" for p in produced)
    assert any(p.suffix == ".parquet" for p in produced) and (tmp_path / "backlog.csv") in produced

    # the control: the remark is kept, and the byte search finds it in the database and the CSV
    assert REMARK.encode() in db.read_bytes()
    assert REMARK.encode() in (tmp_path / "backlog.csv").read_bytes()

    secrets = [*PERSONAL.values(), *EBAY_PERSONAL.values()]
    for path in produced:
        data = path.read_bytes()
        for value in secrets:
            for encoding in ("utf-8", "utf-16-le"):
                assert value.encode(encoding) not in data, f"{value!r} found in {path}"

    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where data_type = 'VARCHAR' and not internal"
        ).fetchall()
        for table_name, column in columns:
            for value in secrets:
                hits = con.execute(
                    f'select count(*) from "{table_name}" where contains("{column}", ?)', [value]
                ).fetchone()[0]
                assert hits == 0, (table_name, column, value)
    finally:
        con.close()
