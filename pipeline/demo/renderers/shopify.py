"""Shopify orders_export.csv: 79 columns, one row per line item, the shop's local times."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta

from pipeline.demo.orders import SimOrder
from pipeline.demo.renderers.cells import money
from pipeline.demo.shopify_store import SHOP_PROVINCE_NAMES, SHOP_TAX, SHOP_VENDOR

# Shopify Admin > Orders > Export, "Plain CSV file": the current 79-column header
# (tests/fixtures/real_layouts/SOURCES.md section 2). No reason columns: a cancelled order has
# only its Cancelled at.
SHOPIFY_HEADERS = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City",
    "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone", "Notes",
    "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount",
    "Vendor", "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags",
    "Risk Level", "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name",
    "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name",
    "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name",
    "Shipping Province Name", "Payment ID", "Payment Terms Name", "Next Payment Due At",
    "Payment References",
]  # fmt: skip
# The cells a line item's row repeats below its order's first row; every other cell is empty.
SHOPIFY_ITEM_ROW_CELLS = frozenset({
    "Name", "Email", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
    "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Vendor", "Lineitem discount", "Phone",
})  # fmt: skip


@functools.lru_cache(maxsize=1024)
def _eastern_offset(d: date) -> str:
    """The Shopify demo shop's UTC offset on day `d`: US Eastern, daylight saving from the
    second Sunday of March to the first Sunday of November (the hour of the switch ignored)."""
    march = date(d.year, 3, 8)
    start = march + timedelta(days=(6 - march.weekday()) % 7)
    november = date(d.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return "-0400" if start <= d < end else "-0500"


def _t_shopify(t: datetime | None) -> str:
    """``2024-03-05 14:22:10 -0500``: the shop's local time and its UTC offset."""
    return "" if t is None else f"{t.isoformat(' ', 'seconds')} {_eastern_offset(t.date())}"


_SHOP_COL = {h: k for k, h in enumerate(SHOPIFY_HEADERS)}


def _shopify_financial(o: SimOrder) -> str:
    if o.closed_at is not None:  # cancelled or returned: refunded if it was paid, else voided
        return "refunded" if o.paid_at is not None else "voided"
    if o.refund_at is not None:
        return "partially_refunded"
    if o.paid_at is not None:
        return "paid"
    return "authorized" if o.payment_due == "on_capture" else "pending"


@functools.lru_cache(maxsize=4096)
def _shopify_item_name(title: str, attrs: str) -> str:
    """``Title - Black / M``: Shopify's Lineitem name, the variant's option values after it."""
    if not attrs:
        return title
    return f"{title} - {' / '.join(a.partition(': ')[2] for a in attrs.split('; '))}"


def shopify_table(states: list[SimOrder]) -> tuple[list[str], list[list[str]]]:
    """Shopify's orders_export.csv: one row per line item. The first row of each Name holds the
    order's cells; the rows below repeat only SHOPIFY_ITEM_ROW_CELLS."""
    c = _SHOP_COL
    n = len(SHOPIFY_HEADERS)
    rows = []
    for o in states:
        b = o.buyer
        created = _t_shopify(o.created_at)
        shipped = o.shipped_at is not None
        partial = not shipped and o.part_shipped_at is not None
        unpaid = o.paid_at is None and o.closed_at is None
        shop_id = str(5_612_000_000_000 + (o.record_no - 10_001) * 1_337 + o.variant)
        gateway = o.payment_method not in ("Cash on Delivery (COD)", "Bank Deposit")
        reference = f"c{int(shop_id) * 7 % 10**11 + 2 * 10**11}.1" if gateway else ""
        street1, _, street2 = b.street.partition(", ")
        zip_ = f"'{b.zip}" if b.zip[:1] == "0" else b.zip  # as Shopify keeps a leading zero
        province = SHOP_PROVINCE_NAMES[(b.country_code, b.state)]
        rate = SHOP_TAX[(b.country_code, b.state)]
        if o.quantity >= 10:
            tags = "wholesale"
        elif o.variant >= 94:
            tags = "vip, repeat"
        else:
            tags = ""
        first = [""] * n
        for header, value in (
            ("Financial Status", _shopify_financial(o)), ("Paid at", _t_shopify(o.paid_at)),
            ("Fulfillment Status", "fulfilled" if shipped else "partial" if partial
             else "unfulfilled"),
            ("Fulfilled at", _t_shopify(o.shipped_at)),
            ("Accepts Marketing", "yes" if o.variant % 3 == 0 else "no"), ("Currency", "USD"),
            ("Subtotal", money(o.items_cents - o.discount_cents)),
            ("Shipping", money(o.shipping_cents)), ("Taxes", money(o.tax_cents)),
            ("Total", money(o.total_cents)), ("Discount Code", o.discount_code),
            ("Discount Amount", money(o.discount_cents)),
            ("Shipping Method", o.shipping_method),
            ("Billing Name", b.name), ("Billing Street", b.street), ("Billing Address1", street1),
            ("Billing Address2", street2), ("Billing City", b.city), ("Billing Zip", zip_),
            ("Billing Province", b.state), ("Billing Country", b.country_code),
            ("Billing Phone", b.phone), ("Shipping Name", b.name), ("Shipping Street", b.street),
            ("Shipping Address1", street1), ("Shipping Address2", street2),
            ("Shipping City", b.city), ("Shipping Zip", zip_), ("Shipping Province", b.state),
            ("Shipping Country", b.country_code), ("Shipping Phone", b.phone),
            ("Notes", o.remark),
            ("Cancelled at", _t_shopify(o.closed_at) if not shipped else ""),
            ("Payment Method", o.payment_method), ("Payment Reference", reference),
            ("Refunded Amount", money(o.refund_cents)),
            ("Outstanding Balance", money(o.total_cents if unpaid else 0)),
            ("Id", shop_id), ("Tags", tags), ("Risk Level", "Medium" if o.variant < 2 else "Low"),
            ("Source", "web"),
            ("Tax 1 Name", f"{b.state} State Tax {rate:g}%" if o.tax_cents else ""),
            ("Tax 1 Value", money(o.tax_cents) if o.tax_cents else ""),
            ("Billing Province Name", province), ("Shipping Province Name", province),
            ("Payment ID", reference), ("Payment References", reference),
        ):  # fmt: skip
            first[c[header]] = value
        for k, it in enumerate(o.items):
            row = first if k == 0 else [""] * n
            row[c["Name"]] = o.order_id
            row[c["Email"]] = b.email
            row[c["Created at"]] = created
            row[c["Phone"]] = b.phone
            row[c["Vendor"]] = SHOP_VENDOR
            row[c["Lineitem discount"]] = "0.00"
            row[c["Lineitem quantity"]] = str(it.quantity)
            row[c["Lineitem name"]] = _shopify_item_name(it.title, it.attrs)
            row[c["Lineitem price"]] = money(it.unit_cents)
            if int(it.sku[4:]) % 3 == 0:  # on sale: the price it was before
                row[c["Lineitem compare at price"]] = money(it.unit_cents * 5 // 4)
            row[c["Lineitem sku"]] = it.sku
            row[c["Lineitem requires shipping"]] = "true"
            row[c["Lineitem taxable"]] = "true"
            row[c["Lineitem fulfillment status"]] = (
                "fulfilled" if shipped or (partial and k == 0) else "pending")
            rows.append(row)
    return list(SHOPIFY_HEADERS), rows
