"""When a row of an export continues the order above it: a rule per platform, read with the
headers. Apart from pipeline/adapters/item_rows.py so that knowing the platforms does not import
pyarrow (0.2 s a read-only command; only a file being read needs it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ItemRowRule:
    """When a row continues the order above it.

    `blank`: order cells that are empty on an item row (1688: 订单编号, 订单状态, 订单创建时间).
    `same`: order cells that an item row leaves empty or repeats unchanged (Shopify's Name).
    The order id is always in one of the two.
    """

    blank: tuple[str, ...] = ()
    same: tuple[str, ...] = ("order_id",)
