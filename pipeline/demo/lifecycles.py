"""Each platform's order lifecycle: which events happen to an order, and when.

One function a platform, each drawing from the store's seeded stream in a fixed order (so that
a seed always yields the same orders); each returns the events as SimOrder field values.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, time, timedelta
from typing import Any

from pipeline.demo.draws import time_after

# eBay CancelReasonCodeType -> (canonical reason, close cause when the order closes)
_EBAY_REASON = {
    "BuyerCancelOrder": ("buyer_asked", "buyer_cancelled"),
    "OrderPlacedByMistake": ("ordered_by_mistake", "buyer_cancelled"),
    "FoundCheaperPrice": ("found_cheaper_price", "buyer_cancelled"),
    "OutOfStock": ("out_of_stock", "seller_cancelled"),
    "OutOfStockOrCannotFulfill": ("out_of_stock", "seller_cancelled"),
    "AddressIssues": ("address_issue", "seller_cancelled"),
}


def shopify_lifecycle(rng: random.Random, created: datetime, n_items: int, how: str) -> dict[str, Any]:
    """Shopify: mostly paid at checkout and fulfilled within a day or two.

    Cash on delivery is paid when the courier delivers and an authorised card when the
    order is fulfilled; both await shipment unpaid, and some are voided (Cancelled at) before.
    A bank deposit the buyer never makes is voided too. Paid orders: a few are cancelled
    and refunded before fulfilment; a multi-item order may ship in two fulfilments (a few
    stay partial, back-ordered); after fulfilment some are refunded in full (a return,
    no Cancelled at) or in part.
    """
    ev: dict[str, Any] = {}

    def fulfil_after(t: datetime) -> datetime:
        hours = min(rng.lognormvariate(math.log(30), 0.8), 240)
        return time_after(rng, t, max(hours, 0.5), max(hours, 0.5))

    if how == "on_delivery":
        if rng.random() < 0.1:  # the buyer cannot be reached to confirm: voided
            ev["closed_at"] = time_after(rng, created, 6, 72)
            return ev
        shipped = ev["shipped_at"] = fulfil_after(created)
        ev["paid_at"] = time_after(rng, shipped, 48, 168)  # cash collected on delivery
        return ev
    if how == "on_capture":
        if rng.random() < 0.1:  # the authorisation is voided
            ev["closed_at"] = time_after(rng, created, 2, 96)
            return ev
        shipped = ev["shipped_at"] = fulfil_after(created)
        ev["paid_at"] = time_after(rng, shipped, 0.01, 0.2)  # captured on fulfilment
        return ev
    if how == "manual":
        if rng.random() < 0.35:  # the deposit never comes
            ev["closed_at"] = time_after(rng, created, 72, 168)
            return ev
        paid = time_after(rng, created, 2, 72)
    else:
        paid = created + timedelta(seconds=rng.randint(1, 4))
    ev["paid_at"] = paid
    if rng.random() < 0.03:  # cancelled and refunded before fulfilment
        ev["closed_at"] = ev["refund_at"] = time_after(rng, paid, 1, 48)
        ev["refund"] = "full"
        return ev
    if n_items > 1 and rng.random() < 0.3:
        part = ev["part_shipped_at"] = fulfil_after(paid)
        if rng.random() < 0.1:  # the rest is back-ordered
            return ev
        shipped = ev["shipped_at"] = time_after(rng, part, 48, 14 * 24)
    else:
        shipped = ev["shipped_at"] = fulfil_after(paid)
    r = rng.random()
    if r < 0.035:  # returned, refunded in full
        ev["closed_at"] = ev["refund_at"] = time_after(rng, shipped, 7 * 24, 30 * 24)
        ev["refund"] = "full"
    elif r < 0.09:
        ev["refund_at"] = time_after(rng, shipped, 3 * 24, 20 * 24)
        ev["refund"] = "partial"
    return ev


def aliexpress_lifecycle(rng: random.Random, created: datetime, slow: bool = False) -> dict[str, Any]:
    """AliExpress: ~88 % paid; payment timeout, cancels, risk control, ship timeout, disputes.

    `slow`: a wholesale order takes longer to stock and pack, so it stays open longer.
    """
    ev: dict[str, Any] = {}
    if rng.random() < 0.12:  # never paid
        if rng.random() < 0.78:
            ev["closed_at"] = time_after(rng, created, 20, 72)
            ev["close_cause"] = "payment_timeout"
            ev["end_code"] = "buyer_pay_timeout" if rng.random() < 0.85 else "pay_timeout"
        else:
            ev["closed_at"] = time_after(rng, created, 0.1, 20)
            ev["close_cause"] = "buyer_cancelled_unpaid"
            ev["end_code"] = "buyer_cancel_notpay_order"
            ev["cancel_reason"] = rng.choices(
                ("buyer_changed_mind", "ordered_by_mistake", "duplicate_order"), (5, 3, 2)
            )[0]
        return ev
    r = rng.random()
    hours = rng.uniform(0.02, 0.25) if r < 0.7 else (
        rng.uniform(0.25, 6) if r < 0.95 else rng.uniform(6, 40))  # fmt: skip
    paid = ev["paid_at"] = time_after(rng, created, hours, hours)
    base = paid
    if rng.random() < 0.04:  # 24 h risk-control review after payment
        hold = ev["hold_until"] = paid + timedelta(hours=24)
        if rng.random() < 0.25:
            ev["ship_deadline"] = (hold + timedelta(days=rng.randint(5, 7))).date()
            ev["closed_at"] = hold
            ev["close_cause"] = "risk_control"
            ev["end_code"] = rng.choices(
                ("risk_reject_closed", "risk_closed", "security_close"), (7, 2, 1))[0]
            return ev
        base = hold
    deadline = ev["ship_deadline"] = (base + timedelta(days=rng.randint(5, 7))).date()
    deadline_end = datetime.combine(deadline, time(23, 59, 59))
    room_h = (deadline_end - base).total_seconds() / 3600
    r = rng.random()
    if 0.085 <= r < 0.097:  # seller did not ship in time: closed when the day ends
        ev["closed_at"] = datetime.combine(
            deadline + timedelta(days=1), time(0, rng.randrange(60), rng.randrange(60)))
        ev["close_cause"] = "seller_ship_timeout"
        ev["end_code"] = ("seller_send_goods_timeout" if rng.random() < 0.8
                          else "send_goods_timeout")  # fmt: skip
        return ev
    if r < 0.085:  # the buyer asks to cancel; ~3 % of paid give a seller-side reason
        requested = ev["cancel_requested_at"] = time_after(rng, base, 0.15, min(72, room_h - 2))
        closed = time_after(rng, requested, 0.5, 48)
        ev["closed_at"] = min(closed, deadline_end)
        ev["close_cause"] = "buyer_cancelled_paid"
        ev["end_code"] = ("cancel_order_close_trade" if rng.random() < 0.75
                          else "buyer_cancel_order")  # fmt: skip
        if r < 0.055:
            ev["cancel_reason"] = rng.choices(
                ("buyer_changed_mind", "processing_time_too_long", "ordered_by_mistake",
                 "duplicate_order", "other"), (45, 25, 10, 8, 12))[0]  # fmt: skip
        else:
            ev["cancel_reason"] = rng.choices(
                ("out_of_stock", "seller_raised_price", "seller_no_response",
                 "cannot_use_selected_shipping"), (45, 15, 15, 25))[0]  # fmt: skip
        return ev
    if rng.random() < 0.015:  # shipped late (deadline extended on request)
        shipped = time_after(rng, deadline_end, 1, 48)
    else:
        median = 100 if slow else 44
        hours = min(rng.lognormvariate(math.log(median), 0.7), room_h - 0.2)
        shipped = time_after(rng, base, max(hours, 0.3), max(hours, 0.3))
    ev["shipped_at"] = shipped
    r = rng.random()
    if r < 0.06:  # dispute after shipping
        dispute = ev["dispute_at"] = time_after(rng, shipped, 240, 1080)
        resolved = time_after(rng, dispute, 72, 360)
        if rng.random() < 0.55:
            ev["closed_at"] = resolved
            ev["close_cause"] = "dispute_refund"
            ev["end_code"] = rng.choices(
                ("seller_accept_issue_no_goods_return", "end_issue",
                 "seller_response_issue_timeout"), (5, 3, 2))[0]  # fmt: skip
        else:
            ev["received_at"] = resolved
            ev["end_code"] = "buyer_accept_goods"
    elif r < 0.30:  # the buyer never confirms: automatic confirmation
        ev["received_at"] = time_after(rng, shipped, 55 * 24, 65 * 24)
        ev["end_code"] = "buyer_accept_goods_timeout"
    else:
        ev["received_at"] = time_after(rng, shipped, 7 * 24, 35 * 24)
        ev["end_code"] = "buyer_accept_goods"
    return ev


def ebay_lifecycle(rng: random.Random, created: datetime) -> dict[str, Any]:
    """eBay: paid at once; buyer / seller cancellations; no receipt in the report."""
    ev: dict[str, Any] = {}
    if rng.random() < 0.02:  # unpaid, cancelled after a few days
        ev["closed_at"] = time_after(rng, created, 48, 96)
        code = "BuyerCancelOrder" if rng.random() < 0.6 else "OrderPlacedByMistake"
        ev["cancel_code"] = code
        ev["cancel_reason"] = _EBAY_REASON[code][0]
        ev["close_cause"] = "buyer_cancelled_unpaid"
        ev["end_code"] = "CANCEL_CLOSED_NO_REFUND"
        return ev
    paid = ev["paid_at"] = time_after(rng, created, 0.0, 0.2 if rng.random() < 0.95 else 40)
    deadline = ev["ship_deadline"] = (paid + timedelta(days=rng.choice((1, 1, 2, 2, 3)))).date()
    deadline_end = datetime.combine(deadline, time(23, 59, 59))
    r = rng.random()
    if r < 0.035:  # buyer requests, seller accepts
        requested = ev["cancel_requested_at"] = time_after(rng, paid, 0.2, 20)
        ev["closed_at"] = time_after(rng, requested, 1, 36)
        code = rng.choices(("BuyerCancelOrder", "OrderPlacedByMistake", "FoundCheaperPrice"),
                           (50, 25, 25))[0]  # fmt: skip
        ev["close_cause"] = "buyer_cancelled_paid"
    elif r < 0.06:  # seller cancels
        ev["closed_at"] = time_after(rng, paid, 2, 48)
        code = rng.choices(("OutOfStock", "OutOfStockOrCannotFulfill", "AddressIssues"),
                           (35, 35, 30))[0]  # fmt: skip
        ev["close_cause"] = "seller_cancelled"
    else:
        code = ""
    if code:
        ev["cancel_code"] = code
        ev["cancel_reason"] = _EBAY_REASON[code][0]
        ev["end_code"] = "CANCEL_CLOSED_WITH_REFUND"
        return ev
    if r < 0.066:  # buyer requests, seller ships anyway
        requested = ev["cancel_requested_at"] = time_after(rng, paid, 0.2, 8)
        ev["shipped_at"] = time_after(rng, requested, 1, 20)
        ev["cancel_rejected"] = True
        ev["cancel_code"] = "BuyerCancelOrder"
        ev["cancel_reason"] = "buyer_asked"
        return ev
    if rng.random() < 0.04:
        ev["shipped_at"] = time_after(rng, deadline_end, 2, 72)
    else:
        room = (deadline_end - paid).total_seconds() / 3600
        ev["shipped_at"] = time_after(rng, paid, min(2, room / 2), room - 0.1)
    return ev


def lifecycle_1688(rng: random.Random, created: datetime) -> dict[str, Any]:
    """1688: B2B; payment timeout (no reason given), buyer / stock-out / other closes."""
    ev: dict[str, Any] = {}
    if rng.random() < 0.15:
        if rng.random() < 0.8:
            ev["closed_at"] = time_after(rng, created, 24, 72)
            ev["close_cause"] = "payment_timeout"  # 1688 leaves 关闭原因 empty
        else:
            ev["closed_at"] = time_after(rng, created, 0.2, 24)
            ev["close_cause"] = "buyer_cancelled_unpaid"
            ev["cancel_reason"] = "buyer_asked"
            ev["end_code"] = "buyerCancel"
        return ev
    paid = ev["paid_at"] = time_after(rng, created, 0.1, 8)
    r = rng.random()
    if r < 0.075:
        if r < 0.04:
            ev["closed_at"] = time_after(rng, paid, 1, 72)
            ev.update(close_cause="buyer_cancelled_paid", cancel_reason="buyer_asked",
                      end_code="buyerCancel")  # fmt: skip
        elif r < 0.065:
            ev["closed_at"] = time_after(rng, paid, 3, 96)
            ev.update(close_cause="seller_cancelled", cancel_reason="out_of_stock",
                      end_code="sellerGoodsLack")  # fmt: skip
        else:
            ev["closed_at"] = time_after(rng, paid, 1, 120)
            ev.update(close_cause="other", cancel_reason="other", end_code="other")
        return ev
    hours = min(rng.lognormvariate(math.log(20), 0.8), 120)
    shipped = ev["shipped_at"] = time_after(rng, paid, hours, hours)
    ev["received_at"] = time_after(rng, shipped, 48, 240)
    return ev
