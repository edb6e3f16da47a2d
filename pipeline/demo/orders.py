"""The simulated order: its line items, buyer and whole lifecycle, and its state at an export.

An export shows each order as it stood when the export was made; :func:`state_as_of` cuts a
lifecycle there, so that every renderer and the tests' oracle read one and the same snapshot.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

#: The platforms the demo simulates, each with its own lifecycle and export renderer.
PLATFORMS = ("aliexpress", "ebay", "1688", "shopify")


@dataclass(frozen=True, slots=True)
class SimItem:
    """One line item; amounts in integer cents (fen for 1688) so sums never drift."""

    title: str
    sku: str
    attrs: str  # "Color: Black; Size: M", "" when the product has no variants
    quantity: int
    unit_cents: int
    item_number: str  # eBay item number / AliExpress product id / 1688 offer id
    line_id: str = ""  # eBay transaction id

    @property
    def line_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass(frozen=True, slots=True)
class Buyer:
    """Fake buyer identity; exported so that an ingest can prove it does not keep it."""

    buyer_id: str
    name: str
    email: str
    phone: str
    mobile: str
    country_code: str
    country: str
    state: str
    city: str
    street: str
    zip: str
    company: str = ""


@dataclass(slots=True)
class SimOrder:
    """A whole simulated order lifecycle, or (from :func:`state_as_of`) a snapshot of it.

    Event times are naive local times; an event that has not happened is ``None``. ``status``
    is the canonical status (SPEC section 2) of this lifecycle or snapshot. Treat it as
    immutable (snapshots share objects with the lifecycle); it is not frozen only because a
    frozen dataclass is 4x slower to build, which shows in 300,000-order benchmark files.
    """

    platform: str
    store: str
    order_id: str
    record_no: int
    created_at: datetime
    items: tuple[SimItem, ...]
    items_cents: int  # sum of the line items (a field: exports read it millions of times)
    shipping_cents: int
    discount_cents: int
    tax_cents: int
    buyer: Buyer
    shipping_method: str
    remark: str
    staff: str
    variant: int  # 0..99, picks between equivalent spellings deterministically
    status: str
    paid_at: datetime | None = None
    hold_until: datetime | None = None  # end of a risk-control hold that began at payment
    ship_deadline: date | None = None
    cancel_requested_at: datetime | None = None
    cancel_rejected: bool = False  # eBay: the seller shipped instead of cancelling
    shipped_at: datetime | None = None
    tracking: str = ""  # "Carrier:number"
    dispute_at: datetime | None = None
    received_at: datetime | None = None
    closed_at: datetime | None = None
    close_cause: str | None = None  # canonical close cause of a closed order
    cancel_reason: str | None = None  # canonical cancel reason the buyer / seller gave
    end_code: str = ""  # platform's raw end reason / cancel status / 1688 close code
    cancel_code: str = ""  # eBay's raw CancelReasonCodeType
    # Shopify only
    payment_method: str = ""  # the Payment Method cell
    payment_due: str = ""  # "on_delivery" (COD), "on_capture" (authorised): ships before paid
    part_shipped_at: datetime | None = None  # some line items fulfilled, the rest pending
    refund_at: datetime | None = None  # a refund; a full one (refund_cents == total) closes
    refund_cents: int = 0
    discount_code: str = ""

    @property
    def total_cents(self) -> int:
        return self.items_cents + self.shipping_cents + self.tax_cents - self.discount_cents

    @property
    def quantity(self) -> int:
        return sum(i.quantity for i in self.items)

    @property
    def last_event(self) -> datetime:
        """Latest event of the lifecycle: a snapshot at or after it is the whole order."""
        times = [
            t
            for t in (
                self.created_at, self.paid_at, self.hold_until, self.cancel_requested_at,
                self.shipped_at, self.dispute_at, self.received_at, self.closed_at,
                self.part_shipped_at, self.refund_at,
            )  # fmt: skip
            if t is not None
        ]
        return max(times)

    def events(self) -> dict[str, datetime]:
        """The event times present in this order, by field name (for checks and tests)."""
        names = ("created_at", "paid_at", "hold_until", "cancel_requested_at", "shipped_at",
                 "dispute_at", "received_at", "closed_at", "part_shipped_at",
                 "refund_at")  # fmt: skip
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def status_at(
    paid: datetime | None,
    hold_until: datetime | None,
    cancel_requested: datetime | None,
    shipped: datetime | None,
    dispute: datetime | None,
    received: datetime | None,
    closed: datetime | None,
    when: datetime | None,
) -> str:
    """Canonical status of a lifecycle at `when` (None: after every event)."""

    def seen(t: datetime | None) -> bool:
        return t is not None and (when is None or t <= when)

    if seen(closed):
        return "closed"
    if seen(received):
        return "completed"
    if seen(dispute):
        return "in_dispute"
    if seen(shipped):
        return "shipped"
    if seen(cancel_requested):
        return "cancel_requested"
    if seen(paid):
        if hold_until is not None and when is not None and when < hold_until:
            return "on_hold"
        return "awaiting_shipment"
    return "awaiting_payment"


def shopify_status(status: str, payment_due: str, part_shipped: datetime | None) -> str:
    """Shopify's reading of a lifecycle status (SPEC section 1, stg_shopify_orders.sql).

    Cash on delivery and an authorised payment await shipment unpaid; a partial fulfilment
    is partially_shipped. Everything else reads as the generic lifecycle does.
    """
    if status == "awaiting_payment" and payment_due:
        return "awaiting_shipment"
    if status == "awaiting_shipment" and part_shipped is not None:
        return "partially_shipped"
    return status


def state_as_of(order: SimOrder, when: datetime) -> SimOrder | None:
    """The order as an export made at `when` shows it; None if not yet created then.

    Events after `when` have not happened yet, so a later close shows as awaiting shipment and
    a later receipt as shipped. Facts that come with an event (tracking number, end reason,
    cancel reason, ship deadline) appear only with it.
    """
    if order.created_at > when:
        return None
    if order.last_event <= when:
        return order

    def cut(t: datetime | None) -> datetime | None:
        return t if t is not None and t <= when else None

    paid = cut(order.paid_at)
    requested = cut(order.cancel_requested_at)
    shipped = cut(order.shipped_at)
    received = cut(order.received_at)
    closed = cut(order.closed_at)
    ended = closed is not None or received is not None
    status = status_at(
        order.paid_at, order.hold_until, order.cancel_requested_at, order.shipped_at,
        order.dispute_at, order.received_at, order.closed_at, when,
    )  # fmt: skip
    part_shipped = cut(order.part_shipped_at)
    refund = cut(order.refund_at)
    if order.platform == "shopify":
        status = shopify_status(status, order.payment_due, part_shipped)
    return _replace(
        order,
        status=status,
        paid_at=paid,
        hold_until=cut(order.hold_until),
        ship_deadline=order.ship_deadline if paid is not None else None,
        cancel_requested_at=requested,
        cancel_rejected=order.cancel_rejected and shipped is not None,
        shipped_at=shipped,
        tracking=order.tracking if shipped is not None else "",
        dispute_at=cut(order.dispute_at),
        received_at=received,
        closed_at=closed,
        close_cause=order.close_cause if closed is not None else None,
        cancel_reason=order.cancel_reason if (requested or closed) else None,
        end_code=order.end_code if ended else "",
        cancel_code=order.cancel_code if (requested or closed) else "",
        part_shipped_at=part_shipped,
        refund_at=refund,
        refund_cents=order.refund_cents if refund is not None else 0,
    )


_FIELDS = tuple(f.name for f in dataclasses.fields(SimOrder))


def _replace(order: SimOrder, **changes: Any) -> SimOrder:
    """dataclasses.replace without its per-call field introspection (hot in big exports)."""
    return SimOrder(*[changes[n] if n in changes else getattr(order, n) for n in _FIELDS])
