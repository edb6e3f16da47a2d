"""A rolling export: the orders created in the window before an export time, in their state then."""

from __future__ import annotations

from datetime import datetime, timedelta

from pipeline.demo.orders import PLATFORMS, SimOrder, state_as_of
from pipeline.demo.renderers.alibaba1688 import table_1688
from pipeline.demo.renderers.aliexpress import chinese_table, english_table
from pipeline.demo.renderers.ebay import ebay_table
from pipeline.demo.renderers.shopify import shopify_table


def rolling_window(as_of: datetime, window_days: int = 90) -> tuple[datetime, datetime]:
    """The creation-time range [as_of - window_days, as_of] a rolling export covers."""
    return as_of - timedelta(days=window_days), as_of


def export_table(
    orders: list[SimOrder],
    platform: str,
    as_of: datetime,
    *,
    window_days: int = 90,
    english: bool = False,
    with_reasons: bool = True,
    time_style: str = "dot",
    reason_style: str = "code",
    cancel_lang: str | None = None,
) -> tuple[list[str], list[list[str]]]:
    """Headers and string rows of a rolling export made at `as_of`, newest order first.

    Holds every order created in the `window_days` before `as_of`, each in its state then.
    AliExpress only: `english` switches to the English-UI headers and status codes,
    `time_style` "dot" writes ``2024.03.05 14:22`` and "dash" ``2024-03-05 14:22:10``.
    `reason_style` "code" writes end-reason codes (buyer_pay_timeout, buyerCancel) and
    "label" Chinese labels (买家付款超时, 买家取消订单); `cancel_lang` "zh" / "en" picks the
    cancel-reason texts (default: the header language). `with_reasons=False` drops the close /
    cancel columns, as older exports do. eBay rows are one per line item; Shopify rows too, the
    order's cells on its first row only (the other options do not apply to Shopify).
    """
    if platform not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}")
    lo, hi = rolling_window(as_of, window_days)
    states = []
    for o in orders:
        if lo <= o.created_at <= hi:
            s = state_as_of(o, as_of)
            if s is not None:
                states.append(s)
    states.sort(key=lambda s: (s.created_at, s.order_id), reverse=True)
    if platform == "aliexpress":
        if english:
            return english_table(states, with_reasons, time_style, cancel_lang or "en")
        return chinese_table(states, with_reasons, time_style, reason_style, cancel_lang or "zh")
    if platform == "ebay":
        return ebay_table(states, with_reasons)
    if platform == "shopify":
        return shopify_table(states)
    return table_1688(states, with_reasons, reason_style)
