"""A first end-to-end check: one real .xlsx AliExpress export through the CLI."""

from pathlib import Path

from tests.builders import ali_row, write_ali


def test_xlsx_export_lands_with_canonical_states(tmp_path: Path, cli, query) -> None:
    path = write_ali(
        tmp_path / "orders.xlsx",
        [
            ali_row(id="8100000000000001", status="等待您发货", created="2024.03.05 14:22",
                    paid="2024.03.05 14:30", deadline="2024-03-12"),
            ali_row(id="8100000000000002", status="订单关闭", created="2024.03.06 10:00",
                    paid="2024.03.06 10:05", cancel_reason="商品缺货"),
        ],
    )
    result = cli("ingest", path, "--store", "s1")
    assert result.exit_code == 0, result.output
    assert query("select order_id, status, cancel_reason, seller_fault from orders_current order by 1") == [
        ("8100000000000001", "awaiting_shipment", None, False),
        ("8100000000000002", "closed", "out_of_stock", True),
    ]
