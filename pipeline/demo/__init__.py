"""Realistic, deterministic marketplace order-export simulator (`storehealth demo`, tests, benchmarks).

Real exports cannot be shipped with the project (they hold buyer data), yet the ingest, the
metrics and the benchmarks need files that look and behave like the real ones: AliExpress
batch exports (Chinese or English headers, ``.xls`` / ``.xlsx`` / ``.csv``), eBay Seller Hub
"Orders" reports, 1688 exports and Shopify ``orders_export.csv`` files, taken every few weeks as
rolling 90-day windows in which orders change state between exports.

The modules, in the order data flows through them:

- ``simulation``: :func:`simulate_orders` draws whole lifecycles (``lifecycles``) of orders
  (``orders``) of a store's products (``catalogue``) by its buyers (``buyers``);
- ``orders``: :func:`state_as_of` cuts a lifecycle at an export time;
- ``rolling_export``: :func:`export_table` renders a rolling export as header + string rows,
  in the platform's own vocabulary and formats (``renderers``, one module a platform);
- ``writers``: :func:`write_export` writes it as the platform's file;
- ``dataset``: the demo's four stores, and :func:`write_demo_exports` for the demo folder.

The answer a correct ingest must reproduce is computed by the tests' oracle
(``tests/demo_oracle.py``), not here.
"""

from pipeline.demo.dataset import DEMO_TODAY, DemoStore, demo_stores, write_demo_exports
from pipeline.demo.orders import PLATFORMS, Buyer, SimItem, SimOrder, state_as_of
from pipeline.demo.renderers.alibaba1688 import HEADERS_1688, REASON_HEADERS_1688
from pipeline.demo.renderers.aliexpress import (
    ALI_HEADERS_EN,
    ALI_HEADERS_ZH,
    ALI_PRODUCT_INFO_HEADER,
    ALI_REASON_HEADERS_EN,
    ALI_REASON_HEADERS_ZH,
)
from pipeline.demo.renderers.ebay import EBAY_HEADERS, EBAY_REASON_HEADERS
from pipeline.demo.renderers.shopify import SHOPIFY_HEADERS, SHOPIFY_ITEM_ROW_CELLS
from pipeline.demo.rolling_export import export_table, rolling_window
from pipeline.demo.simulation import simulate_orders
from pipeline.demo.writers import XLS_MAX_ROWS, XLSX_MAX_ROWS, write_export

__all__ = [
    "ALI_PRODUCT_INFO_HEADER",
    "ALI_HEADERS_EN",
    "ALI_HEADERS_ZH",
    "ALI_REASON_HEADERS_EN",
    "ALI_REASON_HEADERS_ZH",
    "DEMO_TODAY",
    "EBAY_HEADERS",
    "EBAY_REASON_HEADERS",
    "HEADERS_1688",
    "PLATFORMS",
    "REASON_HEADERS_1688",
    "SHOPIFY_HEADERS",
    "SHOPIFY_ITEM_ROW_CELLS",
    "XLS_MAX_ROWS",
    "XLSX_MAX_ROWS",
    "Buyer",
    "DemoStore",
    "SimItem",
    "SimOrder",
    "demo_stores",
    "export_table",
    "rolling_window",
    "simulate_orders",
    "state_as_of",
    "write_demo_exports",
    "write_export",
]
