"""Orders that span several rows: the item rows below an order's first row belong to it.

1688 and Shopify write an order with several items as one row per item, with the order-level
cells (id, status, dates, amounts) on the first row only; an ERP export (a generic source)
may repeat the id and the order cells on every item row instead. Such a row is an item of the
order above it, not a bad row. Here each item row takes its order's cells from the order's
first row and a line number (1 for the first row), so that the SQL layer sums its items like
the line items of any other export. All in Arrow: 300,000 rows cost a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.adapters.item_row_rule import ItemRowRule
from pipeline.i18n import _

# Cells that describe one item; everything else describes the order.
ITEM_FIELDS = ("product_info", "quantity", "item_id", "line_amount")


def _previous(array: pa.Array) -> pa.Array:
    """Each row's value of the row before it, carried down over empty cells."""
    filled = pc.fill_null_forward(array)
    return pa.concat_arrays([pa.nulls(1, type=array.type), filled.slice(0, len(filled) - 1)])


def _column(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks()


def continuation_rows(table: pa.Table, rule: ItemRowRule) -> pa.Array:
    """True for each row that is an item of the order on the rows above it."""
    continues = pa.array([True] * table.num_rows)
    for name in rule.blank:
        continues = pc.and_(continues, pc.is_null(_column(table, name)))
    for name in rule.same:
        column = _column(table, name)
        repeated = pc.fill_null(pc.equal(column, _previous(column)), False)
        continues = pc.and_(continues, pc.or_(pc.is_null(column), repeated))
    # only below an order: the first order row has an order id
    has_order_above = pc.is_valid(_previous(_column(table, "order_id")))
    return pc.fill_null(pc.and_(continues, has_order_above), False)


def _repeats_row_above(table: pa.Table) -> pa.Array:
    """True for each row whose every read cell equals the row above's (empty equals empty)."""
    same = pa.array([False] + [True] * (table.num_rows - 1))
    for name in table.column_names:
        if name in ("source_sheet", "source_row", "source_sheet_no"):
            continue
        column = _column(table, name)
        if pa.types.is_null(column.type):
            continue
        above = pa.concat_arrays([pa.nulls(1, type=column.type), column.slice(0, len(column) - 1)])
        equal = pc.fill_null(pc.equal(column, above), False)
        both_empty = pc.and_(pc.is_null(column), pc.is_null(above))
        same = pc.and_(same, pc.or_(equal, both_empty))
    return same


@dataclass
class ItemRows:
    """The table with item rows filled in, and the rows that belong to no order."""

    table: pa.Table
    # (row index in the table, reason) of rows to reject
    orphans: list[tuple[int, str]]


def attach_item_rows(table: pa.Table, rule: ItemRowRule) -> ItemRows:
    """Give every item row its order's cells and a `line_no`; find rows that belong to no order."""
    rows = table.num_rows
    if not rows:
        return ItemRows(table.append_column("line_no", pa.array([], pa.int64())), [])
    continues = continuation_rows(table, rule)
    starts = pc.invert(continues)
    start_positions = pc.indices_nonzero(starts)
    # the order row each row belongs to (itself for an order row)
    group = pc.subtract(pc.cumulative_sum(pc.cast(starts, pa.int64())), 1)
    owner = pc.take(start_positions, group)
    # an item row that repeats the row above it cell for cell is that line again, not a second
    # one (SPEC: the same order twice in one file counts once); only where ids repeat
    new_line = pc.invert(_repeats_row_above(table)) if rule.same else pa.array([True] * rows)
    lines_so_far = pc.cumulative_sum(pc.cast(pc.or_(new_line, starts), pa.int64()))
    line_no = pc.add(pc.subtract(lines_so_far, pc.take(lines_so_far, owner)), 1)

    columns = {}
    for name in table.column_names:
        column = _column(table, name)
        if name in ITEM_FIELDS or name in ("source_sheet", "source_row", "source_sheet_no"):
            columns[name] = column
        else:
            columns[name] = pc.if_else(continues, pc.take(column, owner), column)
    columns["line_no"] = line_no
    filled = pa.table(columns)

    orphans = _orphans(table, continues)
    return ItemRows(filled, orphans)


def _orphans(table: pa.Table, continues: pa.Array) -> list[tuple[int, str]]:
    """Rows without an order id that cannot be items: above the first order, or with no item."""
    no_id = pc.is_null(_column(table, "order_id"))
    present = [_column(table, name) for name in ITEM_FIELDS if name in table.column_names]
    no_item = pa.array([True] * table.num_rows)
    for column in present:
        no_item = pc.and_(no_item, pc.is_null(column))
    first_order = pc.index(pc.is_valid(_column(table, "order_id")), True).as_py()
    if first_order < 0:
        first_order = table.num_rows
    without_id = pc.indices_nonzero(no_id)
    orphans: list[tuple[int, str]] = []
    for index in without_id.filter(pc.less(without_id, first_order)).to_pylist():
        orphans.append(
            (index, _("an item row above the first order row: it belongs to no order (the order's "
                      "first row, with its order number, is missing above it)"))
        )  # fmt: skip
    empty_item = pc.and_(continues, no_item)
    for index in pc.indices_nonzero(empty_item).to_pylist():
        orphans.append(
            (index, _("no order number and no item cells: the row belongs to no order (fill in the "
                      "order number, or delete the row)"))
        )  # fmt: skip
    return sorted(orphans)
