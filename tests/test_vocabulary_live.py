"""Issue 14: every interpretation follows the vocabulary and mapping in force. An edit to the
seller's vocabulary.toml beside the database moves every figure at the next command, with no
re-ingest; undoing it brings them back exactly; a broken file changes nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pipeline
from tests.builders import ali_row, table_contents, write_ali, write_rows

A1, A2, A3, A4, A5, A6 = (f"820000000000000{n}" for n in range(1, 7))
UNKNOWN_REASON = "收到的包裹太多了想取消"
UNKNOWN_STATUS = "等待平台审核"
WINDOW = ("--all", "--from", "2024-03-01", "--to", "2024-03-31")


def _export(tmp_path: Path, name: str = "orders.xlsx", *, with_unknown_status: bool = False) -> Path:
    """Two paid orders closed for a reason the packaged vocabulary does not know, one closed for
    out of stock (★), one shipped; optionally one in a status it does not know."""
    rows = [
        ali_row(id=A1, status="订单关闭", created="2024.03.01 09:00", paid="2024.03.01 09:05",
                cancel_reason=UNKNOWN_REASON),
        ali_row(id=A2, status="订单关闭", created="2024.03.02 09:00", paid="2024.03.02 09:05",
                cancel_reason=UNKNOWN_REASON),
        ali_row(id=A3, status="订单关闭", created="2024.03.03 09:00", paid="2024.03.03 09:05",
                cancel_reason="商品缺货"),
        ali_row(id=A4, status="等待买家收货", created="2024.03.04 09:00", paid="2024.03.04 09:05",
                shipped="2024.03.05 10:00"),
    ]  # fmt: skip
    if with_unknown_status:
        rows.append(ali_row(id=A5, status=UNKNOWN_STATUS, created="2024.03.06 09:00",
                            paid="2024.03.06 09:05"))  # fmt: skip
    return write_ali(tmp_path / name, rows)


def _ingest(cli, path: Path) -> None:
    result = cli("ingest", path, "--store", "ali")
    assert result.exit_code == 0, result.output


def _metrics(cli) -> dict:
    result = cli("metrics", *WINDOW, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _reasons(metrics: dict) -> dict[str, tuple[int, bool]]:
    return {r["reason"]: (r["count"], r["seller_fault"]) for r in metrics["cancellation_reasons"]}


def _user_vocabulary(db_path: Path) -> Path:
    return db_path.parent / "vocabulary.toml"


def test_an_added_reason_moves_every_figure_and_removing_it_brings_them_back(
    tmp_path: Path, cli, db_path: Path, query
) -> None:
    _ingest(cli, _export(tmp_path))
    before_metrics = _metrics(cli)
    before_orders = query("select * from orders_current order by order_id")
    files_before = query("select file_id, rows_new, rows_updated from ingested_files")
    assert _reasons(before_metrics) == {"other": (2, False), "out_of_stock": (1, True)}
    status = cli("status", "--store", "ali")
    # the warning names the seller's own file and the exact command
    assert str(_user_vocabulary(db_path)) in status.stdout
    assert f"storehealth vocabulary add cancel_reason '{UNKNOWN_REASON}' CODE" in status.stdout

    listed = cli("vocabulary", "--json")
    assert listed.exit_code == 0, listed.output
    unknown = json.loads(listed.stdout)["unknown_values"]
    assert unknown == [{"kind": "cancel_reason", "platform": "aliexpress", "raw_value": UNKNOWN_REASON,
                        "orders": 2, "example_order": A1, "stores": ["ali"]}]  # fmt: skip

    added = cli("vocabulary", "add", "cancel_reason", UNKNOWN_REASON, "buyer_changed_mind")
    assert added.exit_code == 0, added.output
    text = _user_vocabulary(db_path).read_text(encoding="utf-8")
    assert f'[cancel_reason.any]\n"{UNKNOWN_REASON}" = "buyer_changed_mind"' in text

    # every figure moved, with no re-ingest: the CLI, the status, the notebook API
    after = _metrics(cli)
    assert _reasons(after) == {"buyer_changed_mind": (2, False), "out_of_stock": (1, True)}
    assert json.loads(cli("vocabulary", "--json").stdout)["unknown_values"] == []
    assert "收到的包裹" not in cli("status", "--store", "ali").stdout
    con = pipeline.connect(db_path)
    try:
        assert con.execute(
            "select order_id, cancel_reason from orders_current where order_id in (?, ?) order by 1",
            [A1, A2],
        ).fetchall() == [(A1, "buyer_changed_mind"), (A2, "buyer_changed_mind")]
    finally:
        con.close()
    assert query("select file_id, rows_new, rows_updated from ingested_files") == files_before

    # back to the packaged vocabulary: every figure and every current order as before
    _user_vocabulary(db_path).unlink()
    assert _metrics(cli) == before_metrics
    assert query("select * from orders_current order by order_id") == before_orders


def test_a_reason_taken_out_of_seller_fault_leaves_sold_not_shipped(
    tmp_path: Path, cli, db_path: Path, query
) -> None:
    _ingest(cli, _export(tmp_path))
    before = _metrics(cli)
    assert before["sold_not_shipped"]["count"] == 1  # A3, out of stock
    _user_vocabulary(db_path).write_text(
        '[seller_fault]\ncancel_reasons = ["seller_raised_price", "seller_no_response"]\n', encoding="utf-8"
    )
    after = _metrics(cli)
    # the reasons table and the summary agree: out_of_stock is no longer the seller's fault
    assert _reasons(after)["out_of_stock"] == (1, False)
    assert after["sold_not_shipped"] == {"count": 0, "rate": 0.0}
    assert query("select count_if(seller_fault) from orders_current") == [(0,)]
    _user_vocabulary(db_path).unlink()
    assert _metrics(cli) == before


def test_a_status_mapped_later_lands_its_rejected_rows_without_reingesting(
    tmp_path: Path, cli, db_path: Path, query
) -> None:
    _ingest(cli, _export(tmp_path, with_unknown_status=True))
    assert query("select count(*) from rejected_rows") == [(1,)]
    unknown = json.loads(cli("vocabulary", "--json").stdout)["unknown_values"]
    assert {"kind": "status", "platform": "aliexpress", "raw_value": UNKNOWN_STATUS, "orders": 1,
            "example_order": A5, "stores": ["ali"]} in unknown  # fmt: skip

    added = cli("vocabulary", "add", "status", UNKNOWN_STATUS, "on_hold")  # platform: where seen
    assert added.exit_code == 0, added.output
    assert "[status.aliexpress]" in _user_vocabulary(db_path).read_text(encoding="utf-8")
    assert "1 rows landed" in added.stderr
    assert query("select status from orders_current where order_id = ?", [A5]) == [("on_hold",)]
    assert query("select count(*) from rejected_rows") == [(0,)]
    assert query("select count(*), sum(rows_rejected) from ingested_files") == [(1, 0)]


def test_the_next_export_of_a_reinterpreted_state_finds_it(tmp_path: Path, cli, db_path: Path, query) -> None:
    """The stored states take the hash the next export computes: an order seen again in the same
    state is unchanged, not a new state."""
    _ingest(cli, _export(tmp_path))
    _user_vocabulary(db_path).write_text(
        f'[cancel_reason.any]\n"{UNKNOWN_REASON}" = "ordered_by_mistake"\n', encoding="utf-8"
    )
    assert cli("status").exit_code == 0  # the first command reads the history anew
    later = _export(tmp_path, "later.xlsx")
    with open(later, "ab") as fh:  # another file (another SHA-256), the same rows
        fh.write(b"\0")
    result = cli("ingest", later, "--store", "ali", "--json")
    assert result.exit_code == 0, result.output
    (landed,) = json.loads(result.stdout)["files"]
    assert (landed["new"], landed["updated"], landed["unchanged"]) == (0, 0, 4)
    assert query("select count(*) from order_snapshots") == [(4,)]


def test_a_broken_user_vocabulary_names_its_line_and_changes_nothing(
    tmp_path: Path, cli, db_path: Path
) -> None:
    _ingest(cli, _export(tmp_path))
    before = table_contents(db_path)
    path = _user_vocabulary(db_path)
    for text, line, words in (
        ('[cancel_reason.any]\n"x" = "not_a_code"\n', 2, "not_a_code"),
        ('[cancel_reason.any]\n"x" = buyer_asked\n', 2, "not valid TOML"),
        ('[status.amazon]\n"x" = "closed"\n', 1, "amazon"),
        ('[codes]\nstatus = ["mine"]\n', 1, "[codes]"),
    ):
        path.write_text(text, encoding="utf-8")
        for args in (("status",), ("metrics", *WINDOW)):
            result = cli(*args)
            assert result.exit_code == 1, result.output
            message = " ".join(result.output.split())
            assert f"{path}, line {line}" in message and words in message, message
            assert "Traceback" not in result.output
    assert table_contents(db_path) == before


def test_vocabulary_add_refuses_what_it_cannot_write(tmp_path: Path, cli, db_path: Path) -> None:
    _ingest(cli, _export(tmp_path))
    path = _user_vocabulary(db_path)
    refused = cli("vocabulary", "add", "cancel_reason", UNKNOWN_REASON, "changed_my_mind")
    assert refused.exit_code == 2 and "buyer_changed_mind" in refused.output  # the codes are listed
    assert not path.exists()
    assert cli("vocabulary", "add", "cancel_reason", UNKNOWN_REASON, "buyer_changed_mind").exit_code == 0
    again = cli("vocabulary", "add", "cancel_reason", UNKNOWN_REASON, "other")
    assert again.exit_code == 1 and "already maps" in again.output
    assert path.read_text(encoding="utf-8").count(UNKNOWN_REASON) == 1


OLIST_LIKE = ["order_id", "order_status", "order_purchase_timestamp", "order_approved_at"]
MAPPING = """
[columns]
order_id = "order_id"
status = "order_status"
created_at = "order_purchase_timestamp"
paid_at = "order_approved_at"

