"""Reports that platforms offer beside their order export, told apart by their headers.

A seller who downloads the wrong report (eBay's Payments "Transaction report" instead of the
Orders report, Taobao's 宝贝报表 instead of the 订单报表, a Shopify products export ...) is
told which report it is and where the order export is, not that the headers match nothing.
The signatures are headers each report has and an order export lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.i18n import _
from pipeline.text import normalize_header


@dataclass(frozen=True)
class OtherReport:
    """A platform report that is not its order export."""

    key: str
    signature: tuple[str, ...]
    needed: int  # how many signature headers a header row must carry


OTHER_REPORTS = (
    OtherReport("ebay_transactions", ("Transaction creation date", "Type", "Net amount", "Payout ID",
                                      "Payout date", "Gross transaction amount",
                                      "Final Value Fee - fixed"), 3),
    OtherReport("ebay_earnings", ("Order creation date", "Order earnings", "Gross amount",
                                  "Total selling costs", "Expenses"), 3),
    OtherReport("ebay_listings", ("Item number", "Available quantity", "Start price", "Format",
                                  "Start date", "End date"), 4),
    OtherReport("shopify_transactions", ("Order", "Kind", "Gateway", "Card Type", "Amount", "Status"), 4),
    OtherReport("shopify_payouts", ("Payout Date", "Charges", "Refunds", "Adjustments",
                                    "Reserved Funds", "Fees"), 4),
    OtherReport("shopify_products", ("Handle", "Body (HTML)", "Variant SKU", "Variant Price",
                                     "Option1 Name"), 3),
    OtherReport("shopify_customers", ("First Name", "Last Name", "Total Spent", "Total Orders",
                                      "Accepts Email Marketing", "Accepts Marketing"), 3),
    OtherReport("taobao_items", ("订单编号", "标题", "价格", "购买数量", "外部系统编号", "商品属性",
                                 "套餐信息", "商家编码"), 5),
)  # fmt: skip


def _what(key: str) -> tuple[str, str]:
    """(what the file is, where the order export is) for a report key."""
    texts = {
        "ebay_transactions": (
            _("this is eBay's Payments Transaction report (one row per money movement), not the Orders "
              "report"),
            _("download the Orders report instead: Seller Hub > Orders > Download report (or Reports > "
              "Downloads > Orders), then ingest that file"),
        ),
        "ebay_earnings": (
            _("this is eBay's Order earnings report (money per order), not the Orders report"),
            _("download the Orders report instead: Seller Hub > Orders > Download report, then ingest "
              "that file"),
        ),
        "ebay_listings": (
            _("this is an eBay listings report (one row per listing), not the Orders report"),
            _("download the Orders report instead: Seller Hub > Orders > Download report, then ingest "
              "that file"),
        ),
        "shopify_transactions": (
            _("this is Shopify's transactions export (one row per payment), not the orders export"),
            _("export the orders instead: Shopify admin > Orders > Export, then ingest orders_export.csv"),
        ),
        "shopify_payouts": (
            _("this is a Shopify Payments payouts export, not the orders export"),
            _("export the orders instead: Shopify admin > Orders > Export, then ingest orders_export.csv"),
        ),
        "shopify_products": (
            _("this is Shopify's products export, not the orders export"),
            _("export the orders instead: Shopify admin > Orders > Export, then ingest orders_export.csv"),
        ),
        "shopify_customers": (
            _("this is Shopify's customers export, not the orders export"),
            _("export the orders instead: Shopify admin > Orders > Export, then ingest orders_export.csv"),
        ),
        "taobao_items": (
            _("this is Taobao's item report (宝贝报表, one row per item), not the order report (订单报表)"),
            _("ingest the order report the same export gave (ExportOrderList….csv, 订单报表), which "
              "holds each order's times and totals"),
        ),
    }
    return texts[key]


def recognise_other_report(rows: list[list[str]]) -> tuple[int, str, str] | None:
    """(row index, what the file is, where the order export is) when a header row among `rows`
    is another report's."""
    best: tuple[int, int, OtherReport] | None = None
    for index, row in enumerate(rows):
        headers = {normalize_header(cell) for cell in row}
        for report in OTHER_REPORTS:
            hits = sum(1 for h in report.signature if normalize_header(h) in headers)
            if hits >= report.needed and (best is None or hits > best[0]):
                best = (hits, index, report)
    if best is None:
        return None
    what, where = _what(best[2].key)
    return best[1], what, where
