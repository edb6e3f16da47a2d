"""eBay Seller Hub "Orders" reports: one row per line item, cancel status columns."""

from __future__ import annotations

from datetime import timedelta

from pipeline.demo.orders import SimOrder
from pipeline.demo.renderers.cells import ebay_date, money

EBAY_HEADERS = [
    "Sales Record Number", "Order Number", "Buyer Username", "Buyer Name", "Buyer Email",
    "Buyer Note", "Buyer Address 1", "Buyer Address 2", "Buyer City", "Buyer State", "Buyer Zip",
    "Buyer Country", "Ship To Name", "Ship To Phone", "Ship To Address 1", "Ship To Address 2",
    "Ship To City", "Ship To State", "Ship To Zip", "Ship To Country", "Item Number",
    "Item Title", "Custom Label", "Sold Via Promoted Listings", "Quantity", "Sold For",
    "Shipping And Handling", "Seller Collected Tax", "eBay Collected Tax", "Total Price",
    "eBay Collected Tax and Fees Included in Total", "Payment Method", "Sale Date",
    "Paid On Date", "Ship By Date", "Minimum Estimated Delivery Date",
    "Maximum Estimated Delivery Date", "Shipped On Date", "Feedback Left", "Feedback Received",
    "My Item Note", "PayPal Transaction ID", "Shipping Service", "Tracking Number",
    "Transaction ID", "Variation Details", "Global Shipping Program",
    "Global Shipping Reference ID", "Click And Collect", "Click And Collect Reference Number",
    "eBay Plus",
]  # fmt: skip
EBAY_REASON_HEADERS = ["Cancel Status", "Cancel Reason"]


def _ebay_cancel_status(o: SimOrder) -> str:
    if o.closed_at is not None:
        return o.end_code
    if o.cancel_rejected:
        return "CANCEL_REJECTED"
    if o.cancel_requested_at is not None:
        return "CANCEL_REQUESTED"
    return ""


def ebay_table(states: list[SimOrder], with_reasons: bool) -> tuple[list[str], list[list[str]]]:
    """The Orders report: one row a line item, each repeating its order's cells."""
    headers = EBAY_HEADERS + (EBAY_REASON_HEADERS if with_reasons else [])
    rows = []
    for o in states:
        b = o.buyer
        d = o.ship_deadline
        min_d = ebay_date(d + timedelta(days=2)) if d else ""
        max_d = ebay_date(d + timedelta(days=6)) if d else ""
        cancel = [_ebay_cancel_status(o), o.cancel_code] if with_reasons else []
        for it in o.items:
            variation = f"[{it.attrs.replace(': ', ':').replace('; ', ',')}]" if it.attrs else ""
            rows.append([
                str(o.record_no), o.order_id, b.buyer_id, b.name, b.email, o.remark, b.street, "",
                b.city, b.state, b.zip, b.country, b.name, b.mobile, b.street, "", b.city, b.state,
                b.zip, b.country, it.item_number, it.title, it.sku,
                "Yes" if o.variant < 15 else "No", str(it.quantity), "$" + money(it.unit_cents),
                "$" + money(o.shipping_cents), "$0.00", "$" + money(o.tax_cents),
                "$" + money(o.total_cents), "Yes", "eBay Payments",
                ebay_date(o.created_at.date()), ebay_date(o.paid_at.date() if o.paid_at else None),
                ebay_date(d), min_d, max_d,
                ebay_date(o.shipped_at.date() if o.shipped_at else None), "", "", "", "",
                o.shipping_method, o.tracking, it.line_id, variation,
                "No", "", "No", "", "No", *cancel,
            ])  # fmt: skip
    return headers, rows