[status]
created = "awaiting_payment"
approved = "awaiting_shipment"
{unavailable}
"""


def test_an_edited_mapping_reinterprets_the_stores_earlier_orders(tmp_path: Path, cli, query) -> None:
    mapping = tmp_path / "erp.toml"
    first = write_rows(tmp_path / "march.csv", OLIST_LIKE, [
        ["o1", "unavailable", "2024-03-01 10:00:00", "2024-03-01 10:05:00"],
        ["o2", "approved", "2024-03-02 10:00:00", "2024-03-02 10:05:00"],
    ])  # fmt: skip
    second = write_rows(tmp_path / "april.csv", OLIST_LIKE, [
        ["o3", "unavailable", "2024-04-01 10:00:00", "2024-04-01 10:05:00"],
    ])  # fmt: skip
    for path, unavailable in (
        (first, 'unavailable = "closed"'),
        (second, 'unavailable = { status = "closed", close_cause = "seller_cancelled", '
                 'cancel_reason = "out_of_stock" }'),
    ):  # fmt: skip
        mapping.write_text(MAPPING.format(unavailable=unavailable), encoding="utf-8")
        result = cli("ingest", path, "--store", "erp", "--platform", "generic", "--mapping", mapping)
        assert result.exit_code == 0, result.output
    # o1 landed with the first mapping (cause inferred); the edited one now reads it too
    assert query(
        "select order_id, status, close_cause, cancel_reason, seller_fault from orders_current order by 1"
    ) == [
        ("o1", "closed", "seller_cancelled", "out_of_stock", True),
        ("o2", "awaiting_shipment", None, None, False),
        ("o3", "closed", "seller_cancelled", "out_of_stock", True),
    ]


def test_the_readme_vocabulary_example_applies(tmp_path: Path) -> None:
    import re

    from pipeline.vocabulary import alias_rows, code_rows, effective_vocabulary
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"## Your own vocabulary\n.*?```toml\n(.*?)```", readme, re.S)
    path = tmp_path / "vocabulary.toml"
    path.write_text(example, encoding="utf-8")
    vocab = effective_vocabulary(path)
    assert ("cancel_reason", "any", UNKNOWN_REASON, "buyer_changed_mind") in alias_rows(vocab)
    assert ("status", "aliexpress", UNKNOWN_STATUS, "on_hold") in alias_rows(vocab)
    assert {code for kind, code, fault, _side in code_rows(vocab) if fault and kind == "cancel_reason"} == {
        "seller_raised_price", "seller_no_response", "cannot_use_selected_shipping", "out_of_stock"
    }  # fmt: skip


def test_the_sellers_due_soon_hours_are_the_ones_the_words_say(tmp_path: Path, cli, db_path: Path) -> None:
    _ingest(cli, write_ali(tmp_path / "open.xlsx", [
        ali_row(id=A6, status="等待您发货", created="2024.03.04 09:00", paid="2024.03.04 09:05",
                deadline="2024.03.09 09:05"),
    ]))  # fmt: skip
    _user_vocabulary(db_path).write_text("[priority]\ndue_soon_hours = 72\n", encoding="utf-8")
    result = cli("metrics", *WINDOW, "--as-of", "2024-03-07")
    assert result.exit_code == 0, result.output
    assert "within 72 hours" in " ".join(result.stdout.split())
    con = pipeline.connect(db_path)
    try:
        from pipeline import metrics

        frame = metrics.open_backlog(con, as_of=datetime(2024, 3, 7))
        assert frame.attrs["due_soon_hours"] == 72 and frame["due_soon"].tolist() == [True]
    finally:
        con.close()


def test_a_second_line_joins_its_table_and_the_file_keeps_the_sellers_comments(tmp_path: Path) -> None:
    import tomllib

    from pipeline.vocabulary_file import add_alias

    path = tmp_path / "vocabulary.toml"
    path.write_text('# mine\n[cancel_reason.any]\n"a" = "other"\n\n[status.aliexpress]\n"b" = "on_hold"\n',
                    encoding="utf-8")  # fmt: skip
    add_alias(path, "cancel_reason", "c", "buyer_asked", "any")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mine\n") and text.count("[cancel_reason.any]") == 1
    assert '"a" = "other"\n"c" = "buyer_asked"\n\n[status.aliexpress]' in text
    assert tomllib.loads(text)["cancel_reason"]["any"] == {"a": "other", "c": "buyer_asked"}
