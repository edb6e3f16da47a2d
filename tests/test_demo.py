"""`storehealth demo`: realistic rolling exports in, a history that matches the simulation out."""

from pathlib import Path

from pipeline.demo import demo_stores
from tests.demo_oracle import expected_demo_history

FIELDS = ("status", "close_cause", "cancel_reason", "seller_fault", "cause_inferred")


def test_demo_ingests_every_store_and_reproduces_the_simulated_truth(tmp_path: Path, cli, query) -> None:
    result = cli("demo", "--exports", tmp_path / "exports")
    assert result.exit_code == 0, result.output
    assert "ali-main" in result.stdout and "ebay-us" in result.stdout and "shop-dtc" in result.stdout
    # ... then renders each store's weekly report and review and the cluster report, beside --db
    reports = tmp_path / "reports"
    assert f"reports: {reports / 'index.html'}" in result.stdout
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.html")) == [
        "cluster/all/2024-04.html", "index.html",
        *(f"review/{s}/2024-04.html" for s in ("ali-main", "ali-outlet", "ebay-us", "shop-dtc")),
        *(f"weekly/{s}/2024-W21.html" for s in ("ali-main", "ali-outlet", "ebay-us", "shop-dtc")),
    ]  # fmt: skip
    files = query("select store, platform, count(*) from ingested_files group by all order by store")
    assert files == [("ali-main", "aliexpress", 4), ("ali-outlet", "aliexpress", 4),
                     ("ebay-us", "ebay", 4), ("shop-dtc", "shopify", 4)]  # fmt: skip
    for store in demo_stores():
        truth = expected_demo_history(store)
        rows = query(
            f"select order_id, {', '.join(FIELDS)} from orders_current where store = ?", [store.store]
        )
        assert len(rows) == len(truth), store.store
        mismatches = [
            (row[0], field, got, truth[row[0]][field])
            for row in rows
            for field, got in zip(FIELDS, row[1:], strict=True)
            if got != truth[row[0]][field]
        ]
        assert mismatches == [], (store.store, mismatches[:5])
    # Running it again adds nothing: every file is recognised by its content.
    again = cli("demo", "--exports", tmp_path / "exports")
    assert again.exit_code == 0
    assert query("select count(*) from ingested_files") == [(16,)]
