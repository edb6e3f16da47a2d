"""The history's persistent tables, parents first: what a backup writes, a restore reads and
`migrate` copies. A leaf, so that backup and migrate each import it, not one another."""

TABLES = (
    "schema_version", "settings", "ingested_files", "order_snapshots", "orders_current", "rejected_rows",
    "mapping_aliases",
)  # fmt: skip
